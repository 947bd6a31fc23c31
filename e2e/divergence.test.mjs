// End-to-end: a run that blows up (learning rate 1, plain SGD, no clipping, a tanh RNN on a
// long adding problem) must pause with a message saying what happened and what to change,
// keep the charts at the last good state, and train again after the learning rate is lowered
// in the form and Play is pressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status, inkedPixels } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();


test('NaN/∞ pauses training with advice, keeps the last good charts, and Play resumes after lowering lr', async () => {
  const { page, errors, violations } = await open(browser, `${server.url}?cells=rnn&T=100&lr=1&opt=sgd&clip=0`, server.origin);
  const alert = page.getByRole('alert');
  await page.waitForFunction(() => /stopped/.test(document.querySelector('[role=alert]')?.textContent ?? ''), null, { timeout: 90_000 });
  const msg = await alert.innerText();
  assert.match(msg, /at step \d+ the (loss|gradient|weights) became NaN or infinite/, `says when and what happened: ${msg}`);
  assert.match(msg, /weights are back to those of step \d+/, `says which weights it keeps: ${msg}`);
  assert.match(msg, /The charts show the last good step\. Lower the learning rate or turn on gradient clipping, then press Play\./, `says what to change (clipping is off): ${msg}`);
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
  const stopped = await status(page);
  assert.ok(Number.isFinite(stopped.loss), `the status shows the last good (finite) loss: ${stopped.text}`);
  await page.waitForTimeout(800);
  assert.equal((await status(page)).step, stopped.step, 'no step while stopped');
  for (const name of ['Loss', 'Gradient flow', 'Saturation', 'Hidden state']) { // the RNN's inside view
    const img = page.getByRole('img', { name, exact: true });
    await img.scrollIntoViewIfNeeded();
    assert.ok((await inkedPixels(page, name)) > 1500, `${name} still shows the last good state`);
  }
  await page.screenshot({ path: SHOTS + 'divergence.png' });
  // The fix: a lower learning rate (applies live), then Play.
  const lr = page.locator('input[name=lr]');
  await lr.fill('0.001');
  await lr.blur();
  assert.match(page.url(), /lr=0.001/);
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await page.waitForFunction((n) => Number(/step (\d+)/.exec(document.querySelector('[role=status]').textContent)[1]) > n + 20, stopped.step);
  const resumed = await status(page);
  assert.ok(Number.isFinite(resumed.loss), `training resumed with a finite loss: ${resumed.text}`);
  assert.doesNotMatch(await page.locator('body').innerText(), /NaN or infinite/, 'the stop message is gone');
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(await violations(), [], 'no CSP violation');
  await page.close();
});
