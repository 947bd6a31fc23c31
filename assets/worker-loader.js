// Starts the training worker: loads wasm-bindgen's no-modules glue next to this file, then the
// worker's wasm. A plain file (no inline script, no blob URL), so a strict CSP allows it.
importScripts('./worker.js');
wasm_bindgen('./worker_bg.wasm');
