#!/usr/bin/env python3
"""A scripted MCP server over stdio (raw JSON-RPC, standard library only) that misbehaves on purpose.

Usage: faulty.py MODE, where MODE is one of:
  exit-at-start   writes a reason to stderr and exits with status 3 before reading anything
  crash-mid-call  answers initialize and tools/list, then dies (status 70) inside tools/call
  hang            the tool `hang` never answers; the tool `ok` does, so the session stays usable
  garbage         answers initialize, then writes a log line to stdout instead of the tools/list answer
  stderr-flood    writes 200,000 lines to stderr, then serves normally
  huge-result     the tool `huge` answers with a 100 MB text
  paged           serves tools/list in three pages; the second page's cursor is the empty string
  plain           behaves (the tool `ok` answers at once): the server of benches/client_calls
  protocol-2025-06-18  behaves, but speaks only protocol 2025-06-18 whatever the client asks for
  changing        the tool `ok` adds a tool named `added` and sends notifications/tools/list_changed
  slow            also lists `sleep`: it answers after `seconds` (10 by default), sending progress each
                  second; on notifications/cancelled it stops and writes `cancelled request ID` to stderr
  burst           the tool `ok` sends 200 progress notifications, then its answer, in one write
"""

import json
import os
import sys
import threading
import time

MODE = sys.argv[1]
TOOLS = [
    {"name": "ok", "description": "Answers at once.", "inputSchema": {"type": "object"}},
    {"name": "hang", "description": "Never answers.", "inputSchema": {"type": "object"}},
    {"name": "huge", "description": "A 100 MB answer.", "inputSchema": {"type": "object"}},
    {"name": "crash", "description": "Kills the server.", "inputSchema": {"type": "object"}},
]

SLEEP = {
    "name": "sleep",
    "description": "Sleeps, reporting progress each second; stops when cancelled.",
    "inputSchema": {"type": "object", "properties": {"seconds": {"type": "number", "minimum": 0}}},
}
if MODE == "slow":
    TOOLS.append(SLEEP)
OUTPUT = threading.Lock()
CANCELLED = set()


def send(message):
    with OUTPUT:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def sleep_then_answer(request):
    seconds = (request["params"].get("arguments") or {}).get("seconds", 10)
    token = (request["params"].get("_meta") or {}).get("progressToken")
    started = time.monotonic()
    step = 0
    while time.monotonic() - started < seconds:
        time.sleep(0.05)
        if request["id"] in CANCELLED:
            sys.stderr.write(f"cancelled request {request['id']} after {time.monotonic() - started:.1f} s\n")
            sys.stderr.flush()
            return
        if token is not None and int(time.monotonic() - started) > step:
            step += 1
            send({"jsonrpc": "2.0", "method": "notifications/progress",
                  "params": {"progressToken": token, "progress": step, "total": seconds, "message": f"slept {step} s"}})
    answer(request, {"content": [{"type": "text", "text": f"slept {seconds} s"}]})


def answer(request, result):
    send({"jsonrpc": "2.0", "id": request["id"], "result": result})


def main():
    if MODE == "exit-at-start":
        sys.stderr.write("fatal: the configuration file /etc/faulty.toml is missing\n")
        sys.stderr.flush()
        sys.exit(3)
    if MODE == "stderr-flood":
        for i in range(200_000):
            sys.stderr.write(f"debug line {i}: " + "x" * 60 + "\n")
        sys.stderr.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        method = request.get("method")
        if "id" not in request:
            if method == "notifications/cancelled":
                CANCELLED.add(request["params"]["requestId"])
            continue  # a notification
        if method == "initialize":
            answer(request, {
                "protocolVersion": "2025-06-18" if MODE == "protocol-2025-06-18" else request["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": f"faulty-{MODE}", "version": "1"},
            })
        elif method == "tools/list":
            if MODE == "garbage":
                sys.stdout.write("Listening on port 8080\n")
                sys.stdout.flush()
                continue
            if MODE == "paged":
                cursor = (request.get("params") or {}).get("cursor")
                pages = {None: (TOOLS[0:2], ""), "": (TOOLS[2:3], "p3"), "p3": (TOOLS[3:], None)}
                tools, next_cursor = pages[cursor]
                page = {"tools": tools}
                if next_cursor is not None:
                    page["nextCursor"] = next_cursor
                answer(request, page)
                continue
            answer(request, {"tools": TOOLS})
        elif method == "tools/call":
            name = request["params"]["name"]
            if MODE == "crash-mid-call" or name == "crash":
                sys.stderr.write("panic: index out of range in handler\n")
                sys.stderr.flush()
                os._exit(70)
            if name == "hang" and MODE == "hang":
                continue
            if name == "sleep" and MODE == "slow":
                threading.Thread(target=sleep_then_answer, args=(request,), daemon=True).start()
                continue
            if MODE == "changing" and name == "ok" and not any(t["name"] == "added" for t in TOOLS):
                TOOLS.append({"name": "added", "description": "Added at run time.", "inputSchema": {"type": "object"}})
                send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            if MODE == "burst":
                token = (request["params"].get("_meta") or {}).get("progressToken")
                progress = [{"jsonrpc": "2.0", "method": "notifications/progress",
                             "params": {"progressToken": token, "progress": step, "total": 200}}
                            for step in range(1, 201)]
                done = {"jsonrpc": "2.0", "id": request["id"], "result": {"content": [{"type": "text", "text": "ok: fine"}]}}
                with OUTPUT:
                    sys.stdout.write("".join(json.dumps(m) + "\n" for m in progress + [done]))
                    sys.stdout.flush()
                continue
            if name == "huge":
                text = "y" * (100 * 1024 * 1024)
                answer(request, {"content": [{"type": "text", "text": text}]})
                continue
            answer(request, {"content": [{"type": "text", "text": f"{name}: fine"}]})
        elif method == "ping":
            answer(request, {})
        else:
            send({"jsonrpc": "2.0", "id": request["id"], "error": {"code": -32601, "message": f"no {method}"}})


main()
