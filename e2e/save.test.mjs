// End-to-end: save a run (a download), load it in a fresh page, and it continues from the same
// step and loss; a garbage file gives a notice and training goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { open, status, waitStep } from './browser.mjs';
import { useSuite, server, browser } from './suite.mjs';

useSuite();

const pause = async (page) => {
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
};

test('a saved run loads in a fresh page at the same step and loss; a bad file changes nothing', async () => {
  const query = '?cells=gru,lstm&T=20&hidden=8';
  const { page, errors } = await open(browser, server.url + query, server.origin);
  await waitStep(page, 25);
  await pause(page);
  const saved = await status(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save run' }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^gru-lens-gru-lstm-adding-step${saved.step}\\.json$`));
  const bytes = await readFile(await download.path()); // the download goes with its page
  const doc = JSON.parse(bytes.toString('utf8'));
  assert.equal(doc.format, 'gru-lens-run');
  assert.equal(doc.runs.length, 2);
  assert.equal(doc.runs[0].checkpoint.step, saved.step);
  assert.match(doc.query, /cells=gru,lstm/);
  await page.close();

  // A fresh page with other settings, paused at once: loading replaces its runs and settings.
  const fresh = await open(browser, server.url, server.origin);
  await waitStep(fresh.page, 1);
  await pause(fresh.page);
  await fresh.page.getByLabel('Load run').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: bytes });
  await fresh.page.getByRole('alert').filter({ hasText: `Loaded a saved run at step ${saved.step}` }).waitFor();
  await fresh.page.waitForFunction((s) => document.querySelector('[role=status]').textContent.startsWith(`step ${s} `), saved.step);
  const loaded = await status(fresh.page);
  assert.equal(loaded.text, saved.text, 'step and both runs\' losses come back exactly');
  assert.match(fresh.page.url(), /cells=gru%2Clstm|cells=gru,lstm/, 'the link now reproduces the loaded settings');
  const rows = await fresh.page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();
  assert.deepEqual(rows, ['GRU', 'LSTM'], 'every view shows the loaded runs');

  // Garbage: a notice naming the problem, the run untouched, training goes on.
  await fresh.page.getByLabel('Load run').setInputFiles({ name: 'garbage.json', mimeType: 'application/json', buffer: Buffer.from('not json at all') });
  await fresh.page.getByRole('alert').filter({ hasText: 'Not loaded: the file is not JSON' }).waitFor();
  assert.equal((await status(fresh.page)).text, saved.text, 'the loaded run is untouched');
  await fresh.page.getByRole('button', { name: 'Play' }).click();
  await waitStep(fresh.page, saved.step + 10);
  assert.deepEqual([...errors, ...fresh.errors], [], 'no console errors');
  await fresh.page.close();
});

test('a run with a TCN (kernel 3) and 2-head attention saves and loads at the same step and losses, and exports both to PyTorch', async () => {
  const query = '?cells=gru,tcn,attn&T=20&hidden=8&tcn_kernel=3&heads=2';
  const { page, errors } = await open(browser, server.url + query, server.origin);
  await waitStep(page, 20);
  await pause(page);
  const saved = await status(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save run' }).click(),
  ]);
  const bytes = await readFile(await download.path());
  const doc = JSON.parse(bytes.toString('utf8'));
  assert.equal(doc.runs.length, 3);
  assert.equal(doc.runs[1].net.kind.tcn.kernel, 3);
  assert.equal(doc.runs[2].net.kind.attention.heads, 2);
  assert.equal(doc.runs[2].net.step, saved.step);

  // PyTorch JSON: one file per run torch has a module for (the TCN, the attention model; this
  // page's GRU has no torch twin), with the module's arguments and a check of T = 20 steps.
  const files = [];
  const two = new Promise((resolve) => page.on('download', async (d) => {
    files.push({ name: d.suggestedFilename(), bytes: await readFile(await d.path()) });
    if (files.length === 2) resolve();
  }));
  await page.getByRole('button', { name: 'PyTorch JSON', exact: true }).click();
  await two;
  files.sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(files.map((f) => f.name), [`gru-lens-attn-adding-step${saved.step}.pytorch.json`, `gru-lens-tcn-adding-step${saved.step}.pytorch.json`]);
  const [attn, tcn] = files.map((f) => JSON.parse(f.bytes.toString('utf8')));
  assert.equal(tcn.gru_lens.module, 'Tcn');
  assert.deepEqual([tcn['convs.0.weight'].length, tcn['convs.0.weight'][0].length, tcn['convs.0.weight'][0][0].length], [8, 2, 3], '[C][I][k]');
  assert.deepEqual([tcn.gru_lens.args.kernel, tcn.gru_lens.check.input.length, tcn.gru_lens.check.y.length], [3, 20, 1]);
  assert.equal(attn.gru_lens.module, 'Attn');
  assert.deepEqual([attn['layer.self_attn.in_proj_weight'].length, attn['layer.self_attn.in_proj_weight'][0].length], [24, 8], '[3D][D]');
  assert.equal(attn.gru_lens.args.heads, 2);
  await page.close();
  const fresh = await open(browser, server.url, server.origin);
  await waitStep(fresh.page, 1);
  await pause(fresh.page);
  await fresh.page.getByLabel('Load run').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: bytes });
  await fresh.page.getByRole('alert').filter({ hasText: `Loaded a saved run at step ${saved.step}` }).waitFor();
  await fresh.page.waitForFunction((s) => document.querySelector('[role=status]').textContent.startsWith(`step ${s} `), saved.step);
  assert.equal((await status(fresh.page)).text, saved.text, 'step and every run\'s loss come back exactly');
  const rows = await fresh.page.getByRole('table', { name: 'Compare' }).locator('tbody th').allInnerTexts();
  assert.deepEqual(rows, ['GRU', 'TCN', 'Attention']);
  // The TCN's PyTorch file is not a run the page loads: a notice says so, the runs stay.
  await fresh.page.getByLabel('Load run').setInputFiles({ name: files[1].name, mimeType: 'application/json', buffer: files[1].bytes });
  await fresh.page.getByRole('alert').filter({ hasText: 'Not loaded: PyTorch state_dict: a Tcn state_dict is for PyTorch' }).waitFor();
  assert.equal((await status(fresh.page)).text, saved.text, 'the loaded runs are untouched');
  assert.deepEqual([...errors, ...fresh.errors], []);
  await fresh.page.close();
});

