// End-to-end: the strict Content-Security-Policy. The built page carries it as a <meta> (and the
// test server sends it as a header, as a host should); the page has no inline script, no inline
// handler and no style attribute; a full run with every view live, the controls used, raises zero
// `securitypolicyviolation` events and sends no request outside the origin; and the policy is
// really enforced (an injected inline script is refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CSP } from './server.mjs';
import { open, status, waitStep } from './browser.mjs';
import { useSuite, server, browser, DIST } from './suite.mjs';

useSuite();

test('the built page carries the strict policy and has no inline script, handler or style attribute', async () => {
  const html = await readFile(DIST + 'index.html', 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
  assert.ok(meta, 'a CSP <meta> in the built index.html');
  assert.equal(meta[1], CSP, 'the e2e server sends the same policy as the page');
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'), 'the policy comes before any script');
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self'"]) {
    assert.ok(meta[1].split('; ').includes(directive), directive);
  }
  assert.doesNotMatch(meta[1], /'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'|\*|https?:|blob:/, 'nothing that weakens it');
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 1, 'the loader script is there');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\ssrc="/, `every script is a file: <script${attrs}>`);
    assert.equal(body.trim(), '', 'no inline script body');
  }
  assert.doesNotMatch(html, /\son[a-z]+=|\sstyle=/i, 'no inline handler or style attribute');
});

test('a full run with every view and control raises no CSP violation and stays on its origin', async () => {
  const { page, errors, foreign, violations } = await open(browser, server.url, server.origin);
  await waitStep(page, 30);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const z = page.getByRole('img', { name: 'Update gate z', exact: true });
  await z.scrollIntoViewIfNeeded();
  const box = await z.boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  const lr = page.locator('input[name=lr]');
  await lr.fill('0.003');
  await lr.blur();
  const s = await status(page);
  await waitStep(page, s.step + 50);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(500);
  assert.deepEqual(await violations(), [], 'no securitypolicyviolation event');
  assert.deepEqual(errors, [], 'no console error (a refused load logs one)');
  assert.deepEqual(foreign, [], 'no request outside the origin');
  // The policy is live: an inline script injected now is refused and reported.
  const ran = await page.evaluate(() => {
    const el = document.createElement('script');
    el.textContent = 'window.__inline = 1';
    document.head.append(el);
    return window.__inline;
  });
  assert.equal(ran, undefined, 'an inline script does not run');
  await page.waitForFunction(() => window.__csp.length > 0);
  assert.match((await violations())[0], /^script-src-elem inline/, 'and is reported');
  await page.close();
});
