#!/usr/bin/env bash
# Development server with live reload: http://127.0.0.1:8080 (address and port: Trunk.toml [serve]),
# with the documentation book at http://127.0.0.1:8080/book/ (rebuilt by `mdbook watch` on every edit
# of docs/book; reload the page to see it). Extra arguments go to `trunk serve` (e.g. --port 8081).
# Never downloads tools (--offline).
#
# `trunk serve` empties dist/ on every rebuild, so the book is built into target/book instead, served by
# e2e/serve.mjs on a free loopback port and proxied by Trunk under /book/ (the book's embeds point at
# ../index.html, the app). scripts/test.sh builds the same book into dist/book/ next to the release build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh serve

book_out="$ROOT/target/book"
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

log "==> mdbook build docs/book -> target/book"
mdbook build docs/book -d "$book_out"
mdbook watch docs/book -d "$book_out" >"$ROOT/target/book-watch.log" 2>&1 &
pids+=($!)
url_file="$ROOT/target/book-server.url"
rm -f "$url_file"
node e2e/serve.mjs "$book_out" >"$url_file" 2>"$ROOT/target/book-server.log" &
pids+=($!)
book_url=""
for _ in $(seq 1 100); do
    book_url=$(head -n 1 "$url_file" 2>/dev/null || true)
    [ -n "$book_url" ] && break
    sleep 0.1
done
[ -n "$book_url" ] || die "the book's static server did not start: $(cat "$ROOT/target/book-server.log")"

log "==> trunk serve on http://127.0.0.1:8080 (book: http://127.0.0.1:8080/book/; Ctrl-C to stop)"
trunk serve --offline --proxy-backend "$book_url" --proxy-rewrite /book/ "$@"
