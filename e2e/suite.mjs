// The fixture every end-to-end file shares: before its tests, serve the release build (dist/)
// under /gru-lens/ and launch Chromium; after them, close both. Each test file runs in its own
// process, so `server` and `browser` (live bindings) belong to that file's tests.
import { before, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

/** The release build the tests load. */
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** Where tests write screenshots (created before the first test). */
export const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** The static server of `DIST` (`url`, `origin`), set once `useSuite`'s `before` has run. */
export let server;
/** The Chromium instance, set once `useSuite`'s `before` has run. */
export let browser;

/** Registers the serve-and-launch `before` and the close-both `after` for this file's tests. */
export function useSuite() {
  before(async () => {
    server = await serve(DIST, '/gru-lens/');
    browser = await launch();
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => { await browser?.close(); server?.close(); });
}
