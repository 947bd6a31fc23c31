#!/usr/bin/env bash
# Prints the raw and gzipped size of every .wasm in dist/ and their total (issue #7's target:
# ≤ 450 KB gzip in all). Page and training worker share one module, so it counts once.
set -euo pipefail
cd "$(dirname "$0")/.."
total_raw=0
total_gz=0
for f in dist/*.wasm; do
  [ -e "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf 'size: %s %d bytes raw, %d bytes gzip -9\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'size: total wasm %d bytes raw, %d bytes gzip -9\n' "$total_raw" "$total_gz"
