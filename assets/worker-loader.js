// Starts the training worker: loads wasm-bindgen's no-modules glue next to this file, then the
// worker's wasm. A plain file (no inline script, no blob URL), so a strict CSP allows it.
// `self.gruWasm` keeps the exports (their `memory` is read by the soak in e2e/audit/).
importScripts('./worker.js');
wasm_bindgen('./worker_bg.wasm').then((exports) => { self.gruWasm = exports; });
