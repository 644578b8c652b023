#!/usr/bin/env bash
# Requests per second of `mcpow engine serve` answering POST /api/analyze with the sample spec
# (specs/petstore-3.0.yaml), measured with wrk on 127.0.0.1: one request checked first, then wrk for a fixed
# duration with a fixed number of connections; the server is stopped at the end.
# Usage: benches/engine_analyze_rps.sh [SPEC]   (DURATION=10s CONNECTIONS=16 THREADS=2; NO_BUILD=1 skips the
# release build). Needs wrk (Debian package `wrk`), curl and python3 (to write the JSON body).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
spec="${1:-$root/specs/petstore-3.0.yaml}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
mcpow="${CARGO_TARGET_DIR:-$root/target}/release/mcpow"

if [ -z "${NO_BUILD:-}" ]; then
  (cd "$root" && cargo build --release --bin mcpow >&2)
fi
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$spec" "$work/body.json" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as spec:
    text = spec.read()
with open(sys.argv[2], "w", encoding="utf-8") as body:
    json.dump({"specType": "openapi", "spec": text}, body)
EOF
cat >"$work/analyze.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open("$work/body.json", "rb")
wrk.body = file:read("*a")
file:close()
EOF

# Port 0: the engine picks a free port and prints it.
MCPOW_ENGINE_API_KEY= "$mcpow" engine serve --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 200); do
  url="$(sed -n 's/^engine listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")"
  [ -n "$url" ] && break
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "engine serve did not start: $(cat "$work/serve.err")" >&2
  exit 1
fi

status="$(curl -s -o "$work/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$work/body.json" "$url/api/analyze")"
endpoints="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["endpoints"]))' "$work/answer.json")"
echo "spec: $spec ($(wc -c <"$work/body.json") bytes of JSON body); one request: HTTP $status, $endpoints endpoints"
[ "$status" = 200 ] || exit 1
echo "load: $(uptime)"
echo "wrk -t$threads -c$connections -d$duration --latency -s analyze.lua $url/api/analyze"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$work/analyze.lua" "$url/api/analyze"
