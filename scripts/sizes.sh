#!/usr/bin/env bash
# Prints the raw and gzipped size of every .wasm in dist/ (the budget is 1 MB raw).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in dist/*.wasm; do
  [ -e "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf 'size: %s %d bytes raw, %d bytes gzip -9\n' "$(basename "$f")" "$raw" "$gz"
done
