// End-to-end: time travel over training (scrub to an early step and the gates are the past
// model's; rewind and the step counter restarts there) and your own sequence (a typed adding-
// problem sequence becomes the inspected sample; a bad one is named and changes nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, waitStep, status, canvasHash } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const travelText = (page) => page.locator('[data-travel]').innerText();
const pickText = (page) => page.locator('.picker .pick').innerText();
const caption = (page) => page.locator('.strip-caption').innerText();
const Z = 'Update gate z';

/** Waits until the gate heatmap's pixels stop changing between two reads 300 ms apart. */
async function settledHash(page, name) {
  let last = await canvasHash(page, name);
  for (;;) {
    await page.waitForTimeout(300);
    const h = await canvasHash(page, name);
    if (h === last) return h;
    last = h;
  }
}

test('scrubbing to an early step shows that step\'s gates; rewinding restarts the step counter there', async () => {
  const { page, errors } = await open(browser, server.url + '?T=20&hidden=8', server.origin);
  await waitStep(page, 300, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => /training paused/.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  const live = (await status(page)).step;
  const liveText = await travelText(page);
  assert.match(liveText, new RegExp(`^Live: step ${live.toLocaleString('en-US')} — training paused\\. The model is kept at \\d+ earlier steps, every \\d+ steps`));
  // Every 25 steps, doubled each time the 32 slots fill: 25, 50, 100, …
  const every = Number(/every (\d+) steps/.exec(liveText)[1]);
  assert.ok([25, 50, 100, 200, 400].includes(every), liveText);
  const kept = Number(/kept at (\d+) earlier/.exec(liveText)[1]);
  assert.equal(kept, Math.floor((live - 1) / every) + 1, 'step 0 and every spacing up to the live step');
  await page.getByRole('img', { name: Z, exact: true }).scrollIntoViewIfNeeded();
  const liveGates = await settledHash(page, Z);
  assert.equal(await page.locator('.past-banner').count(), 0, 'no banner while live');

  await page.getByRole('slider', { name: 'Training step to view' }).fill('1');
  await page.waitForFunction((e) => document.querySelector('[data-travel]')?.textContent.startsWith(`Viewing step ${e} of `), every);
  assert.equal(await travelText(page), `Viewing step ${every} of ${live.toLocaleString('en-US')} — training paused`);
  await page.waitForFunction((e) => document.querySelector('.picker .pick')?.textContent.endsWith(`the model of training step ${e}`), every);
  assert.equal(await pickText(page), `GRU · validation sample 0 · the model of training step ${every}`);
  const banners = await page.locator('.past-banner').allInnerTexts();
  assert.equal(banners.length, 2, 'one banner over the gradient-flow views, one over the gates');
  assert.ok(banners.every((b) => b.startsWith(`The views here show the model as it was at training step ${every}, not the live one`)), banners.join(' | '));
  const pastGates = await settledHash(page, Z);
  assert.notEqual(pastGates, liveGates, `the gates of step ${every} differ from the live ones`);
  await page.screenshot({ path: SHOTS + 'travel-past.png', fullPage: false });
  await page.locator('.travel').screenshot({ path: SHOTS + 'travel-scrubber.png' });

  await page.getByRole('button', { name: 'Back to live' }).click();
  await page.waitForFunction(() => /^Live: /.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  assert.equal(await settledHash(page, Z), liveGates, 'back to live: the live gates again');
  assert.equal((await status(page)).step, live, 'viewing the past did not train or rewind');

  await page.getByRole('slider', { name: 'Training step to view' }).fill('2');
  const back = 2 * every;
  await page.waitForFunction((b) => document.querySelector('[data-travel]')?.textContent.startsWith(`Viewing step ${b} of `), back);
  await page.getByRole('button', { name: 'Rewind training to here (stays paused)' }).click();
  await page.waitForFunction((b) => new RegExp(`step ${b}\\b`).test(document.querySelector('[role=status]')?.textContent ?? ''), back);
  assert.equal((await status(page)).step, back, 'the step counter restarts from the snapshot');
  await page.waitForFunction((t) => document.querySelector('[data-travel]')?.textContent.startsWith(t),
    `Live: step ${back} — training paused. The model is kept at 2 earlier steps, every ${every} steps`);
  assert.equal(await page.locator('.past-banner').count(), 0);
  await page.getByRole('button', { name: 'Play' }).click();
  await waitStep(page, back + 30, { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a typed adding-problem sequence becomes the inspected sample; a bad one is named and the view stays', async () => {
  const { page, errors } = await open(browser, server.url + '?T=10&hidden=8', server.origin);
  await waitStep(page, 100, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const strip = page.getByRole('img', { name: 'Input and target', exact: true });
  await strip.scrollIntoViewIfNeeded();
  const before = await settledHash(page, 'Input and target');
  const valCaption = await caption(page);
  await page.locator('.your-seq summary').click();
  const box = page.getByRole('textbox', { name: 'Your sequence' });
  await box.fill('0.9 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.1 0.8 | 10 1');
  await page.getByRole('button', { name: 'Show the model this sequence' }).click();
  await page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU, on your sequence');
  await page.waitForFunction((c) => document.querySelector('.strip-caption')?.textContent !== c, valCaption);
  const mine = await caption(page);
  assert.match(mine, /^Marked: step 1 \(0\.90\) and step 10 \(0\.80\)\. Target: their sum 1\.700; the model predicts [0-9.-]+ at the last step\.$/);
  assert.match(await pickText(page), /^GRU · your sequence$/);
  const after = await settledHash(page, 'Input and target');
  assert.notEqual(after, before, 'the strip draws the typed sequence');
  assert.match(new URL(page.url()).search, /[?&]seq=0\.9,0\.1,0\.2,0\.3,0\.4,0\.5,0\.6,0\.7,0\.1,0\.8;1,10(&|$)/);
  await page.locator('.your-seq').screenshot({ path: SHOTS + 'travel-sequence.png' });
  await strip.screenshot({ path: SHOTS + 'travel-sequence-strip.png' });

  for (const [text, want] of [
    ['0.9 0.1 0.2 | 1 10', 'your sequence: 3 values, but T = 10 steps'],
    ['0.9 0.1 0.2 0.3 0.4 2 0.6 0.7 0.1 0.8 | 1 10', "your sequence: value at step 6 ('2') is not a number in 0…1"],
    ['0.9 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.1 0.8 | 1 11', "your sequence: marked step 2 ('11') is not a step number in 1…10"],
  ]) {
    await box.fill(text);
    await page.getByRole('button', { name: 'Show the model this sequence' }).click();
    await page.locator('.seq-error').filter({ hasText: want }).waitFor();
    assert.ok((await page.locator('.seq-error').innerText()).startsWith(want));
    await page.waitForTimeout(400);
    assert.equal(await caption(page), mine, 'the view keeps your last good sequence');
    assert.equal(await canvasHash(page, 'Input and target'), after);
  }
  await page.locator('.your-seq').screenshot({ path: SHOTS + 'travel-sequence-error.png' });

  // The link reproduces it.
  const link = page.url();
  await page.close();
  const again = await open(browser, link, server.origin);
  await again.page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU, on your sequence');
  await again.page.waitForFunction(() => /^Marked: step 1 \(0\.90\) and step 10 \(0\.80\)/.test(document.querySelector('.strip-caption')?.textContent ?? ''));
  assert.deepEqual([...errors, ...again.errors], []);
  await again.page.close();
});
