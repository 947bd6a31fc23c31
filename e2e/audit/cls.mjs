// `make audit` layout shift: loads the release build at 800×600 (Lighthouse's window) and
// 1280×800 and 390×844, sums the layout shifts Chromium reports (not after input; the sum is
// an upper bound of CLS) over the first seconds of training, and names the elements that moved.
import { fileURLToPath } from 'node:url';
import { serve } from '../server.mjs';
import { launch, open, waitStep } from '../browser.mjs';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const server = await serve(DIST, '/gru-lens/');
const browser = await launch();
try {
  for (const [width, height] of [[800, 600], [1280, 800], [390, 844]]) {
    const { page } = await open(browser, 'about:blank', server.origin, { width, height });
    await page.addInitScript(() => {
      window.__shifts = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          if (e.hadRecentInput) continue;
          const who = e.sources.map((s) => {
            const n = s.node;
            const name = !n ? '?' : n.nodeType === 1 ? `${n.tagName.toLowerCase()}${n.className ? '.' + String(n.className).replace(/ /g, '.') : ''}${n.getAttribute?.('aria-label') ? '[' + n.getAttribute('aria-label') + ']' : ''}` : '#text';
            return `${name} ${s.previousRect.y}->${s.currentRect.y} h${s.previousRect.height}->${s.currentRect.height}`;
          });
          window.__shifts.push({ value: e.value, at: Math.round(e.startTime), who });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(server.url);
    await waitStep(page, 50, { timeout: 60000 });
    await page.waitForTimeout(2000);
    const shifts = await page.evaluate(() => window.__shifts);
    const cls = shifts.reduce((a, s) => a + s.value, 0);
    console.log(JSON.stringify({ width, height, shiftSum: Number(cls.toFixed(4)), shifts: shifts.length }));
    for (const s of shifts.filter((s) => s.value > 0.001)) console.log(`  ${s.value.toFixed(4)} at ${s.at} ms: ${s.who.join(' | ')}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
