#!/usr/bin/env python3
"""Generates Python and TypeScript connectors for every loadable document of a corpus and checks that they compile.

Usage (from the repository root):
  tests/checks/codegen_corpus.py [CORPUS] [--bin target/release/mcpow] [--jobs 2] [--tsc-sample 50]
                                 [--only python|typescript] [--keep]
For each document that `mcpow inspect` loads: `mcpow generate --lang python` into a temporary directory and
`python3 -m py_compile` every .py file; `mcpow generate --lang typescript`, then, for a sample of at least
--tsc-sample TypeScript projects (always the largest documents by bytes and by operations, plus an evenly spread,
deterministic choice of the rest), `tsc --noEmit -p DIR` with the dependencies of `tests/clients/setup.sh
codegen-typescript` (the SDK, TypeScript, @types/node) linked in as node_modules, as tests/codegen_typescript.rs does.
Needs python3 and, for TypeScript, node and npm (setup.sh installs from npm once into target/clients/codegen-ts).
Standard library only. Exit 0 only when every generation and every compilation passes. Prints the totals.
"""
import argparse, csv, json, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

LARGEST = 5  # always in the tsc sample: this many largest documents by bytes, and as many by operations

ap = argparse.ArgumentParser()
ap.add_argument("corpus", nargs="?", default="../shared/corpus")
ap.add_argument("--bin", default="target/release/mcpow")
ap.add_argument("--jobs", type=int, default=2)
ap.add_argument("--tsc-sample", type=int, default=50, help="how many TypeScript projects tsc checks (0: all)")
ap.add_argument("--only", choices=["python", "typescript"])
ap.add_argument("--timeout", type=float, default=300, help="seconds for one generation or one compilation")
ap.add_argument("--keep", action="store_true", help="keep the generated projects (their directory is printed)")
ap.add_argument("--show", type=int, default=30, help="how many failures to list")
a = ap.parse_args()
langs = [a.only] if a.only else ["python", "typescript"]
rows = list(csv.DictReader(open(os.path.join(a.corpus, "manifest.tsv")), delimiter="\t"))
work = tempfile.mkdtemp(prefix="codegen-corpus-")
started = time.monotonic()

shared = None
if "typescript" in langs:
    setup = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "setup.sh")
    shared = subprocess.run([setup, "codegen-typescript"], check=True, capture_output=True, text=True).stdout.strip()
    tsc = os.path.join(shared, "node_modules", "typescript", "bin", "tsc")


def first_lines(text, n=3):
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    return " | ".join(l[:200] for l in lines[:n]) + (f" (+{len(lines) - n} more lines)" if len(lines) > n else "")


def run(cmd, **kw):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=a.timeout, **kw)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return None, f"timed out after {a.timeout:.0f}s"


EMPTY = "no callable operations"  # webhooks only, or only unsupported ones: `generate` refuses it (exit 2), rightly


def generate(path, lang, out, callable_):
    code, output = run([a.bin, "generate", path, "--lang", lang, "--out", out, "--force"])
    if code == 2 and callable_ == 0 and "no operation is selected" in output:
        return EMPTY
    return None if code == 0 else f"generate --lang {lang}: exit {code}: {first_lines(output)}"


def document(index_row):
    """(row, loaded, operations, {lang: problem or None})."""
    index, row = index_row
    path = os.path.join(a.corpus, row["relative_path"])
    try:
        p = subprocess.run([a.bin, "inspect", "--json", path], capture_output=True, timeout=a.timeout)
    except subprocess.TimeoutExpired:
        return row, False, 0, {}
    if p.returncode != 0:
        return row, False, 0, {}
    try:
        summary = json.loads(p.stdout)
        operations = int(summary["operations"])
        callable_ = operations - int(summary.get("unsupported") or 0)
    except Exception:  # noqa: BLE001 - the count orders the sample and tells an empty document
        operations = callable_ = None
    problems = {}
    if "python" in langs:
        out = os.path.join(work, "py", str(index))
        problems["python"] = generate(path, "python", out, callable_)
        if problems["python"] is None:
            files = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith(".py"))
            code, output = run([sys.executable, "-m", "py_compile", *files]) if files else (1, "no .py file")
            if code != 0:
                problems["python"] = f"py_compile: {first_lines(output)}"
        if not a.keep:
            shutil.rmtree(out, ignore_errors=True)
    if "typescript" in langs:
        problems["typescript"] = generate(path, "typescript", os.path.join(work, "ts", str(index)), callable_)
    return row, True, operations, problems


