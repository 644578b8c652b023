#!/usr/bin/env bash
# Installs the MCP clients written by others that the tests drive, into target/clients (idempotent, pinned):
# the Python `mcp` package in a venv, and the TypeScript SDK (`@modelcontextprotocol/sdk`) with npm.
# Usage: tests/clients/setup.sh python|node
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/target/clients"
mkdir -p "$dest"
case "${1:-}" in
  python)
    if [ ! -x "$dest/venv/bin/python" ] || ! "$dest/venv/bin/python" -c "import mcp" 2>/dev/null; then
      python3 -m venv "$dest/venv"
      "$dest/venv/bin/pip" install --quiet --disable-pip-version-check "mcp==2.3.0"
    fi
    echo "$dest/venv/bin/python"
    ;;
  node)
    if [ ! -d "$dest/node/node_modules/@modelcontextprotocol/sdk" ]; then
      mkdir -p "$dest/node"
      (cd "$dest/node" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@modelcontextprotocol/sdk@1.32.2" >/dev/null)
    fi
    echo "$dest/node"
    ;;
  *)
    echo "usage: $0 python|node" >&2
    exit 2
    ;;
esac
