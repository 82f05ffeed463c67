#!/usr/bin/env bash
# Development server with live reload: http://127.0.0.1:8080 (address and port: Trunk.toml [serve]).
# Extra arguments go to `trunk serve` (e.g. --port 8081). Never downloads tools (--offline).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh serve
log "==> trunk serve on http://127.0.0.1:8080 (Ctrl-C to stop)"
exec trunk serve --offline "$@"