/** Clicks the button named `name` and returns the download's { name, bytes }. */
async function grab(page, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

test('the loss CSV, the sample JSON and a chart PNG hold what the page shows', async () => {
  const { page, errors } = await open(browser, server.url + '?T=20&hidden=8&sps=60', server.origin);
  await waitStep(page, 30);
  await pause(page);
  await page.waitForTimeout(300); // the paused snapshot (with its validation) has been drawn
  const { step } = await status(page);

  const csv = await grab(page, 'Loss CSV');
  assert.equal(csv.name, `gru-lens-loss-step${step}.csv`);
  const [header, ...rows] = csv.bytes.toString('utf8').trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(header, ['step', 'run', 'train_loss', 'val_loss', 'grad_norm']);
  for (const run of ['GRU', 'RNN']) {
    const train = rows.filter((r) => r[1] === run && r[2] !== '');
    const val = rows.filter((r) => r[1] === run && r[3] !== '');
    assert.equal(train.length, step, `${run}: one training row per step (under 800 steps)`);
    assert.deepEqual(train.map((r) => Number(r[0])), Array.from({ length: step }, (_, k) => k + 1));
    assert.ok(train.every((r) => Number(r[2]) > 0 && Number(r[4]) > 0), 'losses and gradient norms parse');
    const shown = await page.getByRole('table', { name: 'Compare' }).locator('tbody tr', { hasText: run }).locator('td').nth(1).innerText();
    assert.equal(Number(val.at(-1)[3]).toFixed(4), shown, `${run}: the last validation loss is the one in Compare`);
  }

  const json = await grab(page, 'Sample JSON');
  assert.equal(json.name, `gru-lens-sample0-step${step}.json`);
  const doc = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(doc.format, 'gru-lens-sample');
  assert.deepEqual(doc.runs.map((r) => r.cell), ['gru', 'rnn_tanh']);
  const gru = doc.runs[0];
  assert.equal(gru.steps, 20);
  assert.equal(gru.hidden, 8);
  assert.deepEqual(gru.gates.map((g) => g.name).slice(0, 2), ['z', 'r']);
  assert.equal(gru.gates[0].values.length, 20 * 8);
  assert.equal(gru.h.length, 21 * 8);
  assert.equal(gru.flow.length, 21);
  assert.equal(gru.flow[0], 1, '‖∂h_T/∂h_T‖ = 1');

  const torch = await grab(page, 'PyTorch JSON'); // the RNN; this page's GRU has no torch twin
  assert.equal(torch.name, `gru-lens-rnn-adding-step${step}.pytorch.json`);
  const sd = JSON.parse(torch.bytes.toString('utf8'));
  assert.deepEqual(Object.keys(sd), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'head.weight', 'head.bias']);
  assert.deepEqual([sd.weight_hh_l0.length, sd.weight_hh_l0[0].length, sd.weight_ih_l0[0].length], [8, 8, 2]);

  const png = await grab(page, 'Download Loss as PNG');
  assert.equal(png.name, `gru-lens-loss-step${step}.png`);
  assert.deepEqual([...png.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
  const size = await page.getByRole('img', { name: 'Loss', exact: true }).evaluate((c) => [c.width, c.height]);
  assert.deepEqual([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)], size, 'the canvas pixels, as drawn');
  assert.deepEqual(errors, []);
  await page.close();
});
