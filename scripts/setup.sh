#!/usr/bin/env bash
# Idempotent tool installer for TTM Lab.
#
#   scripts/setup.sh [serve|test]     (default: serve)
#
# serve: wasm32 target, wasm-bindgen-cli, trunk, mdbook, npm packages (binaryen's wasm-opt), crate sources.
# test:  all of the above + rustfmt/clippy, wasm-pack, Debian chromium + chromium-driver, and the
#        project's Python virtual environment .venv/ with Sphinx and sphinxcontrib-ttmlab.
#
# Installs only what is missing or at the wrong version (pins: scripts/versions.sh, package.json,
# Cargo.lock, integrations/sphinx/requirements.txt). Needs no stdin; safe with CI=true. Downloads
# only from the crate registry, npm, PyPI and Debian.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/scripts/versions.sh"
cd "$ROOT"

mode="${1:-serve}"
case "$mode" in
    serve | test) ;;
    *) die "usage: scripts/setup.sh [serve|test]" ;;
esac

t0=$(now_ms)
skipped=()
installed=()
skip() { skipped+=("$1"); log "  skip     $1"; }
did() { installed+=("$1"); log "  install  $1"; }

log "==> setup ($mode)"

# --- Rust toolchain ---------------------------------------------------------------------------------
command -v cargo >/dev/null || die "cargo not found: install Rust (rustup, toolchain >= 1.95) first"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    skip "rust target wasm32-unknown-unknown"
else
    command -v rustup >/dev/null || die "rustup is needed to add the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
    did "rust target wasm32-unknown-unknown"
fi
if [ "$mode" = test ]; then
    for comp in rustfmt clippy; do
        sub=${comp/rustfmt/fmt}
        if cargo "$sub" --version >/dev/null 2>&1; then
            skip "rust component $comp"
        else
            command -v rustup >/dev/null || die "rustup is needed to add the $comp component"
            rustup component add "$comp"
            did "rust component $comp"
        fi
    done
fi

# --- crate sources (Trunk builds with --offline, which makes cargo offline too) ----------------------
if [ -f Cargo.lock ]; then
    # In CI the committed lockfile must be up to date; locally cargo may refresh it.
    if [ -n "$CI" ] && [ "$CI" != false ]; then cargo fetch --locked --quiet; else cargo fetch --quiet; fi
else
    cargo fetch --quiet
fi
log "  ok       crate sources (cargo fetch)"

lock_wbg=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$lock_wbg" ] || die "wasm-bindgen not found in Cargo.lock"
[ "$lock_wbg" = "$WASM_BINDGEN_VERSION" ] ||
    die "Cargo.lock has wasm-bindgen $lock_wbg but scripts/versions.sh pins WASM_BINDGEN_VERSION=$WASM_BINDGEN_VERSION;
       make them agree (root Cargo.toml 'wasm-bindgen = \"=X\"', Trunk.toml [tools] wasm_bindgen, versions.sh)"
grep -q "^wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml ||
    die "Trunk.toml [tools] wasm_bindgen does not equal WASM_BINDGEN_VERSION=$WASM_BINDGEN_VERSION"
grep -q "^wasm_opt = \"version_$BINARYEN_VERSION\"" Trunk.toml ||
    die "Trunk.toml [tools] wasm_opt does not equal version_$BINARYEN_VERSION (scripts/versions.sh)"

# --- cargo-installed tools ---------------------------------------------------------------------------
# cargo_tool <binary> <crate> <version> <expected `binary --version` line> [--locked]
cargo_tool() {
    local bin=$1 crate=$2 version=$3 want=$4 locked=${5:-}
    local have
    have=$(tool_version "$bin" --version)
    if [ "$have" = "$want" ]; then
        skip "$crate $version"
        return
    fi
    log "  ...      $crate $version (found: ${have:-none}); cargo install, this takes minutes"
    # shellcheck disable=SC2086
    cargo install $locked --force --quiet "$crate" --version "=$version"
    have=$(tool_version "$bin" --version)
    [ "$have" = "$want" ] || die "after installing $crate, '$bin --version' says '${have:-nothing}'; is ~/.cargo/bin first on PATH?"
    did "$crate $version"
}
# No --locked for wasm-bindgen-cli: its lockfile pins a webpki-roots the registry does not offer.
cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "wasm-bindgen $WASM_BINDGEN_VERSION"
cargo_tool trunk trunk "$TRUNK_VERSION" "trunk $TRUNK_VERSION" --locked
# mdBook builds the documentation book docs/book (both modes: serve.sh and test.sh build it).
cargo_tool mdbook mdbook "$MDBOOK_VERSION" "mdbook v$MDBOOK_VERSION" --locked
if [ "$mode" = test ]; then
    cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" "wasm-pack $WASM_PACK_VERSION" --locked
fi

