// Launches Debian's Chromium through playwright-core (no browser download) and collects
// console errors and every request that leaves the page's origin.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * Opens `url` in a fresh page of `viewport` (`extra`: more page options, e.g. deviceScaleFactor,
 * reducedMotion, hasTouch); returns { page, errors, foreign, violations }. `violations()` lists
 * the page's `securitypolicyviolation` events so far (directive and blocked URL).
 */
export async function open(browser, url, origin, viewport = { width: 1280, height: 800 }, extra = {}) {
  const page = await browser.newPage({ viewport, ...extra });
  const errors = [];
  const foreign = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('data:')) foreign.push(u); });
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push('worker: ' + m.text()); }));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.goto(url);
  const violations = () => page.evaluate(() => window.__csp ?? []);
  return { page, errors, foreign, violations };
}

/** Waits until the status line's step count reaches `min` (Playwright's timeout unless given). */
export function waitStep(page, min = 1, options = {}) {
  return page.waitForFunction(
    (m) => Number(/step (\d+)/.exec(document.querySelector('[role=status]')?.textContent ?? '')?.[1] ?? 0) >= m, min, options);
}

/** Parses the status line: "step 1234 · loss 0.0421 · …". */
export async function status(page) {
  const text = await page.getByRole('status').first().innerText();
  const step = Number(/step (\d+)/.exec(text)?.[1] ?? NaN);
  const loss = Number(/loss ([0-9.e+-]+)/.exec(text)?.[1] ?? NaN);
  return { text, step, loss };
}

/** Number of non-white pixels drawn on the canvas with this accessible name. */
export async function inkedPixels(page, name) {
  return page.getByRole('img', { name, exact: true }).evaluate((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245) n++;
    return n;
  });
}

/** A hash of the canvas pixels, to see whether it changed. */
export async function canvasHash(page, name) {
  return page.getByRole('img', { name, exact: true }).evaluate((c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let h = 2166136261;
    for (let i = 0; i < data.length; i += 7) h = Math.imul(h ^ data[i], 16777619);
    return h >>> 0;
  });
}
