// End-to-end: training runs in a Web Worker, so the page keeps drawing while a big model trains.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status } from './browser.mjs';
import { useSuite, server, browser } from './suite.mjs';

useSuite();

/** rAF intervals (ms) over `ms` of wall-clock time, measured in the page. */
const frameIntervals = (page, ms) => page.evaluate((ms) => new Promise((resolve) => {
  const out = []; let last = performance.now(); const end = last + ms;
  const tick = (now) => { out.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(out); };
  requestAnimationFrame(tick);
}), ms);

test('a worker trains T=1000 H=128 while the page keeps drawing', async () => {
  // lr 0.003: at the default 0.01 the gradient overflows float32 near step 1,500 and the run
  // stops (README, Speed), which a slow-enough test could reach.
  const { page, errors, foreign } = await open(browser, server.url + '?T=1000&hidden=128&batch=1&cells=gru&lr=0.003', server.origin);
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('[role=status]')?.textContent ?? ''), null, { timeout: 60_000 });
  assert.ok(workers.length >= 1, 'the training worker was started');
  // Page and worker run one wasm module: the worker fetched the very file the page did.
  const wasmOf = (ctx) => ctx.evaluate(() => [...new Set(performance.getEntriesByType('resource')
    .map((e) => e.name).filter((n) => new URL(n).pathname.endsWith('.wasm')))]);
  const pageWasm = await wasmOf(page);
  const workerWasm = await wasmOf(page.workers()[0]);
  assert.equal(pageWasm.length, 1, `the page loads one wasm: ${pageWasm}`);
  assert.deepEqual(workerWasm, pageWasm, 'the worker loads the page\'s wasm');
  const s0 = await status(page);
  const gaps = await frameIntervals(page, 5000);
  const s1 = await status(page);
  gaps.sort((a, b) => a - b);
  const p95 = gaps[Math.floor(gaps.length * 0.95)];
  console.log(`T=1000 H=128 B=1: ${s1.step - s0.step} steps in 5 s; frame p95 ${p95.toFixed(1)} ms, max ${gaps.at(-1).toFixed(1)} ms over ${gaps.length} frames`);
  assert.ok(s1.step > s0.step, `training advances (${s0.text} → ${s1.text})`);
  // With training on the page's thread a single step of this model blocks it for seconds.
  assert.ok(gaps.at(-1) < 1000, `no frame waits a second (max ${gaps.at(-1)} ms)`);
  // An analysis of this model takes seconds, so it reruns only every few minutes while training:
  // the status line says which step the views show, and Pause brings them up to date.
  // The first views show the initial weights, and a second analysis follows at once (said so).
  const statusLine = page.getByRole('status').first();
  await statusLine.filter({ hasText: 'views from step 0: a newer analysis is under way' }).waitFor({ timeout: 90_000 });
  await statusLine.filter({ hasText: 'reruns about every' }).waitFor({ timeout: 90_000 });
  const lagging = await status(page);
  const shownStep = Number(/views from step (\d+)/.exec(lagging.text)[1]);
  assert.ok(shownStep < lagging.step, lagging.text);
  assert.match(lagging.text, /one analysis takes [0-9.]+ s at this size, so while training it reruns about every [0-9]+ (s|min) \(Pause refreshes them\)$/);
  // The analysis runs in slices, so the worker answers Pause at once (a figure, not asserted:
  // before the slices a Pause during an analysis waited for all of it, up to ~8 s here).
  const pausedAt = Date.now();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => (document.querySelector('[role=status]')?.textContent ?? '').includes('paused'), null, { timeout: 90_000 });
  const answered = Date.now() - pausedAt;
  await page.waitForFunction(() => {
    const t = document.querySelector('[role=status]')?.textContent ?? '';
    return t.includes('paused') && !t.includes('views from step');
  }, null, { timeout: 90_000 });
  console.log(`T=1000 H=128: Pause answered in ${answered} ms, views of the paused step after ${Date.now() - pausedAt} ms`);
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(foreign, [], 'no request outside the origin');
  await page.close();
});

test('a link from before the worker (speed in ms per frame) still loads, and slow motion is slow', async () => {
  const { page, errors } = await open(browser, server.url + '?speed=1', server.origin);
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('[role=status]')?.textContent ?? ''));
  assert.equal(await page.locator('select[name=sps]').inputValue(), '7', 'speed=1 ms/frame reads as 7 steps/s');
  const s0 = await status(page);
  await page.waitForTimeout(3000);
  const s1 = await status(page);
  const rate = (s1.step - s0.step) / 3;
  assert.ok(rate > 2 && rate < 14, `about 7 steps/s, got ${rate}`);
  assert.deepEqual(errors, []);
  await page.close();
});
