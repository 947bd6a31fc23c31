#!/usr/bin/env node
// Side-by-side figures of one `make bench-browser` run (a benchmark: prints, asserts nothing).
//
//   node e2e/bench/compare.mjs --native native.jsonl --frames frames.jsonl [--peer DIR] [--runs 3]
//
// Reads the native `gru-bench` lines and the page's `frames.mjs` lines written earlier in the
// same run, then trains the TF.js peer (../shared/bench/peers/tfjs: `tf.layers.gru`, wasm
// backend, both its training methods) on the headline and B=1 configurations in the same
// Chromium, and prints one JSON line per configuration with the ratios the worker issue
// asks for: worker / native, wall-clock with views live / worker, gru-lens / TF.js (against
// TF.js's faster method). Progress goes to stderr.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    native: { type: 'string' },
    frames: { type: 'string' },
    peer: { type: 'string', default: resolve(ROOT, '../shared/bench/peers/tfjs') },
    runs: { type: 'string', default: '3' },
  },
});
if (!opt.native || !opt.frames) throw new Error('usage: compare.mjs --native FILE --frames FILE [--peer DIR] [--runs 3]');

const jsonLines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const native = jsonLines(opt.native);
const frames = jsonLines(opt.frames);

// The SPEC §6 configurations the peer also runs, as frames.mjs spells their queries.
const CONFIGS = [
  { name: 'headline', T: 50, H: 32, B: 32 },
  { name: 'B1', T: 50, H: 32, B: 1 },
];
const queryOf = (c) => `cells=gru&clip=0&T=${c.T}&hidden=${c.H}&batch=${c.B}`;

function runPeer() {
  const script = join(opt.peer, 'run.mjs');
  if (!existsSync(script)) {
    console.error(`[compare] no TF.js peer at ${opt.peer}: ratios to TF.js left out`);
    return [];
  }
  const out = mkdtempSync(join(os.tmpdir(), 'tfjs-peer-'));
  const args = [script, '--backends=wasm', '--methods=grads,fit', `--configs=${CONFIGS.map((c) => c.name).join(',')}`,
    `--runs=${opt.runs}`, `--out=${out}`];
  console.error(`[compare] TF.js peer: node ${args.join(' ')}`);
  try {
    execFileSync(process.execPath, args, { cwd: opt.peer, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    console.error(`[compare] the TF.js peer failed (${e.message.split('\n')[0]}): ratios to TF.js left out`);
    return [];
  }
  const file = readdirSync(out).find((f) => f.endsWith('.json'));
  return file ? JSON.parse(readFileSync(join(out, file), 'utf8')).results : [];
}

const peer = runPeer();
const ratio = (a, b) => (a > 0 && b > 0 ? +(a / b).toFixed(2) : null);
for (const c of CONFIGS) {
  const nat = native.find((n) => n.T === c.T && n.H === c.H && n.B === c.B);
  const page = frames.find((f) => f.query === queryOf(c));
  const tf = peer.filter((r) => !r.error && r.case?.name === c.name)
    .map((r) => ({ method: r.case.method, backend: r.case.backend, stepsPerSec: +r.stepsPerSec.toFixed(2), backendInfo: r.backendInfo }));
  const bestTf = tf.reduce((best, r) => (best && best.stepsPerSec >= r.stepsPerSec ? best : r), null);
  const worker = page?.workerTrainStepsPerSec ?? null;
  const wall = page?.wallStepsPerSec ?? null;
  const line = {
    compare: c.name, T: c.T, H: c.H, B: c.B,
    nativeStepsPerSec: nat ? +nat.steps_per_s.toFixed(1) : null,
    workerStepsPerSec: worker,
    wallStepsPerSecViewsLive: wall,
    frameP95Ms: page?.frameMs?.p95 ?? null,
    workerOverNative: ratio(worker, nat?.steps_per_s),
    wallOverWorker: ratio(wall, worker),
    tfjs: tf,
    workerOverBestTfjs: ratio(worker, bestTf?.stepsPerSec),
    wallOverBestTfjs: ratio(wall, bestTf?.stepsPerSec),
  };
  console.log(JSON.stringify(line));
  console.error(`[compare] ${c.name}: native ${line.nativeStepsPerSec}, worker ${worker} (${line.workerOverNative}× native), `
    + `wall ${wall} (${line.wallOverWorker}× worker), TF.js best ${bestTf?.stepsPerSec ?? '—'} (${bestTf?.method ?? '—'}) → ${line.workerOverBestTfjs}×`);
}
