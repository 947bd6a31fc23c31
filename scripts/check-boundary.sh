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

# The worker's hot paths are compiled in gru-hot (opt-level 3 in the web build; gru-lab is
# optimised for size): gru-lab's engine code calls them there, never as gru-core's generic
# methods, which would compile a second, scalar copy of the training step in gru-lab. Checked
# by name, outside comments and test files: the training step, validation, the worst sample,
# an inspection's start and the kernel report (a method call, a path or an import).
hot='train_step|evaluate|worst_sample|begin_inspect_on|sample_losses'
direct=$(grep -rnE "\.($hot)\(|Trainer(::<f32>)?::($hot)\b|(^|[^:_[:alnum:]])kernel_report\b|bench::kernel_report" \
  crates/gru-lab/src --include=*.rs | grep -vE '(_tests|/tests)\.rs:|^[^:]+:[0-9]+:[[:space:]]*//' || true)
if [ -n "$direct" ]; then
  printf 'boundary: call these through gru_hot, not gru-core'"'"'s generic methods:\n%s\n' "$direct" >&2
  exit 1
fi
echo "boundary: gru-lab reaches the training step, validation, inspection and kernel report through gru-hot"