# --- Node packages (binaryen's wasm-opt, playwright-core) --------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null ||
    die "node and npm (Node >= $NODE_MIN_MAJOR) are required; Debian bookworm's nodejs 18 is too old"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge "$NODE_MIN_MAJOR" ] || die "Node >= $NODE_MIN_MAJOR required, found $(node --version)"
pkg_pin() { node -p "require('./package.json').devDependencies['$1']"; }
[ "$(pkg_pin binaryen)" = "$BINARYEN_VERSION.0.0" ] ||
    die "package.json binaryen $(pkg_pin binaryen) != BINARYEN_VERSION $BINARYEN_VERSION.0.0 (scripts/versions.sh)"
[ "$(pkg_pin playwright-core)" = "$PLAYWRIGHT_CORE_VERSION" ] ||
    die "package.json playwright-core $(pkg_pin playwright-core) != PLAYWRIGHT_CORE_VERSION $PLAYWRIGHT_CORE_VERSION"
[ "$(pkg_pin axe-core)" = "$AXE_CORE_VERSION" ] ||
    die "package.json axe-core $(pkg_pin axe-core) != AXE_CORE_VERSION $AXE_CORE_VERSION"
stamp=node_modules/.ttm-lab-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_sum" ] && [ -x node_modules/.bin/wasm-opt ]; then
    skip "npm packages (node_modules matches package-lock.json)"
else
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" >"$stamp"
    did "npm packages (npm ci)"
fi
wasm_opt_have=$(node_modules/.bin/wasm-opt --version | head -n 1)
case "$wasm_opt_have" in
    *"(version_$BINARYEN_VERSION)") ;;
    *) die "node_modules/.bin/wasm-opt reports '$wasm_opt_have', expected version_$BINARYEN_VERSION" ;;
esac

# --- Browser for the wasm tests and the e2e suite ----------------------------------------------------
if [ "$mode" = test ]; then
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
        skip "chromium + chromedriver ($(chromium --version 2>/dev/null | head -n 1))"
    else
        command -v apt-get >/dev/null || die "chromium and chromedriver are missing and apt-get is unavailable"
        sudo=()
        if [ "$(id -u)" -ne 0 ]; then
            command -v sudo >/dev/null || die "need root or sudo to apt-get install chromium chromium-driver"
            sudo=(sudo -n)
        fi
        "${sudo[@]}" apt-get update -q
        "${sudo[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver </dev/null
        did "chromium + chromium-driver (apt)"
    fi
fi

# --- Python: .venv with Sphinx (PyPI, every package pinned) and sphinxcontrib-ttmlab ----------------
# The Sphinx extension (integrations/sphinx) is installed from the checkout, without build isolation
# (setuptools comes from the pinned requirements too); the stamp holds the hash of the requirements
# and of the extension's files, so an edit of either reinstalls.
if [ "$mode" = test ]; then
    py=${PYTHON:-python3}
    command -v "$py" >/dev/null || die "python3 (>= $PYTHON_MIN, with venv) is needed for the Sphinx example; set PYTHON=..."
    "$py" -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$PYTHON_MIN'.split('.'))))" ||
        die "Python >= $PYTHON_MIN required for Sphinx $SPHINX_VERSION, found $("$py" --version 2>&1)"
    req=integrations/sphinx/requirements.txt
    grep -qx "Sphinx==$SPHINX_VERSION" "$req" || die "$req does not pin Sphinx==$SPHINX_VERSION (scripts/versions.sh)"
    venv_stamp=.venv/.ttm-lab-python.sha256
    py_sum=$(find "$req" integrations/sphinx/pyproject.toml integrations/sphinx/sphinxcontrib -type f \
        ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
    if [ -f "$venv_stamp" ] && [ "$(cat "$venv_stamp")" = "$py_sum" ] && [ -x .venv/bin/sphinx-build ]; then
        skip "python .venv (Sphinx $SPHINX_VERSION, sphinxcontrib-ttmlab)"
    else
        [ -x .venv/bin/python ] || "$py" -m venv .venv || die "could not create .venv (Debian: apt-get install python3-venv)"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps \
            --force-reinstall ./integrations/sphinx
        rm -rf integrations/sphinx/build integrations/sphinx/*.egg-info
        echo "$py_sum" >"$venv_stamp"
        did "python .venv (Sphinx $SPHINX_VERSION, sphinxcontrib-ttmlab)"
    fi
    have_sphinx=$(.venv/bin/python -c 'import sphinx, sphinxcontrib.ttmlab; print(sphinx.__version__)')
    [ "$have_sphinx" = "$SPHINX_VERSION" ] || die ".venv has Sphinx $have_sphinx, expected $SPHINX_VERSION"
fi

log "<== setup ($mode): ${#installed[@]} installed, ${#skipped[@]} skipped, $(fmt_ms $(($(now_ms) - t0)))"
