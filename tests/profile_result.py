"""Profile a new patient's GET /result: what it costs beside a hello-world, and where its time goes (cProfile).

Run: `.venv/bin/python -m tests.profile_result` (PROFILE_REQUESTS, default 2000). Every request carries a
session signed for it alone (a patient never seen before: tests.bench_serving.new_patients, the bench's own),
and goes straight to the WSGI app (no server, no test client). Prints the CPU time of one request (the
best of several rounds, so that other work on the machine weighs least) beside tests/hello.py's in the
same process, then the functions with the most cumulative time under cProfile. Measures; asserts nothing.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask
from werkzeug.test import EnvironBuilder

from guide import create_app
from tests.bench_serving import SECRET, new_patients
from tests.conftest import migrate
from tests.hello import app as hello

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "8"))


def cpu_per_request(app: Callable, environs: Iterable[dict]) -> float:
    """The CPU time (this thread's) one request takes, in microseconds, over these requests."""
    environs = list(environs)
    started = time.thread_time()
    for environ in environs:
        b"".join(app(environ, lambda status, headers, exc_info=None: None))
    return (time.thread_time() - started) / len(environs) * 1e6


def counting_app(counting: bool = True) -> tuple[Flask, Path]:
    """The guide as served (counting on, unless `counting` is False) into a migrated database of its own, and
    that database's folder (for the caller to remove)."""
    database = Path(tempfile.mkdtemp(prefix="profile-result-")) / "guide.db"
    migrate(f"sqlite:///{database}")  # `flask db upgrade` in a process of its own
    config = {"SECRET_KEY": SECRET["FLASK_SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
    return create_app({**config, "GUIDE_COUNTING": counting}), database.parent


def results(cookies: Iterable[str]) -> list[dict]:
    """The WSGI environs of GET /result, one for each of these session cookies."""
    return [EnvironBuilder(path="/result", headers={"Cookie": cookie}).get_environ() for cookie in cookies]


def main() -> None:
    """Time new patients' results beside a hello-world, in rounds; then profile them; print both."""
    app, folder = counting_app()
    per_round = max(1, REQUESTS // ROUNDS)
    # Each patient is sent once: the warm-up's, every round's, then the profiled ones (signed as the bench signs them).
    cookies = iter(new_patients(5 + ROUNDS * per_round + REQUESTS))

    def patients(count: int) -> list[dict]:
        return results(next(cookies) for _ in range(count))

    cpu_per_request(app, patients(5))  # the first request builds what is kept per language and combination
    hello_world, result = "hello-world GET /", "GET /result, new patient"
    best = {hello_world: float("inf"), result: float("inf")}
    for _ in range(ROUNDS):
        hellos = [EnvironBuilder(path="/").get_environ() for _ in range(per_round)]
        best[hello_world] = min(best[hello_world], cpu_per_request(hello, hellos))
        best[result] = min(best[result], cpu_per_request(app, patients(per_round)))
    base = best[hello_world]
    for label, micros in best.items():
        print(f"[profile] {label:26} {micros:8.0f} us CPU per request  {micros / base:5.1f}x the hello-world")

    environs = patients(REQUESTS)
    profile = cProfile.Profile()
    profile.enable()
    cpu_per_request(app, environs)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"[profile] {REQUESTS} new patients' GET /result under cProfile (its own overhead included):")
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("PROFILE_TOP", "40")))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
