"""The guide's gunicorn settings: `.venv/bin/gunicorn` run in the project folder reads this file.

- Threaded workers (gthread): a thread waits on each connection, so clients that send their request
  slowly tie up one thread each, not a whole worker. Each worker has `threads` threads.
- The rule table is checked once, by the master, before it opens the port, together with the rest
  of the app's start-up (the secret key, GUIDE_EMBED_ORIGINS): a broken table stops the server with
  its `rules.yaml:LINE:` messages and exit status 1, a refused setting with its one-line reason.
  The master keeps the checked text and every worker serves exactly that (from a private copy), so
  a table edited or broken after the check never reaches a worker.
- A reload (SIGHUP, `kill -HUP <master pid>`) checks the table again: a sound one is served by the
  new workers; a broken one is refused, the problems are logged, and the workers keep serving the
  table checked last.

Command-line options and GUNICORN_CMD_ARGS override anything here (`--bind`, `--workers`,
`--access-logfile -`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

wsgi_app = "app:app"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUIDE_THREADS", "32"))
# A request is answered in milliseconds: a worker silent for 30 s is stuck and is replaced.
timeout = 30
graceful_timeout = 20
keepalive = 5
# gunicorn's own limits, the outer guard (it answers 414/431 itself beyond them); the app's own,
# lower limits answer first, with a page in the visitor's language (guide/security.py).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# No control socket (gunicornc): one fixed path per user would clash between servers.
control_socket_disable = True

#: The table the master checks: GUIDE_RULES, else the clinic's rules.yaml beside this file.
_SOURCE = "GUIDE_RULES_SOURCE"  # remembered for a re-executed master (SIGUSR2), as GUIDE_RULES then names the copy
_COPY_NAME = "rules.yaml"


def _source() -> Path:
    return Path(os.environ.get(_SOURCE) or os.environ.get("GUIDE_RULES") or Path(__file__).with_name("rules.yaml"))


def _display(path: Path) -> str:
    path = path.absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _check(server, path: Path) -> bool:
    """Copy the table, check the copy (and the settings) in a child process; serve it if sound, else log why."""
    name = _display(path)
    try:
        text = path.read_bytes()
    except OSError as error:
        server.log.error("%s:1: cannot be read: %s", name, error.strerror or error)
        return False
    if not getattr(server, "guide_dir", None):
        server.guide_dir = tempfile.mkdtemp(prefix="guide-table-")
    candidate = Path(server.guide_dir) / "next" / _COPY_NAME
    _write(candidate, text)
    result = subprocess.run(
        [sys.executable, "-m", "guide.serving", name, str(candidate)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    for line in result.stderr.decode("utf-8", "replace").splitlines():
        server.log.error("%s", line)
    if result.returncode != 0:
        return False
    server.log.info("%s", result.stdout.decode("utf-8", "replace").strip())
    server.guide_table = text
    _write(_copy(server), text)
    os.environ["GUIDE_RULES"] = str(_copy(server))
    return True


def _copy(server) -> Path:
    return Path(server.guide_dir) / _COPY_NAME


def _write(path: Path, text: bytes) -> None:
    """Write a file whole, or not at all (readers never see half of it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(text)
    os.replace(partial, path)


def on_starting(server):
    """Check the table before the port is opened; a broken one stops the server with exit status 1."""
    source = _source()
    os.environ[_SOURCE] = str(source.absolute())
    server.guide_source = source.absolute()
    if not _check(server, server.guide_source):
        server.log.error("The guide did not start: see the problems above.")
        on_exit(server)
        raise SystemExit(1)


def on_reload(server):
    """On SIGHUP: serve the table if it is sound; if broken, log why and keep serving the one checked last."""
    if not _check(server, server.guide_source):
        server.log.error(
            "Reload refused (%s, see above): the workers keep serving the table checked last. "
            "Fix it, then send SIGHUP again.",
            _display(server.guide_source),
        )


def pre_fork(server, worker):
    """Make sure the private copy is still there (a cleaner of temporary files may have removed it)."""
    if not _copy(server).exists():
        _write(_copy(server), server.guide_table)


def post_worker_init(worker):
    """Present every result in every language before the worker's first request (guide.present.warm)."""
    if "guide" not in getattr(worker.wsgi, "extensions", {}):
        return  # another app under these settings (the benchmark's hello-world)
    from guide import present  # in the worker, which has just loaded the guide

    worker.log.debug("presented %s results", present.warm(worker.wsgi))


def worker_exit(server, worker):
    """Write the worker's last counts before it goes (a clean stop or a reload loses none)."""
    from guide.insights.counting import flush_all

    flush_all()


def on_exit(server):
    """Remove the private copy."""
    if getattr(server, "guide_dir", None):
        shutil.rmtree(server.guide_dir, ignore_errors=True)
