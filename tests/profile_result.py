"""Profile a new patient's GET /result: where a request's time goes inside the app (cProfile).

Run: `.venv/bin/python -m tests.profile_result` (PROFILE_REQUESTS, default 2000). Every request carries a
session signed for it alone (a patient never seen before), as `make bench`'s new-patients line sends them.
Prints the functions with the most cumulative time. Measures; asserts nothing.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import secrets

from guide import create_app
from guide.engine import Answers

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "2000"))
COMBO = Answers("appearance", "trauma", "male", "nose")


def main() -> None:
    """Serve REQUESTS new patients their result through Flask's test client, under cProfile; print the top."""
    app = create_app({"SECRET_KEY": "profile-" + "x" * 32})
    signer = app.session_interface.get_signing_serializer(app)
    assert signer is not None
    name = app.config["SESSION_COOKIE_NAME"]
    answers = {"urgent": "no", **COMBO._asdict()}
    cookies = [
        signer.dumps({"_permanent": True, "answers": answers, "csrf_token": secrets.token_hex(20)})
        for _ in range(REQUESTS)
    ]
    client = app.test_client(use_cookies=False)
    client.get("/result", headers={"Cookie": f"{name}={cookies[0]}"})  # warm: the first request builds what is kept
    profile = cProfile.Profile()
    profile.enable()
    for cookie in cookies:
        response = client.get("/result", headers={"Cookie": f"{name}={cookie}"})
        assert response.status_code == 200, response.status_code
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"[profile] {REQUESTS} new patients' GET /result: {stats.total_tt / REQUESTS * 1000:.2f} ms each (profiled)")
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(25)


if __name__ == "__main__":
    main()
