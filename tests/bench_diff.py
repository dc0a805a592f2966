"""Print how long `flask guide diff` takes on the real table: in process, and as the whole command.

Run: `make bench` (or `.venv/bin/python -m tests.bench_diff`). Measures; asserts nothing. Goal: under 1 s.
With hyperfine installed, it also times the whole command (Markdown, and the HTML page) on the variant.
Two comparisons: the working table against git's HEAD, and against a variant of it with the procedures
in reverse order and every reason reworded (many orders change, so the grouping has work to do).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from guide import diff, report
from guide.rules import rules_path

RUNS = 5


def variant(directory: Path) -> Path:
    """The working table with its procedures reversed and every reason reworded."""
    data = yaml.safe_load(rules_path().read_text(encoding="utf-8"))
    data["procedures"].reverse()
    for rule in data["rules"]:
        rule["reason"] += " (reworded)"
    path = directory / "variant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print one line per measurement."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    with tempfile.TemporaryDirectory() as folder:
        other = str(variant(Path(folder)))
        found = diff.compare(diff.read_table(other)[0], diff.read_table(None)[0])
        families = sum(len(group.families) for group in found.groups)
        print(
            f"[diff] variant → working: {found.changed} of {found.combinations} combinations told something "
            f"different, {len(found.groups)} changes, {families} families, {len(found.texts)} reworded texts"
        )
        for name, old in (("HEAD → working", "HEAD"), ("variant → working", other)):
            seconds = median_seconds(lambda old=old: report.run(old, None))
            print(f"[diff] in process, {name}: {seconds:.3f} s (median of {RUNS})")
        for form in ("summary", "html"):
            seconds = median_seconds(lambda form=form: report.run(other, None, form=form))
            print(f"[diff] in process, variant → working, --{form}: {seconds:.3f} s (median of {RUNS})")
        quiet = {"capture_output": True, "check": False}
        for name, command in (
            ("flask --version", [*flask, "--version"]),
            ("flask guide diff HEAD", [*flask, "guide", "diff", "HEAD"]),
            ("flask guide diff VARIANT", [*flask, "guide", "diff", other]),
        ):
            seconds = median_seconds(lambda command=command: subprocess.run(command, **quiet), runs=3)
            print(f"[diff] whole command, {name}: {seconds:.3f} s (median of 3)")
        if shutil.which("hyperfine"):
            page = str(Path(folder) / "report.html")
            commands = [" ".join([*flask, "guide", "diff", other, *options]) for options in ((), ("--html", page))]
            subprocess.run(["hyperfine", "--warmup", "1", "--runs", "5", "-N", "-i", *commands], check=False)


if __name__ == "__main__":
    main()
