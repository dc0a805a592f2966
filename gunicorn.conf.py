"""The guide's gunicorn settings: `.venv/bin/gunicorn` run in the project folder reads this file.

- Threaded workers (gthread): a thread waits on each connection, so clients that send their request
  slowly tie up one thread each, not a whole worker. Each worker has `threads` threads, and a read
  deadline of its own (`ReadDeadlineWorker`): a request whose headers or body stall for
  READ_DEADLINE seconds, or take more than REQUEST_DEADLINE in all, is cut off (its connection
  closed; a body the app was reading, a 408). Behind nginx (deploy/nginx.conf) none of this is
  met: nginx waits for slow clients and hands over whole requests.
- Malformed chunked bodies are refused as soon as they cannot become valid (`_StrictChunks`): a
  chunk-size line ended by a bare LF, a size that is not hex, a chunk larger than the app's body
  limit, a chunk followed by a bare LF. The app answers 400 (its page, in the visitor's language)
  when it was reading the body; a body it did not read closes the connection after its answer. A
  chunked body that simply stops (no last chunk) is a stall like any other: a 408 at READ_DEADLINE.
- What gunicorn refuses itself (a request line or headers it cannot parse, its 414/431 limits, a
  transfer coding it does not know) keeps gunicorn's status, with the guide's security headers, a
  body that repeats nothing of the request, and no log line of what was sent (DEBUG, its kind only).
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

import gc
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from gunicorn import util
from gunicorn.http.body import Body, ChunkedReader
from gunicorn.http.errors import (
    ConfigurationProblem,
    ExpectationFailed,
    ForbiddenProxyRequest,
    InvalidChunkSize,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    LimitRequestHeaders,
    LimitRequestLine,
    NoMoreData,
    ParseException,
    UnsupportedTransferCoding,
)
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response, default_environ
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


class RefusedChunk(InvalidChunkSize):
    """A chunked body that can never become valid: refused at once (its reason says nothing of the body)."""

    def __str__(self):
        return f"Refused chunked body: {self.data}"


#: What an unterminated chunk-size line may hold and still become valid: hex digits, then an extension
#: (from a blank or `;`) without line breaks, then perhaps the CR of its CRLF.
_HOPEFUL_SIZE_LINE = re.compile(rb"(?:[0-9A-Fa-f]+(?:[ \t;][^\r\n]*)?\r?)?")
_SIZE = re.compile(rb"[0-9A-Fa-f]*")


class _StrictChunks(ChunkedReader):
    """gunicorn's chunked reader, refusing before each wait what no further byte can make valid.

    gunicorn waits for a chunk-size line's CRLF, and for the CRLF after a chunk: a line ended by a bare
    LF, a size that is not hex or too large, a chunk followed by a bare LF, would hold the connection
    until the read deadline. Here each is refused at once (the bare LF after a chunk when it came with
    the chunk's size line, as a client sends them; one sent apart, then nothing, waits for the deadline).
    """

    #: The largest chunk taken: the app's body limit (MAX_CONTENT_LENGTH), set by the worker; None: any.
    limit: int | None = None
    _size_line = False

    def parse_chunk_size(self, unreader, data=None):
        """Read a chunk-size line as gunicorn does; refuse a chunk larger than the body limit."""
        self._size_line = True
        try:
            size, rest = super().parse_chunk_size(unreader, data)
        finally:
            self._size_line = False
        if self.limit is not None and size > self.limit:
            raise RefusedChunk("a chunk larger than the body limit")
        if size and not b"\r\n".startswith(rest[size : size + 2]):  # what came with it already ends the chunk wrongly
            raise RefusedChunk("a chunk not ended by CRLF")
        return size, rest

    def parse_trailers(self, unreader, data):
        """Read the trailers as gunicorn does (it refuses their bare LFs itself)."""
        self._size_line = False
        return super().parse_trailers(unreader, data)

    def read_into(self, unreader, buf):
        """Before waiting for more of a chunk-size line, refuse it if nothing can make it valid."""
        if self._size_line:
            if not _HOPEFUL_SIZE_LINE.fullmatch(buf):
                raise RefusedChunk("a chunk-size line that is not hex digits ended by CRLF")
            size = _SIZE.match(buf).group()  # always a match, if only an empty one
            if size and self.limit is not None and int(size, 16) > self.limit:
                raise RefusedChunk("a chunk larger than the body limit")
        super().read_into(unreader, buf)


class _StrictRequest(Request):
    """gunicorn's request, its chunked body read by `_StrictChunks`."""

    def set_body_reader(self):
        super().set_body_reader()
        if type(self.body.reader) is ChunkedReader:
            self.body = Body(_StrictChunks(self, self.unreader))


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
        self.parser.mesg_class = _StrictRequest


#: gunicorn's refusals of requests it cannot parse (its handle_error), by the error's class: the first
#: that matches; any other ParseException is a 400.
_REFUSALS = (
    (UnsupportedTransferCoding, 501, "Not Implemented"),
    (LimitRequestLine, 414, "URI Too Long"),
    (LimitRequestHeaders, 431, "Request Header Fields Too Large"),
    (ExpectationFailed, 417, "Expectation Failed"),
    (ForbiddenProxyRequest, 403, "Forbidden"),
    (ssl.SSLError, 403, "Forbidden"),
    (ConfigurationProblem, 500, "Internal Server Error"),
)
#: Errors of the app's own making, though gunicorn finds them as it parses: a 500.
_APP_ERRORS = (InvalidResponseHeader, InvalidResponseHeaderName)


def refusal(exc: BaseException) -> tuple[int, str] | None:
    """The status and reason gunicorn answers a client's error with (its own: mostly 4xx); None for any other."""
    if not isinstance(exc, (ParseException, ssl.SSLError)) or isinstance(exc, _APP_ERRORS):
        return None
    return next(((status, reason) for kind, status, reason in _REFUSALS if isinstance(exc, kind)), (400, "Bad Request"))


def refusal_response(status: int, reason: str, headers: tuple[tuple[str, str], ...]) -> bytes:
    """A whole HTTP response for a refusal: `headers`, and a page naming the status, nothing of the request."""
    page = f"<!doctype html>\n<title>{status} {reason}</title>\n<h1>{reason}</h1>\n".encode()
    head = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(page)}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return "\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + page


