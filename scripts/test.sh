#!/usr/bin/env bash
# Full check, in order, stopping at the first failure:
#   setup, rustfmt, clippy (native + wasm32), rustdoc (warnings as errors), native tests, the stress harness's short pass,
#   core's wasm tests in headless Chromium,
#   the Sphinx extension's tests (integrations/sphinx, in .venv),
#   release build of the site into dist/, the documentation book into dist/book/ (mdBook),
#   the Sphinx example into dist/sphinx-example/ (with the app copied in as _ttmlab/),
#   browser end-to-end tests against dist/ served on loopback (incl. axe-core accessibility checks).
# The last line printed is the e2e summary: "e2e: N passed, M failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

locked=()
if [ -n "$CI" ] && [ "$CI" != false ]; then locked=(--locked); fi

artifacts="$ROOT/e2e/artifacts"
mkdir -p "$artifacts"
server_pid=""
current=""
E2E_SUMMARY=""
timings=()
t_all=$(now_ms)

on_exit() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
        log ""
        log "FAILED at step: $current (exit $rc)"
        if [ -n "${E2E_SUMMARY:-}" ]; then log "$E2E_SUMMARY"; fi
    fi
}
trap on_exit EXIT

n=0
total=14
# step <title> <command...>: header, run (set -e stops the script on failure), duration.
step() {
    local title=$1 t
    shift
    n=$((n + 1))
    current=$title
    log ""
    log "==> [$n/$total] $title"
    log "    \$ $*"
    t=$(now_ms)
    "$@"
    t=$(($(now_ms) - t))
    timings+=("$(printf '%-44s %8s' "[$n/$total] $title" "$(fmt_ms "$t")")")
    log "<== [$n/$total] $title: ok ($(fmt_ms "$t"))"
    current=""
}

# Chromium flags and binary for wasm-bindgen-test-runner (merged into its WebDriver capabilities).
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/e2e/chromium.json"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"

e2e() {
    local url_file="$artifacts/server.url" tap="$artifacts/e2e.tap" url="" rc=0 pass fail i
    rm -f "$url_file" "$tap"
    node e2e/serve.mjs dist >"$url_file" 2>"$artifacts/server.log" &
    server_pid=$!
    for i in $(seq 1 100); do
        url=$(head -n 1 "$url_file" 2>/dev/null || true)
        [ -n "$url" ] && break
        kill -0 "$server_pid" 2>/dev/null || die "static server exited: $(cat "$artifacts/server.log")"
        sleep 0.1
    done
    [ -n "$url" ] || die "static server did not start"
    log "    serving dist/ at $url"
    BASE_URL="$url" node --test \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=tap --test-reporter-destination="$tap" \
        e2e/*.test.mjs || rc=$?
    pass=$(awk '/^# pass /{print $3}' "$tap" 2>/dev/null || true)
    fail=$(awk '/^# fail /{print $3}' "$tap" 2>/dev/null || true)
    E2E_SUMMARY="e2e: ${pass:-0} passed, ${fail:-?} failed"
    return "$rc"
}

step "setup (scripts/setup.sh test)" bash scripts/setup.sh test
step "rustfmt" cargo fmt --all --check
step "clippy (native, all targets)" cargo clippy "${locked[@]}" --workspace --all-targets -- -D warnings
step "clippy (ttm-web on wasm32)" cargo clippy "${locked[@]}" -p ttm-web --target wasm32-unknown-unknown -- -D warnings
step "rustdoc (workspace, warnings are errors)" \
  env RUSTDOCFLAGS="-D warnings" cargo doc "${locked[@]}" --workspace --no-deps
step "native tests" cargo test "${locked[@]}" --workspace
# ttm-stress (stress/, docs/RELIABILITY.md): random sequences and scenario texts against the model,
# an independent invariant checker, replay/stepper/teardown checks; about a minute on 2 cores.
step "stress harness, short pass (ttm-stress)" \
    cargo run "${locked[@]}" --profile stress -q -p ttm-stress -- --sequences 15000 --texts 10000
step "core wasm tests (headless Chromium)" \
    wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install core
step "user-tests example, wasm (headless Chromium)" \
    wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install examples/user-tests
step "Sphinx extension tests (integrations/sphinx)" \
    .venv/bin/python -m unittest discover -s integrations/sphinx/tests
step "release build (trunk -> dist/)" trunk build --release --offline "${locked[@]}"
# After trunk (which empties dist/): the book lands next to the app, its embeds use ../index.html.
step "book (mdbook -> dist/book/)" mdbook build docs/book -d "$ROOT/dist/book"
# -W: a warning (a broken directive, a missing page) fails the build.
step "Sphinx example (sphinx-build -> dist/sphinx-example/)" \
    .venv/bin/sphinx-build -q -W -E -b html docs/sphinx-example "$ROOT/dist/sphinx-example"
step "e2e (dist/ on loopback, Playwright + Chromium)" e2e

log ""
log "All steps passed in $(fmt_ms $(($(now_ms) - t_all))):"
printf '  %s\n' "${timings[@]}"
log "$E2E_SUMMARY"
