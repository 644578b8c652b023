#!/usr/bin/env python3
"""Whole-process comparison: `mcpow generate` (Python, TypeScript and Rust projects) against npm
`openapi-mcp-generator` (a TypeScript project), each run from start to exit on the same description.

Every run writes into a fresh, not yet existing directory under a temporary folder (removed afterwards, outside
the clock). The clock runs from spawning the process to its exit; the CPU time (user + system) and the peak
resident memory are the child's own (`ru_utime`, `ru_stime`, `ru_maxrss` from wait4). Nothing is installed in
the generated projects (npm install is not counted), and `openapi-mcp-generator` runs from the pinned install
that `tests/clients/setup.sh openapi-mcp-generator` makes (run here when missing). One untimed warm-up run of
each puts the description and both programs in the page cache. Each of REPS repetitions runs openapi-mcp-generator,
then each of mcpow's kinds in an order that turns by one place each repetition, so that each kind runs right after
openapi-mcp-generator equally often (exactly so when REPS is a multiple of their number: 3, or 6 with
`--baseline`). The table gives the median, the minimum, every run, and openapi-mcp-generator's median (and
minimum) divided by each of mcpow's, against the target: under 300 ms and at least 5x faster.

Usage:
  benches/generate_vs_openapi_mcp_generator.py [--reps N] [--mcpow target/release/mcpow]
                                               [--baseline OTHER_MCPOW] [--generator PATH] [SPEC]
SPEC defaults to the GitHub REST description of the shared corpus (1,223 operations). `--baseline` runs a second
mcpow binary too (before/after a change), in the same alternation.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_SPEC = os.path.join(ROOT, "../shared/corpus/openapi/github/api.github.com.json")
TARGET_MS = 300
TARGET_RATIO = 5.0


def run_once(command: list[str], out_dir: str) -> tuple[float, float, float, str]:
    """Seconds from spawn to exit, the child's CPU seconds (user + system), its peak RSS in MB, and its
    stderr."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if process.returncode != 0 or not os.path.isdir(out_dir):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def tree_size(folder: str) -> tuple[int, int]:
    files = size = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(parent, name))
    return files, size


def tool_count(kind: str, out_dir: str, stderr: str) -> str:
    if kind == "openapi-mcp-generator":
        # Its src/index.ts holds one `["name", {...}]` entry per tool in toolDefinitionMap.
        try:
            with open(os.path.join(out_dir, "src/index.ts"), encoding="utf-8") as index:
                return str(sum(1 for line in index if re.match(r'^  \["', line)))
        except OSError:
            return "?"
    found = re.search(r"(\d+) tools", stderr)
    return found.group(1) if found else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default=DEFAULT_SPEC)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--mcpow", default=os.path.join(ROOT, "target/release/mcpow"))
    parser.add_argument("--baseline", help="a second mcpow binary, run in the same alternation")
    parser.add_argument("--generator", help="the openapi-mcp-generator executable")
    args = parser.parse_args()
    if not os.path.exists(args.mcpow):
        sys.exit(f"{args.mcpow} not found: run `cargo build --release` first")
    generator = (
        args.generator
        or subprocess.run(
            [os.path.join(ROOT, "tests/clients/setup.sh"), "openapi-mcp-generator"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    version = subprocess.run(
        [generator, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    binaries = [("mcpow", args.mcpow)]
    if args.baseline:
        binaries.append(("baseline", args.baseline))

    def generate(binary: str, lang: str):
        return lambda out: [binary, "generate", args.spec, "--lang", lang, "--out", out]

    kinds = {
        f"{label} {lang}": generate(binary, lang)
        for lang in ("python", "typescript", "rust")
        for label, binary in binaries
    }
    kinds["openapi-mcp-generator"] = lambda out: [generator, "-i", args.spec, "-o", out]

    print(f"spec: {os.path.normpath(args.spec)} ({os.path.getsize(args.spec) / 1e6:.1f} MB)")
    if args.baseline:
        print(f"mcpow: {args.mcpow}, baseline: {args.baseline}")
    print(f"openapi-mcp-generator {version}, node {subprocess.getoutput('node --version')}")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    runs: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in kinds}
    facts: dict[str, tuple[str, int, int]] = {}
    with tempfile.TemporaryDirectory(prefix="generate-bench-") as scratch:
        ours = [kind for kind in kinds if kind != "openapi-mcp-generator"]
        for rep in range(-1, args.reps):
            # openapi-mcp-generator first, then mcpow's kinds in an order that turns by one each repetition: the
            # run right after openapi-mcp-generator's exit (which frees about 200 MB) is slow more often on this
            # VM, so each kind takes that place equally often. (Turning the whole list, generator included, kept
            # the same kind after it in all but one repetition of each turn.)
            shift = max(rep, 0) % len(ours)
            turned = ["openapi-mcp-generator"] + ours[shift:] + ours[:shift]
            for kind in turned:
                command = kinds[kind]
                out_dir = os.path.join(scratch, f"{kind.replace(' ', '-')}-{rep}")
                elapsed, cpu, peak, stderr = run_once(command(out_dir), out_dir)
                if rep < 0:
                    files, size = tree_size(out_dir)
                    facts[kind] = (tool_count(kind, out_dir, stderr), files, size)
                else:
                    runs[kind].append((elapsed, cpu, peak))
                shutil.rmtree(out_dir)
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))

    other = runs["openapi-mcp-generator"]
    other_median = statistics.median(r[0] for r in other)
    other_min = min(r[0] for r in other)
    print()
    print(
        "| generator | tools | files, size | median | min | runs | CPU (median) | peak RSS | "
        "openapi-mcp-generator ÷ this (median, min) | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, results in runs.items():
        median = statistics.median(r[0] for r in results)
        least = min(r[0] for r in results)
        cpu = statistics.median(r[1] for r in results)
        peak = max(r[2] for r in results)
        tools, files, size = facts[kind]
        listed = ", ".join(f"{r[0] * 1000:.0f}" for r in results)
        if kind == "openapi-mcp-generator":
            ratio = target = ""
        else:
            ratio = f"{other_median / median:.1f}×, {other_min / least:.1f}×"
            met = median * 1000 < TARGET_MS and other_median / median >= TARGET_RATIO
            target = "met" if met else "missed"
        print(
            f"| {kind} | {tools} | {files}, {size / 1e6:.1f} MB | {median * 1000:.0f} ms | "
            f"{least * 1000:.0f} ms | {listed} | {cpu * 1000:.0f} ms | {peak:.0f} MB | {ratio} | {target} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
