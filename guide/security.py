"""What every request and response goes through: size limits, headers, cookies over TLS, and log masking.

- Requests: the address, the headers and the body each have a limit (answered with 414, 431 and
  413 pages in the visitor's language); a body that cannot be read (malformed chunking, a
  connection cut short) is a 400, never a 500.
- Responses: a strict Content-Security-Policy and friends; over TLS, HSTS and `Secure` on every cookie.
- Logs: answer codes and state codes (each stands for a patient's answers) are masked in every log
  the guide or its server writes: the development server's, gunicorn's access and error logs, the app's.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from flask import Flask, Request, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestURITooLarge,
    UnsupportedMediaType,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from guide import embed, replay
from guide.api import for_api
from guide.pages import PageCache

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000"
#: What every response says, whatever it is (the embed's framing rules are applied after: embed.frame_headers).
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
#: The longest address (path and query) the guide answers; its own are under 100 characters.
MAX_URL = 2048
#: Header limits: per field (name and value), in all, and how many. gunicorn's own are higher.
MAX_HEADER = 4096
MAX_HEADERS_SIZE = 16384
MAX_HEADERS = 64
#: How many verified session cookies are remembered (what they hold, when they were signed), per process.
VERIFIED = 2048
#: Files another site may load: the script that fits the embed's frame to its page.
CROSS_ORIGIN_FILES = {"embed.js"}


def tls() -> bool:
    """Tell whether the request came over TLS (directly, or through a trusted proxy: GUIDE_PROXIES)."""
    return request.is_secure


def cookie_secure() -> bool:
    """Whether cookies set now get `Secure`: over TLS always, and wherever SESSION_COOKIE_SECURE says so."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or tls()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, `Secure` whenever the request came over TLS; its signer built once per key."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the session cookie `Secure` over TLS, or when the setting asks for it."""
        return cookie_secure()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's signer, kept while the keys stay the same (it holds no state of a request)."""
        return self._signer(app)[0]

    def _signer(self, app: Flask) -> tuple[URLSafeTimedSerializer | None, PageCache]:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.get("session_signer")
        if kept is None or kept[0] != keys:
            kept = app.extensions["session_signer"] = (keys, super().get_signing_serializer(app), PageCache(VERIFIED))
        return kept[1], kept[2]

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's, without working out the cookie's attributes when no cookie is to be sent."""
        if not session.modified and (not session or not self.should_set_cookie(app, session)):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's session, a cookie verified once not verified again until it expires (same value, same keys)."""
        signer, verified = self._signer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        known = verified.get(value)
        if known is None or int(time.time()) - known[1] > max_age:  # whole seconds, as itsdangerous counts
            try:
                data, signed_at = signer.loads(value, max_age=int(max_age), return_timestamp=True)
            except BadSignature:
                return self.session_class()
            known = (data, signed_at.timestamp())
            verified.put(value, known)
        replay.expires(request.environ, known[1] + int(max_age) + 1)  # nothing it shows is replayed past its end
        return self.session_class(_copy(known[0]))


