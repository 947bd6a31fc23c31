// End-to-end: `?bench=kernels` runs gru-core's kernel report in the training worker (wasm) and
// shows one table row per shape, each with a finite positive figure (no timing bound: the
// figures depend on the machine). The peak row comes first, both hidden sizes are there, the
// link's other settings still apply, and training stays paused while the report runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

test('?bench=kernels shows a finite positive figure for every kernel shape', async () => {
  const { page, errors } = await open(browser, `${server.url}?bench=kernels&seed=3`, server.origin);
  await page.getByRole('heading', { name: 'Kernel benchmark (this browser)' }).waitFor();
  const rows = page.locator('table.kernels tbody tr');
  await rows.first().waitFor({ timeout: 180_000 });
  const got = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({ name: tr.dataset.name, hidden: tr.dataset.hidden, gflops: Number(tr.dataset.gflops), text: tr.innerText })));
  assert.equal(got.length, 23, 'the peak, 9 products and 2 activations for H = 32 and for H = 128');
  assert.match(got[0].name, /^peak/);
  for (const r of got) {
    assert.ok(Number.isFinite(r.gflops) && r.gflops > 0, `${r.name} H=${r.hidden}: ${r.gflops}`);
  }
  assert.deepEqual([...new Set(got.slice(1).map((r) => r.hidden))], ['32', '128']);
  // The peak is a real measurement, not a loop the optimiser dropped (it once read 4·10⁶
  // GFLOP/s): no product beats it twice over, and it is within 100× of the best product.
  const products = got.filter((r) => /\((Nn|Tn)\)$/.test(r.name)).map((r) => r.gflops);
  assert.equal(products.length, 18);
  const best = Math.max(...products);
  assert.ok(best <= 2 * got[0].gflops && got[0].gflops <= 100 * best, `peak ${got[0].gflops}, best product ${best}`);
  // The shown figure is the row's own number (GFLOP/s to 0.1, or ns/element).
  const xw = got[1];
  assert.match(xw.text, /1600×2×96/);
  assert.ok(xw.text.includes(`${xw.gflops.toFixed(1)} GFLOP/s`), xw.text);
  // Training started paused (the worker is left to the benchmark) and does not move.
  await page.waitForFunction(() => /paused/.test(document.querySelector('[role=status]')?.textContent ?? ''));
  const before = await status(page);
  await page.waitForTimeout(1000);
  assert.equal((await status(page)).step, before.step, before.text);
  await page.locator('#v-kernels').screenshot({ path: SHOTS + 'kernels.png' });
  assert.deepEqual(errors, []);
  await page.close();
});
