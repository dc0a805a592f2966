"""Counting's cost: the new-patients result line under gunicorn with counting on, beside the same line with it off.

Run: `make bench` (or `.venv/bin/python -m tests.bench_insights`; BENCH_INSIGHTS_SECONDS, default 60); needs
Debian's `wrk`. Serves the guide twice with the project's gunicorn.conf.py, counting on (into a temporary
SQLite database, written every 5 s) and off (GUIDE_COUNTING=off), and loads GET /result with a new patient
on every request (PATIENTS signed cookies in turn, each sent once to each server, as tests/bench_serving.py
does: each request counts a result and re-signs the patient's cookie), in alternating turns so that the
machine's load weighs on both alike. Prints requests per second and the ratio on/off (the goal: within
10 %, a ratio of at least 0.90), and the CPU time the workers spent per request (from /proc) with its ratio.
Measures; asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from tests.bench_serving import PATIENTS, SECRET, cpu_seconds, new_patients, wrk
from tests.conftest import migrate
from tests.serving import GunicornServer

#: Seconds of load for each server: a minute by default, as a 20-s line moves by about 5 % on a shared machine
#: (the same configuration on both servers gave 0.98 and 1.04), which is half the margin being measured.
SECONDS = int(os.environ.get("BENCH_INSIGHTS_SECONDS", "60"))
ROUNDS = max(1, min(20, SECONDS // 3))  # turns of 3 s or more: the machine's load weighs on both alike
#: New patients enough for the whole run (3,500 a second at most, and the warm-up).
PATIENTS = max(PATIENTS, 3500 * (SECONDS + 3))
GOAL = 0.90


def main() -> None:
    """Serve the guide with counting on and off, load both in turns, print the line of each and the ratio."""
    if not shutil.which("wrk"):
        print("[insights] wrk not installed (apt-get install wrk): skipping")
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-insights-"))
    database = workdir / "guide.db"
    migrate(f"sqlite:///{database}")
    env = {**SECRET, "DATABASE_URL": f"sqlite:///{database}"}
    servers = [GunicornServer(workdir, "app:app", {**env, "GUIDE_COUNTING": flag}) for flag in ("on", "off")]
    try:
        on, off = (server.start(wait=120) for server in servers)
        cookies = new_patients(PATIENTS)
        targets = {"counting on": on.url + "/result", "counting off": off.url + "/result"}
        # Each server goes through the list from its start, a patient per request, as bench_serving's new patients do.
        sent = dict.fromkeys(targets, 0)
        for name, url in targets.items():  # warm every worker and thread
            sent[name] += wrk(url, workdir, 3, cookies=cookies)["requests"]
        totals = {name: {"requests": 0, "seconds": 0.0, "errors": 0, "p99": 0.0, "cpu": 0.0} for name in targets}
        serving = dict(zip(targets, servers, strict=True))
        for turn in range(ROUNDS):
            order = list(targets.items())
            for name, url in order if turn % 2 == 0 else order[::-1]:  # each goes first in every other turn
                cpu = cpu_seconds(serving[name].worker_pids())
                result = wrk(url, workdir, SECONDS // ROUNDS, cookies=cookies, first=sent[name])
                totals[name]["cpu"] += cpu_seconds(serving[name].worker_pids()) - cpu
                sent[name] += result["requests"]
                for key in ("requests", "seconds", "errors"):
                    totals[name][key] += result[key]
                totals[name]["p99"] = max(totals[name]["p99"], result["p99"])
        for server in servers:
            server.stop()  # a clean stop: the workers write what they counted
        with sqlite3.connect(database) as connection:
            counted = connection.execute("SELECT COALESCE(SUM(count), 0) FROM counts WHERE event = 'result'").fetchone()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    rates = {name: t["requests"] / t["seconds"] for name, t in totals.items()}
    print(f"[insights] GET /result, new patients, {SECONDS} s each in {ROUNDS} alternating turns")
    for name, rate in rates.items():
        total = totals[name]
        print(f"[insights] {name:<13} {rate:8.0f} req/s   p99 {total['p99']:6.1f} ms   errors {total['errors']}")
    ratio = rates["counting on"] / rates["counting off"]
    verdict = "within 10 %" if ratio >= GOAL else "NOT within 10 %"
    print(f"[insights] on/off ratio {ratio:.3f} ({verdict}); results counted while on: {counted[0]}")
    # What the workers spent per request: other work on a shared machine moves it far less than the rates above.
    cpu = {name: t["cpu"] / t["requests"] * 1e6 for name, t in totals.items()}
    print(
        f"[insights] workers' CPU per request: on {cpu['counting on']:.0f} us, off {cpu['counting off']:.0f} us;"
        f" off/on {cpu['counting off'] / cpu['counting on']:.3f}"
    )
    repeated = {name: max(0, n - PATIENTS) for name, n in sent.items()}
    print(f"[insights] {PATIENTS} distinct sessions per server; sent again: {repeated}")


if __name__ == "__main__":
    main()
