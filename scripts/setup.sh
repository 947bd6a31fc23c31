#!/usr/bin/env bash
# Installs what gru-lens needs to build and test, from the package registries only, and
# nothing that is already there at the right version. Safe to run again: a second run takes
# seconds. `--browser` also installs Debian's Chromium and ChromeDriver (for the tests); `--firefox`
# Debian's Firefox ESR and geckodriver from crates.io (for `make test-firefox`).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
GECKODRIVER_VERSION=0.37.1
want_browser=0
want_firefox=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --firefox) want_firefox=1 ;;
    *) echo "setup: unknown option $arg (--browser, --firefox)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# trunk and wasm-bindgen-cli ship release profiles with fat LTO and one codegen unit; these are
# build tools, so their speed does not matter and that profile only makes the first run slow.
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install "$@"
}

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION from crates.io (a few minutes on 2 cores)"
  install_tool "trunk@$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Without --locked: a locked dependency of the CLI is missing from the registry mirror.
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (a few minutes)"
  install_tool "wasm-bindgen-cli@$WASM_BINDGEN_VERSION" --force
fi

# npm tools (binaryen's wasm-opt, playwright-core) from the committed lock file.
stamp=node_modules/.setup-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm tools from package-lock.json (binaryen 132, playwright-core; no browser download)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

if [ "$want_browser" = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Debian chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium chromium-driver
fi

if [ "$want_firefox" = 1 ] && [ ! -x /usr/bin/firefox ]; then
  say "installing Debian firefox-esr"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q firefox-esr
fi

if [ "$want_firefox" = 1 ] && [ "$(geckodriver --version 2>/dev/null | head -1 | cut -d' ' -f2)" != "$GECKODRIVER_VERSION" ]; then
  say "installing geckodriver $GECKODRIVER_VERSION from crates.io (a few minutes)"
  install_tool "geckodriver@$GECKODRIVER_VERSION" --locked
fi

# Fetch crates now so later builds can run offline.
if [ ! -f target/.fetched ] || [ Cargo.lock -nt target/.fetched ]; then
  say "fetching crates"
  cargo fetch --target wasm32-unknown-unknown -q
  cargo fetch -q
  mkdir -p target && touch target/.fetched
fi
say "ready"
