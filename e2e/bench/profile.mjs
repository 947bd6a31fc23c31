#!/usr/bin/env node
// Where the page's main thread spends its time while training (a diagnosis tool, not a test):
// serves DIST under /gru-lens/, opens one configuration in headless Chromium, samples the
// main thread with the DevTools CPU profiler for --seconds, and prints the functions with the
// most self time (wasm functions are named only if the page's wasm keeps its name section).
//
//   node e2e/bench/profile.mjs [--dist DIR] [--query 'T=200&hidden=64'] [--seconds 6] [--top 40]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';
import { launch } from '../browser.mjs';

const { values: opt } = parseArgs({
  options: {
    dist: { type: 'string', default: fileURLToPath(new URL('../../dist/', import.meta.url)) },
    query: { type: 'string', default: 'T=200&hidden=64' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '3' },
    top: { type: 'string', default: '40' },
    grep: { type: 'string' },
    out: { type: 'string' },
  },
});
const server = await serve(resolve(opt.dist), '/gru-lens/');
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${server.url}?${opt.query}`);
  setTimeout(() => { if (errors.length) console.error(errors.join('\n')); }, 20_000).unref();
  await page.waitForFunction(() => /step [1-9]\d*.*steps\/s/.test(document.querySelector('[role=status]')?.textContent ?? ''),
    null, { timeout: 60_000 });
  await page.waitForTimeout(Number(opt.warmup) * 1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(Number(opt.seconds) * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  if (opt.out) writeFileSync(opt.out, JSON.stringify(profile));
  // Self time per node from the samples' time deltas.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = new Map();
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}`;
  const agg = new Map();
  const incl = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    agg.set(name(n), (agg.get(name(n)) ?? 0) + us);
    // inclusive time: each distinct name on the stack once
    const seen = new Set();
    for (let q = id; q != null; q = parent.get(q)) {
      const k = name(byId.get(q));
      if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + us); }
    }
  }
  const wall = (profile.endTime - profile.startTime) / 1000;
  const idle = agg.get('(idle) ') ?? 0;
  console.log(`query ${opt.query}: ${wall.toFixed(0)} ms sampled, busy ${((wall * 1000 - idle) / 1000).toFixed(0)} ms`);
  const top = Number(opt.top);
  const only = (k) => !opt.grep || k.includes(opt.grep);
  console.log('--- self ms');
  for (const [k, us] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log((us / 1000).toFixed(1).padStart(9), k.slice(0, 150));
  console.log('--- inclusive ms');
  for (const [k, us] of [...incl].filter(([k]) => only(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log((us / 1000).toFixed(1).padStart(9), k.slice(0, 150));
} finally {
  await browser.close();
  server.close();
}