with ThreadPoolExecutor(a.jobs) as pool:
    results = list(pool.map(document, enumerate(rows)))
generated_at = time.monotonic()
loaded = [(i, r) for i, r in enumerate(results) if r[1]]

# The tsc sample: the largest by bytes and by operations, then evenly spread over the rest ordered by size.
sample, compiled = [], {}
if "typescript" in langs:
    candidates = [(i, r) for i, r in loaded if r[3]["typescript"] is None]
    want = len(candidates) if a.tsc_sample <= 0 else min(a.tsc_sample, len(candidates))
    by_bytes = sorted(candidates, key=lambda x: (-int(x[1][0]["bytes"]), x[1][0]["relative_path"]))
    by_ops = sorted(candidates, key=lambda x: (-(x[1][2] or 0), x[1][0]["relative_path"]))
    chosen = []
    for i, _ in by_bytes[:LARGEST] + by_ops[:LARGEST]:
        if i not in chosen:
            chosen.append(i)
    rest = [i for i, _ in reversed(by_bytes) if i not in chosen]
    need = max(0, want - len(chosen))
    if need and rest:
        step = len(rest) / need
        chosen += sorted({rest[min(len(rest) - 1, int(k * step + step / 2))] for k in range(need)})
    sample = chosen
    if not a.keep:
        for i, _ in candidates:
            if i not in sample:
                shutil.rmtree(os.path.join(work, "ts", str(i)), ignore_errors=True)

    def check_ts(i):
        project = os.path.join(work, "ts", str(i))
        os.symlink(os.path.join(shared, "node_modules"), os.path.join(project, "node_modules"))
        t = time.monotonic()
        code, output = run(["node", tsc, "--noEmit", "-p", project])
        return i, (None if code == 0 else f"tsc --noEmit: exit {code}: {first_lines(output)}"), time.monotonic() - t

    # The largest first, so that they do not finish last on their own.
    with ThreadPoolExecutor(a.jobs) as pool:
        for i, problem, seconds in pool.map(check_ts, sample):
            compiled[i] = (problem, seconds)

failures = []
for i, (row, ok, ops, problems) in loaded:
    for lang in langs:
        problem = problems.get(lang) or (compiled.get(i, (None,))[0] if lang == "typescript" else None)
        if problem and problem != EMPTY:
            failures.append(f"FAIL {lang:10s} {row['relative_path']} ({ops} operations): {problem}")
for line in failures[: a.show]:
    print(line)
if len(failures) > a.show:
    print(f"... {len(failures) - a.show} more failures")
if compiled:
    slow = sorted(compiled.items(), key=lambda x: -x[1][1])[:3]
    print("slowest tsc: " + ", ".join(f"{results[i][0]['relative_path']} {s:.1f}s" for i, (_, s) in slow))
elapsed = time.monotonic() - started
empty = [r for _, r in loaded if EMPTY in r[3].values()]
for row, ok, _, _ in results:
    if not ok:
        print(f"unloaded   {row['relative_path']}: `mcpow inspect` refuses it")
for row, _, _, _ in empty[: a.show]:
    print(f"empty      {row['relative_path']}: no callable operation, nothing to generate (refused clearly)")
want = len(loaded) - len(empty)
summary = [f"codegen-corpus: {len(rows)} documents, {len(loaded)} loadable ({len(rows) - len(loaded)} not loadable, "
           f"{len(empty)} without a callable operation)"]
if "python" in langs:
    gen = sum(1 for _, r in loaded if r[3]["python"] is None or r[3]["python"].startswith("py_compile"))
    ok = sum(1 for _, r in loaded if r[3]["python"] is None)
    summary.append(f"python: {gen}/{want} generated, {ok}/{gen} pass py_compile")
if "typescript" in langs:
    gen = sum(1 for _, r in loaded if r[3]["typescript"] is None)
    ok = sum(1 for p, _ in compiled.values() if p is None)
    summary.append(f"typescript: {gen}/{want} generated, {ok}/{len(compiled)} of the sample pass tsc --noEmit")
summary.append(f"{len(failures)} failures, {elapsed:.0f}s ({generated_at - started:.0f}s generating"
               + (f", {elapsed - (generated_at - started):.0f}s tsc" if compiled else "") + f", --jobs {a.jobs})")
print("; ".join(summary))
if a.keep:
    print(f"projects kept in {work}")
else:
    shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failures else 0)
