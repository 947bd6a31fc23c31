# gru-lens entry points. `make serve` and `make test` work from a fresh clone: both run
# `make setup` first, which installs only what is missing (see scripts/setup.sh).

PUBLIC_URL ?= /
# bash with pipefail, so a benchmark piped into tee still fails the target when it fails.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# wasm-opt must be binaryen 132 from npm, never Debian's (it silently breaks the output).
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export WASM_BINDGEN_TEST_TIMEOUT ?= 180

.PHONY: setup setup-browser setup-firefox serve dist test lint test-core test-wasm test-firefox test-e2e audit bench bench-browser clean

setup:
	@scripts/setup.sh

setup-browser:
	@scripts/setup.sh --browser

setup-firefox:
	@scripts/setup.sh --firefox

# --no-autoreload: trunk's reload script is inline, which index.html's CSP refuses.
serve: setup
	trunk serve --offline --no-autoreload

dist: setup
	trunk build --offline --release --public-url $(PUBLIC_URL)
	@scripts/sizes.sh

test: setup-browser test-core test-wasm test-firefox test-e2e

# Formatting and clippy with warnings as errors (native crates, and the app for wasm), at the
# MSRV in Cargo.toml. Not part of `make test`: clippy and rustfmt are rustup components.
lint:
	cargo fmt --all --check
	cargo clippy --offline --all-targets -p gru-core -p gru-hot -p gru-lab -- -D warnings
	cargo clippy --offline --target wasm32-unknown-unknown --all-targets -p gru-lens -- -D warnings

# Native tests of the model crates (math vs PyTorch, finite differences, learning), and the
# app's unit tests natively too: the chart tests that draw an SVG with a legend run only here
# (plotters measures text through the DOM on wasm, and test-wasm runs unit tests in Node).
test-core:
	@scripts/check-boundary.sh
	cargo test -p gru-core -p gru-hot -p gru-lab
	cargo test -p gru-lens --lib

# The app's tests in headless Chromium (wasm-bindgen-test, mounts the root component).
# CHROMEDRIVER is named: wasm-bindgen-test-runner would pick a geckodriver on PATH first.
test-wasm:
	CHROMEDRIVER=$${CHROMEDRIVER:-/usr/bin/chromedriver} \
	  cargo test --offline -p gru-lens --features in-page --target wasm32-unknown-unknown

# The same wasm-bindgen tests in headless Firefox ESR (geckodriver).
test-firefox: setup-firefox
	GECKODRIVER=$$(command -v geckodriver) \
	  cargo test --offline -p gru-lens --features in-page --target wasm32-unknown-unknown

# End-to-end against the release build served under a sub-path by a plain static server.
test-e2e: setup-firefox
	$(MAKE) dist PUBLIC_URL=/gru-lens/
	node --test --test-concurrency=1 e2e/

# Not in `make test`: Lighthouse 12.2.3 scores (accessibility, best practices, performance) and
# a soak of 20 000+ steps with every view live (memory, DOM and frame figures). Prints figures.
audit: setup-browser
	$(MAKE) dist PUBLIC_URL=/gru-lens/
	node e2e/audit/lighthouse.mjs
	node e2e/audit/cls.mjs
	node e2e/audit/soak.mjs --steps 20000

bench:
	cargo run --release -p gru-core --bin gru-bench -- --config headline
	cargo run --release -p gru-core --bin gru-bench -- --config B1

# The page in headless Chromium: cold first-render time, then one JSON line per SPEC §6
# configuration (worker training steps/s, wall-clock steps/s with every view live, frame
# intervals), after the native figures of the same run (`--simd128`: the page's 128-bit
# kernels); then the TF.js peer
# (../shared/bench/peers/tfjs) on the headline and B=1 in the same Chromium, and the ratios;
# then the kernel report (GFLOP/s per product shape) in the page next to the native one.
# Prints figures; asserts nothing about speed. BENCH_OUT keeps the raw JSON lines.
BENCH_OUT ?= target/bench-browser
bench-browser: setup-browser
	$(MAKE) dist PUBLIC_URL=/gru-lens/
	@mkdir -p $(BENCH_OUT)
	cargo run --release -p gru-core --bin gru-bench -- --config headline --simd128 | tee $(BENCH_OUT)/native.jsonl
	cargo run --release -p gru-core --bin gru-bench -- --config B1 --simd128 | tee -a $(BENCH_OUT)/native.jsonl
	node e2e/bench/frames.mjs --seconds 8 --warmup 3 | tee $(BENCH_OUT)/frames.jsonl
	node e2e/bench/compare.mjs --native $(BENCH_OUT)/native.jsonl --frames $(BENCH_OUT)/frames.jsonl | tee $(BENCH_OUT)/compare.jsonl
	cargo run --release -p gru-core --example kernels -- --json --simd128 > $(BENCH_OUT)/kernels-native.jsonl
	node e2e/bench/kernels.mjs --native $(BENCH_OUT)/kernels-native.jsonl | tee $(BENCH_OUT)/kernels.jsonl

clean:
	cargo clean
	rm -rf dist node_modules
