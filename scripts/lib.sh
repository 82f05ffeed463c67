# Shared helpers for scripts/*.sh (sourced, not executed).

# Repository root, whatever the caller's working directory.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# cargo-installed tools live in ~/.cargo/bin; CI shells do not always have it on PATH.
if [ -d "${CARGO_HOME:-$HOME/.cargo}/bin" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
# npm binaryen's wasm-opt must win over any older system wasm-opt (Trunk.toml pins version_132).
PATH="$ROOT/node_modules/.bin:$PATH"
export PATH

# Never prompt; never let Trunk or wasm-pack fetch tools from the network.
export CI="${CI:-}"
export DEBIAN_FRONTEND=noninteractive
export TRUNK_SKIP_VERSION_CHECK=true

log() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Milliseconds since the epoch, and a duration formatter.
now_ms() { date +%s%3N; }
fmt_ms() { local ms=$1; printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }

# First line of `cmd --version`, or empty when cmd is missing or fails.
tool_version() { command -v "$1" >/dev/null 2>&1 && "$@" 2>/dev/null | head -n 1 || true; }
