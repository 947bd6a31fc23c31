// End-to-end: a TCN and a one-layer attention model trained beside a GRU (issue #12): the
// link trains all three, the Compare and cost tables have their rows, the sensitivity chart
// compares all three, the attention heatmap draws, a TCN run says it has no gates, and a
// combination they cannot take gives its message while training goes on; the length sweep
// draws final loss and measured ms per step against T for all three.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status, inkedPixels, waitStep } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const LINK = 'cells=gru,tcn,attn&task=adding&T=60';

test('a gru,tcn,attn link trains all three and draws their sensitivity and attention views', async () => {
  const { page, errors, foreign } = await open(browser, `${server.url}?${LINK}`, server.origin);
  await waitStep(page, 40);
  const rows = await page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();
  assert.deepEqual(rows, ['GRU', 'TCN', 'Attention'], 'three runs side by side');
  const cost = page.getByRole('table', { name: 'Cost per cell' });
  assert.deepEqual(await cost.locator('tbody th').allInnerTexts(), ['GRU', 'TCN', 'Attention']);
  const params = (await cost.locator('tbody td.params').allInnerTexts()).map((t) => Number(t.replace(/[\s,]/g, '')));
  assert.ok(params.every((p) => p > 100), `every row counts its parameters: ${params}`);
  const sens = page.getByRole('img', { name: 'Input sensitivity over lag', exact: true });
  await sens.scrollIntoViewIfNeeded();
  await page.waitForTimeout(600);
  assert.ok((await inkedPixels(page, 'Input sensitivity over lag')) > 1500, 'the sensitivity chart is drawn');
  const sentence = await page.locator('.sens-sentence').innerText();
  for (const label of ['GRU', 'TCN', 'Attention']) {
    assert.match(sentence, new RegExp(`${label} [0-9][0-9.e+−-]*`), `${label} has a value at the largest lag: ${sentence}`);
  }
  assert.match(sentence, /The TCN sees the last 64 inputs \(its receptive field, to the vertical line at lag 63\), here the whole sequence/, `the TCN's receptive field covers T = 60: ${sentence}`);
  const attn = page.getByRole('img', { name: 'Attention weights', exact: true });
  await attn.scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  assert.ok((await inkedPixels(page, 'Attention weights')) > 3000, 'the attention heatmap is drawn');
  assert.match(await page.locator('.attn-sentence').innerText(), /60 × 60 \(positions 0 to 59\): the last position reads position \d+ most/);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(500);
  const section = page.locator('#v-models');
  await section.scrollIntoViewIfNeeded();
  const box = await section.boundingBox();
  await page.screenshot({ path: SHOTS + 'models.png', clip: { x: 0, y: Math.max(0, box.y - 10), width: 1280, height: 800 } });
  const compare = page.locator('#v-compare');
  await compare.scrollIntoViewIfNeeded();
  await compare.screenshot({ path: SHOTS + 'models-compare.png' });
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(foreign, [], 'no request outside the origin');
  await page.close();
});