class ReadDeadlineWorker(ThreadWorker):
    """gunicorn's gthread worker, with a read deadline on every request (gthread has none once a request began),
    malformed chunking refused at once, and gunicorn's own refusals carrying the guide's headers."""

    #: The headers of gunicorn's own refusals: every guide response's (guide.headers), set once the app is loaded.
    refusal_headers: tuple[tuple[str, str], ...] = ()

    def load_wsgi(self):
        """Load the app; take its body limit for chunks, and the headers every guide response carries."""
        super().load_wsgi()
        from guide import headers  # in the worker: the master never imports the app

        _StrictChunks.limit = getattr(self.wsgi, "config", {}).get("MAX_CONTENT_LENGTH")
        self.refusal_headers = (
            *headers.HEADERS,
            ("Cross-Origin-Resource-Policy", "same-origin"),
            ("Cache-Control", "no-store"),
            *((("Strict-Transport-Security", headers.HSTS),) if self.cfg.is_ssl else ()),
        )

    def handle(self, conn):
        """Handle a request as gthread does, its reads bounded by READ_DEADLINE."""
        if type(conn) is TConn:
            conn.__class__ = _DeadlineConn
        return super().handle(conn)

    def _keepalive_after(self, conn, keepalive):
        """Drain a body the app did not read, as gthread does; a malformed one closes the connection.

        (gthread would answer it with a 400 after the app's answer: a second response nobody asked for.)
        """
        try:
            return super()._keepalive_after(conn, keepalive)
        except ParseException as error:
            self.log.debug("Closing the connection: an unread body was refused (%s).", type(error).__name__)
            return False

    def handle_error(self, req, client, addr, exc):
        """Answer with gunicorn's status, the guide's headers and a page that repeats nothing of the request.

        A client's error is logged at DEBUG, by its kind only (gunicorn's WARNING repeats the request
        line, or bytes of the body); anything else as gunicorn does, an ERROR with its traceback.
        """
        started = datetime.now()
        answer = refusal(exc)
        if answer is not None:
            status, reason = answer
            self.log.debug("Refused a request: %s %s (%s)", status, reason, type(exc).__name__)
        else:
            status, reason = 500, "Internal Server Error"
            self.log.exception("Error handling request %s", getattr(req, "path", "(no request read)"))
        req = req or getattr(exc, "req", None)
        addr = addr or ("", -1)  # a Unix socket
        if req is not None:  # the access log, as gunicorn writes it
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = addr[0], str(addr[1])
            response = Response(req, client, self.cfg)
            response.status = f"{status} {reason}"
            self.log.access(response, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, refusal_response(status, reason, self.refusal_headers))
        except Exception:
            self.log.debug("Failed to send error message.")


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
    request (guide.present.warm, guide.desk.warm); then set all of it aside from the garbage collector.

    What the worker built at start (the app, the table, the presentations: about 120,000 objects) lives as
    long as the worker. `gc.freeze()` moves it out of the collector's reach, so that its rare full
    collections scan only what requests left behind: a pause of tens of milliseconds instead of hundreds
    (measured on a loaded 2-core machine), which every request in flight on the worker would wait out.
    """
    if "guide" in getattr(worker.wsgi, "extensions", {}):  # not another app under these settings (a benchmark's)
        from guide import desk, present  # in the worker, which has just loaded the guide

        worker.log.debug("presented %s results", present.warm(worker.wsgi))
        worker.log.debug("built the desk's data file (%s bytes)", desk.warm(worker.wsgi))
    gc.collect()
    gc.freeze()


def worker_exit(server, worker):
    """Write the worker's last counts before it goes (a clean stop or a reload loses none)."""
    from guide.insights.counting import flush_all

    flush_all()


def on_exit(server):
    """Remove the private copies."""
    if getattr(server, "guide_dir", None):
        shutil.rmtree(server.guide_dir, ignore_errors=True)
