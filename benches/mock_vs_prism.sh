#!/usr/bin/env bash
# Requests per second of `mcpow mock` against Prism (npm @stoplight/prism-cli 5.14.2) on the same spec and the
# same valid request, measured with wrk on 127.0.0.1, one after the other in one run.
# Usage: benches/mock_vs_prism.sh [SPEC] [PATH_AND_QUERY] [HEADER]
# Needs wrk (Debian package `wrk`), a release build (cargo build --release) and node (Prism is installed by
# tests/clients/setup.sh prism).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spec="${1:-$root/specs/petstore-3.0.yaml}"
path="${2:-/pets?limit=5&species=dog}"
header="${3:-X-Api-Key: bench}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
prism="$("$root/tests/clients/setup.sh" prism 2>/dev/null)"
mcpow="$root/target/release/mcpow"

wait_for() { # url
  for _ in $(seq 1 600); do
    if curl -s -o /dev/null -H "$header" "$1"; then return 0; fi
    sleep 0.1
  done
  echo "nothing answered at $1" >&2
  exit 1
}

run() { # name url
  curl -s -o /dev/null -w "$1: one request answered $(printf '%s' '%{http_code}')\n" -H "$header" "$2"
  wrk -t2 -c"$connections" -d"$duration" -H "$header" --latency "$2" | sed "s/^/  $1 | /"
}

"$mcpow" mock "$spec" --port 4711 >/dev/null 2>&1 &
mock_pid=$!
"$prism" mock -h 127.0.0.1 -p 4712 "$spec" >/dev/null 2>&1 &
prism_pid=$!
trap 'kill $mock_pid $prism_pid 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:4711$path"
wait_for "http://127.0.0.1:4712$path"
run "mcpow mock" "http://127.0.0.1:4711$path"
run "prism" "http://127.0.0.1:4712$path"
