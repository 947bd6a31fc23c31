// Starts the training worker (a module worker) from the page's own wasm: the page passes the
// hashed names of its wasm-bindgen glue and wasm in this script's query (`?js=…&wasm=…`, see
// src/bridge.rs), so the browser fetches and caches one module for both. The module's `main`
// sees it is not in a window and runs the engine. A plain file (no inline script, no blob URL),
// so a strict CSP allows it. `self.gruWasm` keeps the exports (their `memory` is read by the
// soak in e2e/audit/).
const query = new URL(self.location.href).searchParams;
const { default: init } = await import(query.get('js'));
self.gruWasm = await init({ module_or_path: query.get('wasm') });
