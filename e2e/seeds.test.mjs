// End-to-end: question 10's multi-seed comparison. "Run this experiment" starts a sweep of the
// preset's T alone with 3 seeds; with a small budget it draws, per model, the seeds' mean
// validation curve and a lowest–highest band, and the quiz (refused before a prediction) is
// decided by the numbers that chart shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { open, waitStep } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const panel = (page) => page.getByRole('region', { name: 'Interview mode' });
const verdict = (page) => panel(page).locator('.iv-verdict');
const CHART = 'Validation loss over seeds';

async function setField(page, name, value) {
  const input = page.locator(`input[name=${name}]`);
  await input.fill(value);
  await input.dispatchEvent('change');
}

/** `"GRU 0.0123 [0.0100–0.0150]"` entries of a text as { model: [mean, lo, hi] }. */
function figures(text) {
  const out = {};
  for (const m of text.matchAll(/(GRU|LSTM|RNN) ([0-9.e+-]+) \[([0-9.e+-]+)–([0-9.e+-]+)\]/g)) {
    out[m[1]] = [m[2], m[3], m[4]];
  }
  return out;
}

test('?q=10 runs the models over 3 seeds: one band per model, and the quiz follows the seeds\' numbers', async () => {
  const { page, errors } = await open(browser, server.url + '?q=10', server.origin);
  const p = panel(page);
  await p.getByRole('heading', { name: /^Question 10: / }).waitFor();
  await p.getByRole('button', { name: '3. Reveal' }).click();
  assert.equal(await verdict(page).innerText(), 'Make a prediction first: pick one of the options above, then reveal.');
  assert.equal(await p.locator('.iv-answer').count(), 0, 'no answer before a prediction');
  await p.getByRole('radio', { name: 'GRU', exact: true }).check();
  const runButton = p.getByRole('button', { name: '2. Run this experiment' });
  // The tooltip states the seeds and steps this page will run, once (not also the preset's).
  assert.equal(await runButton.getAttribute('title'),
    'Start fresh runs with cells=gru,lstm,rnn, then train every model afresh with 3 seeds for 400 steps each (live training pauses meanwhile)');
  await runButton.click();

  // The preset's comparison starts: T = 40 alone, 3 models × 3 seeds × 400 steps.
  const progress = page.getByRole('progressbar', { name: 'Sweep progress' });
  await progress.waitFor();
  assert.equal(await progress.evaluate((e) => e.max), 3 * 3 * 400);
  assert.equal(await page.locator('input[name=sweep-lengths]').inputValue(), '40');
  assert.equal(await page.locator('input[name=sweep-seeds]').inputValue(), '3');
  await p.getByRole('button', { name: '3. Reveal' }).click();
  assert.match(await verdict(page).innerText(), /^Not decided yet — keep training: /);

  // A small budget: cancel, 40 steps (kept in the link), run again.
  await page.getByRole('button', { name: 'Cancel sweep' }).click();
  // A count out of range is refused by the settings table: a notice, and the field keeps 3.
  await setField(page, 'sweep-seeds', '0');
  await page.locator('.notice', { hasText: /seeds.*— kept 3\./ }).waitFor();
  assert.equal(await page.locator('input[name=sweep-seeds]').inputValue(), '3');
  assert.match(page.url(), /[?&]seeds=3(&|$)/);
  await setField(page, 'sweep-steps', '40');
  await page.waitForFunction(() => /[?&]sweep_steps=40(&|$)/.test(location.search));
  assert.match(page.url(), /[?&]seeds=3(&|$)/);
  assert.match(await runButton.getAttribute('title'), /afresh with 3 seeds for 40 steps each/,
    'a page already on several seeds keeps its own step budget');
  await page.getByRole('button', { name: 'Run sweep' }).click();
  const chart = page.getByRole('img', { name: CHART, exact: true });
  const figure = chart.locator('xpath=ancestor::figure[1]');
  const summary = figure.locator('p.sr-only');
  await summary.filter({ hasText: /^Validation loss at T = 40 over 3 seeds, mean/ }).waitFor({ timeout: 240_000 });
  const text = await summary.innerText();
  const shown = figures(text);
  assert.deepEqual(Object.keys(shown), ['GRU', 'LSTM', 'RNN'], text);
  assert.equal((text.match(/at step 40 \(3 seeds\)/g) ?? []).length, 3, text);
  for (const [m, [mean, lo, hi]] of Object.entries(shown)) {
    assert.ok(Number(lo) <= Number(mean) && Number(mean) <= Number(hi), `${m}: ${lo} ≤ ${mean} ≤ ${hi}`);
  }

  // One shaded band and one mean line per model, in the SVG drawn by the same code.
  const [d] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: `Download ${CHART} as SVG`, exact: true }).click()]);
  const svg = (await readFile(await d.path())).toString('utf8');
  await writeFile(`${SHOTS}seeds-chart.svg`, svg);
  assert.equal((svg.match(/<polygon/g) ?? []).length, 3, 'three bands');
  for (const m of ['GRU', 'LSTM', 'RNN']) assert.ok(svg.includes(`${m} (3 seeds)`), m);
  assert.ok((svg.match(/<polyline/g) ?? []).length >= 3, 'three mean lines');

  // The verdict: the lowest mean, unless its range overlaps another model's.
  await page.waitForFunction(() => /^(Your prediction held|Not this time)/.test(document.querySelector('.iv-verdict')?.textContent ?? ''), null, { timeout: 30_000 });
  const v = await verdict(page).innerText();
  assert.ok(v.includes('Final validation loss over 3 seeds (40 steps, T = 40)'), v);
  assert.deepEqual(figures(v), shown, 'the verdict quotes the chart\'s numbers');
  const best = Object.entries(shown).sort((a, b) => Number(a[1][0]) - Number(b[1][0]))[0];
  const overlap = Object.entries(shown).some(([m, [, lo]]) => m !== best[0] && Number(lo) <= Number(best[1][2]));
  const truth = overlap ? 'none clearly: the lowest mean\'s seed range overlaps another model\'s' : best[0];
  assert.ok(v.startsWith(truth === 'GRU' ? 'Your prediction held: GRU.' : `Not this time: you predicted GRU, the run gave ${truth}.`), v);
  assert.ok(v.includes(overlap ? 'with 3 seeds this is not a difference you can claim' : 'the ranges do not overlap'), v);
  assert.equal(await p.getByRole('radio', { name: 'LSTM', exact: true }).isDisabled(), true, 'the prediction is locked');

  // The answer quotes the same figures and says what a single seed would have shown.
  const answer = (await p.locator('.iv-answer p').allInnerTexts()).join(' ');
  assert.ok(answer.includes('Here, 3 seeds of 40 steps each at T = 40'), answer);
  assert.deepEqual(figures(answer), shown, 'the answer quotes the chart\'s numbers');
  assert.ok(answer.includes(`The lowest mean is the ${best[0]}'s.`), answer);
  assert.match(answer, /A single seed can mislead: seed \d alone ranks|every seed on its own also ranks/);

  await figure.screenshot({ path: `${SHOTS}seeds-chart.png` });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SHOTS + 'interview-q10-1280x800.png' });
  // Cancelled or done, the lab trains on.
  await page.getByRole('button', { name: 'Play' }).click();
  await waitStep(page, 3);
  assert.deepEqual(errors, []);
  await page.close();
});
