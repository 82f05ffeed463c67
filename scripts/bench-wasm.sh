#!/usr/bin/env bash
# Native against wasm (issue 16): the same trace — a 262,144-page write-combined tt populated
# through the wc pool (core/examples/populate_common) — timed natively and as wasm in node (V8,
# the engine of the project's headless Chromium), side by side, in one run.
#
#   bash scripts/bench-wasm.sh [PAGES] [RUNS]
#
# Both are built with the `bench` profile (opt-level 3, LTO off); the wasm is also built with
# the app's `web` profile (the model at opt-level "s", LTO), which is what the web app ships.
# A benchmark, not a test: the figures go to docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${1:-262144}
RUNS=${2:-5}
cargo build -q --profile bench -p ttm-core --example populate_native
cargo build -q --profile bench -p ttm-core --example populate_wasm --target wasm32-unknown-unknown
cp target/wasm32-unknown-unknown/release/examples/populate_wasm.wasm /tmp/ttm-populate-bench.wasm
cargo build -q --profile web -p ttm-core --example populate_wasm --target wasm32-unknown-unknown
native=$(target/release/examples/populate_native "$PAGES" "$RUNS")
node e2e/bench-wasm.mjs "$PAGES" "$RUNS" "$native" \
  /tmp/ttm-populate-bench.wasm target/wasm32-unknown-unknown/web/examples/populate_wasm.wasm
