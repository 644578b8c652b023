#!/usr/bin/env bash
# mcpow's MCP client against the Python `mcp` client: 1,000 sequential calls of a trivial tool on one stdio
# session each, in one run (benches/client_calls.rs, then benches/python_client_calls.py), against the same
# server (tests/mcp_servers/faulty.py plain). Needs python3; installs the Python client with tests/clients/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
python="$(tests/clients/setup.sh python)"
cargo bench --bench client_calls -- "${1:-1000}" 2>/dev/null | grep '^round'
"$python" benches/python_client_calls.py "${1:-1000}"
