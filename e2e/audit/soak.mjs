// `make audit` soak: the release page trains 20 000+ steps (default preset, every view live)
// in headless Chromium. Prints, at the start and the end: the page's and the worker's wasm
// memory, the JS heap after a forced GC, the DOM node count and the frame-interval p50/p95
// over a few seconds. Asserts only what would be a leak: DOM nodes and wasm memory not growing.
// Usage: node e2e/audit/soak.mjs [--steps 20000]
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';
import { launch, open } from '../browser.mjs';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const STEPS = arg('--steps', 20_000);
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

const stepOf = (page) => page.evaluate(() => Number(/step (\d+)/.exec(document.querySelector('[role=status]')?.textContent ?? '')?.[1] ?? 0));

async function figures(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const worker = page.workers()[0];
  const workerWasm = worker ? await worker.evaluate(() => self.gruWasm?.memory?.buffer.byteLength ?? null) : null;
  const frames = await page.evaluate(() => new Promise((done) => {
    const t = [];
    const tick = (now) => { t.push(now); if (t.length < 181) requestAnimationFrame(tick); else done(t); };
    requestAnimationFrame(tick);
  }));
  const d = frames.slice(1).map((x, i) => x - frames[i]).sort((a, b) => a - b);
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  const page_ = await page.evaluate(() => ({
    wasm: window.gruWasm?.memory?.buffer.byteLength ?? null,
    dom: document.getElementsByTagName('*').length,
  }));
  return {
    step: await stepOf(page),
    page_wasm_MB: page_.wasm / 2 ** 20,
    worker_wasm_MB: workerWasm / 2 ** 20,
    js_heap_MB: +(heap.usedSize / 2 ** 20).toFixed(2),
    dom_nodes: page_.dom,
    frame_ms_p50: +q(0.5).toFixed(1),
    frame_ms_p95: +q(0.95).toFixed(1),
  };
}

const server = await serve(DIST, '/gru-lens/');
const browser = await launch();
try {
  const { page, errors } = await open(browser, server.url, server.origin);
  const cdp = await page.context().newCDPSession(page);
  await page.waitForFunction(() => /step ([2-9]\d\d|\d{4,})/.test(document.querySelector('[role=status]')?.textContent ?? ''), null, { timeout: 120_000 });
  const start = await figures(page, cdp);
  console.log(JSON.stringify({ soak: 'start', ...start }));
  const t0 = Date.now();
  let last = 0;
  for (;;) {
    const s = await stepOf(page);
    if (s >= start.step + STEPS) break;
    if (Date.now() - last > 30_000) { console.log(`soak: step ${s} (${((Date.now() - t0) / 1000).toFixed(0)} s)`); last = Date.now(); }
    await page.waitForTimeout(2000);
  }
  const end = await figures(page, cdp);
  console.log(JSON.stringify({ soak: 'end', ...end, wall_s: Math.round((Date.now() - t0) / 1000) }));
  assert.deepEqual(errors, [], 'no console errors during the soak');
  assert.ok(end.dom_nodes <= start.dom_nodes * 1.05 + 20, `DOM nodes flat: ${start.dom_nodes} → ${end.dom_nodes}`);
  assert.ok(end.page_wasm_MB <= start.page_wasm_MB * 1.5 + 1, `page wasm memory flat: ${start.page_wasm_MB} → ${end.page_wasm_MB} MB`);
  assert.ok(end.worker_wasm_MB <= start.worker_wasm_MB * 1.5 + 1, `worker wasm memory flat: ${start.worker_wasm_MB} → ${end.worker_wasm_MB} MB`);
  await page.close();
} finally {
  await browser.close();
  server.close();
}
