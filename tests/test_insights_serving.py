"""Counting under gunicorn: a clean stop, and a reload, write every count a worker kept in memory."""

from __future__ import annotations

import http.cookiejar
import signal
import sqlite3
import urllib.request

import pytest

from guide import codes
from tests.conftest import GUIDE, migrate
from tests.serving import GunicornServer, wait_for

COMBOS = list(GUIDE.engine.decide_all())
#: The workers' writer would wait an hour: only the exit (or a reload) can have written the counts.
ENV = {"FLASK_SECRET_KEY": "insights-serving-" + "x" * 20, "GUIDE_COUNT_INTERVAL": "3600"}


def results(path) -> int:
    """The results counted in the SQLite file."""
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COALESCE(SUM(count), 0) FROM counts WHERE event = 'result'").fetchone()[0]


def patients(url: str, n: int) -> None:
    """N patients, each opening their answer code twice (their own cookie: one result each)."""
    for index in range(n):
        combo = COMBOS[(index * 53) % len(COMBOS)]
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(2):
            with opener.open(f"{url}/r/{codes.encode(GUIDE.engine.questions, combo)}", timeout=60) as response:
                assert response.status == 200


def serving(tmp_path, env) -> GunicornServer:
    """The guide under gunicorn, started (again on another port if the chosen one was taken meanwhile)."""
    for _ in range(3):
        server = GunicornServer(tmp_path, "app:app", env).start(wait=120)
        if server.process is not None and server.process.poll() is None:
            return server
        server.stop()
    return server


@pytest.mark.parametrize("how", ["stop", "reload"])
def test_a_clean_stop_or_a_reload_loses_no_count(tmp_path, how):
    database = tmp_path / "guide.db"
    migrate(f"sqlite:///{database}")
    server = serving(tmp_path, {**ENV, "DATABASE_URL": f"sqlite:///{database}"})
    try:
        assert wait_for(lambda: len(server.worker_pids()) == 2), server.output()
        patients(server.url, 10)
        assert results(database) == 0  # still in the workers' memory
        if how == "stop":
            server.signal(signal.SIGTERM)
            assert server.wait_exit(60) == 0, server.output()
        else:
            server.signal(signal.SIGHUP)  # new workers; the old ones write their counts as they go
            assert wait_for(lambda: results(database) == 10), server.output()
    finally:
        server.stop()
    assert results(database) == 10
