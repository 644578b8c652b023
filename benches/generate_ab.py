#!/usr/bin/env python3
"""Interleaved A/B of `mcpow generate` builds (or one build under different environment variables) on one
description, for changes too small for the whole comparison against openapi-mcp-generator to show.

Each variant is `BINARY` or `BINARY@NAME=VALUE,NAME=VALUE` (for example `target/release/mcpow@MIMALLOC_ALLOW_THP=0`).
Runs alternate between the variants REPS times, in an order that turns by one place each time, each into a fresh
directory. Per variant: median and minimum wall time (spawn to exit), how many runs took over SLOW ms, and the
medians of user and system CPU, minor page faults and peak resident memory (the child's own, from wait4).

Usage:
  benches/generate_ab.py [--reps N] [--lang python|typescript|rust] [--slow MS] [--spec SPEC] VARIANT...
SPEC defaults to the GitHub REST description of the shared corpus (1,223 operations).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

GITHUB = Path(__file__).resolve().parents[2] / "shared/corpus/openapi/github/api.github.com.json"


def parse_variant(text):
    binary, _, assignments = text.partition("@")
    env = dict(os.environ)
    for pair in filter(None, assignments.split(",")):
        name, _, value = pair.partition("=")
        env[name] = value
    return binary, env


def run_once(binary, env, spec, lang, out):
    started = time.perf_counter()
    child = subprocess.Popen(
        [binary, "generate", str(spec), "--lang", lang, "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - started) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{binary} failed (status {status})")
    return wall, usage.ru_utime * 1000, usage.ru_stime * 1000, usage.ru_minflt, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--reps", type=int, default=12)
    parser.add_argument("--lang", default="python", choices=["python", "typescript", "rust"])
    parser.add_argument("--slow", type=float, default=170.0)
    parser.add_argument("--spec", default=str(GITHUB))
    args = parser.parse_args()
    variants = [(text, *parse_variant(text)) for text in args.variants]
    results = {text: [] for text, _, _ in variants}
    with tempfile.TemporaryDirectory(prefix="mcpow-ab-") as scratch:
        out = Path(scratch) / "out"
        for rep in range(args.reps):
            turn = rep % len(variants)
            for text, binary, env in variants[turn:] + variants[:turn]:
                shutil.rmtree(out, ignore_errors=True)
                results[text].append(run_once(binary, env, args.spec, args.lang, out))
    median = statistics.median
    print(f"{args.lang}, {args.reps} runs each, interleaved")
    print("| variant | wall median | min | over slow | user | sys | minor faults | peak RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for text, runs in results.items():
        walls = [r[0] for r in runs]
        print(
            f"| `{text}` | {median(walls):.1f} ms | {min(walls):.1f} ms "
            f"| {sum(w > args.slow for w in walls)} | {median(r[1] for r in runs):.1f} ms "
            f"| {median(r[2] for r in runs):.1f} ms | {median(r[3] for r in runs):.0f} "
            f"| {median(r[4] for r in runs):.0f} MB |"
        )


if __name__ == "__main__":
    main()
