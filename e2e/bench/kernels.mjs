#!/usr/bin/env node
// The kernel report in the page next to the native one (a benchmark: prints, asserts only that
// the page produced a figure per shape).
//
//   node e2e/bench/kernels.mjs [--dist DIR] [--native FILE]
//
// Serves DIST (default dist/) under /gru-lens/, opens `?bench=kernels` in headless Chromium,
// waits for the kernel table (gru-core's `kernel_report`, run in the training worker: wasm
// simd128) and reads each row's `data-gflops`. FILE holds the native figures of the same
// machine, one JSON object a line (`… --example kernels -- --json --simd128`: the page's 128-bit tiles);
// without it the native report is run here first. Prints one JSON line per shape:
// {name, hidden, wasm, native, wasm_over_native} (GFLOP/s; 10⁹ elements/s for the activations).
// Progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '../server.mjs';
import { launch } from '../browser.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    dist: { type: 'string', default: resolve(ROOT, 'dist') },
    native: { type: 'string' },
  },
});
const dist = resolve(opt.dist);
if (!existsSync(resolve(dist, 'index.html'))) throw new Error(`${dist}/index.html not found (make dist PUBLIC_URL=/gru-lens/)`);

const nativeText = opt.native
  ? readFileSync(opt.native, 'utf8')
  : (console.error('[kernels] native: cargo run --release -p gru-core --example kernels -- --json --simd128'),
    execFileSync('cargo', ['run', '--release', '-q', '-p', 'gru-core', '--example', 'kernels', '--', '--json', '--simd128'],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
const native = nativeText.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
// The shape's key: the row's name as the page writes it ("name (Product)") and its H.
const key = (name, hidden) => `${name}|${hidden}`;
const nativeBy = new Map(native.map((f) => [key(`${f.name} (${f.product})`, f.hidden ? String(f.hidden) : ''), f.gflops]));

const server = await serve(dist, '/gru-lens/');
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  console.error('[kernels] page: ?bench=kernels');
  await page.goto(`${server.url}?bench=kernels`);
  await page.waitForSelector('table.kernels tbody tr', { timeout: 180_000 });
  const rows = await page.$$eval('table.kernels tbody tr', (trs) =>
    trs.map((tr) => ({ name: tr.dataset.name, hidden: tr.dataset.hidden, gflops: Number(tr.dataset.gflops) })));
  if (rows.length === 0 || !rows.every((r) => Number.isFinite(r.gflops) && r.gflops > 0)) {
    throw new Error(`the page's kernel report has a missing or bad figure: ${JSON.stringify(rows)}`);
  }
  for (const r of rows) {
    const n = nativeBy.get(key(r.name, r.hidden));
    const round = (v) => (v === undefined ? null : Math.round(v * 1000) / 1000);
    console.log(JSON.stringify({
      name: r.name,
      hidden: r.hidden ? Number(r.hidden) : null,
      wasm: round(r.gflops),
      native: round(n),
      wasm_over_native: n ? Math.round((r.gflops / n) * 1000) / 1000 : null,
    }));
  }
} finally {
  await browser.close();
  server.close();
}
