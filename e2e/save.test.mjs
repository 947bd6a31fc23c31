// End-to-end: save a run (a download), load it in a fresh page, and it continues from the same
// step and loss; a garbage file gives a notice and training goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch, open, status } from './browser.mjs';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
let server, browser;

before(async () => {
  server = await serve(DIST, '/gru-lens/');
  browser = await launch();
});
after(async () => { await browser?.close(); server?.close(); });

const stepAtLeast = (page, min) =>
  page.waitForFunction((m) => Number(/step (\d+)/.exec(document.querySelector('[role=status]')?.textContent ?? '')?.[1] ?? 0) >= m, min);
const pause = async (page) => {
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
};

test('a saved run loads in a fresh page at the same step and loss; a bad file changes nothing', async () => {
  const query = '?cells=gru,lstm&T=20&hidden=8';
  const { page, errors } = await open(browser, server.url + query, server.origin);
  await stepAtLeast(page, 25);
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
  await stepAtLeast(fresh.page, 1);
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
  await stepAtLeast(fresh.page, saved.step + 10);
  assert.deepEqual([...errors, ...fresh.errors], [], 'no console errors');
  await fresh.page.close();
});
