// End-to-end: classroom links hide the parts they name, presenter=1 enlarges the page text,
// and "Copy link" hands over a link that reproduces the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

test('hide= hides the named parts, names unknown ones, and presenter=1 enlarges the text', async () => {
  const { page, errors } = await open(browser, server.url + '?hide=settings,equations,loss,bogus&presenter=1&T=20', server.origin);
  await page.getByRole('img', { name: 'Gradient flow', exact: true }).waitFor();
  await page.getByRole('alert').filter({ hasText: "hide: unknown 'bogus' (known: settings" }).waitFor();
  assert.equal(await page.getByRole('form', { name: 'Settings' }).isVisible(), false, 'settings hidden');
  assert.equal(await page.getByRole('img', { name: 'Loss', exact: true }).isVisible(), false, 'loss hidden');
  assert.equal(await page.getByRole('table', { name: 'Compare' }).isVisible(), false, 'Compare hidden with it');
  assert.equal(await page.getByRole('img', { name: 'Update gate z', exact: true }).isVisible(), true, 'gates shown');
  assert.equal(await page.getByRole('button', { name: 'Save run' }).isVisible(), true, 'files not named: shown');
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.equal(size, 22, 'presenter text size');
  const flow = await page.getByRole('img', { name: 'Gradient flow', exact: true }).boundingBox();
  assert.ok(flow.x < 60, `without the sidebar the views start at the left edge (x = ${flow.x})`);
  assert.match(page.url(), /hide=settings%2Cequations%2Closs|hide=settings,equations,loss/, 'the link keeps the known parts only');
  await page.screenshot({ path: SHOTS + 'classroom-1280x800.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Copy link puts the page URL on the clipboard, or in a selected field where that is refused', async () => {
  // With clipboard permission: the link is on the clipboard.
  const page = await browser.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url + '?hidden=8&hide=files');
  await page.getByRole('status').filter({ hasText: 'step' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save run' }).isVisible(), false, 'hide=files hides them');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('alert').filter({ hasText: 'Link copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());
  assert.match(copied, /hidden=8/);
  await page.close();

  // A browser that refuses: the link appears in a text field, selected.
  const refused = await open(browser, server.url + '?T=25', server.origin);
  await refused.page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); });
  await refused.page.getByRole('button', { name: 'Copy link' }).click();
  const field = refused.page.getByLabel('Link to this page');
  await field.waitFor();
  assert.equal(await field.inputValue(), refused.page.url());
  assert.equal(await field.evaluate((f) => f.selectionEnd - f.selectionStart), refused.page.url().length, 'selected, ready to copy');
  assert.deepEqual([...errors, ...refused.errors], []);
  await refused.page.close();
});
