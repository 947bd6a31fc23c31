// `make audit` Lighthouse: the release build served under /gru-lens/ (with its CSP header),
// audited by Lighthouse 12.2.3 (npm, pinned) in Debian's headless Chromium. Prints the
// accessibility, best-practices and performance scores (0–100); asserts nothing about them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';
import { CHROMIUM } from '../browser.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const LH = fileURLToPath(new URL('../../node_modules/lighthouse/cli/index.js', import.meta.url));
const server = await serve(DIST, '/gru-lens/');
try {
  const flags = '--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking --disable-component-update --disable-sync';
  const { stdout } = await promisify(execFile)(process.execPath, [LH, server.url,
    `--chrome-path=${CHROMIUM}`, `--chrome-flags=${flags}`, '--only-categories=accessibility,best-practices,performance',
    '--output=json', '--quiet', '--max-wait-for-load=60000', '--form-factor=desktop', '--screenEmulation.disabled',
    '--throttling-method=provided'], { env: { ...process.env, CHROME_PATH: CHROMIUM }, maxBuffer: 64 << 20 });
  const lhr = JSON.parse(stdout);
  const scores = Object.fromEntries(Object.entries(lhr.categories).map(([k, c]) => [k, c.score === null ? null : Math.round(100 * c.score)]));
  console.log(JSON.stringify({ lighthouse: lhr.lighthouseVersion, url: server.url, ...scores }));
  for (const [k, c] of Object.entries(lhr.categories)) {
    const failed = c.auditRefs.filter((r) => r.weight > 0 && lhr.audits[r.id].score !== null && lhr.audits[r.id].score < 1)
      .map((r) => `${r.id} (${lhr.audits[r.id].score})`);
    if (failed.length) console.log(`${k}: below full marks: ${failed.join(', ')}`);
  }
  for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive']) {
    const a = lhr.audits[id];
    if (a) console.log(`${id}: ${a.displayValue ?? ''} score ${a.score}${a.errorMessage ? ' error: ' + a.errorMessage : ''}`);
  }
  if (lhr.runtimeError) console.log('runtime error:', lhr.runtimeError.message);
  for (const w of lhr.runWarnings ?? []) console.log('warning:', w);
} finally {
  server.close();
}
