// End-to-end: interview mode. Opens by URL (?q=list, ?q=N; bad values are named), each of the
// ten experiments starts and trains, the quiz refuses to reveal before a prediction and then
// reports what the run did, and the numbers in an answer equal the Compare table's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, waitStep } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

/** The presets and views of gru_lab::interview::QUESTIONS (checked against the page's links). */
const PRESETS = ['cells=gru,lstm', 'cells=gru,gru_torch', 'T=100', 'T=100&cells=gru,lstm&hidden=32',
  'T=20&cells=gru,lstm&hidden=8&train_n=64', 'task=parity&T=16&cells=gru,lstm', 'cells=gru&rdropout=0.3',
  'task=lookahead&T=20&cells=gru&layers=2&bi=1&oneway=1', 'T=300&cells=gru,tcn,attn', 'cells=gru,lstm,rnn&seeds=3&sweep_steps=400'];
const VIEWS = ['v-compare', 'v-equations', 'v-flow', 'v-loss', 'v-loss', 'v-compare', 'v-loss', 'v-loss', 'v-flow', 'v-sweep'];

const panel = (page) => page.getByRole('region', { name: 'Interview mode' });
const verdict = (page) => panel(page).locator('.iv-verdict');

// Reveal while the run is paused before the step the quiz compares at (300), so the "not yet"
// verdict is checked without racing a fast run past it; then training goes on (Play: past the
// step "Run this experiment" pauses at). A run that got to step 300 first has paused itself,
// and a Pause click that lands as the button turns into Play is retried.
async function revealBeforeDecided(page) {
  const paused = () => page.evaluate(() => /paused/.test(document.querySelector('[role=status]').textContent));
  for (let i = 0; i < 3 && !(await paused()); i++) {
    await page.getByRole('button', { name: 'Pause' }).click({ timeout: 2000 }).catch(() => {});
    await page.waitForFunction(() => /paused/.test(document.querySelector('[role=status]').textContent), null, { timeout: 5000 }).catch(() => {});
  }
  assert.ok(await paused(), 'paused');
  const step = await page.evaluate(() => Number(/step (\d+)/.exec(document.querySelector('[role=status]').textContent)?.[1]));
  await panel(page).getByRole('button', { name: '3. Reveal' }).click();
  if (step < 300) {
    assert.equal(await verdict(page).innerText(), `Not decided yet — keep training: the runs are compared at step 300 or later (now at step ${step})`);
  } else {
    // Paused at 300: the views of that step come with the inspection the pause asked for.
    await page.waitForFunction(() => /^(Your prediction held|Not this time)/.test(document.querySelector('.iv-verdict')?.textContent ?? ''), null, { timeout: 60_000 });
  }
  await page.getByRole('button', { name: 'Play', exact: true }).click();
}

