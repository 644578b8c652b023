#!/usr/bin/env python3
"""Whole-process comparison: `mcpow serve` against FastMCP's `FastMCP.from_openapi`, each started as a stdio MCP
server on the same description, timed from process start to the end of `tools/list`, with the server's peak
resident memory (VmHWM from /proc) read just before it is stopped.

Both servers are driven by the same minimal JSON-RPC client below (initialize, initialized, tools/list with
pagination), so neither gets a different client. The clock stops when the last tools/list response has
arrived in full; parsing it (0.4 s of Python for Stripe's 12 MB list) happens after, to count the tools. Runs alternate between the two, and the median of REPS runs
is reported with the ratio. No request reaches an API: the base URL is 127.0.0.1:9.

Usage:
  benches/serve_vs_fastmcp.py [--reps N] [--mcpow target/release/mcpow] [--python FASTMCP_PYTHON]
                              [--only mcpow|fastmcp] SPEC...
FASTMCP_PYTHON defaults to the venv that `tests/clients/setup.sh fastmcp` makes. `--only` runs one server.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASE_URL = "http://127.0.0.1:9"
LIMIT_S = 600


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def drain(stream) -> None:
    for _ in iter(lambda: stream.read(65536), b""):
        pass


def measure(command: list[str]) -> tuple[float, float, int]:
    """Seconds from start to the end of tools/list, peak RSS in MB, and the number of tools."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    threading.Thread(target=drain, args=(process.stderr,), daemon=True).start()
    timer = threading.Timer(LIMIT_S, process.kill)
    timer.start()
    try:

        def send(message: dict) -> None:
            process.stdin.write((json.dumps(message) + "\n").encode())
            process.stdin.flush()

        def answer_line(request_id: int) -> bytes:
            """The raw line of the response to `request_id` (skipping notifications and log messages)."""
            marker = f'"id":{request_id}'.encode()
            while True:
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError(f"{command[0]} closed its output")
                if marker in line.replace(b" ", b""):
                    return line

        def parsed(line: bytes) -> dict:
            message = json.loads(line)
            if "error" in message:
                raise RuntimeError(str(message["error"]))
            return message["result"]

        send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "serve-bench", "version": "1"},
                },
            }
        )
        parsed(answer_line(1))
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        pages, cursor, request_id = [], None, 2
        while True:
            params = {"cursor": cursor} if cursor else {}
            send({"jsonrpc": "2.0", "id": request_id, "method": "tools/list", "params": params})
            line = answer_line(request_id)
            pages.append(line)
            # Only a paginated answer needs parsing before the clock stops.
            cursor = parsed(line).get("nextCursor") if b"nextCursor" in line else None
            request_id += 1
            if not cursor:
                break
        elapsed = time.perf_counter() - started
        peak = peak_rss_mb(process.pid)
        tools = sum(len(parsed(page).get("tools", [])) for page in pages)
        return elapsed, peak, tools
    finally:
        timer.cancel()
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--mcpow", default=os.path.join(ROOT, "target/release/mcpow"))
    parser.add_argument(
        "--python", default=os.path.join(ROOT, "target/clients/fastmcp-venv/bin/python")
    )
    parser.add_argument("--only", choices=["mcpow", "fastmcp"])
    args = parser.parse_args()
    fastmcp_server = os.path.join(HERE, "fastmcp_server.py")
    print(f"{'spec':<28} {'server':<8} {'tools':>6} {'time s':>8} {'peak MB':>8}   runs (s)")
    for spec in args.specs:
        name = os.path.relpath(spec, os.path.join(ROOT, "../shared/corpus"))
        commands = {
            "mcpow": [args.mcpow, "serve", spec, "--base-url", BASE_URL],
            "fastmcp": [args.python, fastmcp_server, spec, BASE_URL],
        }
        if args.only:
            commands = {args.only: commands[args.only]}
        runs = {server: [] for server in commands}
        for _ in range(args.reps):
            for server, command in commands.items():
                runs[server].append(measure(command))
        medians = {}
        for server, results in runs.items():
            seconds = statistics.median(r[0] for r in results)
            peak = statistics.median(r[1] for r in results)
            medians[server] = (seconds, peak)
            listed = ", ".join(f"{r[0]:.2f}" for r in results)
            print(
                f"{name:<28} {server:<8} {results[0][2]:>6} {seconds:>8.2f} {peak:>8.0f}   {listed}"
            )
        if args.only:
            continue
        (ms, mm), (fs, fm) = medians["mcpow"], medians["fastmcp"]
        print(f"{name:<28} ratio    fastmcp/mcpow: time {fs / ms:.1f}x, peak memory {fm / mm:.1f}x")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
