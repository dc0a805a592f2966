"""Counting what patients and the desk do, with no personal data by construction.

`count(event, **dimensions)` adds 1 to the counter of (today, event, dimensions) in memory; a
background thread writes the counters to the database every few seconds (GUIDE_COUNT_INTERVAL),
in one transaction, and at a clean exit. Nothing but the day, the event and a few codes from
rules.yaml is ever kept: no address, browser, cookie, answer code or time of day.

A database that is slow, locked or down never reaches a patient: the request only touches memory;
the writer logs the failure once, keeps the counts and tries again next time. A worker killed
outright (SIGKILL, a crash) loses what it counted since its last write: at most GUIDE_COUNT_INTERVAL
seconds of its counts. A clean stop or reload writes them first (atexit, gunicorn's worker_exit).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import re
import threading
import time
import weakref
from collections import Counter as Tally
from collections import deque
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from guide.insights.models import DIMENSIONS, Count, db

log = logging.getLogger("guide.insights")

#: The events, and the dimensions each may be broken down by.
EVENTS: dict[str, frozenset[str]] = {
    "start": frozenset({"lang"}),  # the start page, opened with no answers yet
    "step": frozenset({"step"}),  # a step of the questionnaire answered for the first time
    "result": frozenset({"lang", "category", "goal", "cause", "area", "via"}),  # once per patient
    "finish": frozenset({"bucket"}),  # minutes from the first answer to the result
    "code": frozenset(),  # a result opened by its answer code (/r/..., or typed at /code)
    "emergency": frozenset({"lang"}),  # the emergency advice shown
    "tap": frozenset({"page", "category"}),  # a tap on the clinic's phone link (a beacon)
    "desk_result": frozenset({"category", "lang"}),  # a desk call that reached a result
    "desk_emergency": frozenset(),  # a desk call where the emergency line was answered "yes"
}
#: A dimension's value: a short lower-case code (or "", not known). Answer codes (upper case) and free text cannot pass.
VALUE = re.compile(r"[a-z0-9_-]{1,24}")
#: The time-to-finish buckets, by their upper bound in seconds.
BUCKETS = (("0-1", 60), ("1-2", 120), ("2-5", 300), ("5-plus", None))

Key = tuple[dt.date, str, tuple[str, ...]]

#: The clock (tests set it).
clock = time.time


def bucket(seconds: float) -> str:
    """The time-to-finish bucket of a duration."""
    return next(name for name, bound in BUCKETS if bound is None or seconds < bound)


class Counters:
    """One app's counts not yet written, and the writer that moves them to the database."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.enabled = bool(app.config["GUIDE_COUNTING"])
        self.zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        # A request only appends to `arrived` (a deque's append is thread-safe and takes no lock of ours: a lock
        # here, held by a thread that lost the GIL, made the worker's other threads queue behind it).
        self.arrived: deque[tuple[Key, int]] = deque()
        self.pending: Tally[Key] = Tally()  # what the writer took from `arrived` and has not written yet
        self.writing = threading.Lock()
        self.failing = False
        self.day: tuple[int, dt.date] = (-1, dt.date.min)

    def today(self) -> dt.date:
        """The clinic's date now (worked out at most once a minute)."""
        minute = int(clock()) // 60
        if self.day[0] != minute:
            self.day = (minute, dt.datetime.fromtimestamp(minute * 60, self.zone).date())
        return self.day[1]

    def add(self, event: str, dimensions: dict[str, str], day: dt.date | None = None, n: int = 1) -> None:
        """Add `n` to a counter, in memory."""
        allowed = EVENTS.get(event)
        if allowed is None or not allowed.issuperset(dimensions):
            raise ValueError(f"unknown event or dimension: {event} {sorted(dimensions)}")
        for value in dimensions.values():
            if value and not VALUE.fullmatch(value):
                raise ValueError(f"{event}: a dimension's value must be a short code, not {value!r}")
        key = (day or self.today(), event, tuple(dimensions.get(name, "") for name in DIMENSIONS))
        self.arrived.append((key, n))

    def flush(self) -> int:
        """Write the pending counts in one transaction; return how many were written (0 on failure: kept)."""
        with self.writing:
            while self.arrived:
                key, n = self.arrived.popleft()
                self.pending[key] += n
            batch = self.pending
            if not batch:
                return 0
            try:
                with self.app.app_context():
                    write(batch)
                self.pending = Tally()
            except Exception as error:  # a database down, locked or slow: keep the counts, say so once
                if not self.failing:
                    self.failing = True
                    log.error("Counting: the database cannot be written (%s); counts are kept in memory.", error)
                return 0
            if self.failing:
                self.failing = False
                log.warning("Counting: the database is written again.")
            return sum(batch.values())


def write(batch: Tally[Key]) -> None:
    """Add a batch of counts to the database (an upsert per counter, in a fixed order: no deadlock)."""
    engine = db.engine
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    rows = [
        {"day": day, "event": event, **dict(zip(DIMENSIONS, values, strict=True)), "count": n}
        for (day, event, values), n in sorted(batch.items())
    ]
    statement = dialect.insert(Count)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "event", *DIMENSIONS],
        set_={"count": Count.count + statement.excluded["count"]},
    )
    with engine.begin() as connection:
        connection.execute(statement, rows)


def count(event: str, **dimensions: str) -> None:
    """Add 1 to the counter of `event` today, with these dimensions (codes only)."""
    counters: Counters = current_app.extensions["guide_counts"]
    if counters.enabled:
        counters.add(event, dimensions)
        _start_writer()


# ----------------------------------------------------------------------- the writer ----
# One thread per process writes every app's counts (a test run builds many apps; a server one).

_every: weakref.WeakSet[Counters] = weakref.WeakSet()
_writer_pid: int | None = None
_writer_lock = threading.Lock()


def interval() -> float:
    """Seconds between two writes (GUIDE_COUNT_INTERVAL, default 5)."""
    return float(os.environ.get("GUIDE_COUNT_INTERVAL") or 5)


def flush_all() -> int:
    """Write every app's pending counts now (at exit, and from the staff pages)."""
    return sum(counters.flush() for counters in list(_every))


def _write_forever() -> None:
    while True:
        time.sleep(interval())
        flush_all()


def _start_writer() -> None:
    """Start this process's writer, once (again in a forked child: threads do not survive a fork)."""
    global _writer_pid
    if _writer_pid == os.getpid():
        return
    with _writer_lock:
        if _writer_pid != os.getpid():
            threading.Thread(target=_write_forever, name="guide-counts", daemon=True).start()
            _writer_pid = os.getpid()


def register(app: Flask) -> Counters:
    """Give an app its counters."""
    counters = Counters(app)
    app.extensions["guide_counts"] = counters
    _every.add(counters)
    return counters


atexit.register(flush_all)
