// A plain static file server for dist/ mounted under a sub-path (as static hosting would
// serve it), so the e2e tests exercise `make dist PUBLIC_URL=/gru-lens/`. It sends the page's
// Content-Security-Policy as a header too (the worker's scripts get their policy from it).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** The policy of index.html's <meta http-equiv>, which e2e/csp.test.mjs checks is the same. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; "
  + "style-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/** Test-only files served from the page's origin (so the CSP allows them): axe-core. */
const TEST_FILES = {
  '__test__/axe.min.js': fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)),
};

/** Serves `root` under `prefix` on 127.0.0.1 at a free port; resolves to { url, close }. */
export function serve(root, prefix = '/gru-lens/') {
  // Big enough for the hostile-link tests' 40 000-character query (Node's default is 16 KiB).
  const server = createServer({ maxHeaderSize: 128 * 1024 }, async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (!path.startsWith(prefix)) { res.writeHead(404).end('not under ' + prefix); return; }
    let rel = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
    if (rel === '' || rel === '.' || rel.endsWith('/')) rel = join(rel, 'index.html');
    const file = TEST_FILES[rel] ?? join(root, rel);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': `${CSP}; frame-ancestors 'none'`,
        'x-content-type-options': 'nosniff',
      });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, origin: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}
