// End-to-end: the lab capabilities the interview questions need — the cost table per cell
// (H, params, FLOPs, memory, measured ms/step), the equal parameter budget, the Loss chart
// against seconds, a small fixed training set that over-fits, sine + bidirectional refused, and
// a short length sweep that finishes and draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, waitStep, canvasHash, inkedPixels } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

/** The cost table's rows as { cell, H, params, paramsTip, flops, memory, ms }. */
const costRows = (page) => page.getByRole('table', { name: 'Cost per cell' }).evaluate((t) =>
  [...t.tBodies[0].rows].map((r) => ({
    cell: r.cells[0].textContent, H: Number(r.cells[1].textContent),
    params: Number(r.cells[2].textContent.replace(/\s/g, '')), paramsTip: r.cells[2].title,
    flops: r.cells[3].textContent, memory: r.cells[4].textContent, ms: r.cells[5].textContent,
  })));

/** Types `value` into the input named `name` and commits it (a change event, as on blur). */
async function setField(page, name, value) {
  const input = page.locator(`input[name=${name}]`);
  await input.fill(value);
  await input.dispatchEvent('change');
}

/** The Compare table's rows as { cell, train, val }. */
const compareRows = (page) => page.getByRole('table', { name: 'Compare', exact: true }).evaluate((t) =>
  [...t.tBodies[0].rows].map((r) => ({
    cell: r.cells[0].textContent, train: Number(r.cells[1].textContent), val: Number(r.cells[2].textContent),
  })));

test('the cost table shows each cell\'s size and cost, and the GRU budget shrinks the LSTM', async () => {
  // Adding problem: I = 2, O = 1. GRU at H = 32: 3·(2+32+1)·32 + 33 = 3393 parameters.
  // LSTM: 4·(2+H+2)·H + H + 1 is 3376 at H = 27 and 3613 at H = 28, so the budget gives 27.
  const { page, errors } = await open(browser, `${server.url}?cells=gru,lstm&hidden=32&budget=gru`, server.origin);
  await waitStep(page, 20);
  await page.waitForFunction(() => [...document.querySelectorAll('table.costs td.step-ms')]
    .every((td) => Number(td.textContent) > 0));
  const rows = await costRows(page);
  assert.deepEqual(rows.map((r) => [r.cell, r.H, r.params]), [['GRU', 32, 3393], ['LSTM', 27, 3376]]);
  assert.match(rows[0].paramsTip, /^3·\(I\+H\+1\)·H per layer and direction: 3·\(2\+32\+1\)·32 \+ \(32\+1\)·1 = 3393$/);
  assert.match(rows[1].paramsTip, /^4·\(I\+H\+2\)·H/);
  for (const r of rows) {
    assert.match(r.flops, /^[0-9.]+ [kMG]?$/);
    assert.match(r.memory, /^[0-9.]+ [kMG]?B$/);
    assert.ok(Number(r.ms) > 0, `measured ms/step for ${r.cell}: ${r.ms}`);
  }
  await page.getByRole('figure').filter({ has: page.getByRole('table', { name: 'Cost per cell' }) })
    .screenshot({ path: `${SHOTS}experiments-compare-budget.png` });

  // The loss chart against each run's own training seconds draws something else.
  const steps = await canvasHash(page, 'Loss');
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator('select.loss-x').selectOption('seconds');
  await page.waitForFunction(() => /seconds/.test(document.querySelector('select.loss-x').value));
  await page.waitForTimeout(300); // one redraw
  assert.notEqual(await canvasHash(page, 'Loss'), steps);
  assert.ok(await inkedPixels(page, 'Loss') > 2000);

  // Budget off: both cells at H = 32.
  const off = await open(browser, `${server.url}?cells=gru,lstm&hidden=32`, server.origin);
  await waitStep(off.page, 2);
  assert.deepEqual((await costRows(off.page)).map((r) => r.H), [32, 32]);
  assert.deepEqual(errors, []);
  await off.page.close();
  await page.close();
});

test('a fixed set of 16 sequences is memorised: training loss falls far below validation', async () => {
  // gru-core's trainer test pins the same setting: after 400 steps, training < 0.2 × validation.
  const q = '?cells=gru&T=10&hidden=32&batch=16&train_n=16';
  const { page, errors } = await open(browser, server.url + q, server.origin);
  await waitStep(page, 800, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
  const [gru] = await compareRows(page);
  assert.ok(gru.val > 2 * gru.train, `validation ${gru.val} vs training ${gru.train}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('sine prediction with a bidirectional model is refused with the reason', async () => {
  const { page } = await open(browser, `${server.url}?task=sine&bi=1`, server.origin);
  const alert = page.getByRole('alert');
  await alert.filter({ hasText: 'x(t+1)' }).waitFor();
  assert.match(await alert.innerText(), /bi: a bidirectional model on sine prediction reads x\(t\+1\)/);
  await waitStep(page, 5); // it trains the one-way model instead
  assert.equal(await page.locator('input[name=bi]').isChecked(), false);
  await page.close();
});

test('a length sweep of 2 lengths × 1 seed finishes and draws final loss against T', async () => {
  const { page, errors } = await open(browser, `${server.url}?cells=gru,rnn&T=20&hidden=8`, server.origin);
  await waitStep(page, 5);
  const chart = page.getByRole('img', { name: 'Final loss vs T', exact: true });
  const before = await canvasHash(page, 'Final loss vs T');
  await setField(page, 'sweep-lengths', '10, 30');
  await setField(page, 'sweep-steps', '60');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const summary = chart.locator('xpath=ancestor::figure[1]').locator('p.sr-only');
  await summary.filter({ hasText: 'Final validation loss after 60 steps' }).waitFor({ timeout: 120_000 });
  const text = await summary.innerText();
  assert.match(text, /GRU: T 10 [0-9.e-]+, T 30 [0-9.e-]+; RNN: T 10 [0-9.e-]+, T 30 [0-9.e-]+\.$/, text);
  await page.waitForTimeout(300); // one redraw
  assert.notEqual(await canvasHash(page, 'Final loss vs T'), before);
  assert.equal(await page.getByRole('button', { name: 'Run sweep' }).isEnabled(), true, 'done: can run again');
  await chart.locator('xpath=ancestor::figure[1]').screenshot({ path: `${SHOTS}experiments-sweep.png` });

  // A bad length list is refused by name; a length the task refuses too.
  await setField(page, 'sweep-lengths', '10, x');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await page.getByRole('alert').filter({ hasText: "sweep lengths: 'x' is not a whole number" }).waitFor();
  await setField(page, 'sweep-lengths', '1');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await page.getByRole('alert').filter({ hasText: 'sweep: T: 1' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();

  // Copy memory sweeps its delay: the form and both charts say so, not "T".
  const copy = await open(browser, `${server.url}?cells=gru&task=copy&hidden=8`, server.origin);
  for (const name of ['Final loss vs delay', 'ms per step vs delay']) {
    await copy.page.getByRole('img', { name, exact: true }).waitFor();
  }
  assert.equal(await copy.page.getByRole('img', { name: 'Final loss vs T', exact: true }).count(), 0);
  assert.match(await copy.page.locator('.sweep-form label').first().innerText(), /^Delays/);
  assert.deepEqual(copy.errors, []);
  await copy.page.close();
});