test('a TCN too shallow for the sequence: the strip shades what its last output sees, and beyond it the sensitivity is 0', async () => {
  const { page, errors } = await open(browser, `${server.url}?cells=gru,tcn&task=adding&T=40&tcn_levels=3`, server.origin);
  await waitStep(page, 20);
  assert.match(await page.locator('.strip-caption').innerText(),
    /Shaded: the only steps the TCN's last output can see, 33–40 \(its receptive field, 8 steps\); nothing before step 33 can change it\./);
  const sens = page.getByRole('img', { name: 'Input sensitivity over lag', exact: true });
  await sens.scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  assert.match(await page.locator('.sens-sentence').innerText(), /TCN 0\b.*The TCN sees the last 8 inputs .*beyond it its sensitivity is exactly 0/);
  await page.locator('.strip').screenshot({ path: SHOTS + 'models-tcn-window.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('looking inside the TCN says it has no gates and shows its equations', async () => {
  const { page, errors } = await open(browser, `${server.url}?${LINK}&inside=1.0.0.0`, server.origin);
  await waitStep(page, 10);
  await page.locator('.no-gates').waitFor({ state: 'visible' });
  assert.match(await page.locator('.no-gates').innerText(), /The TCN has no gates and no hidden state/);
  await page.getByRole('region', { name: 'TCN equations' }).waitFor();
  assert.match(await page.locator('.equations figcaption').innerText(), /The TCN, as this page computes it/);
  const eq = page.locator('#v-equations');
  await eq.screenshot({ path: SHOTS + 'models-tcn-equations.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a combination a TCN cannot take gives its message and training goes on', async () => {
  const { page, errors } = await open(browser, `${server.url}?cells=gru,tcn&bi=1&T=30`, server.origin);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /TCN is one-way and without recurrence, so bi=1 cannot apply/);
  await waitStep(page, 5);
  const s0 = await status(page);
  await waitStep(page, s0.step + 20);
  const rows = await page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();
  assert.deepEqual(rows, ['GRU'], 'the GRU trains on without the refused TCN');
  assert.deepEqual(errors, []);
  await page.close();
});

async function setField(page, name, value) {
  const input = page.locator(`input[name="${name}"]`);
  await input.fill(value);
  await input.dispatchEvent('change');
}

test('a sweep with the TCN and attention draws final loss and ms per step against T, and says how each grew', async () => {
  const { page, errors } = await open(browser, `${server.url}?cells=gru,tcn,attn&task=adding&T=20&hidden=16`, server.origin);
  await waitStep(page, 5);
  await setField(page, 'sweep-lengths', '20, 80');
  await setField(page, 'sweep-steps', '40');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const timing = page.locator('.sweep-timing');
  await timing.filter({ hasText: 'time per training step grew' }).waitFor({ timeout: 180_000 });
  const text = await timing.innerText();
  const num = '([0-9]+(?:\\.[0-9])?)';
  const m = text.match(new RegExp(`^From T 20 to T 80 \\(×4\\.0\\) the time per training step grew: GRU ×${num} measured \\(×${num} by the FLOPs formula\\); TCN ×${num} measured \\(×${num}\\); Attention ×${num} measured \\(×${num}\\)\\.$`));
  assert.ok(m, text);
  const [gruF, attnF] = [Number(m[2]), Number(m[6])];
  assert.ok(gruF > 3.5 && gruF < 4.5, `a GRU step's FLOPs grow as T: ${text}`);
  assert.ok(attnF > gruF, `attention's grow faster (its T × T scores): ${text}`);
  for (const r of [m[1], m[3], m[5]]) assert.ok(Number(r) > 0, `a measured ratio is positive: ${text}`);
  await page.waitForTimeout(400); // one redraw
  for (const name of ['Final loss vs T', 'ms per step vs T']) {
    const chart = page.getByRole('img', { name, exact: true });
    await chart.scrollIntoViewIfNeeded();
    assert.ok((await inkedPixels(page, name)) > 1500, `${name} is drawn`);
  }
  const view = page.locator('.view.sweep');
  await view.scrollIntoViewIfNeeded();
  await view.screenshot({ path: SHOTS + 'models-sweep-timing.png' });
  const a = await page.getByRole('img', { name: 'Final loss vs T', exact: true }).boundingBox();
  const b = await page.getByRole('img', { name: 'ms per step vs T', exact: true }).boundingBox();
  assert.ok(Math.abs(a.y - b.y) < a.height / 2 && b.x > a.x + a.width, `the two charts side by side at 1280 px: ${JSON.stringify([a, b])}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('tcn_kernel=, heads= and positions= links shape the TCN and attention: receptive field, cost row, equations; a head count that does not divide hidden is named', async () => {
  const { page, errors } = await open(browser, `${server.url}?cells=gru,tcn&task=adding&T=40&tcn_levels=3&tcn_kernel=3`, server.origin);
  await waitStep(page, 10);
  assert.equal(await page.locator('input[name=tcn_kernel]').inputValue(), '3', 'the form shows the kernel');
  // Kernel 3, dilations 1, 2, 4: 1 + 2·7 = 15 steps (kernel 2 saw 8).
  assert.match(await page.locator('.strip-caption').innerText(),
    /Shaded: the only steps the TCN's last output can see, 26–40 \(its receptive field, 15 steps\); nothing before step 26 can change it\./);
  const cost = page.getByRole('table', { name: 'Cost per cell' });
  const params = (await cost.locator('tbody td.params').allInnerTexts()).map((t) => Number(t.replace(/[\s,]/g, '')));
  assert.equal(params[1], 1745, `three taps per level: ${params}`);
  await page.locator('.strip').screenshot({ path: SHOTS + 'models-tcn-kernel3.png' });
  await page.close();

  const p2 = await open(browser, `${server.url}?cells=gru,attn&task=adding&T=20&heads=4&positions=learned&inside=1.0.0.0`, server.origin);
  await waitStep(p2.page, 10);
  await p2.page.getByRole('region', { name: 'Attention equations' }).waitFor();
  assert.match(await p2.page.locator('#v-equations').innerText(), /4 heads of D\/4 dimensions each/);
  assert.match(await p2.page.locator('#v-equations').innerText(), /learned positions pos_t \(one trained vector per step, T × D weights\)/);
  assert.equal(await p2.page.locator('select[name=positions]').inputValue(), 'learned', 'the form shows the positions');
  await p2.page.locator('#v-equations').screenshot({ path: SHOTS + 'models-attn-heads.png' });
  await p2.page.close();

  const p3 = await open(browser, `${server.url}?cells=gru,attn&hidden=16&heads=3`, server.origin);
  const alert = p3.page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /heads: 3 heads cannot split the attention's width of 16 hidden units evenly \(each head gets hidden\/heads dimensions\); use 1, 2, 4, 8, 16/);
  await waitStep(p3.page, 10);
  const rows = await p3.page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();
  assert.deepEqual(rows, ['GRU', 'Attention'], 'attention trains on with one head');
  assert.deepEqual([...errors, ...p2.errors, ...p3.errors], []);
  await p3.page.close();
});
