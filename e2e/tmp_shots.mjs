import { serve } from './server.mjs';
import { chromium } from 'playwright-core';
const srv = await serve('dist', '/gru-lens/');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const shots = JSON.parse(process.argv[2]);
for (const [name, q, width, wait, sel] of shots) {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.on('console', (m) => { if (m.type() === 'error') console.log(name, 'console:', m.text()); });
  await page.goto(`${srv.url}${q}`);
  await page.waitForFunction(() => (document.querySelector('[data-pick]')?.textContent ?? '') !== '', null, { timeout: 60000 });
  await page.waitForTimeout(wait);
  if (sel) {
    const box = await page.locator(sel).first().boundingBox();
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true, clip: { x: 0, y: box.y - 10, width, height: 1200 } });
  } else {
    await page.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
  }
  const sw = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  console.log(name, 'scrollWidth', sw);
  await page.close();
}
await browser.close();
await srv.close?.();
process.exit(0);
