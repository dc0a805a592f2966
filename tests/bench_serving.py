"""Throughput under gunicorn: the guide beside a Flask hello-world, same settings, same run.

Run: `make bench` (or `.venv/bin/python -m tests.bench_serving`); needs Debian's `wrk`. Serves
tests/hello.py and then the guide with the project's gunicorn.conf.py, loads each with wrk
(64 connections, 20 s per address by default: BENCH_SECONDS, BENCH_CONNECTIONS; in ten turns of
2 s, so that whatever else loads the machine weighs on every address alike), and prints requests
per second, errors, each ratio to the hello-world's GET /, and the growth of the guide's workers'
memory over the whole load. GET /result is loaded twice: with one patient's cookie (a patient
viewing their result again: replayed, guide/replay.py), and with a new patient on every request
(8,000 signed cookies in turn: nothing of theirs replayed, verified or signed before). Measures;
asserts nothing. Compare ratios, never absolute numbers: wrk and the servers share this machine's cores.
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
import urllib.request
from pathlib import Path

from guide import codes
from guide.engine import Answers
from tests.conftest import GUIDE
from tests.serving import GunicornServer

SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
COMBO = Answers("appearance", "trauma", "male", "nose")
ASSESS = json.dumps(dict(COMBO._asdict()))
SECRET = {"FLASK_SECRET_KEY": "bench-" + "x" * 32}
JSON = {"Content-Type": "application/json"}
#: How many different patients the "new patients" load cycles through: more than any per-process cache keeps.
PATIENTS = 8000
WARM_NEW_PATIENTS = int(os.environ.get("BENCH_WARM", "30"))
ROUNDS = min(10, SECONDS)  # turns of at least a second
GOALS = {"guide GET /": 0.7, "guide POST /api/v1/assess": 0.85, "guide GET /result": 0.7}


def rss_kib(pids: list[int]) -> int:
    """The resident memory of these processes together, in KiB."""
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


#: Each request of wrk's two threads takes the next cookie of the list, the threads alternating, none repeated
#: until the list is done.
COOKIE_TURNS = """
local threads = 0
function setup(thread) thread:set("turn", threads); threads = threads + 1 end
function request()
  turn = turn + 2
  return wrk.format(nil, nil, {["Cookie"] = cookies[turn % #cookies + 1]})
end
"""


def wrk(url: str, workdir: Path, seconds: int, method: str = "GET", body: str = "", headers=None, cookies=None) -> dict:
    """Load one address with wrk; the requests it completed, in how long, and the errors (socket, non-2xx/3xx).

    `cookies`: a list of Cookie headers, a different one for each request (in turn), instead of fixed headers.
    """
    lua = workdir / "request.lua"
    lines = [f'wrk.method = "{method}"']
    if body:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    if cookies:
        lines.append("cookies = {" + ",".join(json.dumps(cookie) for cookie in cookies) + "}")
        lines.append(COOKIE_TURNS)
    lua.write_text("\n".join(lines) + "\n")
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(lua), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    assert done, output
    elapsed = float(done.group(2)) * (0.001 if done.group(3) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    return {"requests": int(done.group(1)), "seconds": elapsed, "errors": errors}


def session_cookie(url: str) -> str:
    """A patient's session cookie with all four answers, as the answer code's page sets it."""
    code = codes.encode(GUIDE.engine.questions, COMBO)
    with urllib.request.urlopen(f"{url}/r/{code}") as response:
        cookie = response.headers["Set-Cookie"]
    return cookie.split(";", 1)[0]


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
    try:
        with (
            GunicornServer(workdir, "tests.hello:app", SECRET) as hello,
            GunicornServer(workdir, "app:app", SECRET) as guide,
        ):
            cookie = session_cookie(guide.url)
            targets = {
                "hello-world GET /": (hello.url + "/", {}),
                "hello-world POST / (JSON)": (hello.url + "/", {"method": "POST", "body": ASSESS, "headers": JSON}),
                "guide GET /": (guide.url + "/", {}),
                "guide POST /api/v1/assess": (
                    guide.url + "/api/v1/assess",
                    {"method": "POST", "body": ASSESS, "headers": JSON},
                ),
                "guide GET /result": (guide.url + "/result", {"headers": {"Cookie": cookie}}),
                # Never the same patient twice in a row: no response of theirs kept, no cookie verified before.
                "guide GET /result, new patients": (guide.url + "/result", {"cookies": new_patients(PATIENTS)}),
            }
            # Warm every worker, thread and cache; new patients until the bounded caches of per-patient
            # things (verified cookies, signed tokens) and the allocator are at their steady size (~30 s
            # measured): growth after that is what a leak would show.
            for name, (url, options) in targets.items():
                wrk(url, workdir, WARM_NEW_PATIENTS if "new patients" in name else 2, **options)
            before = rss_kib(guide.worker_pids())
            started = time.monotonic()
            totals = {name: {"requests": 0, "seconds": 0.0, "errors": 0} for name in targets}
            # In turns, a slice each, so that the load of the machine weighs on every target alike.
            for _ in range(ROUNDS):
                for name, (url, options) in targets.items():
                    for key, value in wrk(url, workdir, SECONDS // ROUNDS, **options).items():
                        totals[name][key] += value
            after = rss_kib(guide.worker_pids())
            elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(totals, before, after, elapsed)


def report(totals: dict[str, dict], before: int, after: int, elapsed: float) -> None:
    """Print requests per second, the ratio to the hello-world, errors, and the workers' memory."""
    rates = {name: total["requests"] / total["seconds"] for name, total in totals.items()}
    base = rates["hello-world GET /"]
    print(
        f"[serving] wrk {CONNECTIONS} connections, {SECONDS} s per address (in {ROUNDS} turns), "
        "both apps under gunicorn.conf.py"
    )
    print(f"[serving] {'address':32} {'req/s':>8} {'ratio':>7} {'goal':>6} {'errors':>7}")
    for name, total in totals.items():
        goal = GOALS.get(name)
        print(
            f"[serving] {name:32} {rates[name]:8.0f} {rates[name] / base:6.2f}x "
            f"{f'{goal:.2f}x' if goal else '':>6} {total['errors']:7}"
        )
    post = rates["guide POST /api/v1/assess"] / rates["hello-world POST / (JSON)"]
    print(f"[serving] guide POST /api/v1/assess beside the hello-world's JSON POST: {post:.2f}x")
    growth = 100 * (after - before) / before
    print(
        f"[serving] guide workers' memory: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after "
        f"{elapsed:.0f} s of load ({growth:+.1f} %, goal < 5 %)"
    )


if __name__ == "__main__":
    main()
