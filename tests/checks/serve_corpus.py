#!/usr/bin/env python3
"""Serves every loadable document of a corpus with `mcpow serve` (stdio, raw JSON-RPC) and checks its tool list.

Usage (from the repository root): tests/checks/serve_corpus.py [CORPUS] [--bin target/release/mcpow] [--jobs 2]
Needs the `jsonschema` package (tests/clients/setup.sh python installs it with `mcp`; run with that venv's python).
For each document that `mcpow inspect` loads: tool names unique and valid (^[A-Za-z0-9_.-]{1,64}$), and every
inputSchema valid against the JSON Schema 2020-12 meta-schema, an object schema, with no `$ref` anywhere.
Exit 0 only when every loadable document passes. Prints the totals.
"""
import argparse, csv, json, os, re, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

import jsonschema

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

ap = argparse.ArgumentParser()
ap.add_argument("corpus", nargs="?", default="../shared/corpus")
ap.add_argument("--bin", default="target/release/mcpow")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--timeout", type=float, default=120)
a = ap.parse_args()
rows = list(csv.DictReader(open(os.path.join(a.corpus, "manifest.tsv")), delimiter="\t"))


def rpc(proc, message):
    proc.stdin.write((json.dumps(message) + "\n").encode())
    proc.stdin.flush()


def read_response(proc, want_id):
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the server closed stdout")
        message = json.loads(line)
        if message.get("id") == want_id:
            return message


def has_ref(value):
    # A `$ref` keyword has a string value; a property that is merely named `$ref` (Kubernetes has one) does not.
    if isinstance(value, dict):
        return isinstance(value.get("$ref"), str) or any(has_ref(v) for v in value.values())
    if isinstance(value, list):
        return any(has_ref(v) for v in value)
    return False


def check(row):
    path = os.path.join(a.corpus, row["relative_path"])
    if subprocess.run([a.bin, "inspect", "--json", path], capture_output=True, timeout=a.timeout).returncode != 0:
        return row, "not loadable", 0, []
    proc = subprocess.Popen([a.bin, "serve", path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    problems = []
    tools = []
    try:
        rpc(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "corpus-check", "version": "1"}}})
        read_response(proc, 1)
        rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        cursor = None
        page = 2
        while True:
            params = {"cursor": cursor} if cursor else {}
            rpc(proc, {"jsonrpc": "2.0", "id": page, "method": "tools/list", "params": params})
            reply = read_response(proc, page)
            if "error" in reply:
                problems.append(f"tools/list failed: {reply['error']}")
                break
            tools += reply["result"]["tools"]
            cursor = reply["result"].get("nextCursor")
            page += 1
            if not cursor:
                break
    except Exception as e:  # noqa: BLE001 - any failure is a finding
        problems.append(f"session failed: {e}")
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    names = [t["name"] for t in tools]
    if len(set(names)) != len(names):
        problems.append("duplicate tool names")
    for tool in tools:
        if not NAME.match(tool["name"]):
            problems.append(f"invalid name {tool['name']!r}")
        schema = tool.get("inputSchema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            problems.append(f"{tool['name']}: inputSchema is not an object schema")
            continue
        if has_ref(schema):
            problems.append(f"{tool['name']}: inputSchema has a $ref")
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            problems.append(f"{tool['name']}: inputSchema invalid: {e.message[:120]}")
    return row, "checked", len(tools), problems


with ThreadPoolExecutor(a.jobs) as pool:
    results = list(pool.map(check, rows))

checked = [r for r in results if r[1] == "checked"]
failed = [r for r in checked if r[3]]
for row, _, count, problems in failed[:30]:
    print(f"FAIL {row['relative_path']} ({count} tools): {problems[0]}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))
total_tools = sum(r[2] for r in checked)
print(f"serve-corpus: {len(checked) - len(failed)}/{len(checked)} loadable documents pass "
      f"({len(rows) - len(checked)} not loadable), {total_tools} tools listed")
sys.exit(1 if failed else 0)
