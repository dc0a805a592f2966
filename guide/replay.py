"""Responses replayed: a request identical to an earlier one, in everything the guide reads, gets the same bytes.

Most of what the guide serves is the same for everyone who asks the same way: the start page on a
first visit, and the API's answer for a combination, depend only on the address, the language the
request asks for, the host and the body. A view that knows its response depends on nothing else says
so (`allow`, optionally until some time), and `Replay`, a WSGI layer under Flask, keeps that
response — status, headers and body, exactly as Flask sent them — and sends it again, without Flask,
to the next request that is identical in everything the guide reads:

- the method, the address (SCRIPT_NAME, PATH_INFO, QUERY_STRING), scheme, host and server;
- every request header (cookies and Accept-Language among them) except those the guide never reads
  (`UNREAD`: User-Agent, Accept-Encoding, Connection…);
- the body, for a POST with a Content-Length within the body limit.

A response is kept the second time the same request is answered: what is asked once (a new
patient's first view of their result) is never kept, only a fingerprint of the request (its hash).
Nothing is kept but a 200 its view allowed; nothing that sets a cookie; nothing past the time it
allowed (the end of a signed session among them). Every request, replayed or not, goes through the same size
limits first (security.oversized). At most `SIZE` responses are kept per process, in memory only,
the least recently used dropped; a response for one visitor (its key holds their cookie) can only
ever be replayed to a request carrying that same cookie.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

from guide.pages import PageCache

SIZE = 1024
#: Request headers (as WSGI names them) that nothing in the guide, Flask, Flask-WTF or Flask-Babel reads.
UNREAD = frozenset(
    {
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_CONNECTION",
        "HTTP_KEEP_ALIVE",
        "HTTP_CACHE_CONTROL",
        "HTTP_PRAGMA",
        "HTTP_DNT",
        "HTTP_SEC_GPC",
        "HTTP_PRIORITY",
        "HTTP_UPGRADE_INSECURE_REQUESTS",
        "HTTP_SEC_FETCH_MODE",
        "HTTP_SEC_FETCH_DEST",
        "HTTP_SEC_FETCH_USER",
        "HTTP_SEC_CH_UA",
        "HTTP_SEC_CH_UA_MOBILE",
        "HTTP_SEC_CH_UA_PLATFORM",
    }
)
#: The parts of a WSGI request besides its headers that a response may depend on.
_REQUEST = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT")
_ALLOWED = "guide.replay.until"  # set by allow(): until when the response may be replayed
_EXPIRES = "guide.replay.expires"  # set by expires(): a limit to that, whatever the view allowed


def allow(until: float = math.inf) -> None:
    """Let the current response be replayed to identical requests (until `until`, a time.time() value)."""
    request.environ[_ALLOWED] = until


def expires(environ: dict[str, Any], at: float) -> None:
    """Say that whatever this request's response shows stops being true at `at` (a signed session's end)."""
    environ[_EXPIRES] = min(at, environ.get(_EXPIRES, math.inf))


class Replay:
    """WSGI middleware: replay what a view allowed to identical requests; everything else reaches Flask as usual."""

    def __init__(self, wsgi_app: Callable[..., Any], max_body: int, oversized: Callable[[dict], Any]) -> None:
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self.oversized = oversized
        self.kept = PageCache(SIZE)
        self.asked = PageCache(4 * SIZE)  # the fingerprints (hashes) of requests answered once, not kept

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        kept = self.kept.get(key)
        if kept is not None and time.time() < kept[0]:
            start_response(kept[1], list(kept[2]))
            return [kept[3]]
        return self.answer(key, environ, start_response)

    def key(self, environ: dict[str, Any]) -> tuple | None:
        """Everything of this request the guide reads; None when it must not be replayed (or is to be refused)."""
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "POST") or self.oversized(environ) is not None:
            return None
        headers = tuple(
            (name, value) for name, value in environ.items() if name.startswith("HTTP_") and name not in UNREAD
        )
        body: bytes | None = b""
        if method == "POST":
            body = self.body(environ)
            if body is None:
                return None
        parts = tuple(environ.get(name) for name in _REQUEST)
        url = (environ.get("wsgi.url_scheme"), environ.get("CONTENT_TYPE"), environ.get("CONTENT_LENGTH"))
        return (parts, url, headers, body)

    def body(self, environ: dict[str, Any]) -> bytes | None:
        """Read a body of a declared length within the limit (and hand Flask a copy); None for any other."""
        if "HTTP_TRANSFER_ENCODING" in environ:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 <= length < self.max_body:
            return None
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body if len(body) == length else None

    def answer(self, key: tuple, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Let Flask answer; keep the response if its view allowed it and it sets no cookie."""
        sent: list = []

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.wsgi_app(environ, remember)
        until = min(environ.get(_ALLOWED, -math.inf), environ.get(_EXPIRES, math.inf))
        if not self.keeps(sent, until) or not self.asked_before(key):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        self.kept.put(key, (until, sent[0], tuple(sent[1]), body))
        return [body]

    def asked_before(self, key: tuple) -> bool:
        """Tell whether this request was answered before; remember that it was (by a fingerprint, not the request)."""
        fingerprint = hash(key)
        if self.asked.get(fingerprint):
            return True
        self.asked.put(fingerprint, True)
        return False

    @staticmethod
    def keeps(sent: list, until: float) -> bool:
        """Tell whether a response may be kept: a 200 its view allowed, still true now, setting no cookie."""
        if not sent or not sent[0].startswith("200 ") or until <= time.time():
            return False
        return not any(name.lower() == "set-cookie" for name, _ in sent[1])


def init_app(app: Flask) -> None:
    """Put the replay under every other WSGI layer (the embed prefix, trusted proxies), right above Flask."""
    from guide.security import oversized

    app.wsgi_app = Replay(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"] or 0, oversized)  # type: ignore[method-assign]
