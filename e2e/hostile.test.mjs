// End-to-end: hostile shared links. Table-driven: each bad URL must still load a page that
// trains, name what it ignored in the alert, inject nothing into the DOM (no element from a
// payload, no `window.__pwned`), rewrite the address bar to the clean settings, log no console
// error and trigger no CSP violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status } from './browser.mjs';
import { useSuite, server, browser } from './suite.mjs';

useSuite();

const KEYS = ['task', 'T', 'cells', 'hidden', 'layers', 'bi', 'dropout', 'rdropout', 'lr', 'opt', 'clip', 'batch', 'seed', 'sps', 'speed'];
const PAYLOADS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
];
const enc = encodeURIComponent;
const LONG = 'x'.repeat(10_000);

/** [name, query (after `?`), patterns the alert must show]. */
const CASES = [
  ...PAYLOADS.map((p, i) => [`script payload ${i + 1} in every key`,
    KEYS.map((k) => `${k}=${enc(p)}`).join('&'),
    [/^Ignored in the link: task: unknown/, /T: /, /cells: /, /and \d+ more/]]),
  ['script payload as a key, encoded and raw', `${enc(PAYLOADS[1])}=1&<u>pwn</u>=2`, [/unknown parameter '<img src=x onerror="window.__pwned=1">'/, /unknown parameter '<u>pwn<\/u>'/]],
  ['non-numbers', 'lr=NaN&clip=Infinity&hidden=-Infinity&sps=NaN&dropout=nan', [/lr: 'NaN'/, /clip: 'Infinity'/, /hidden: '-Infinity'/, /sps: 'NaN'/, /dropout: 'nan'/]],
  ['overflow and negatives', 'lr=1e309&clip=-1&batch=-5&seed=-1&T=99999999999999999999999&layers=1e3', [/lr: '1e309'/, /clip: '-1'/, /batch: '-5'/, /seed: '-1'/, /T: '99999999999999999999999'/, /layers: '1e3'/]],
  ['huge in range of the type', 'hidden=4294967296&batch=18446744073709551616&sps=1e300', [/hidden: '4294967296'/, /batch: '18446744073709551616'/, /sps: '1e300'/]],
  ['every setting in range, together too big to hold', 'T=200&hidden=128&layers=4&bi=1&oneway=1&batch=256&cells=gru,lstm,rnn', [/memory: these 6 runs would keep about [\d.]+ GB/, /a page can hold 3\.22 GB/]],
  ['thousands of parameters', Array.from({ length: 3000 }, (_, i) => `k${i}=1`).join('&'), [/2744 parameters after the first 256 were not read/, /unknown parameter 'k0'/]],
  ['10 000-character values', `task=${LONG}&cells=${LONG}&lr=${'9'.repeat(10_000)}&${LONG}=1`, [/task: unknown 'x{40}…'/, /cells: unknown cell 'x{40}…'/, /lr: '9{40}…'/, /unknown parameter 'x{40}…'/]],
  ['repeated and unknown keys', 'seed=7&seed=8&hidden=8&hidden=9&zzz=1&hidden2=3&=4&&&', [/seed: given more than once/, /hidden: given more than once/, /unknown parameter 'zzz'/, /unknown parameter 'hidden2'/]],
  ['broken percent-encoding and control characters', 'T=%zz&hidden=%E2%82&%=%&lr=%&cells=gru%2&a%0Ab%E2%80%AE=1', [/T: '%zz'/, /hidden: '\uFFFD'/, /unknown parameter '%'/, /lr: '%'/, /cells: unknown cell 'gru%2'/, /unknown parameter 'a\\u\{a\}b\\u\{202e\}'/]],
];

for (const [name, query, want] of CASES) {
  test(`hostile link: ${name}`, async () => {
    const { page, errors, foreign, violations } = await open(browser, `${server.url}?${query}`, server.origin);
    await page.waitForFunction(() => /step ([5-9]|\d\d+)/.test(document.querySelector('[role=status]')?.textContent ?? ''));
    const s0 = await status(page);
    const alert = await page.getByRole('alert').innerText();
    for (const re of want) assert.match(alert, re, `the alert names it: ${alert.slice(0, 400)}`);
    assert.ok(alert.length < 1500, `the alert stays short (${alert.length} characters)`);
    const dom = await page.evaluate(() => ({
      pwned: window.__pwned,
      injected: document.querySelectorAll('script:not([src]), img[src=x], svg[onload], [onerror], [onload], u').length,
      search: location.search,
    }));
    assert.equal(dom.pwned, undefined, 'no payload ran');
    assert.equal(dom.injected, 0, 'no element from a payload is in the DOM');
    assert.doesNotMatch(decodeURIComponent(dom.search), /[<>"]|script|pwned/, `the address bar holds only clean settings: ${dom.search}`);
    await page.waitForFunction((n) => Number(/step (\d+)/.exec(document.querySelector('[role=status]').textContent)[1]) > n, s0.step);
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(await violations(), [], 'no CSP violation');
    assert.deepEqual(foreign, [], 'no request outside the origin');
    await page.close();
  });
}
