#!/usr/bin/env bash
# Installs the MCP clients written by others that the tests drive, into target/clients (idempotent, pinned):
# the Python `mcp` package in a venv, the TypeScript SDK (`@modelcontextprotocol/sdk`) and Prism
# (`@stoplight/prism-cli`, a second mock) with npm, FastMCP (for benches/serve_vs_fastmcp.sh) in its own venv, and
# npm `openapi-mcp-generator` (for benches/generate_vs_openapi_mcp_generator.py).
# Prints the venv's python, the node folder, or the prism executable. Concurrent callers wait for each other.
# Usage: tests/clients/setup.sh python|node|prism|fastmcp|servers-node|servers-python|codegen-python|codegen-typescript|openapi-mcp-generator
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$root/target/clients"
mkdir -p "$dest"
exec 9>"$dest/.setup-${1:-none}.lock"
flock 9
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
  servers-node)
    # MCP servers written by others, driven by the client tests (tests/mcp_client.rs).
    if [ ! -d "$dest/servers/node_modules/@modelcontextprotocol/server-filesystem" ]; then
      mkdir -p "$dest/servers"
      (cd "$dest/servers" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
        "@modelcontextprotocol/server-everything@2026.8.31" "@modelcontextprotocol/server-filesystem@2026.8.31" >/dev/null)
    fi
    echo "$dest/servers/node_modules/.bin"
    ;;
  servers-python)
    # mcp-server-time, in its own venv (prints the folder of its executables).
    if [ ! -x "$dest/servers-venv/bin/mcp-server-time" ]; then
      python3 -m venv "$dest/servers-venv"
      "$dest/servers-venv/bin/pip" install --quiet --disable-pip-version-check "mcp-server-time==2026.10.19" "mcp==2.3.0"
    fi
    echo "$dest/servers-venv/bin"
    ;;
  prism)
    if [ ! -x "$dest/prism/node_modules/.bin/prism" ]; then
      mkdir -p "$dest/prism"
      (cd "$dest/prism" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "@stoplight/prism-cli@5.14.2" >/dev/null)
    fi
    echo "$dest/prism/node_modules/.bin/prism"
    ;;
  fastmcp)
    # 4.1.0: later 4.1.x need a certifi newer than PyPI serves here.
    if [ ! -x "$dest/fastmcp-venv/bin/python" ] || ! "$dest/fastmcp-venv/bin/python" -c "import fastmcp" 2>/dev/null; then
      python3 -m venv "$dest/fastmcp-venv"
      "$dest/fastmcp-venv/bin/pip" install --quiet --disable-pip-version-check "fastmcp==4.1.0"
    fi
    echo "$dest/fastmcp-venv/bin/python"
    ;;
  codegen-python)
    # What generated Python connectors depend on, plus pytest and ruff (tests/codegen_python.rs installs each
    # generated project into this venv with --no-deps). Prints the venv's folder.
    if [ ! -x "$dest/codegen-venv/bin/ruff" ] || ! "$dest/codegen-venv/bin/python" -c "import mcp, httpx, pytest" 2>/dev/null; then
      python3 -m venv "$dest/codegen-venv"
      "$dest/codegen-venv/bin/pip" install --quiet --disable-pip-version-check "mcp==2.3.0" "httpx==0.28.1" \
        "pytest==9.2.0" "ruff==0.17.6" "setuptools>=68"
    fi
    echo "$dest/codegen-venv"
    ;;
  codegen-typescript)
    # What generated TypeScript connectors depend on, installed once (tests/codegen_typescript.rs links this
    # node_modules into each generated project). Prints the folder holding node_modules.
    if [ ! -x "$dest/codegen-ts/node_modules/.bin/tsc" ] || [ ! -d "$dest/codegen-ts/node_modules/@modelcontextprotocol/sdk" ]; then
      mkdir -p "$dest/codegen-ts"
      (cd "$dest/codegen-ts" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
        "@modelcontextprotocol/sdk@1.32.2" "ajv@8.20.0" "ajv-formats@3.0.1" "typescript@5.9.3" "@types/node@20" >/dev/null)
    fi
    echo "$dest/codegen-ts"
    ;;
  openapi-mcp-generator)
    # Another generator of MCP servers from OpenAPI (TypeScript projects), compared with `mcpow generate`.
    # Prints its executable.
    if [ ! -x "$dest/openapi-mcp-generator/node_modules/.bin/openapi-mcp-generator" ]; then
      mkdir -p "$dest/openapi-mcp-generator"
      (cd "$dest/openapi-mcp-generator" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
        "openapi-mcp-generator@4.0.1" >/dev/null)
    fi
    echo "$dest/openapi-mcp-generator/node_modules/.bin/openapi-mcp-generator"
    ;;
  kinto)
    # Kinto (a JSON storage service that serves its own Swagger description at /v1/__api__), the backend the
    # contract tests start with `mcpow test --start` (tests/contract_backend.rs). Prints its executable.
    if [ ! -x "$dest/kinto-venv/bin/kinto" ]; then
      python3 -m venv "$dest/kinto-venv"
      "$dest/kinto-venv/bin/pip" install --quiet --disable-pip-version-check "kinto==26.5.0"
    fi
    echo "$dest/kinto-venv/bin/kinto"
    ;;
  openapi-validator)
    # PyPI openapi-spec-validator, an independent check of `mcpow gateway`'s /openapi.json (tests/gateway.rs).
    # Prints its executable.
    if [ ! -x "$dest/openapi-validator-venv/bin/openapi-spec-validator" ]; then
      python3 -m venv "$dest/openapi-validator-venv"
      "$dest/openapi-validator-venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.9.0"
    fi
    echo "$dest/openapi-validator-venv/bin/openapi-spec-validator"
    ;;
  junitparser)
    # A JUnit XML reader written by others, that checks `mcpow test --junit` (tests/contract.rs). Prints the
    # venv's python.
    if [ ! -x "$dest/junit-venv/bin/python" ] || ! "$dest/junit-venv/bin/python" -c "import junitparser" 2>/dev/null; then
      python3 -m venv "$dest/junit-venv"
      "$dest/junit-venv/bin/pip" install --quiet --disable-pip-version-check "junitparser==5.0.3"
    fi
    echo "$dest/junit-venv/bin/python"
    ;;
  *)
    echo "usage: $0 python|node|prism|fastmcp|servers-node|servers-python|codegen-python|codegen-typescript|openapi-mcp-generator" >&2
    exit 2
    ;;
esac
