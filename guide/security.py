"""Headers every response carries: a strict Content-Security-Policy and friends."""

from __future__ import annotations

import logging
import re

from flask import Flask

from guide import embed

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


def add_headers(response):
    """Forbid inline code, framing, sniffing and referrers; keep answers out of caches."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype in ("text/html", "application/json"):
        response.headers.setdefault("Cache-Control", "no-store")
    return embed.frame_headers(response)


def init_app(app: Flask) -> None:
    """Register the headers and the log filter."""
    app.after_request(add_headers)
    init_logging()


class RedactAnswerCodes(logging.Filter):
    """Keep answer codes and state codes (which carry a patient's answers) out of the request log."""

    pattern = re.compile(r"(/r/|[?&](?:code|answers)=)[^\s&\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record with every answer code masked; keep the record."""
        message = record.getMessage()
        redacted = self.pattern.sub(r"\1*****", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def init_logging() -> None:
    """Mask answer codes in the development server's request log (gunicorn keeps no access log by default)."""
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactAnswerCodes) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactAnswerCodes())
