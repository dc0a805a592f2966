"""What every response says: a strict Content-Security-Policy and friends, HSTS over TLS, what caches may keep."""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response

from guide import embed
from guide.sessions import tls

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
    # Other sites get no Referer; the guide's own forms get a true Origin, even from browsers without
    # Sec-Fetch-Site (with no-referrer they would send `Origin: null`, which forms refuse: guide.origin).
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
#: Files another site may load: the script that fits the embed's frame to its page.
CROSS_ORIGIN_FILES = {"embed.js"}


def add_headers(response: Response) -> Response:
    """Forbid inline code, framing, sniffing, referrers and cross-origin use; keep answers out of caches."""
    headers = response.headers
    # A view's own value wins. (Werkzeug's Headers.setdefault looks a missing name up by raising an exception:
    # one set of the names present is cheaper for the dozen headers of every response.)
    present = {name.lower() for name, _ in headers.items()}
    wanted = [
        *HEADERS,
        ("Cross-Origin-Resource-Policy", "cross-origin" if shared_with_other_sites() else "same-origin"),
    ]
    if tls():
        wanted.append(("Strict-Transport-Security", HSTS))
    if response.mimetype in ("text/html", "application/json"):
        wanted.append(("Cache-Control", "no-store"))
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return embed.frame_headers(response)


def shared_with_other_sites() -> bool:
    """Tell whether other sites may use this response: the embed's script, and embed pages where framing is allowed."""
    if request.endpoint == "static":
        return (request.view_args or {}).get("filename") in CROSS_ORIGIN_FILES
    return embed.embedded() and bool(embed.origins())


def init_app(app: Flask) -> None:
    """Send the headers with every response."""
    app.after_request(add_headers)