def _copy(value: Any) -> Any:
    """A copy of session data a request may change without changing what is remembered (dicts and lists copied)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy(item) for item in value)
    return value


def check_request() -> None:
    """Refuse what is too large or cannot be read, before anything else reads the request."""
    refuse_oversized()
    read_body()


def refuse_oversized() -> None:
    """Answer 414 for an address, 431 for headers, beyond the guide's limits (a page, not gunicorn's text)."""
    refusal = oversized(request.environ)
    if refusal is not None:
        raise refusal()


def oversized(environ: dict[str, Any]) -> type[HTTPException] | None:
    """The refusal a request's address or headers call for (414, 431), or None when they are within the limits.

    Worked out once per request (the replay asks first, then Flask's hook): the verdict is kept in the environ.
    """
    if _VERDICT in environ:
        return environ[_VERDICT]
    verdict: type[HTTPException] | None = None
    if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > MAX_URL:
        verdict = RequestURITooLarge
    else:
        count = total = 0
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                size = len(key) + len(value)
                if size > MAX_HEADER:
                    verdict = RequestHeaderFieldsTooLarge
                    break
                count += 1
                total += size
        if count > MAX_HEADERS or total > MAX_HEADERS_SIZE:
            verdict = RequestHeaderFieldsTooLarge
    environ[_VERDICT] = verdict
    return verdict


_VERDICT = "guide.oversized"


def read_body() -> None:
    """Read a request body whole (at most MAX_CONTENT_LENGTH, else 413) before anything parses it.

    Whatever reading it raises besides an HTTP error — a malformed chunked body, a connection cut
    short, the server's reader refusing a chunk — is the client's doing: a 400, never a 500. A JSON
    body is for the API only (415 elsewhere).
    """
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    try:
        body = request.get_data(cache=True, parse_form_data=False)
    except HTTPException:
        raise
    except Exception:  # any failure to read what the client sent
        raise BadRequest("The request body could not be read.") from None
    limit = request.max_content_length
    if limit is not None and len(body) >= limit:  # a chunked body is cut at the limit, not refused: refuse it
        raise RequestEntityTooLarge()
    if request.is_json and not for_api():
        raise UnsupportedMediaType()  # the forms take form data only (Flask-WTF would read JSON as a form)


def add_headers(response):
    """Forbid inline code, framing, sniffing, referrers and cross-origin use; keep answers out of caches."""
    headers = response.headers
    for name, value in HEADERS:
        headers.add(name, value)  # no view sets these: adding is enough, and cheaper than replacing
    headers.add("Cross-Origin-Resource-Policy", "cross-origin" if shared_with_other_sites() else "same-origin")
    if tls():
        headers.add("Strict-Transport-Security", HSTS)
    if response.mimetype in ("text/html", "application/json"):
        headers.setdefault("Cache-Control", "no-store")
    return embed.frame_headers(response)


def shared_with_other_sites() -> bool:
    """Tell whether other sites may use this response: the embed's script, and embed pages where framing is allowed."""
    if request.endpoint == "static":
        return (request.view_args or {}).get("filename") in CROSS_ORIGIN_FILES
    return embed.embedded() and bool(embed.origins())


def init_app(app: Flask) -> None:
    """Register the limits, the headers, TLS-aware cookies, the trusted proxies and the log masking."""
    app.session_interface = SessionInterface()
    if app.config["GUIDE_PROXIES"]:
        hops = int(app.config["GUIDE_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.before_request(check_request)
    app.after_request(add_headers)
    init_logging(app)


#: Query parameters whose values carry nothing of a patient's: kept in logs. Every other value is masked.
_PLAIN_PARAMETERS = {"lang", "notice", "change"}
_QUERY_VALUE = re.compile(r"([?&;]([^=&;\s\"'#]*)=)([^&;\s\"'#]*)")
_CODE_PATH = re.compile(r"(/(?:r|%72|%52)(?:/|%2f))[^\s?&\"'#]*", re.IGNORECASE)


def mask(text: str) -> str:
    """Mask answer codes (`/r/CODE`) and the value of every query parameter but the plain ones."""

    def query_value(match: re.Match[str]) -> str:
        return match.group(0) if match.group(2) in _PLAIN_PARAMETERS else match.group(1) + "*****"

    return _QUERY_VALUE.sub(query_value, _CODE_PATH.sub(r"\1*****", text))


class RedactAnswerCodes(logging.Filter):
    """Keep answer codes and state codes (which carry a patient's answers) out of a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record (message and traceback) with every code masked; keep the record."""
        message = record.getMessage()
        redacted = mask(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


#: The logs masked: the development server's, gunicorn's (access and error), and the app's own (its name).
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def init_logging(app: Flask) -> None:
    """Mask answer codes in every log the guide and its servers write."""
    for name in (*LOGGERS, app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactAnswerCodes) for f in logger.filters):
            logger.addFilter(RedactAnswerCodes())
