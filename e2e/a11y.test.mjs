// End-to-end accessibility: axe-core (served from the page's origin, so the strict CSP allows it)
// finds no serious or critical violation with every panel shown; a keyboard-only walk reaches
// every control with a visible focus ring and a name, and drills into the gate heatmap; the page
// respects prefers-reduced-motion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, status, waitStep } from './browser.mjs';
import { useSuite, server, browser } from './suite.mjs';

useSuite();

/** Runs axe on the page; returns the violations as `impact id (n nodes): first target`. */
async function axe(page) {
  await page.addScriptTag({ url: server.url + '__test__/axe.min.js' });
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => ({ impact: v.impact, id: v.id, nodes: v.nodes.length, target: String(v.nodes[0]?.target ?? '') })));
  return found;
}

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`axe: no serious or critical violation, every panel shown (${width}×${height})`, async () => {
    // Three cells, so the Compare table, the legends and the drill-down all have content.
    const { page, errors, violations } = await open(browser, `${server.url}?cells=gru,rnn,lstm`, server.origin, { width, height });
    await waitStep(page, 30);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const z = page.getByRole('img', { name: 'Update gate z', exact: true });
    await z.scrollIntoViewIfNeeded();
    const box = await z.boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.locator('.drilldown dd[data-field=z]').waitFor();
    const found = await axe(page);
    console.log(`axe ${width}×${height}: ${found.length} violations: ${JSON.stringify(found)}`);
    const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], 'no serious or critical axe violation');
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(), [], 'axe loaded from the origin without a CSP violation');
    await page.close();
  });
}

test('keyboard only: Tab reaches every control with a visible focus and a name; the heatmap drill-down works by keys', async () => {
  const { page, errors } = await open(browser, server.url, server.origin);
  await waitStep(page, 10);
  const controls = await page.evaluate(() => {
    const sel = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, a[href], summary, [tabindex]:not([tabindex="-1"])';
    // What a closed <details> holds is not shown (its <summary> is, and takes focus).
    const shown = (e) => {
      const closed = e.closest('details:not([open])');
      return !closed || (e.tagName === 'SUMMARY' && e.parentElement === closed);
    };
    return [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0 && shown(e)).length;
  });
  const seen = new Map();
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      if (!e.dataset.walk) e.dataset.walk = String(Math.random());
      const cs = getComputedStyle(e);
      const label = e.labels?.[0]?.innerText ?? '';
      const name = (e.getAttribute('aria-label') || label || e.title || e.innerText || '').trim();
      return { id: e.dataset.walk, tag: e.tagName, name, ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 };
    });
    if (f === null) { if (seen.size > 0) break; continue; }
    if (seen.has(f.id)) break;
    seen.set(f.id, f);
  }
  const reached = [...seen.values()];
  console.log(`keyboard walk: ${reached.length} stops: ${reached.map((f) => `${f.tag}:${f.name.slice(0, 24)}`).join(' | ')}`);
  assert.equal(reached.length, controls, 'Tab reaches every visible enabled control once');
  for (const f of reached) {
    assert.ok(f.ring, `${f.tag} "${f.name}" shows a focus ring`);
    assert.ok(f.name.length > 0, `${f.tag} has a name`);
  }
  // The gate heatmap is one Tab stop; arrows pick a cell, Enter moves the time cursor there.
  const heat = reached.find((f) => f.tag === 'CANVAS' && f.name === 'Update gate z');
  assert.ok(heat, 'the update-gate heatmap is reachable by Tab');
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('paused'));
  const pausedAt = (await status(page)).step;
  await page.getByRole('img', { name: 'Update gate z', exact: true }).focus();
  await page.keyboard.press('Home');
  await page.locator('.drilldown dd[data-field=z]').waitFor();
  const unit0 = await page.locator('.drilldown').innerText();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((before) => document.querySelector('.drilldown').innerText !== before, unit0);
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.cursor-controls .tpos').innerText(), /^t = 3 \/ 40$/, 'Enter moved the time cursor to the selected step');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  assert.match(await page.locator('.cursor-controls .tpos').innerText(), /^t = 40 \/ 40$/);
  await page.waitForTimeout(300);
  assert.equal((await status(page)).step, pausedAt, 'arrow keys on the heatmap move the selection, not training (→ elsewhere steps once)');
  assert.deepEqual(errors, []);
  await page.close();
});

test('prefers-reduced-motion: nothing animates by itself', async () => {
  const { page, errors } = await open(browser, server.url, server.origin, undefined, { reducedMotion: 'reduce' });
  await waitStep(page, 10);
  assert.equal(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
  // The first views have arrived (before them the position reads "t = 1 / 1", and their
  // arrival would change it to "1 / 40" without any animation: a CI run once raced on that).
  await page.waitForFunction(() => (document.querySelector('[data-pick]')?.textContent ?? '') !== '');
  const t0 = await page.locator('.cursor-controls .tpos').innerText();
  await page.waitForTimeout(1500);
  assert.equal(await page.locator('.cursor-controls .tpos').innerText(), t0, 'the time cursor does not autoplay');
  assert.ok(await page.getByRole('button', { name: 'Animate t' }).isVisible(), 'cursor animation waits for the user');
  const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => {
    const cs = getComputedStyle(e);
    return cs.animationName !== 'none' || (cs.transitionDuration.split(',').some((d) => parseFloat(d) > 0) && cs.transitionProperty !== 'none');
  }).length);
  assert.equal(moving, 0, 'no CSS animation or transition');
  assert.deepEqual(errors, []);
  await page.close();
});
