// End-to-end: charts at the screen's pixel density (the drawing buffer follows
// devicePixelRatio, hover and clicks still hit the right heatmap cell), the SVG export of a
// chart, and presenter mode's larger chart text. Screenshots at DPR 2 to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { open, waitStep } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const pause = async (page) => {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
};

/** Each chart canvas's drawing-buffer size and displayed (CSS) size. */
const sizes = (page) => page.evaluate(() => [...document.querySelectorAll('canvas[role=img]')]
  .filter((c) => c.clientWidth > 0)
  .map((c) => ({ name: c.getAttribute('aria-label'), w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight })));

/** Clicks the button named `name` and returns the download's { name, text }. */
async function grab(page, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  return { name: d.suggestedFilename(), text: (await readFile(await d.path())).toString('utf8') };
}

for (const dpr of [1, 2]) {
  test(`at DPR ${dpr} every chart's drawing buffer is its CSS size × ${dpr}`, async () => {
    const { page, errors } = await open(browser, server.url + '?cells=gru,lstm', server.origin,
      { width: 1280, height: 800 }, { deviceScaleFactor: dpr });
    await waitStep(page, 20);
    const all = await sizes(page);
    assert.ok(all.length >= 8, `charts found: ${all.map((c) => c.name)}`);
    for (const c of all) {
      // The CSS width is rounded before scaling; the height follows from the width.
      assert.ok(Math.abs(c.w - dpr * c.cssW) <= dpr, `${c.name}: buffer ${c.w} px for ${c.cssW} CSS px at DPR ${dpr}`);
      assert.ok(Math.abs(c.h - dpr * c.cssH) <= dpr + 1, `${c.name}: buffer height ${c.h} px for ${c.cssH} CSS px`);
    }
    if (dpr === 2) {
      await page.getByRole('img', { name: 'Loss', exact: true }).screenshot({ path: `${SHOTS}crisp-loss-dpr2.png` });
      await page.getByRole('img', { name: 'Update gate z', exact: true }).screenshot({ path: `${SHOTS}crisp-gate-z-dpr2.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('at DPR 2 a click on a gate heatmap selects the cell under the pointer', async () => {
  const { page, errors } = await open(browser, server.url + '?T=20&hidden=8', server.origin,
    { width: 1280, height: 800 }, { deviceScaleFactor: 2 });
  await waitStep(page, 20);
  await pause(page);
  const z = page.getByRole('img', { name: 'Update gate z', exact: true });
  await z.scrollIntoViewIfNeeded();
  const box = await z.boundingBox();
  // Two points well apart: the magenta outline of the selected cell (drawn in buffer pixels)
  // must surround the point clicked (in CSS pixels × 2) each time.
  for (const [fx, fy] of [[0.3, 0.35], [0.62, 0.7]]) {
    const [cx, cy] = [box.width * fx, box.height * fy];
    await z.click({ position: { x: cx, y: cy } });
    await page.waitForTimeout(200);
    const outline = await z.evaluate((c) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 255 && data[i + 1] === 0 && data[i + 2] === 150) {
          const x = (i / 4) % c.width, y = Math.floor(i / 4 / c.width);
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
        }
      }
      return { x0, y0, x1, y1, ratio: c.width / c.clientWidth };
    });
    assert.ok(Math.abs(outline.ratio - 2) < 0.02, `the buffer is twice the CSS size (${outline.ratio})`);
    const [bx, by] = [cx * outline.ratio, cy * outline.ratio];
    assert.ok(outline.x0 <= bx && bx <= outline.x1 && outline.y0 <= by && by <= outline.y1,
      `the click at (${bx}, ${by}) buffer px lies in the selected cell ${JSON.stringify(outline)}`);
  }
  // The time cursor follows the clicked column: t = 1 + ⌊0.62 · 20⌋ roughly (plot margins shift it).
  const t = Number(/t = (\d+)/.exec(await page.locator('.cursor-controls .tpos').innerText())[1]);
  assert.ok(t > 10 && t <= 20, `the cursor moved to the second click's column (t = ${t})`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a chart downloads as SVG with its axis labels; presenter mode draws chart text larger', async () => {
  const fonts = {};
  for (const q of ['', '&presenter=1']) {
    const { page, errors } = await open(browser, server.url + '?T=20&hidden=8' + q, server.origin,
      { width: 1280, height: 800 }, { deviceScaleFactor: 2 });
    await waitStep(page, 20);
    await pause(page);
    const loss = await grab(page, 'Download Loss as SVG');
    assert.match(loss.name, /^gru-lens-loss-step\d+\.svg$/);
    assert.match(loss.text, /^<svg[^>]*width="\d+"/, 'an <svg> root');
    const size = await page.getByRole('img', { name: 'Loss', exact: true }).evaluate((c) => [c.clientWidth, c.clientHeight]);
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(loss.text).map(Number);
    assert.ok(Math.abs(w - size[0]) <= 1 && Math.abs(h - size[1]) <= 2, `the SVG is the chart's CSS size (${w}×${h} vs ${size})`);
    for (const label of ['training step', 'GRU', 'RNN']) assert.ok(loss.text.includes(`>${label}<`) || loss.text.includes(label), `the SVG holds "${label}"`);
    assert.ok((loss.text.match(/<polyline/g) ?? []).length >= 2, 'the curves are vector paths');
    await writeFile(`${SHOTS}crisp-loss${q ? '-presenter' : ''}.svg`, loss.text); // to look at
    fonts[q] = Math.max(...[...loss.text.matchAll(/font-size="([0-9.]+)"/g)].map((m) => Number(m[1])));

    const z = await grab(page, 'Download Update gate z as SVG');
    assert.match(z.text, /^<svg/);
    assert.ok(z.text.includes('unit'), 'the heatmap SVG holds its y axis label');
    assert.ok((z.text.match(/<rect/g) ?? []).length >= 8 * 20, 'one rectangle per cell (8 units × 20 steps)');
    await writeFile(`${SHOTS}crisp-gate-z${q ? '-presenter' : ''}.svg`, z.text);
    if (q) {
      await page.screenshot({ path: `${SHOTS}crisp-presenter-1280x800-dpr2.png` });
      for (const name of ['Loss', 'Additive path', 'Update gate z', 'Input and target', 'Hidden-state trajectory']) {
        await page.getByRole('img', { name, exact: true }).screenshot({ path: `${SHOTS}crisp-presenter-${name.replace(/\W+/g, '-')}.png` });
      }
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
  // The SVG writes whole pixels: 14 × 1.6 = 22.4 reads 22.
  assert.ok(Math.abs(fonts['&presenter=1'] - fonts[''] * 1.6) <= 0.5, `presenter chart text is 1.6× (${fonts['']} → ${fonts['&presenter=1']})`);
});
