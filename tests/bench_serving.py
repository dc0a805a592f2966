"""Throughput under gunicorn: the guide beside a Flask hello-world, same settings, same run.

Run: `make bench` (or `.venv/bin/python -m tests.bench_serving`); needs Debian's `wrk`. Serves
tests/hello.py and then the guide with the project's gunicorn.conf.py, loads each with wrk
(64 connections, 20 s by default: BENCH_SECONDS, BENCH_CONNECTIONS), and prints requests per
second, errors, each ratio to the hello-world's GET /, and the growth of the guide's workers'
memory over the whole load. Measures; asserts nothing. Compare ratios, never absolute numbers:
wrk and the servers share this machine's cores.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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


def rss_kib(pids: list[int]) -> int:
    """The resident memory of these processes together, in KiB."""
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


def wrk(url: str, workdir: Path, method: str = "GET", body: str = "", headers: dict[str, str] | None = None) -> dict:
    """Load one address with wrk; its requests per second and errors (socket errors and non-2xx/3xx)."""
    lua = workdir / "request.lua"
    lines = [f'wrk.method = "{method}"']
    if body:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    lua.write_text("\n".join(lines) + "\n")
    command = f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s --latency -s {lua} {url}"
    output = os.popen(command).read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    p99 = re.search(r"99%\s+(\S+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    return {"rate": rate, "errors": errors, "p99": p99.group(1) if p99 else "?"}


def session_cookie(url: str) -> str:
    """A patient's session cookie with all four answers, as the answer code's page sets it."""
    code = codes.encode(GUIDE.engine.questions, COMBO)
    with urllib.request.urlopen(f"{url}/r/{code}") as response:
        cookie = response.headers["Set-Cookie"]
    return cookie.split(";", 1)[0]


def warm(url: str, cookie: str, workdir: Path) -> None:
    """Load each address briefly, so that what follows measures a server in its steady state."""
    global SECONDS
    seconds, SECONDS = SECONDS, 2
    try:
        wrk(url + "/", workdir)
        wrk(url + "/api/v1/assess", workdir, "POST", ASSESS, {"Content-Type": "application/json"})
        wrk(url + "/result", workdir, headers={"Cookie": cookie})
    finally:
        SECONDS = seconds


def main() -> None:
    """Serve, load, print."""
    if not shutil.which("wrk"):
        print("[serving] wrk not installed (apt-get install wrk): skipping")
        return
    workdir = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    rows = []
    try:
        with GunicornServer(workdir, "tests.hello:app", SECRET) as hello:
            rows.append(("hello-world GET /", wrk(hello.url + "/", workdir)))
        with GunicornServer(workdir, "app:app", SECRET) as guide:
            cookie = session_cookie(guide.url)
            # Warm up every worker and thread (and each cache) before the memory is measured.
            warm(guide.url, cookie, workdir)
            before = rss_kib(guide.worker_pids())
            started = time.monotonic()
            rows.append(("guide GET /", wrk(guide.url + "/", workdir)))
            rows.append(
                (
                    "guide POST /api/v1/assess",
                    wrk(guide.url + "/api/v1/assess", workdir, "POST", ASSESS, {"Content-Type": "application/json"}),
                )
            )
            rows.append(("guide GET /result", wrk(guide.url + "/result", workdir, headers={"Cookie": cookie})))
            after = rss_kib(guide.worker_pids())
            elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    base = rows[0][1]["rate"]
    print(f"[serving] wrk {CONNECTIONS} connections, {SECONDS} s each, gunicorn.conf.py for both apps")
    print(f"[serving] {'what':28} {'req/s':>9} {'ratio':>7} {'errors':>7} {'p99':>9}")
    for name, result in rows:
        ratio = result["rate"] / base
        print(f"[serving] {name:28} {result['rate']:9.0f} {ratio:6.2f}x {result['errors']:7} {result['p99']:>9}")
    growth = 100 * (after - before) / before
    print(
        f"[serving] guide workers' memory: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after "
        f"{elapsed:.0f} s of load ({growth:+.1f} %)"
    )


if __name__ == "__main__":
    main()
