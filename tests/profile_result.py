"""Profile a new patient's GET /result: what it costs beside a hello-world, and where its time goes (cProfile).

Run: `.venv/bin/python -m tests.profile_result` (PROFILE_REQUESTS, default 2000). Every request carries a
session signed for it alone (a patient never seen before), as `make bench`'s new-patients line sends them,
and goes straight to the WSGI app (no server, no test client). Prints the CPU time of one request (the
best of several rounds, so that other work on the machine weighs least) beside tests/hello.py's in the
same process, then the functions with the most cumulative time under cProfile. Measures; asserts nothing.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import secrets
import time
from collections.abc import Callable, Iterable

from werkzeug.test import EnvironBuilder

from guide import create_app
from guide.engine import Answers
from tests.hello import app as hello

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "8"))
COMBO = Answers("appearance", "trauma", "male", "nose")


def cpu_per_request(app: Callable, environs: Iterable[dict]) -> float:
    """The CPU time (this thread's) one request takes, in microseconds, over these requests."""
    environs = list(environs)
    started = time.thread_time()
    for environ in environs:
        b"".join(app(environ, lambda status, headers, exc_info=None: None))
    return (time.thread_time() - started) / len(environs) * 1e6


def main() -> None:
    """Time new patients' results beside a hello-world, in rounds; then profile them; print both."""
    app = create_app({"SECRET_KEY": "profile-" + "x" * 32})
    signer = app.session_interface.get_signing_serializer(app)
    assert signer is not None
    name = app.config["SESSION_COOKIE_NAME"]
    answers = {"urgent": "no", **COMBO._asdict()}

    def patients(count: int) -> list[dict]:
        cookies = (
            signer.dumps({"_permanent": True, "answers": answers, "csrf_token": secrets.token_hex(20)})
            for _ in range(count)
        )
        return [
            EnvironBuilder(path="/result", headers={"Cookie": f"{name}={cookie}"}).get_environ() for cookie in cookies
        ]

    per_round = max(1, REQUESTS // ROUNDS)
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


if __name__ == "__main__":
    main()
