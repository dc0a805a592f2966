"""Throughput under gunicorn: new patients' results beside a Flask hello-world, same settings, same run.

Run: `make bench` (or `.venv/bin/python -m tests.bench_serving`); needs Debian's `wrk`. Serves
tests/hello.py and the guide with the project's gunicorn.conf.py, loads each with wrk (64
connections, 20 s per address by default: BENCH_SECONDS, BENCH_CONNECTIONS; in ten turns of 2 s, so
that whatever else loads the machine weighs on every address alike), and prints requests per
second, the ratio to the hello-world's GET /, the 99th percentile of latency (of all the run's requests,
from wrk's latency histograms added up; beside it, the worst turn's own p99, the stricter and noisier figure),
errors, and the growth of the guide's workers' memory over the whole load. Every GET /result
carries a session never seen before (PATIENTS signed cookies, each sent once): what a new patient
costs, not a request repeated. Measures; asserts nothing. Compare ratios, never absolute numbers:
wrk and the servers share this machine's cores.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from guide.engine import Answers
from tests.serving import GunicornServer

SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
COMBO = Answers("appearance", "trauma", "male", "nose")
SECRET = {"FLASK_SECRET_KEY": "bench-" + "x" * 32}
WARM = int(os.environ.get("BENCH_WARM", "4"))
#: How many different patients the "new patients" load goes through: more than the whole run sends (3,000 a second).
PATIENTS = int(os.environ.get("BENCH_PATIENTS", str(max(30000, 3000 * (SECONDS + WARM)))))
ROUNDS = min(10, SECONDS)  # turns of at least a second
NEW_PATIENTS = "guide GET /result, new patients"
#: Issue 21: a new patient's result at a quarter of a hello-world's rate or better, p99 within 100 ms, no error.
GOALS = {NEW_PATIENTS: (0.25, 100.0)}


def rss_kib(pids: list[int]) -> int:
    """The resident memory of these processes together, in KiB."""
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) these processes have used so far together, in seconds."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a worker gone since it was listed
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime: the stat file's 14th and 15th fields
    return ticks / os.sysconf("SC_CLK_TCK")


#: Each request of wrk's two threads takes the next cookie of the list, the threads alternating, none repeated
#: until the list is done; `first` (set per run) starts where the previous run of the same list stopped.
COOKIE_TURNS = """
local threads = 0
function setup(thread) thread:set("turn", first + threads); threads = threads + 1 end
function request()
  turn = turn + 2
  return wrk.format(nil, nil, {["Cookie"] = cookies[turn % #cookies + 1]})
end
"""


#: At the end of a run, wrk writes every latency it saw (in microseconds) with how many requests took it: the
#: turns' histograms add up to the run's.
LATENCIES = """
function done(summary, latency, requests)
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("latency %d %d\\n", value, count))
  end
end
"""


def wrk(url: str, workdir: Path, seconds: int, headers=None, cookies=None, first: int = 0) -> dict:
    """Load one address with wrk; the requests it completed, in how long, the errors (socket, non-2xx/3xx), and its
    latency histogram (microseconds: requests) with the p99 it gives (ms).

    `cookies`: a list of Cookie headers, a different one for each request (in turn from `first`).
    """
    lua = workdir / "request.lua"
    lines = [f"first = {first}"]
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if cookies:
        lines.append("cookies = {" + ",".join(json.dumps(cookie) for cookie in cookies) + "}")
        lines.append(COOKIE_TURNS)
    lines.append(LATENCIES)
    lua.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(lua), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    assert done, output
    elapsed = float(done.group(2)) * (0.001 if done.group(3) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    latencies = Counter({int(value): int(count) for value, count in re.findall(r"^latency (\d+) (\d+)$", output, re.M)})
    assert latencies, output
    return {
        "requests": int(done.group(1)),
        "seconds": elapsed,
        "errors": errors,
        "p99": percentile(latencies, 0.99),
        "latencies": latencies,
    }


def percentile(latencies: Counter, share: float) -> float:
    """The latency (ms) that `share` of the requests of a histogram (microseconds: requests) took at most."""
    wanted = share * sum(latencies.values())
    seen = 0
    for value in sorted(latencies):
        seen += latencies[value]
        if seen >= wanted:
            return value / 1000
    return 0.0


def new_patients(count: int) -> list[str]:
    """Session cookies of `count` different patients who gave the same answers, signed as the server signs them."""
    from guide import create_app

    app = create_app({"SECRET_KEY": SECRET["FLASK_SECRET_KEY"]})
    signer = app.session_interface.get_signing_serializer(app)
    assert signer is not None
    answers = {"urgent": "no", **COMBO._asdict()}
    name = app.config["SESSION_COOKIE_NAME"]
    return [
        f"{name}={signer.dumps({'_permanent': True, 'answers': answers, 'csrf_token': secrets.token_hex(20)})}"
        for _ in range(count)
    ]


def main() -> None:
    """Serve both apps, load them in turns, print the table."""
    if not shutil.which("wrk"):
        print("[serving] wrk not installed (apt-get install wrk): skipping")
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    patients = new_patients(PATIENTS)
    sent = 0
    try:
        with (
            GunicornServer(workdir, "tests.hello:app", SECRET) as hello,
            GunicornServer(workdir, "app:app", SECRET) as guide,
        ):
            targets = {"hello-world GET /": hello.url + "/", NEW_PATIENTS: guide.url + "/result"}

            def load(name: str, seconds: int) -> dict:
                nonlocal sent
                if name != NEW_PATIENTS:
                    return wrk(targets[name], workdir, seconds)
                result = wrk(targets[name], workdir, seconds, cookies=patients, first=sent)
                sent += result["requests"]
                return result

            # Warm every worker and thread (new patients: each patient is still sent once in all).
            for name in targets:
                load(name, WARM)
            before = rss_kib(guide.worker_pids())
            started = time.monotonic()
            totals = {
                name: {"requests": 0, "seconds": 0.0, "errors": 0, "p99": 0.0, "latencies": Counter()}
                for name in targets
            }
            # In turns, a slice each, so that the load of the machine weighs on every target alike.
            for _ in range(ROUNDS):
                for name in targets:
                    result = load(name, SECONDS // ROUNDS)
                    for key in ("requests", "seconds", "errors"):
                        totals[name][key] += result[key]
                    totals[name]["p99"] = max(totals[name]["p99"], result["p99"])
                    totals[name]["latencies"] += result["latencies"]
            after = rss_kib(guide.worker_pids())
            elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(totals, before, after, elapsed, sent)


def report(totals: dict[str, dict], before: int, after: int, elapsed: float, sent: int) -> None:
    """Print requests per second, the ratio to the hello-world, p99, errors, and the workers' memory."""
    rates = {name: total["requests"] / total["seconds"] for name, total in totals.items()}
    base = rates["hello-world GET /"]
    print(
        f"[serving] wrk {CONNECTIONS} connections, {SECONDS} s per address (in {ROUNDS} turns), "
        "both apps under gunicorn.conf.py"
    )
    print(f"[serving] {'address':32} {'req/s':>8} {'ratio':>7} {'p99 ms':>8} {'worst':>7} {'errors':>7}  goal")
    for name, total in totals.items():
        goal = GOALS.get(name)
        wanted = f">= {goal[0]:.2f}x, p99 <= {goal[1]:.0f} ms, 0 errors" if goal else ""
        print(
            f"[serving] {name:32} {rates[name]:8.0f} {rates[name] / base:6.2f}x "
            f"{percentile(total['latencies'], 0.99):8.1f} {total['p99']:7.1f} {total['errors']:7}  {wanted}"
        )
    print("[serving] p99: of all the run's requests; worst: the highest p99 of a single turn")
    repeated = max(0, sent - PATIENTS)
    print(f"[serving] new patients: {sent} requests, {min(sent, PATIENTS)} distinct sessions, {repeated} sent again")
    growth = 100 * (after - before) / before
    print(
        f"[serving] guide workers' memory: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after "
        f"{elapsed:.0f} s of load ({growth:+.1f} %, goal < 5 %)"
    )


if __name__ == "__main__":
    main()
