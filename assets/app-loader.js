// Starts the page's wasm. Trunk's default loader is an inline <script type="module">, which the
// strict Content-Security-Policy in index.html forbids; Trunk.toml's `pattern_script` emits
// `<script type="module" src="app-loader.js" data-js=… data-wasm=…>` instead, naming the
// hashed glue and wasm files, and this plain file loads them. `window.gruWasm` keeps the
// exports (their `memory` is read by the soak in e2e/audit/).

// plotters measures text with a <span> whose style it sets by `setAttribute('style', …)`, which
// the CSP (no inline style attributes) refuses, so the measurement would be wrong. A style set
// from our own script goes through CSSOM instead, which CSP allows; style attributes in markup
// (e.g. injected HTML) stay refused.
const setAttribute = Element.prototype.setAttribute;
Element.prototype.setAttribute = function (name, value) {
  if (String(name).toLowerCase() === 'style' && this.style) {
    this.style.cssText = String(value);
    return;
  }
  return setAttribute.call(this, name, value);
};

const tag = document.querySelector('script[data-js][data-wasm]');
const { default: init } = await import(tag.dataset.js);
window.gruWasm = await init({ module_or_path: tag.dataset.wasm });
