"""Start-up of the command line: `--version`, `--help`, and `chain` to its first output.

Targets (issue 10): `lanthanide --version` and `--help` <= 0.3 s, `lanthanide chain` to first
output <= 1 s on the project machine (2 cores, shared). Each command runs in a fresh process, as a
user runs it; the baseline `python -c "import typer"` (the interpreter plus the CLI framework,
which every command pays) runs in the same rounds, interleaved, so a busy machine slows both.
Prints per command the range of wall times over the rounds, the median, and the range of the
per-round ratio to the baseline; whether the median meets the target.

Usage: .venv/bin/python benchmarks/bench_cli.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LANTHANIDE = Path(sys.executable).parent / "lanthanide"

#: name, argv, target seconds (None: the baseline)
COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("baseline: python -c 'import typer'", [sys.executable, "-c", "import typer"], None),
    ("lanthanide --version", [str(LANTHANIDE), "--version"], 0.3),
    ("lanthanide --help", [str(LANTHANIDE), "--help"], 0.3),
    ("lanthanide chain (first output)", [str(LANTHANIDE), "chain"], 1.0),
]


def first_output_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from start until the first byte on stdout (the whole run if it prints nothing)."""
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env) as proc:
        assert proc.stdout is not None
        proc.stdout.read(1)
        elapsed = time.perf_counter() - start
        proc.stdout.read()
        if proc.wait() != 0:
            raise SystemExit(f"{' '.join(argv)} failed with exit {proc.returncode}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "LANTHANIDE_HOME": home, "COLUMNS": "100"}
        for _, argv, _ in COMMANDS:  # warm the OS file cache and .pyc files once
            first_output_seconds(argv, env)
        times: dict[str, list[float]] = {name: [] for name, _, _ in COMMANDS}
        for _ in range(args.rounds):
            for name, argv, _ in COMMANDS:
                times[name].append(first_output_seconds(argv, env))
    base = times[COMMANDS[0][0]]
    print(f"{args.rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    for name, _, target in COMMANDS:
        t = times[name]
        ratios = [a / b for a, b in zip(t, base, strict=True)]
        line = f"{name:36s} {min(t):.3f}-{max(t):.3f} s (median {statistics.median(t):.3f})"
        if target is not None:
            verdict = "meets" if statistics.median(t) <= target else "MISSES"
            line += (
                f"  ratio to baseline {min(ratios):.1f}-{max(ratios):.1f}x"
                f" (median {statistics.median(ratios):.1f}x)  {verdict} target {target} s"
            )
        print(line)


if __name__ == "__main__":
    main()
