// End-to-end: looking inside any cell — the picker (cell, layer, direction, sample), the data
// strip, the LSTM's and the RNN's own views, and no chart named for a cell that is not shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, inkedPixels, canvasHash } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

const GRU = ['Update gate z', 'Reset gate r'];
const LSTM = ['Input gate', 'Forget gate', 'Output gate', 'Cell state', 'Additive path of the LSTM'];
const RNN = ['Saturation', 'One-step Jacobian norm'];

useSuite();

const heading = (page) => page.locator('#g-gates').innerText();
const pickText = (page) => page.locator('.picker .pick').innerText();
const imgs = (page, names) => Promise.all(names.map((n) => page.getByRole('img', { name: n, exact: true }).count()));

/** Waits until the inside heading names `cell`, then checks which views exist and are drawn. */
async function shows(page, cell, present, absent) {
  await page.waitForFunction((c) => document.querySelector('#g-gates')?.textContent === `Inside the ${c}, on one validation sequence`, cell);
  for (const name of [...present, 'Input and target']) {
    const img = page.getByRole('img', { name, exact: true });
    await img.waitFor();
    await img.scrollIntoViewIfNeeded();
    assert.ok((await inkedPixels(page, name)) > 1500, `${name} is drawn for the ${cell}`);
  }
  assert.deepEqual(await imgs(page, absent), absent.map(() => 0), `no ${absent.join(', ')} for the ${cell}`);
  assert.match(await page.locator('.equations figcaption').innerText(), new RegExp(`^The ${cell}, as this page computes it$`));
}

test('?cells=lstm,rnn shows the LSTM inside, and picking the RNN switches every label', async () => {
  const { page, errors } = await open(browser, server.url + '?cells=lstm,rnn&T=20&hidden=8', server.origin);
  await shows(page, 'LSTM', LSTM, [...GRU, ...RNN]);
  assert.match(await pickText(page), /^LSTM · validation sample 0$/);
  assert.match(await page.locator('.strip-caption').innerText(), /Marked: step \d+ \([0-9.]+\) and step \d+/);
  // The drill-down under an LSTM adds up: c = f·c(t−1) + i·g, h = o·tanh(c).
  await page.getByRole('button', { name: 'Pause' }).click();
  const f = page.getByRole('img', { name: 'Forget gate', exact: true });
  await f.scrollIntoViewIfNeeded();
  const box = await f.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.45);
  const dd = (k) => page.locator(`.drilldown dd[data-field=${k}]`).innerText().then(Number);
  await page.locator('.drilldown dd[data-field=f]').waitFor();
  const [i, fv, o, g, cp, c, h] = await Promise.all(['i', 'f', 'o', 'g', 'c_prev', 'c', 'h'].map(dd));
  assert.ok(Math.abs(fv * cp + i * g - c) < 2e-3, `c = f·c(t−1) + i·g: ${c} vs ${fv * cp + i * g}`);
  assert.ok(Math.abs(o * Math.tanh(c) - h) < 2e-3, `h = o·tanh(c): ${h} vs ${o * Math.tanh(c)}`);
  await page.getByRole('combobox', { name: 'Cell to look inside' }).selectOption({ label: 'RNN' });
  await shows(page, 'RNN', RNN, [...GRU, ...LSTM]);
  assert.match(await pickText(page), /^RNN · /);
  assert.deepEqual(errors, []);
  await page.close();
});

