"""The guide's gunicorn settings: `.venv/bin/gunicorn` run in the project folder reads this file.

- Threaded workers (gthread): a thread waits on each connection, so clients that send their request
  slowly tie up one thread each, not a whole worker. Each worker has `threads` threads, and a read
  deadline of its own (`ReadDeadlineWorker`): a request whose headers or body stall for
  READ_DEADLINE seconds, or take more than REQUEST_DEADLINE in all, is cut off (its connection
  closed; a body the app was reading, a 408). Behind nginx (deploy/nginx.conf) none of this is
  met: nginx waits for slow clients and hands over whole requests.
- Everything a worker needs is checked by the master before it opens the port: the rule table, the
  settings and the secret key (the app's own start-up, in a child process: guide.serving). A broken
  table stops the server with its `rules.yaml:LINE:` messages and exit status 1, a refused setting
  or key with its one-line reason. The master keeps private copies of the checked table and key
  file, and every worker serves exactly those: a file edited, broken, re-permissioned or deleted
  after the check never reaches a worker.
- A reload (SIGHUP, `kill -HUP <master pid>`) checks all of it again before a single worker is
  replaced: if sound, new workers serve it; if anything is refused, the log names it and the old
  workers keep serving (no worker is replaced). A key file missing on reload is refused: a new key
  would send every live patient back to the start.
- No client is trusted for X-Forwarded-*: the app alone decides, from GUIDE_PROXIES (its configuration).

Command-line options and GUNICORN_CMD_ARGS override anything here (`--bind`, `--workers`,
`--access-logfile -`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import TConn, ThreadWorker

wsgi_app = "app:app"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUIDE_THREADS", "32"))
# A request is answered in milliseconds: a worker silent for 30 s is stuck and is replaced.
timeout = 30
graceful_timeout = 20
keepalive = 5
# gunicorn's own limits, the outer guard (it answers 414/431 itself beyond them); the app's own,
# lower limits answer first, with a page in the visitor's language (guide/limits.py).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# X-Forwarded-Proto and friends are read by the app only, from exactly GUIDE_PROXIES proxies (ProxyFix):
# gunicorn trusts no client for them, loopback included.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
# The access log (when asked for: --access-logfile): no response size (a result page's size can tell its
# answers) and no Referer; the request line's codes are masked (guide/logs.py).
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(M)sms "%(a)s"'
# No control socket (gunicornc): one fixed path per user would clash between servers.
control_socket_disable = True

#: Seconds a request's headers or body may stall (no byte arriving) before the connection is cut off.
READ_DEADLINE = 5.0
#: Seconds a whole request (headers and body) may take to arrive, however it trickles in.
REQUEST_DEADLINE = 10.0


class ReadDeadline(NoMoreData, TimeoutError):
    """A client stopped sending its request: gunicorn closes the connection quietly; the app answers 408."""


class _DeadlineConn(TConn):
    """A connection whose reads wait at most READ_DEADLINE seconds each, REQUEST_DEADLINE in all per request."""

    def init(self):
        super().init()  # gunicorn makes the socket blocking, without a timeout, before each request
        self.sock.settimeout(READ_DEADLINE)
        deadline = time.monotonic() + REQUEST_DEADLINE
        unreader = self.parser.unreader
        read = getattr(unreader, "guide_read", unreader.chunk)
        sock = self.sock

        def chunk(size_hint=None):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReadDeadline()
            sock.settimeout(min(READ_DEADLINE, left))
            try:
                return read(size_hint)
            except TimeoutError:
                raise ReadDeadline() from None
            finally:
                sock.settimeout(READ_DEADLINE)

        unreader.guide_read = read
        unreader.chunk = chunk


class ReadDeadlineWorker(ThreadWorker):
    """gunicorn's gthread worker, with a read deadline on every request (gthread has none once a request began)."""

    def handle(self, conn):
        """Handle a request as gthread does, its reads bounded by READ_DEADLINE."""
        if type(conn) is TConn:
            conn.__class__ = _DeadlineConn
        return super().handle(conn)


worker_class = ReadDeadlineWorker

#: The table the master checks: GUIDE_RULES, else the clinic's rules.yaml beside this file.
_SOURCE = "GUIDE_RULES_SOURCE"  # remembered for a re-executed master (SIGUSR2), as GUIDE_RULES then names the copy
#: The key file as configured (FLASK_SECRET_KEY_FILE, or empty: the instance folder's), remembered likewise.
_KEY_SOURCE = "GUIDE_KEY_FILE_SOURCE"
_KEY_FILE = "key-file: "  # how guide.serving names the key file it checked
_COPY_NAME = "rules.yaml"
_KEY_NAME = "secret_key"


