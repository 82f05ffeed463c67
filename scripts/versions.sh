# Pinned tool versions: the one place they are set. Sourced by scripts/setup.sh.
# wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock (setup.sh checks this).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
MDBOOK_VERSION=0.5.4            # the documentation book docs/book (mdBook 0.5 needs Rust >= 1.88)
# npm packages are pinned (exactly) in package.json + package-lock.json; setup.sh checks that these agree.
BINARYEN_VERSION=132            # npm binaryen 132.0.0 -> node_modules/.bin/wasm-opt "version_132" (Trunk.toml [tools])
PLAYWRIGHT_CORE_VERSION=1.65.1  # npm playwright-core; drives the system Chromium, downloads no browser
NODE_MIN_MAJOR=20               # playwright-core >= 1.62 needs Node >= 20
AXE_CORE_VERSION=4.14.1         # npm axe-core; the accessibility checks of e2e/axe.test.mjs
# Python (PyPI) for the Sphinx extension integrations/sphinx and the example docs/sphinx-example:
# every package is pinned in integrations/sphinx/requirements.txt; setup.sh checks that Sphinx there is this one.
SPHINX_VERSION=8.2.3
PYTHON_MIN=3.11                 # Sphinx 8.2 needs Python >= 3.11