test('?cells=rnn and ?cells=gru,lstm label each chart with the cell it shows', async () => {
  let { page, errors } = await open(browser, server.url + '?cells=rnn&T=20', server.origin);
  await shows(page, 'RNN', RNN, [...GRU, ...LSTM]);
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await open(browser, server.url + '?cells=gru,lstm&T=20&hidden=8', server.origin));
  await shows(page, 'GRU', GRU, [...LSTM, ...RNN]);
  await page.getByRole('combobox', { name: 'Cell to look inside' }).selectOption({ label: 'LSTM' });
  await shows(page, 'LSTM', LSTM, [...GRU, ...RNN]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('layer, direction and sample picks change what is drawn and what the page says it shows', async () => {
  const { page, errors } = await open(browser, server.url + '?cells=gru,lstm&T=20&hidden=8&layers=2&bi=1', server.origin);
  await shows(page, 'GRU', GRU, LSTM);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(300);
  const z0 = await canvasHash(page, 'Update gate z');
  await page.getByRole('combobox', { name: 'Layer' }).selectOption({ value: '1' });
  await page.getByRole('combobox', { name: 'Direction' }).selectOption({ value: '1' });
  await page.waitForFunction(() => document.querySelector('.picker .pick').textContent.startsWith('GRU · layer 2 of 2 · backward'));
  // The backward direction's steps are its own processing order, and the time cursor says so.
  await page.waitForFunction(() => /^backward-pass step s/.test(document.querySelector('.cursor-controls label').textContent));
  assert.match(await page.locator('.cursor-controls .tpos').innerText(), /^s = \d+ \/ 20$/);
  await page.waitForTimeout(300);
  assert.notEqual(await canvasHash(page, 'Update gate z'), z0, 'another layer and direction, other gates');
  const s0 = await canvasHash(page, 'Input and target');
  await page.getByRole('button', { name: 'Next sample' }).click();
  await page.waitForFunction(() => /validation sample 1$/.test(document.querySelector('.picker .pick').textContent));
  await page.waitForTimeout(300);
  assert.notEqual(await canvasHash(page, 'Input and target'), s0, 'another sample, other data');
  await page.getByRole('button', { name: 'a sample it gets wrong' }).click();
  await page.waitForFunction(() => /\(the worst at step \d+\)$/.test(document.querySelector('.picker .pick').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

test('LSTM forget surgery rewrites its equations; the RNN drill-down shows its step with the numbers', async () => {
  let { page, errors } = await open(browser, server.url + '?cells=lstm&f=1&T=20&hidden=8', server.origin);
  await page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the LSTM, on one validation sequence');
  assert.equal(await page.locator('.equations figcaption').innerText(), 'The LSTM under gate surgery, as this page computes it');
  const eq = await page.getByRole('region', { name: 'LSTM equations' }).innerText();
  assert.match(eq, /✂ held/, eq);
  assert.doesNotMatch(eq, /f\s*t\s*⊙\s*c/, `f = 1 leaves c_t = c_(t−1) + i ⊙ g: ${eq}`);
  await page.locator('.equations').screenshot({ path: `${SHOTS}equations-lstm-f1.png` });
  assert.deepEqual(errors, []);
  await page.close();

  ({ page, errors } = await open(browser, server.url + '?cells=rnn&T=20&hidden=8', server.origin));
  await page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the RNN, on one validation sequence');
  await page.getByRole('button', { name: 'Pause' }).click();
  const sat = page.getByRole('img', { name: 'Saturation', exact: true });
  await sat.scrollIntoViewIfNeeded();
  const box = await sat.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.45);
  await page.locator('.drilldown dd[data-field=pre]').waitFor();
  const dd = (k) => page.locator(`.drilldown dd[data-field=${k}]`).innerText().then(Number);
  const [a, slope, h] = await Promise.all(['pre', 'slope', 'h'].map(dd));
  assert.ok(Math.abs(Math.tanh(a) - h) < 2e-3, `h = tanh(a): ${h} vs ${Math.tanh(a)}`);
  assert.ok(Math.abs(1 - Math.tanh(a) ** 2 - slope) < 2e-3, `slope = 1 − tanh²(a): ${slope}`);
  const math = await page.locator('.drilldown math').textContent();
  assert.match(math, /tanh/, math);
  const shown = [...math.matchAll(/\d+\.\d{3}/g)].map((m) => Number(m[0]));
  assert.ok(shown.some((n) => Math.abs(n - Math.abs(a)) <= 1.1e-3), `the drilled a = ${a} is in the equations: ${math}`);
  await page.locator('.drilldown').screenshot({ path: `${SHOTS}drilldown-rnn.png` });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the pick is in the link: inside=run.layer.dir.sample loads it and follows it; a bad one is named', async () => {
  let { page, errors } = await open(browser, server.url + '?cells=gru,lstm&T=20&hidden=8&inside=1.0.0.3', server.origin);
  await shows(page, 'LSTM', LSTM, GRU);
  await page.waitForFunction(() => /^LSTM · validation sample 3$/.test(document.querySelector('.picker .pick').textContent));
  assert.match(page.url(), /cells=gru,lstm.*&inside=1\.0\.0\.3$/);
  await page.getByRole('button', { name: 'Next sample' }).click();
  await page.waitForFunction(() => /inside=1\.0\.0\.4$/.test(location.search));
  assert.deepEqual(errors, []);
  await page.close();
  ({ page, errors } = await open(browser, server.url + '?cells=rnn&inside=banana', server.origin));
  await shows(page, 'RNN', RNN, [...GRU, ...LSTM]);
  assert.match(await page.getByRole('alert').innerText(), /inside: 'banana' is not run\.layer\.direction\.sample/);
  assert.doesNotMatch(page.url(), /inside=/, 'the default pick stays out of the link');
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots with an LSTM picked at 1280×800 and 1920×1080', async () => {
  for (const [width, height] of [[1280, 800], [1920, 1080]]) {
    const { page, errors } = await open(browser, server.url + '?cells=lstm,gru&T=30', server.origin, { width, height });
    await shows(page, 'LSTM', LSTM, GRU);
    await page.waitForTimeout(1500);
    // The inside section's heading just below the sticky controls bar.
    await page.evaluate(() => window.scrollTo(0, document.querySelector('#g-gates').getBoundingClientRect().top + window.scrollY - 64));
    await page.screenshot({ path: `${SHOTS}inside-lstm-${width}x${height}.png` });
    await page.screenshot({ path: `${SHOTS}inside-lstm-${width}x${height}-full.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});
