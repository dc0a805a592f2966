"""Counting's cost in CPU instructions: a new patient's GET /result with counting on, beside it off.

Run: `.venv/bin/python -m tests.count_instructions` (needs Debian's `valgrind`; a few minutes). Timings on a
shared 2-core machine move with whatever else runs; the number of instructions a request executes does not.
Each configuration runs in a process under Valgrind's callgrind, twice (LOW and HIGH new patients, each with a
session signed for it alone, as tests/bench_serving.py signs them), so that what the process does once (start,
build the app, sign the cookies) cancels out: (HIGH run - LOW run) / (HIGH - LOW) is one request. Prints the
instructions per request of each line and the ratio off/on (the CPU share counting leaves to the rest).
Measures; asserts nothing. A child process is this module with `--serve on|off COUNT`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

LOW, HIGH = 50, 250


def serve(flag: str, count: int) -> None:
    """Answer `count` new patients' GET /result straight through the WSGI app (and ten more, in every run alike)."""
    from tests.bench_serving import new_patients
    from tests.profile_result import counting_app, results

    app, folder = counting_app(counting=flag == "on")  # migrated in a process of its own: not under valgrind
    for environ in results(new_patients(count + 10)):
        b"".join(app(environ, lambda status, headers, exc_info=None: None))
    shutil.rmtree(folder, ignore_errors=True)


def instructions(flag: str, count: int) -> int:
    """The instructions a whole child process executes, as callgrind counts them."""
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--cache-sim=no"]
        + [sys.executable, "-m", "tests.count_instructions", "--serve", flag, str(count)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GUIDE_COUNT_INTERVAL": "100000"},  # the writer thread never wakes during the run
    )
    found = re.search(r"refs:\s+([\d,]+)", run.stderr)
    assert found, run.stderr[-2000:]
    return int(found.group(1).replace(",", ""))


def main() -> None:
    """Run the four processes (two at a time), print instructions per request and the ratio."""
    if not shutil.which("valgrind"):
        print("[instructions] valgrind not installed (apt-get install valgrind): skipping")
        return
    runs = [(flag, count) for flag in ("on", "off") for count in (LOW, HIGH)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        counted = dict(zip(runs, pool.map(lambda run: instructions(*run), runs), strict=True))
    per_request = {flag: (counted[flag, HIGH] - counted[flag, LOW]) / (HIGH - LOW) for flag in ("on", "off")}
    for flag, n in per_request.items():
        print(f"[instructions] GET /result, new patient, counting {flag:<3} {n / 1e6:6.2f} M instructions per request")
    print(f"[instructions] off/on {per_request['off'] / per_request['on']:.3f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
