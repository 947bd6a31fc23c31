// End-to-end: bring a PyTorch model. The committed fixture (a real torch.nn.GRU(2, 8) +
// nn.Linear(8, 1) written by scripts/torch_roundtrip.py, with torch's own h_n on one input) is
// loaded through "Load run": the page runs it as "GRU (PyTorch)", says what it loaded and how
// closely it reproduces torch's h_T, and trains on. A broken file is named and changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { open, status, waitStep, inkedPixels } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

const FIXTURE = fileURLToPath(new URL('../crates/gru-lab/tests/fixtures/torch_gru.json', import.meta.url));

useSuite();

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
  assert.deepEqual(errors, [], 'no console errors');
  await page.close();
});
