// End-to-end: the release build, served under a sub-path, trains a GRU live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status, inkedPixels } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

test('the page trains on load: steps grow, loss falls, the loss chart is drawn, nothing leaves the origin', async () => {
  const { page, errors, foreign } = await open(browser, server.url, server.origin);
  await page.getByRole('status').first().waitFor();
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('[role=status]')?.textContent ?? ''));
  const first = await status(page);
  await page.waitForTimeout(10_000);
  const later = await status(page);
  assert.ok(later.step > first.step + 50, `step count grows: ${first.text} → ${later.text}`);
  assert.ok(later.loss < first.loss, `loss falls: ${first.text} → ${later.text}`);
  assert.ok((await inkedPixels(page, 'Loss')) > 2000, 'the loss canvas has drawn pixels');
  await page.screenshot({ path: SHOTS + 'foundation-1280x800.png', fullPage: true });
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(foreign, [], 'no request outside the page origin');
  await page.close();
});

test('Pause stops the step count, Step advances it by one, Reset starts over', async () => {
  const { page, errors } = await open(browser, server.url, server.origin);
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('[role=status]')?.textContent ?? ''));
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
  const paused = await status(page);
  await page.waitForTimeout(500);
  assert.equal((await status(page)).step, paused.step, 'paused: no more steps');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await page.waitForFunction((n) => document.querySelector('[role=status]').textContent.includes(`step ${n} `), paused.step + 1);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.startsWith('step 0 '));
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction(() => /step [1-9]/.test(document.querySelector('[role=status]').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});
