// End-to-end: time travel over training (scrub to an early step and the gates are the past
// model's; rewind and the step counter restarts there) and your own sequence (a typed adding-
// problem sequence becomes the inspected sample; a bad one is named and changes nothing; a
// temporal-order one gets the task's target or says it has none; drawing on the strip makes a
// sequence; exports while viewing the past carry the viewed step).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { open, waitStep, status, canvasHash } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const travelText = (page) => page.locator('[data-travel]').innerText();
const pickText = (page) => page.locator('.picker .pick').innerText();
const caption = (page) => page.locator('.strip-caption').innerText();
const Z = 'Update gate z';

/** Waits until the gate heatmap's pixels stop changing between two reads 300 ms apart. */
async function settledHash(page, name) {
  let last = await canvasHash(page, name);
  for (;;) {
    await page.waitForTimeout(300);
    const h = await canvasHash(page, name);
    if (h === last) return h;
    last = h;
  }
}

test('scrubbing to an early step shows that step\'s gates; rewinding restarts the step counter there', async () => {
  const { page, errors } = await open(browser, server.url + '?T=20&hidden=8', server.origin);
  await waitStep(page, 300, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => /training paused/.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  const live = (await status(page)).step;
  const liveText = await travelText(page);
  assert.match(liveText, new RegExp(`^Live: step ${live} — training paused\\. The model is kept at \\d+ earlier steps, every \\d+ steps`));
  // Every 25 steps, doubled each time the 32 slots fill: 25, 50, 100, …
  const every = Number(/every (\d+) steps/.exec(liveText)[1]);
  assert.ok([25, 50, 100, 200, 400].includes(every), liveText);
  const kept = Number(/kept at (\d+) earlier/.exec(liveText)[1]);
  assert.equal(kept, Math.floor((live - 1) / every) + 1, 'step 0 and every spacing up to the live step');
  await page.getByRole('img', { name: Z, exact: true }).scrollIntoViewIfNeeded();
  const liveGates = await settledHash(page, Z);
  assert.equal(await page.locator('.past-banner').count(), 0, 'no banner while live');

  await page.getByRole('slider', { name: 'Training step to view' }).fill('1');
  await page.waitForFunction((e) => document.querySelector('[data-travel]')?.textContent.startsWith(`Viewing step ${e} of `), every);
  assert.equal(await travelText(page), `Viewing step ${every} of ${live} — training paused`);
  await page.waitForFunction((e) => document.querySelector('.picker .pick')?.textContent.endsWith(`the model of training step ${e}`), every);
  assert.equal(await pickText(page), `GRU · validation sample 0 · the model of training step ${every}`);
  const banners = await page.locator('.past-banner').allInnerTexts();
  assert.equal(banners.length, 2, 'one banner over the gradient-flow views, one over the gates');
  assert.ok(banners.every((b) => b.startsWith(`The views here show the model as it was at training step ${every}, not the live one`)), banners.join(' | '));
  const pastGates = await settledHash(page, Z);
  assert.notEqual(pastGates, liveGates, `the gates of step ${every} differ from the live ones`);
  await page.screenshot({ path: SHOTS + 'travel-past.png', fullPage: false });
  await page.locator('.travel').screenshot({ path: SHOTS + 'travel-scrubber.png' });

  await page.getByRole('button', { name: 'Back to live' }).click();
  await page.waitForFunction(() => /^Live: /.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  assert.equal(await settledHash(page, Z), liveGates, 'back to live: the live gates again');
  assert.equal((await status(page)).step, live, 'viewing the past did not train or rewind');

  await page.getByRole('slider', { name: 'Training step to view' }).fill('2');
  const back = 2 * every;
  await page.waitForFunction((b) => document.querySelector('[data-travel]')?.textContent.startsWith(`Viewing step ${b} of `), back);
  await page.getByRole('button', { name: 'Rewind training to here (stays paused)' }).click();
  await page.waitForFunction((b) => new RegExp(`step ${b}\\b`).test(document.querySelector('[role=status]')?.textContent ?? ''), back);
  assert.equal((await status(page)).step, back, 'the step counter restarts from the snapshot');
  await page.waitForFunction((t) => document.querySelector('[data-travel]')?.textContent.startsWith(t),
    `Live: step ${back} — training paused. The model is kept at 2 earlier steps, every ${every} steps`);
  assert.equal(await page.locator('.past-banner').count(), 0);
  await page.getByRole('button', { name: 'Play' }).click();
  await waitStep(page, back + 30, { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a typed adding-problem sequence becomes the inspected sample; a bad one is named and the view stays', async () => {
  const { page, errors } = await open(browser, server.url + '?T=10&hidden=8', server.origin);
  await waitStep(page, 100, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const strip = page.getByRole('img', { name: 'Input and target', exact: true });
  await strip.scrollIntoViewIfNeeded();
  const before = await settledHash(page, 'Input and target');
  const valCaption = await caption(page);
  await page.locator('.your-seq summary').click();
  const box = page.getByRole('textbox', { name: 'Your sequence' });
  await box.fill('0.9 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.1 0.8 | 10 1');
  await page.getByRole('button', { name: 'Show the model this sequence' }).click();
  await page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU, on your sequence');
  await page.waitForFunction((c) => document.querySelector('.strip-caption')?.textContent !== c, valCaption);
  const mine = await caption(page);
  assert.match(mine, /^Marked: step 1 \(0\.900\) and step 10 \(0\.800\)\. Target: their sum 1\.700; the model predicts [0-9.-]+ at the last step\.$/);
  assert.match(await pickText(page), /^GRU · your sequence$/);
  const after = await settledHash(page, 'Input and target');
  assert.notEqual(after, before, 'the strip draws the typed sequence');
  assert.match(new URL(page.url()).search, /[?&]seq=0\.9,0\.1,0\.2,0\.3,0\.4,0\.5,0\.6,0\.7,0\.1,0\.8;1,10(&|$)/);
  await page.locator('.your-seq').screenshot({ path: SHOTS + 'travel-sequence.png' });
  await strip.screenshot({ path: SHOTS + 'travel-sequence-strip.png' });

  for (const [text, want] of [
    ['0.9 0.1 0.2 | 1 10', 'your sequence: 3 values, but T = 10 steps'],
    ['0.9 0.1 0.2 0.3 0.4 2 0.6 0.7 0.1 0.8 | 1 10', "your sequence: value at step 6 ('2', line 1, column 21) is not a number in 0…1"],
    ['0.9 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.1 0.8 | 1 11', "your sequence: marked step 2 ('11', line 1, column 45) is not a step number in 1…10"],
  ]) {
    await box.fill(text);
    await page.getByRole('button', { name: 'Show the model this sequence' }).click();
    await page.locator('.seq-error').filter({ hasText: want }).waitFor();
    assert.ok((await page.locator('.seq-error').innerText()).startsWith(want));
    await page.waitForTimeout(400);
    assert.equal(await caption(page), mine, 'the view keeps your last good sequence');
    assert.equal(await canvasHash(page, 'Input and target'), after);
  }
  await page.locator('.your-seq').screenshot({ path: SHOTS + 'travel-sequence-error.png' });

  // The link reproduces it.
  const link = page.url();
  await page.close();
  const again = await open(browser, link, server.origin);
  await again.page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU, on your sequence');
  await again.page.waitForFunction(() => /^Marked: step 1 \(0\.900\) and step 10 \(0\.800\)/.test(document.querySelector('.strip-caption')?.textContent ?? ''));
  assert.deepEqual([...errors, ...again.errors], []);
  await again.page.close();
});

/** Clicks the button named `name` and returns the download's { name, text }. */
async function grab(page, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  return { name: d.suggestedFilename(), text: (await readFile(await d.path())).toString('utf8') };
}

const showSeq = (page) => page.getByRole('button', { name: 'Show the model this sequence' }).click();
const onYours = (page) => page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU, on your sequence');

test('a typed temporal-order sequence gets the task\'s own target; without exactly two X/Y it says there is none', async () => {
  const { page, errors } = await open(browser, server.url + '?task=order&T=10&hidden=8', server.origin);
  await waitStep(page, 60, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator('.your-seq summary').click();
  assert.match(await page.locator('.your-seq .hint').innerText(), /^10 symbols of a b c d X Y B E; the target is the order of the two X\/Y/);
  const box = page.getByRole('textbox', { name: 'Your sequence' });
  await box.fill('B a Y b c X d a b E');
  await showSeq(page);
  await onYours(page);
  await page.waitForFunction(() => /^X\/Y at steps \[3, 6\]\. Answer YX;/.test(document.querySelector('.strip-caption')?.textContent ?? ''));
  assert.match(await caption(page), /^X\/Y at steps \[3, 6\]\. Answer YX; the model says (XX|XY|YX|YY)\.$/);
  assert.match(new URL(page.url()).search, /[?&]seq=B,a,Y,b,c,X,d,a,b,E(&|$)/);
  await page.getByRole('img', { name: 'Input and target', exact: true }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: SHOTS + 'sequence-order-1280x800.png' });

  await box.fill('B a Y b c X d Y b E');
  await showSeq(page);
  await page.waitForFunction(() => /^No target/.test(document.querySelector('.strip-caption')?.textContent ?? ''));
  assert.match(await caption(page), /^No target: the order is asked of exactly two X\/Y symbols; the prediction only: the model says (XX|XY|YX|YY)\.$/);
  const none = await caption(page);
  await box.fill('B a Y b c x d a b E');
  await showSeq(page);
  const want = "your sequence: step 6 ('x', line 1, column 11) is not one of: a b c d X Y B E";
  await page.locator('.seq-error').filter({ hasText: want }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await caption(page), none, 'a bad sequence keeps the view');
  // A click on step 2 of the input lane (drawn as symbols) takes the next symbol: a → b.
  const strip = page.getByRole('img', { name: 'Input and target', exact: true });
  const r = await strip.boundingBox();
  const plot = JSON.parse(await strip.getAttribute('data-plot'));
  await page.mouse.click(r.x + plot.x0 + (plot.x1 - plot.x0) * (1.5 / plot.cols), r.y + plot.y0 + (plot.y1 - plot.y0) * (0.5 / plot.lanes));
  await page.waitForFunction(() => document.querySelector('textarea')?.value === 'B b Y b c X d Y b E');
  await page.waitForFunction(() => /[?&]seq=B,b,Y,b,c,X,d,Y,b,E(&|$)/.test(location.search));
  assert.deepEqual(errors, []);
  await page.close();
});

test('drawing on the strip makes your sequence: the text box shows it and the views show the model on it', async () => {
  const { page, errors } = await open(browser, server.url + '?T=10&hidden=8', server.origin);
  await waitStep(page, 60, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator('.your-seq summary').click();
  const box = page.getByRole('textbox', { name: 'Your sequence' });
  const strip = page.getByRole('img', { name: 'Input and target', exact: true });
  await strip.scrollIntoViewIfNeeded();
  const r = await strip.boundingBox();
  // The plot area's geometry, as the page drew it (CSS pixels).
  const plot = JSON.parse(await strip.getAttribute('data-plot'));
  const lane = (i, frac) => r.y + plot.y0 + (plot.y1 - plot.y0) * ((i + 1 - (0.1 + 0.8 * frac)) / plot.lanes);
  const col = (c) => r.x + plot.x0 + (plot.x1 - plot.x0) * ((c + 0.5) / plot.cols);
  // Drag along the value lane (lane 0) at 75 % of its range, over steps 2…9.
  await page.mouse.move(col(1), lane(0, 0.75));
  await page.mouse.down();
  for (let c = 1; c <= 8; c++) await page.mouse.move(col(c), lane(0, 0.75), { steps: 2 });
  await page.mouse.up();
  await onYours(page);
  await page.waitForFunction(() => /^Marked: /.test(document.querySelector('.strip-caption')?.textContent ?? '') && /[?&]seq=/.test(location.search));
  const text = await box.inputValue();
  const m = /^([0-9. ]+) \| (\d+) (\d+)$/.exec(text);
  assert.ok(m, text);
  const vals = m[1].trim().split(' ').map(Number);
  assert.equal(vals.length, 10);
  for (let s = 1; s <= 8; s++) assert.ok(Math.abs(vals[s] - 0.75) <= 0.02, `step ${s + 1} drawn at 0.75: ${text}`);
  assert.match(await pickText(page), /^GRU · your sequence$/);
  // A click on the marker lane (lane 1) at step 5 moves the nearer mark there.
  const [a, b] = [Number(m[2]), Number(m[3])];
  await page.mouse.click(col(4), lane(1, 0.5));
  const near = Math.abs(5 - b) < Math.abs(5 - a) ? [a, 5] : [5, b];
  const marks = [...near].sort((x, y) => x - y);
  if (a !== 5 && b !== 5) {
    await page.waitForFunction((t) => document.querySelector('textarea')?.value.endsWith(t), `| ${marks[0]} ${marks[1]}`);
    const t = marks.map((s) => `step ${s} \\(${vals[s - 1].toFixed(3)}\\)`).join(' and ');
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.strip-caption')?.textContent ?? ''), `^Marked: ${t}\\.`);
  }
  assert.match(new URL(page.url()).search, new RegExp(`[?&]seq=${(await box.inputValue()).replace(' | ', ';').replaceAll(' ', ',').replaceAll('.', '\\.')}(&|$)`));
  await page.screenshot({ path: SHOTS + 'sequence-drawn-1280x800.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('while an earlier step is viewed, the saved run, the sample JSON and the PyTorch JSON carry that step', async () => {
  const { page, errors } = await open(browser, server.url + '?cells=gru_torch&T=12&hidden=6', server.origin);
  await waitStep(page, 120, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => /training paused/.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  const every = Number(/every (\d+) steps/.exec(await travelText(page))[1]);
  const live = (await status(page)).step;
  assert.ok(live > every, `${live}`);
  await page.getByRole('slider', { name: 'Training step to view' }).fill('1');
  await page.waitForFunction((e) => document.querySelector('[data-travel]')?.textContent.startsWith(`Viewing step ${e} of `), every);
  await page.waitForFunction((e) => document.querySelector('.picker .pick')?.textContent.endsWith(`the model of training step ${e}`), every);
  const saved = await grab(page, 'Save run');
  assert.equal(saved.name, `gru-lens-gru_torch-adding-step${every}.json`);
  const run = JSON.parse(saved.text);
  assert.equal(run.runs[0].checkpoint.step, every, 'the saved run is the viewed snapshot');
  const sample = await grab(page, 'Sample JSON');
  assert.equal(JSON.parse(sample.text).step, every);
  assert.match(sample.name, new RegExp(`-step${every}\\.json$`));
  const torch = await grab(page, 'PyTorch JSON');
  assert.match(torch.name, new RegExp(`-step${every}\\.pytorch\\.json$`));
  // The exported weights are the snapshot's: those of the saved run's checkpoint.
  const sd = JSON.parse(torch.text);
  const ckpt = JSON.stringify(run.runs[0].checkpoint);
  const w0 = sd.weight_hh_l0.flat()[0];
  assert.ok(ckpt.includes(String(w0)), `weight_hh_l0[0][0] = ${w0} is in the saved snapshot`);
  assert.equal((await status(page)).step, live, 'exporting the past changed nothing live');
  assert.deepEqual(errors, []);
  await page.close();
});
