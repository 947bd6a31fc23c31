// End-to-end: the layout from a 390-px phone to a 1920×1080 projector, at devicePixelRatio 2.
// No horizontal scrolling, charts stack on a phone and sit side by side on wide screens, a tap
// on the gate heatmap moves the time cursor; screenshots to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, inkedPixels, waitStep } from './browser.mjs';
import { useSuite, server, browser, SHOTS } from './suite.mjs';

useSuite();

const SIZES = [[390, 844, { isMobile: true, hasTouch: true }], [1280, 800, {}], [1920, 1080, {}]];

for (const [width, height, extra] of SIZES) {
  test(`layout at ${width}×${height}, DPR 2: no sideways scroll, charts fit, drawn`, async () => {
    const { page, errors } = await open(browser, server.url, server.origin, { width, height }, { deviceScaleFactor: 2, ...extra });
    await waitStep(page, 100);
    const layout = await page.evaluate(() => {
      // Charts in a hidden section (e.g. "Beyond recurrence" without a TCN or attention run) take no room.
      const canvases = [...document.querySelectorAll('canvas[role=img]')].filter((c) => c.checkVisibility()).map((c) => {
        const r = c.getBoundingClientRect();
        return { name: c.getAttribute('aria-label'), x: r.x, y: r.y, w: r.width, right: r.right };
      });
      return { scrollW: document.scrollingElement.scrollWidth, canvases, dpr: devicePixelRatio };
    });
    assert.equal(layout.dpr, 2);
    assert.ok(layout.scrollW <= width, `no horizontal scrolling (${layout.scrollW} > ${width})`);
    for (const c of layout.canvases) {
      assert.ok(c.x >= 0 && c.right <= width + 0.5, `${c.name} fits the width (${c.x}–${c.right})`);
      assert.ok(c.w >= Math.min(240, width - 60), `${c.name} is not squeezed (${c.w} px)`);
    }
    const columns = new Set(layout.canvases.map((c) => Math.round(c.x))).size;
    if (width < 600) assert.equal(columns, 1, 'on a phone the charts stack in one column');
    else assert.ok(columns >= 2, `charts sit side by side at ${width} px (${columns} columns)`);
    assert.ok((await inkedPixels(page, 'Loss')) > 1500, 'the loss chart is drawn');
    await page.screenshot({ path: `${SHOTS}responsive-${width}x${height}-dpr2.png` });
    await page.screenshot({ path: `${SHOTS}responsive-${width}x${height}-dpr2-full.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('on a touch phone, tapping the gate heatmap moves the time cursor', async () => {
  const { page, errors } = await open(browser, server.url, server.origin, { width: 390, height: 844 },
    { deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await waitStep(page, 20);
  await page.getByRole('button', { name: 'Pause', exact: true }).tap();
  const z = page.getByRole('img', { name: 'Update gate z', exact: true });
  await z.scrollIntoViewIfNeeded();
  const box = await z.boundingBox();
  const t0 = await page.locator('.cursor-controls .tpos').innerText();
  await page.touchscreen.tap(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.waitForFunction((before) => document.querySelector('.cursor-controls .tpos').innerText !== before, t0);
  assert.match(await page.locator('.cursor-controls .tpos').innerText(), /^t = \d+ \/ 40$/);
  await page.locator('.drilldown dd[data-field=z]').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('both tables fit a 390-px phone; on a narrower one the cost table scrolls inside its card and a shade says more is beyond', async () => {
  const wide = await open(browser, `${server.url}?cells=gru,lstm,rnn`, server.origin, { width: 390, height: 844 },
    { deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await waitStep(wide.page, 5);
  // Once an inspection has run, every Compare cell holds a number (its widest).
  await wide.page.waitForFunction(() => document.querySelector('#v-compare tbody td:last-child')?.innerText.match(/\d/));
  for (const name of ['Compare table, scrolls sideways', 'Cost per cell table, scrolls sideways']) {
    const w = await wide.page.getByRole('region', { name }).evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(w[0] <= w[1], `${name} fits at 390 px: ${w}`);
  }
  await wide.page.close();
  const { page, errors } = await open(browser, `${server.url}?cells=gru,lstm,rnn`, server.origin, { width: 320, height: 700 },
    { deviceScaleFactor: 1, isMobile: true, hasTouch: true });
  await waitStep(page, 5);
  const region = page.getByRole('region', { name: 'Cost per cell table, scrolls sideways' });
  await region.scrollIntoViewIfNeeded();
  const widths = await region.evaluate((e) => [e.scrollWidth, e.clientWidth]);
  assert.ok(widths[0] > widths[1], `wider than a 320-px phone: ${widths}`);
  // Mean brightness of the region's outermost 4 px on one side (255 = the white card).
  const edge = async (side) => {
    const png = await region.screenshot();
    return page.evaluate(async ({ data, side }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [img.width, img.height];
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const x = side === 'right' ? img.width - 4 : 0;
      const px = g.getImageData(x, 0, 4, img.height).data;
      let sum = 0;
      for (let i = 0; i < px.length; i += 4) sum += (px[i] + px[i + 1] + px[i + 2]) / 3;
      return sum / (px.length / 4);
    }, { data: png.toString('base64'), side });
  };
  const right0 = await edge('right');
  await region.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
  const right1 = await edge('right');
  // The shade darkens the edge by ~50 levels; clipped text alone by well under 30.
  assert.ok(right0 < right1 - 30, `a shade on the right while more is there, gone at the end: ${right0} then ${right1}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('on a phone the settings fold behind a keyboard-reachable "Settings" button; on a laptop they are open', async () => {
  const phone = await open(browser, server.url, server.origin, { width: 390, height: 844 },
    { deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await waitStep(phone.page, 5);
  const fold = phone.page.locator('details.fold');
  const seed = phone.page.locator('form.settings input[name=seed]');
  assert.equal(await fold.evaluate((d) => d.open), false, 'closed on a phone');
  assert.equal(await seed.isVisible(), false, 'the form is folded away');
  const summary = phone.page.locator('details.fold > summary');
  assert.equal(await summary.innerText(), 'Settings');
  // Keyboard: Tab reaches the summary (it is focusable), Enter opens it.
  await summary.focus();
  assert.equal(await phone.page.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
  await phone.page.keyboard.press('Enter');
  await seed.waitFor({ state: 'visible' });
  assert.ok(await phone.page.evaluate(() => document.scrollingElement.scrollWidth <= 390), 'still no sideways scroll, open');
  await phone.page.screenshot({ path: `${SHOTS}responsive-390-settings-open.png` });
  assert.deepEqual(phone.errors, []);
  await phone.page.close();

  const laptop = await open(browser, server.url, server.origin, { width: 1280, height: 800 });
  await waitStep(laptop.page, 5);
  assert.equal(await laptop.page.locator('details.fold > summary').isVisible(), false, 'no fold button on a laptop');
  assert.ok(await laptop.page.locator('form.settings input[name=seed]').isVisible(), 'the settings are shown');
  await laptop.page.close();
});
