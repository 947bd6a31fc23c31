#!/usr/bin/env bash
# The architecture invariant, checked: gru-core depends on no UI or browser crate.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(cargo tree -p gru-core -e normal,build --prefix none)
bad=$(printf '%s\n' "$tree" | grep -E '^(leptos|web-sys|js-sys|wasm-bindgen|plotters)[ -]' || true)
if [ -n "$bad" ]; then
  printf 'boundary: gru-core must not depend on these:\n%s\n' "$bad" >&2
  exit 1
fi
echo "boundary: gru-core depends on no leptos, web-sys, js-sys, wasm-bindgen or plotters"
