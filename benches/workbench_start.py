#!/usr/bin/env python3
"""The real workbench in a pseudo-terminal (120x40): time from spawn to the first frame, time until the opened
spec's operations show (it loads in a background task), and the process's peak resident memory (VmHWM from
/proc) with the spec open and after typing a filter; then `q`, and the exit is awaited before the next run
(one mcpow holds a store at a time).

The first frame is the first read whose bytes complete the tab bar's `1 Specs` (the first draw is whole, so
the raw bytes hold it). Later frames send only the cells that changed, with cursor moves between them, so the
later states are read off a small screen model fed the same bytes (cursor moves, clears, text; colours
ignored): the spec is open when the screen shows `Operations · NAME (N)`; the filter (`/` then `repos`, sent
at once) has arrived when it shows `/ repos` and `(M of N)`. Each time is that of the read that completed it.

Cases: an empty data directory (the first run creates the sample project and opens petstore-3.0.yaml), and a
data directory prepared once with `mcpow specs add SPEC --project github`, opened with `--project github`.

Usage:
  benches/workbench_start.py [--reps N] [--mcpow target/release/mcpow] [--spec GITHUB_JSON]
"""

import argparse
import fcntl
import os
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
COLUMNS, ROWS = 120, 40
LIMIT_S = 60
QUIET_S = 0.3
FILTER = b"repos"


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Screen:
    """Just enough of a terminal to read what ratatui's crossterm backend draws: CSI cursor moves and
    clears, UTF-8 text (every character one cell wide); colours, modes and OSC sequences skipped."""

    CSI = re.compile(rb"\x1b\[([0-9;?<>=]*)[ -/]*([@-~])")
    CSI_UNFINISHED = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*\Z")

    def __init__(self, columns: int, rows: int):
        self.columns, self.rows = columns, rows
        self.cells = [[" "] * columns for _ in range(rows)]
        self.row = self.column = 0
        self.pending = b""

    def text(self) -> str:
        return "\n".join("".join(row) for row in self.cells)

    def csi(self, params: bytes, final: str) -> None:
        numbers = [int(p) if p.isdigit() else 0 for p in params.decode().lstrip("?<>=").split(";")]
        first = numbers[0] or 1
        if final in "Hf":
            column = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.column = min(first, self.rows) - 1, min(column, self.columns) - 1
        elif final == "G":
            self.column = min(first, self.columns) - 1
        elif final == "A":
            self.row = max(self.row - first, 0)
        elif final == "B":
            self.row = min(self.row + first, self.rows - 1)
        elif final == "C":
            self.column = min(self.column + first, self.columns - 1)
        elif final == "D":
            self.column = max(self.column - first, 0)
        elif final == "J" and numbers[0] == 2:
            self.cells = [[" "] * self.columns for _ in range(self.rows)]
        elif final == "K":
            self.cells[self.row][self.column :] = [" "] * (self.columns - self.column)

    def feed(self, data: bytes) -> None:
        data = self.pending + data
        i, end = 0, len(data)
        while i < end:
            byte = data[i]
            if byte == 0x1B:
                if i + 1 == end:
                    break
                if data[i + 1] == ord("["):
                    sequence = self.CSI.match(data, i)
                    if sequence:
                        self.csi(sequence.group(1), sequence.group(2).decode())
                        i = sequence.end()
                    elif self.CSI_UNFINISHED.match(data, i):
                        break
                    else:
                        i += 2
                elif data[i + 1] == ord("]"):  # OSC: up to BEL or ST
                    ends = (data.find(b"\x07", i), data.find(b"\x1b\\", i))
                    stop = min((p for p in ends if p >= 0), default=-1)
                    if stop < 0:
                        break
                    i = stop + (1 if data[stop] == 7 else 2)
                else:
                    i += 2
            elif byte == 0x0D:
                self.column, i = 0, i + 1
            elif byte == 0x0A:
                self.row, i = min(self.row + 1, self.rows - 1), i + 1
            elif byte < 0x20:
                i += 1
            else:
                length = 1 if byte < 0x80 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
                if i + length > end:
                    break
                character = data[i : i + length].decode("utf-8", "replace")
                if self.column < self.columns:
                    self.cells[self.row][self.column] = character
                self.column = min(self.column + 1, self.columns)
                i += length
        self.pending = data[i:]


