// End-to-end smoke test in Firefox: Debian's firefox-esr driven through geckodriver (crates.io,
// installed by `scripts/setup.sh --firefox`) over plain WebDriver HTTP — Playwright's Firefox
// needs its own patched build, which cannot be downloaded here. The release build loads under a
// sub-path with its CSP header, the worker trains (the step count moves), the charts draw, and a
// bad link gives its one-line message while training goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { serve } from './server.mjs';
import { DIST } from './suite.mjs';

let server, driver, base, session;

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** One WebDriver command; returns its `value`, throws the driver's message on an error. */
async function wd(method, path, body) {
  const r = await fetch(base + path, {
    method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
  return json.value;
}

const run = (script) => wd('POST', `/session/${session}/execute/sync`, { script, args: [] });
const statusText = () => run("return document.querySelector('[role=status]')?.textContent ?? ''");
const stepOf = (text) => Number(/step (\d+)/.exec(text)?.[1] ?? NaN);

async function waitFor(what, fn, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  const gecko = process.env.GECKODRIVER ?? execFileSync('sh', ['-c', 'command -v geckodriver']).toString().trim();
  server = await serve(DIST, '/gru-lens/');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  driver = spawn(gecko, ['--port', String(port)], { stdio: 'ignore' });
  await waitFor('geckodriver', () => fetch(base + '/status').then((r) => r.ok, () => false), 30_000);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'firefox', 'moz:firefoxOptions': { args: ['-headless'] } } },
  });
  session = created.sessionId;
});

after(async () => {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  driver?.kill();
  server?.close();
});

test('Firefox: the page loads, the worker trains, the charts draw', async () => {
  await wd('POST', `/session/${session}/url`, { url: server.url });
  const first = await waitFor('a step', async () => { const t = await statusText(); return stepOf(t) >= 1 && t; });
  const s0 = stepOf(first);
  await new Promise((r) => setTimeout(r, 3000));
  const later = await statusText();
  assert.ok(stepOf(later) > s0, `training runs in Firefox (${first} → ${later})`);
  assert.match(later, /steps\/s/, 'the status line shows throughput');
  const inked = await run(`
    const c = document.querySelector("canvas[aria-label='Loss']");
    if (!c) return -1;
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) n++;
    return n;`);
  assert.ok(inked > 1500, `the Loss chart is drawn (${inked} inked pixels)`);
  const ratio = await run("const c = document.querySelector(\"canvas[aria-label='Loss']\"); return c.width / c.getBoundingClientRect().width;");
  assert.ok(Math.abs(ratio - 1) < 0.02, `the drawing buffer follows devicePixelRatio 1 (${ratio})`);
});

test('Firefox: a bad link names what it ignored, and the page still trains', async () => {
  await wd('POST', `/session/${session}/url`, { url: server.url + '?hidden=999&lr=NaN' });
  const alert = await waitFor('the message', () => run("return document.querySelector('[role=alert]')?.textContent ?? ''"));
  assert.match(alert, /hidden: '999' is not a number from 1 to 128/);
  assert.match(alert, /lr: 'NaN'/);
  const first = await waitFor('a step', async () => { const t = await statusText(); return stepOf(t) >= 1 && t; });
  await new Promise((r) => setTimeout(r, 2000));
  assert.ok(stepOf(await statusText()) > stepOf(first), 'training goes on with the other settings');
});
