// End-to-end: bring a PyTorch model. The committed fixture (a real torch.nn.GRU(2, 8) +
// nn.Linear(8, 1) written by scripts/torch_roundtrip.py, with torch's own h_n on one input) is
// loaded through "Load run": the page runs it as "GRU (PyTorch)", says what it loaded and how
// closely it reproduces torch's h_T, and trains on; the inspected h_T and prediction (exported
// as the sample JSON of the kept step 0) equal torch's formula on the fixture's weights to 1e-5.
// A broken file is named and changes nothing; an interview experiment's fresh runs drop the
// "Loaded from PyTorch" line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { open, status, waitStep, inkedPixels } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

const FIXTURE = fileURLToPath(new URL('../crates/gru-lab/tests/fixtures/torch_gru.json', import.meta.url));

useSuite();

/**
 * torch.nn.GRU (one layer) + nn.Linear on `x` (T·I values, time order) from a state_dict:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h (torch's own z).
 */
function torchGru(sd, x, I) {
  const [wi, wh, bi, bh] = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'].map((k) => sd[k]);
  const H = wh[0].length;
  const sig = (v) => 1 / (1 + Math.exp(-v));
  let h = new Array(H).fill(0);
  for (let t = 0; t < x.length / I; t++) {
    const xt = x.slice(t * I, (t + 1) * I);
    const gi = wi.map((row, k) => row.reduce((a, w, j) => a + w * xt[j], bi[k]));
    const gh = wh.map((row, k) => row.reduce((a, w, j) => a + w * h[j], bh[k]));
    h = h.map((hj, j) => {
      const r = sig(gi[j] + gh[j]);
      const z = sig(gi[H + j] + gh[H + j]);
      const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
      return (1 - z) * n + z * hj;
    });
  }
  const y = sd['head.weight'][0].reduce((a, w, j) => a + w * h[j], sd['head.bias'][0]);
  return { h_T: h, y };
}

const rows = (page) => page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();

test('a torch.nn.GRU state_dict loads as "GRU (PyTorch)" with its parity line; a broken one is refused', async () => {
  const { page, errors } = await open(browser, server.url + '?T=20&hidden=16&sps=40', server.origin);
  await waitStep(page, 3);
  const bytes = await readFile(FIXTURE);
  await page.getByLabel('Load run').setInputFiles({ name: 'torch_gru.json', mimeType: 'application/json', buffer: bytes });
  const origin = page.getByRole('status', { name: 'Imported model' });
  await origin.waitFor();
  const said = await origin.innerText();
  assert.match(said, /^Loaded from PyTorch: GRU, H=8, 1 layer, one direction, nn\.Linear head \(1 output\); it runs here as “GRU \(PyTorch\)” on Adding problem \(T=20\)/);
  // The fixture's own reference: torch's h_n, reproduced here in f32 (the native test pins ≤ 1e-6).
  const parity = /h_T matches the values you exported to (\d)e-(\d+) \(8 numbers, f32\); the prediction (to \de-\d+|exactly)/.exec(said);
  assert.ok(parity, said);
  assert.ok(Number(`${parity[1]}e-${parity[2]}`) <= 1e-6, said);

  // Every view shows the imported model: the table, the link, the inside views.
  await page.waitForFunction(() => [...document.querySelectorAll('table[aria-label=Compare] tbody th, table tbody th')].some((th) => th.textContent === 'GRU (PyTorch)'));
  assert.deepEqual(await rows(page), ['GRU (PyTorch)']);
  await page.waitForFunction(() => /cells=gru_torch/.test(location.search) && /hidden=8/.test(location.search));
  await page.waitForFunction(() => document.querySelector('#g-gates')?.textContent === 'Inside the GRU (PyTorch), on one validation sequence');
  const z = page.getByRole('img', { name: 'Update gate z', exact: true });
  await z.scrollIntoViewIfNeeded();
  assert.ok((await inkedPixels(page, 'Update gate z')) > 1500, 'the imported GRU\'s gates are drawn');
  const s1 = (await status(page)).step;
  await waitStep(page, s1 + 10);

  // The inspected VALUES are the imported model's: view the kept step 0 (the imported weights,
  // before any training here), export the inspected sample, and recompute torch.nn.GRU's
  // h_T and the head's output on its inputs from the fixture's weights (f64 in JS).
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => /training paused/.test(document.querySelector('[data-travel]')?.textContent ?? ''));
  await page.getByRole('slider', { name: 'Training step to view' }).fill('0');
  await page.waitForFunction(() => document.querySelector('[data-travel]')?.textContent.startsWith('Viewing step 0 of '));
  await page.waitForFunction(() => document.querySelector('.picker .pick')?.textContent.endsWith('the model of training step 0'));
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Sample JSON', exact: true }).click()]);
  const doc = JSON.parse((await readFile(await d.path())).toString('utf8'));
  assert.equal(doc.step, 0);
  const fx = JSON.parse(bytes.toString('utf8'));
  const run = doc.runs[0];
  const { h_T, y } = torchGru(fx, run.data.inputs, run.data.input_size);
  const H = h_T.length;
  const mine = run.h.slice(run.h.length - H);
  assert.equal(run.hidden, H);
  const worst = Math.max(...mine.map((v, j) => Math.abs(v - h_T[j])));
  assert.ok(worst <= 1e-5, `h_T differs from torch's formula on the fixture's weights by ${worst}`);
  assert.ok(Math.abs(run.data.prediction[0] - y) <= 1e-5, `prediction ${run.data.prediction[0]} vs ${y}`);
  await page.getByRole('button', { name: 'Back to live' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}torch-import-1280x800.png` });

  // A state_dict whose head lacks its bias: one notice naming it; the imported run trains on.
  const broken = JSON.parse(bytes.toString('utf8'));
  delete broken['head.bias'];
  await page.getByLabel('Load run').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  const alert = page.getByRole('alert').filter({ hasText: 'Not loaded: PyTorch state_dict: head.bias: missing' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /the current run continues unchanged/);
  assert.deepEqual(await rows(page), ['GRU (PyTorch)'], 'the imported run is still the one shown');
  assert.match(await origin.innerText(), /^Loaded from PyTorch: GRU, H=8/);
  const s2 = (await status(page)).step;
  await waitStep(page, s2 + 10);

  // An interview experiment starts fresh runs, which are not the imported model: the line goes.
  await page.getByRole('button', { name: 'Interview', exact: true }).click();
  const interview = page.getByRole('region', { name: 'Interview mode' });
  await interview.getByRole('link', { name: 'Why is a GRU often faster to train than an LSTM?' }).click();
  await interview.getByRole('button', { name: '2. Run this experiment' }).click();
  await origin.waitFor({ state: 'detached' });
  await page.waitForFunction(() => ![...document.querySelectorAll('table[aria-label=Compare] tbody th')].some((th) => th.textContent === 'GRU (PyTorch)'));
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});