test('?q=list lists the ten questions, ?q=4 opens one and stays in the link, bad values are named', async () => {
  const { page, errors } = await open(browser, server.url + '?q=list', server.origin);
  await panel(page).waitFor();
  assert.equal(await panel(page).locator('.iv-list li').count(), 10);
  await panel(page).getByRole('link', { name: 'Why is a GRU often faster to train than an LSTM?' }).click();
  await panel(page).getByRole('heading', { name: 'Question 4: Why is a GRU often faster to train than an LSTM?' }).waitFor();
  await page.waitForFunction(() => /[?&]q=4(&|$)/.test(location.search));
  // The header button closes and reopens the mode; the runs are not touched.
  await page.getByRole('button', { name: 'Close interview', exact: true }).click();
  assert.equal(await panel(page).count(), 0);
  await page.waitForFunction(() => !/[?&]q=/.test(location.search));
  await page.getByRole('button', { name: 'Interview', exact: true }).click();
  await panel(page).locator('.iv-list').waitFor();
  assert.match(page.url(), /[?&]q=list/);
  assert.deepEqual(errors, []);
  await page.close();

  const again = await open(browser, server.url + '?q=4', server.origin);
  await panel(again.page).getByRole('heading', { name: /^Question 4: / }).waitFor();
  await again.page.reload();
  await panel(again.page).getByRole('heading', { name: /^Question 4: / }).waitFor();
  assert.match(again.page.url(), /[?&]q=4(&|$)/, 'q=4 survives a reload');
  await again.page.close();

  for (const [bad, shown] of [['99', '99'], ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', '<script>alert(1)</script>']]) {
    const { page: p, errors: e } = await open(browser, server.url + `?q=${bad}&T=20`, server.origin);
    const alert = p.getByRole('alert');
    await alert.filter({ hasText: `q: unknown '${shown}' (one of off, list, 0, 1,` }).waitFor();
    assert.ok(!(await alert.textContent()).includes('\n'), 'one line');
    assert.equal(await panel(p).count(), 0, 'no interview panel for a bad q');
    assert.equal(await p.locator('script:not([src])').count(), 0, 'nothing injected');
    await waitStep(p, 3); // the rest of the link applies and the page trains
    assert.deepEqual(e, []);
    await p.close();
  }
});

test('each question\'s experiment starts, trains, outlines its view, and is a link', async () => {
  for (let n = 1; n <= 10; n++) {
    const { page, errors } = await open(browser, server.url + `?q=${n}`, server.origin);
    await panel(page).getByRole('heading', { name: new RegExp(`^Question ${n}: `) }).waitFor();
    // A question's link opens paused, so the learner predicts before anything trains.
    await page.getByRole('status').filter({ hasText: 'paused' }).waitFor();
    await page.locator(`#${VIEWS[n - 1]}.spotlight`).waitFor({ state: 'attached' });
    const link = await panel(page).locator('.iv-look a').last().getAttribute('href');
    assert.equal(link, `?${PRESETS[n - 1]}&q=${n}`, `question ${n}'s link`);
    await panel(page).getByRole('button', { name: '2. Run this experiment' }).click();
    if (n === 10) {
      // Question 10 trains every model over 3 seeds in the sweep (live training waits).
      await page.getByRole('progressbar', { name: 'Sweep progress' }).waitFor();
      await page.waitForFunction(() => document.querySelector('progress')?.value > 0, null, { timeout: 60_000 });
      // Stop it, so its 3 600 steps do not load the machine for the tests after this one.
      await page.getByRole('button', { name: 'Cancel sweep' }).click();
      await page.getByRole('button', { name: 'Run sweep' }).and(page.locator(':enabled')).waitFor();
    } else {
      await waitStep(page, 5, { timeout: 60_000 });
    }
    assert.ok(page.url().endsWith(`?${PRESETS[n - 1]}&q=${n}`), `${n}: the page's URL is the question's link: ${page.url()}`);
    assert.deepEqual(errors, [], `question ${n}`);
    await page.close();
  }
});

test('the quiz refuses to reveal before a prediction, then reports what the run did, with the page\'s numbers', async () => {
  const { page, errors } = await open(browser, server.url + '?q=3', server.origin);
  const p = panel(page);
  await p.getByRole('heading', { name: /^Question 3: / }).waitFor();
  await p.getByRole('button', { name: '3. Reveal' }).click();
  assert.equal(await verdict(page).innerText(), 'Make a prediction first: pick one of the options above, then reveal.');
  assert.equal(await p.locator('.iv-answer').count(), 0, 'no answer before a prediction');
  await p.getByRole('radio', { name: 'GRU', exact: true }).check();
  await p.getByRole('button', { name: '2. Run this experiment' }).click();
  await waitStep(page, 2);
  await revealBeforeDecided(page);
  assert.equal(await p.getByRole('radio', { name: 'RNN', exact: true }).isDisabled(), true, 'the prediction is locked');
  // The verdict follows the run until it decides.
  await page.waitForFunction(() => /^(Your prediction held|Not this time)/.test(document.querySelector('.iv-verdict')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  // Paused, the answer's numbers equal the Compare table's last column and the status line's step.
  const read = () => page.evaluate(() => {
    const rows = [...document.querySelectorAll('#v-compare table[aria-label=Compare] tbody tr')].map((r) => [r.querySelector('th').textContent, r.lastElementChild.textContent]);
    const answer = [...document.querySelectorAll('.iv-answer p')].map((x) => x.textContent).find((t) => t.startsWith('‖∂h_T/∂h_0‖ at step')) ?? '';
    const step = /step (\d+)/.exec(document.querySelector('[role=status]').textContent)?.[1];
    return { rows, answer, step, verdict: document.querySelector('.iv-verdict').textContent, paused: /paused/.test(document.querySelector('[role=status]').textContent) };
  });
  await page.waitForFunction(() => /paused/.test(document.querySelector('[role=status]').textContent));
  await page.waitForTimeout(500); // the inspection published on pause
  const r = await read();
  assert.equal(r.rows.length, 2);
  const want = `‖∂h_T/∂h_0‖ at step ${r.step} (the views' model; the Compare table's last column): ${r.rows.map(([c, v]) => `${c} ${v}`).join(', ')}.`;
  assert.equal(r.answer, want, 'the answer quotes the table');
  assert.ok(r.verdict.includes(`GRU ${r.rows[0][1]}, RNN ${r.rows[1][1]}`), `the verdict quotes the table: ${r.verdict} vs ${JSON.stringify(r.rows)}`);
  // And it says what the run did: the higher of the two table values (or a tie within 10×).
  const [g, n] = r.rows.map(([, v]) => Number(v));
  const truth = g / n > 10 ? 'GRU' : n / g > 10 ? 'RNN' : 'about equal (within 10×)';
  assert.ok(r.verdict.startsWith(truth === 'GRU' ? 'Your prediction held: GRU.' : `Not this time: you predicted GRU, the run gave ${truth}.`), r.verdict);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: SHOTS + 'interview-q3-1280x800.png' });
  assert.deepEqual(errors, []);
  await page.close();
});

test('"Run this experiment" trains to the step the quiz names and pauses there, so the verdict holds', async () => {
  const { page, errors } = await open(browser, server.url + '?q=2', server.origin);
  const p = panel(page);
  await p.getByRole('heading', { name: /^Question 2: / }).waitFor();
  assert.match(await p.getByRole('button', { name: '2. Run this experiment' }).getAttribute('title'), /train them 300 steps, then pause/);
  // A bare ?q=2 leaves the page's own runs (GRU and RNN): the question says so until Run.
  const elsewhere = p.locator('.iv-elsewhere');
  assert.match(await elsewhere.innerText(), /not this experiment yet.*\(cells=gru,gru_torch\)/);
  await p.getByRole('radio').first().check();
  await p.getByRole('button', { name: '2. Run this experiment' }).click();
  await waitStep(page, 2);
  assert.equal(await elsewhere.count(), 0, 'running the experiment, the note is gone');
  await page.waitForFunction(() => /paused/.test(document.querySelector('[role=status]').textContent), null, { timeout: 120_000 });
  assert.match(await page.getByRole('status').first().innerText(), /\bstep 300\b/);
  await p.getByRole('button', { name: '3. Reveal' }).click();
  await page.waitForFunction(() => /^(Your prediction held|Not this time)/.test(document.querySelector('.iv-verdict')?.textContent ?? ''), null, { timeout: 60_000 });
  const first = await verdict(page).innerText();
  assert.match(first, /At step 300 \(the inspection\)/);
  await page.waitForTimeout(1500);
  assert.equal(await verdict(page).innerText(), first, 'paused, the verdict holds');
  assert.match(await page.getByRole('status').first().innerText(), /\bstep 300\b/, 'still at step 300');
  assert.deepEqual(errors, []);
  await page.close();
});

test('question 8 trains a bidirectional GRU and its one-way twin on lookahead; the quiz is decided by their validation losses', async () => {
  const { page, errors } = await open(browser, server.url + '?q=8', server.origin);
  const p = panel(page);
  await p.getByRole('heading', { name: /^Question 8: / }).waitFor();
  await p.getByRole('radio', { name: 'the one-way GRU', exact: true }).check();
  await p.getByRole('button', { name: '2. Run this experiment' }).click();
  await waitStep(page, 2);
  await revealBeforeDecided(page);
  await page.waitForFunction(() => /^(Your prediction held|Not this time)/.test(document.querySelector('.iv-verdict')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => /paused/.test(document.querySelector('[role=status]').textContent));
  await page.waitForTimeout(500);
  const r = await page.evaluate(() => ({
    rows: [...document.querySelectorAll('#v-compare table[aria-label=Compare] tbody tr')].map((row) => [row.querySelector('th').textContent, row.children[2].textContent]),
    verdict: document.querySelector('.iv-verdict').textContent,
    answer: [...document.querySelectorAll('.iv-answer p')].map((x) => x.textContent).join(' '),
  }));
  assert.deepEqual(r.rows.map(([c]) => c), ['GRU', 'GRU one-way']);
  const [[, bi], [, one]] = r.rows;
  // The run decides, from the two validation losses the Compare table shows.
  assert.ok(r.verdict.includes(`validation loss GRU ${bi}, GRU one-way ${one}`), `${r.verdict} vs ${JSON.stringify(r.rows)}`);
  assert.ok(Number(bi) < 0.5 * Number(one), `the bidirectional GRU learns the future: ${bi} vs ${one}`);
  assert.ok(r.verdict.startsWith('Not this time: you predicted the one-way GRU, the run gave the bidirectional GRU.'), r.verdict);
  assert.ok(r.answer.includes(`validation loss GRU ${bi}, GRU one-way ${one}`), r.answer);
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots: the list, questions 4 and 8 at 1280×800 (10 in seeds.test.mjs)', async () => {
  const shot = async (q, name, reveal) => {
    const { page, errors } = await open(browser, server.url + `?q=${q}`, server.origin);
    await panel(page).waitFor();
    if (reveal) {
      await panel(page).getByRole('radio').first().check();
      await panel(page).getByRole('button', { name: '2. Run this experiment' }).click();
      await waitStep(page, 20, { timeout: 60_000 });
      await panel(page).getByRole('button', { name: '3. Reveal' }).click();
      await panel(page).locator('.iv-answer').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    await page.screenshot({ path: SHOTS + `interview-${name}-1280x800.png` });
    assert.deepEqual(errors, []);
    await page.close();
  };
  await shot('list', 'list', false);
  await shot('4', 'q4', true);
  await shot('8', 'q8', true);
});