def _source() -> Path:
    return Path(os.environ.get(_SOURCE) or os.environ.get("GUIDE_RULES") or Path(__file__).with_name("rules.yaml"))


def _display(path: Path) -> str:
    path = path.absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _check(server, path: Path, reload: bool = False) -> list[str]:
    """Check the table (a copy), the settings and the key in a child process; serve them if sound.

    Returns the problems (none: the new table and key are what the next workers serve).
    """
    name = _display(path)
    try:
        text = path.read_bytes()
    except OSError as error:
        return [f"{name}:1: cannot be read: {error.strerror or error}"]
    if not getattr(server, "guide_dir", None):
        server.guide_dir = tempfile.mkdtemp(prefix="guide-table-")
    candidate = Path(server.guide_dir) / "next" / _COPY_NAME
    _write(candidate, text)
    environment = dict(os.environ)
    environment.pop("FLASK_SECRET_KEY_FILE", None)  # the key as configured, not the master's copy
    if os.environ.get(_KEY_SOURCE):
        environment["FLASK_SECRET_KEY_FILE"] = os.environ[_KEY_SOURCE]
    result = subprocess.run(
        [sys.executable, "-m", "guide.serving", name, str(candidate), *(["--reload"] if reload else [])],
        capture_output=True,
        timeout=120,
        check=False,
        env=environment,
    )
    problems = result.stderr.decode("utf-8", "replace").splitlines()
    if result.returncode != 0:
        return problems or [f"the check exited with status {result.returncode}"]
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    key_files = [line.removeprefix(_KEY_FILE) for line in lines if line.startswith(_KEY_FILE)]
    if key_files:
        try:
            key = Path(key_files[0]).read_bytes()
        except OSError as error:
            return [f"{key_files[0]}: cannot be read: {error.strerror or error}"]
        _write(Path(server.guide_dir) / _KEY_NAME, key)
        os.environ["FLASK_SECRET_KEY_FILE"] = str(Path(server.guide_dir) / _KEY_NAME)
    for line in lines:
        if not line.startswith(_KEY_FILE):
            server.log.info("%s", line)
    server.guide_table = text
    _write(_copy(server), text)
    os.environ["GUIDE_RULES"] = str(_copy(server))
    return []


def _copy(server) -> Path:
    return Path(server.guide_dir) / _COPY_NAME


def _write(path: Path, text: bytes) -> None:
    """Write a file whole, or not at all (readers never see half of it), readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.touch(mode=0o600)
    partial.chmod(0o600)
    partial.write_bytes(text)
    os.replace(partial, path)


def on_starting(server):
    """Check the table, the settings and the key before the port is opened; a refusal stops the server (status 1)."""
    source = _source()
    os.environ[_SOURCE] = str(source.absolute())
    os.environ.setdefault(_KEY_SOURCE, os.environ.get("FLASK_SECRET_KEY_FILE", ""))
    server.guide_source = source.absolute()
    problems = _check(server, server.guide_source)
    if problems:
        for line in problems:
            server.log.error("%s", line)
        server.log.error("The guide did not start: see the problems above.")
        on_exit(server)
        raise SystemExit(1)


def on_reload(server):
    """On SIGHUP, before any worker is replaced: serve what is sound; if anything is refused, keep the old workers."""
    problems = _check(server, server.guide_source, reload=True)
    if not problems:
        return
    for line in problems:
        server.log.error("%s", line)
    server.log.error(
        "Reload refused: %s. The old workers keep serving what was checked last; fix it, then send SIGHUP again.",
        problems[0],
    )
    server.cfg.set("workers", 0)  # the reload spawns this many new workers: none (the old ones stay)


def pre_fork(server, worker):
    """Make sure the private copy is still there (a cleaner of temporary files may have removed it)."""
    if not _copy(server).exists():
        _write(_copy(server), server.guide_table)


def post_worker_init(worker):
    """Present every result in every language, and build the desk's data file, before the worker's first
    request (guide.present.warm, guide.desk.warm)."""
    if "guide" not in getattr(worker.wsgi, "extensions", {}):
        return  # another app under these settings (the benchmark's hello-world)
    from guide import desk, present  # in the worker, which has just loaded the guide

    worker.log.debug("presented %s results", present.warm(worker.wsgi))
    worker.log.debug("built the desk's data file (%s bytes)", desk.warm(worker.wsgi))


def worker_exit(server, worker):
    """Write the worker's last counts before it goes (a clean stop or a reload loses none)."""
    from guide.insights.counting import flush_all

    flush_all()


def on_exit(server):
    """Remove the private copies."""
    if getattr(server, "guide_dir", None):
        shutil.rmtree(server.guide_dir, ignore_errors=True)