class Terminal:
    """A process on the slave side of a pty; its output gathered, with the time each read came."""

    def __init__(self, command: list[str]):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MCPOW_")}
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            # The pty becomes the child's controlling terminal, as in a real one.
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.screen = Screen(COLUMNS, ROWS)
        self.last_read = self.started

    def read(self, timeout: float) -> bool:
        """Reads what is there within `timeout`; False when nothing came."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            if self.process.poll() is None:
                time.sleep(0.01)
            return False
        self.last_read = time.perf_counter()
        self.output.extend(chunk)
        self.screen.feed(chunk)
        return True

    def wait_for(self, found) -> tuple[float, object]:
        """Seconds since the spawn at the read after which `found()` first held, and what it returned."""
        deadline = time.perf_counter() + LIMIT_S
        while True:
            result = found()
            if result:
                return self.last_read - self.started, result
            if time.perf_counter() > deadline or self.process.poll() is not None:
                raise RuntimeError(
                    f"gave up waiting; exit {self.process.poll()}; screen:\n{self.screen.text()}"
                )
            self.read(0.05)

    def on_screen(self, pattern: str):
        compiled = re.compile(pattern)
        return lambda: compiled.search(self.screen.text())

    def settle(self) -> float:
        """Seconds since the spawn of the last output before QUIET_S without any."""
        while self.read(QUIET_S):
            pass
        return self.last_read - self.started

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> int:
        """Quits (Esc leaves the filter, then q) and waits for the exit; returns its status."""
        self.send(b"\x1b")
        self.settle()
        self.send(b"q")
        deadline = time.perf_counter() + LIMIT_S
        while self.process.poll() is None and time.perf_counter() < deadline:
            self.read(0.05)
        if self.process.poll() is None:
            self.process.kill()
        status = self.process.wait()
        os.close(self.master)
        return status


def run_once(command: list[str], spec_name: str) -> dict:
    """One start: first frame, spec open, peak memory open and after the filter, clean exit."""
    terminal = Terminal(command)
    try:
        first_frame, _ = terminal.wait_for(lambda: b"1 Specs" in terminal.output)
        title = "Operations · " + re.escape(spec_name)
        opened, found = terminal.wait_for(terminal.on_screen(title + r" \((\d+)\)"))
        total = int(found.group(1))
        rss_open = peak_rss_mb(terminal.process.pid)
        typed_at = time.perf_counter() - terminal.started
        terminal.send(b"/" + FILTER)
        filtered_title = terminal.on_screen(title + rf" \(\d+ of {total}\)")
        typed = terminal.on_screen("/ " + FILTER.decode())
        filtered, _ = terminal.wait_for(lambda: filtered_title() and typed())
        filtered -= typed_at
        terminal.settle()
        rss_filter = peak_rss_mb(terminal.process.pid)
    except BaseException:
        terminal.process.kill()
        terminal.process.wait()
        raise
    status = terminal.close()
    if status != 0:
        raise RuntimeError(f"{command} exited with {status}: {bytes(terminal.output[-500:])!r}")
    return {
        "first_frame": first_frame,
        "opened": opened,
        "operations": total,
        "filter": filtered,
        "rss_open": rss_open,
        "rss_filter": rss_filter,
    }


def report(case: str, runs: list[dict]) -> None:
    def column(key: str, scale: float, digits: int) -> str:
        values = [r[key] * scale for r in runs]
        listed = ", ".join(f"{v:.{digits}f}" for v in values)
        return f"{statistics.median(values):.{digits}f} ({listed})"

    print(f"{case}: {runs[0]['operations']} operations, medians of {len(runs)} (every run)")
    print(f"  first frame      ms  {column('first_frame', 1000, 0)}")
    print(f"  operations shown ms  {column('opened', 1000, 0)}")
    print(f"  filter shown     ms  {column('filter', 1000, 0)}")
    print(f"  peak RSS open    MB  {column('rss_open', 1, 0)}")
    print(f"  peak RSS filter  MB  {column('rss_filter', 1, 0)}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--mcpow", default=os.path.join(ROOT, "target/release/mcpow"))
    parser.add_argument(
        "--spec",
        default=os.path.join(ROOT, "../shared/corpus/openapi/github/api.github.com.json"),
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="mcpow-start-")
    try:
        config = os.path.join(scratch, "config")  # empty: the machine's config must not count
        os.mkdir(config)

        def workbench(data: str, *extra: str) -> list[str]:
            return [args.mcpow, "--data-dir", data, "--config-dir", config, *extra]

        empty_runs = []
        for rep in range(args.reps):
            data = os.path.join(scratch, f"empty-{rep}")
            empty_runs.append(run_once(workbench(data), "petstore-3.0.yaml"))
        report("empty data directory (sample project created, petstore-3.0.yaml opened)", empty_runs)

        data = os.path.join(scratch, "github")
        added = subprocess.run(
            [args.mcpow, "specs", "add", args.spec, "--project", "github", "--data-dir", data],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"prepared: {added.stdout.strip()}")
        name = os.path.basename(args.spec)
        github_runs = [
            run_once(workbench(data, "--project", "github"), name) for _ in range(args.reps)
        ]
        report(f"store holding {name} (opened with --project github)", github_runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
