#!/usr/bin/env python3
"""Whole-process time and peak memory of `mcpow inspect --json` on the largest corpus files.

Usage (from the repository root, after `cargo build --release`):
    python3 benches/inspect_process.py [--runs 5] [--bin target/release/mcpow]
Prints one Markdown table row per file: median wall time, min/max, and the peak RSS (max over runs).
"""
import argparse, os, resource, statistics, subprocess, sys, time

FILES = [
    "openapi/github/api.github.com.json",
    "openapi/stripe/spec3.json",
    "openapi/stripe/spec3.yaml",
]

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default="target/release/mcpow")
ap.add_argument("--corpus", default="../shared/corpus")
a = ap.parse_args()
if not os.path.exists(a.bin):
    sys.exit(f"{a.bin} not found: run `cargo build --release` first")

print("| file | MB | median wall (s) | min–max (s) | peak RSS (MB) |")
print("|---|---|---|---|---|")
for rel in FILES:
    path = os.path.join(a.corpus, rel)
    if not os.path.exists(path):
        print(f"| {rel} | missing | | | |")
        continue
    walls, peaks = [], []
    for _ in range(a.runs):
        start = time.monotonic()
        # /usr/bin/time would add a process; wait4 gives the child's own peak RSS.
        proc = subprocess.Popen([a.bin, "inspect", "--json", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        walls.append(time.monotonic() - start)
        peaks.append(usage.ru_maxrss / 1024)
        if status != 0:
            sys.exit(f"inspect failed on {rel}: {proc.stderr.read().decode()}")
    size = os.path.getsize(path) / 1e6
    print(f"| {rel} | {size:.1f} | {statistics.median(walls):.3f} | {min(walls):.3f}–{max(walls):.3f} | {max(peaks):.0f} |")
