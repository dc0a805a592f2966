"""The guide inside another site's page: `/embed/…` is the questionnaire without the site's chrome.

`/embed` is a prefix taken off before Flask routes the request (it becomes part of SCRIPT_NAME), so
every link the pages build stays inside the embed by itself. Only the questionnaire is served there;
the desk and the API are not. Which sites may frame it is `GUIDE_EMBED_ORIGINS`: empty by default,
so framing stays refused everywhere, and pages outside `/embed` refuse it whatever the setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, abort, current_app, request

from guide.configuration import ConfigurationError

PREFIX = "/embed"
_FLAG = "guide.embed"
#: An origin as a browser sends it: scheme, host, optional port; nothing else.
_ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?", re.IGNORECASE)
_TEL_LINK = re.compile(r'<a (?=[^>]*href="tel:)(?![^>]*\btarget=)')


class EmbedPrefix:
    """WSGI middleware: serve `/embed/…` as the same app, one level down, marked as embedded."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX
            environ["PATH_INFO"] = path[len(PREFIX) :] or "/"
            environ[_FLAG] = True
        return self.wsgi_app(environ, start_response)


def parse_origins(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Read GUIDE_EMBED_ORIGINS (a list, or a space or comma separated string); refuse anything not an origin."""
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value or ())
    origins = tuple(item.strip().rstrip("/").lower() for item in items if item and item.strip())
    wrong = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
    if wrong:
        raise ConfigurationError(
            "GUIDE_EMBED_ORIGINS: not an origin (scheme://host[:port], no path, no wildcard): " + " ".join(wrong)
        )
    return origins


def embedded() -> bool:
    """Tell whether the current request came through `/embed`."""
    return bool(request.environ.get(_FLAG))


def origins() -> tuple[str, ...]:
    """The sites allowed to frame the embed pages."""
    return current_app.config["GUIDE_EMBED_ORIGINS"]


def frame_headers(response):
    """Let the listed sites frame an embed page; every other response keeps refusing to be framed."""
    if not embedded() or not origins():
        return response
    csp = response.headers.get("Content-Security-Policy", "")
    response.headers["Content-Security-Policy"] = csp.replace(
        "frame-ancestors 'none'", "frame-ancestors " + " ".join(origins())
    )
    del response.headers["X-Frame-Options"]  # it cannot name an origin; frame-ancestors says who may frame
    return response


def call_outside_the_frame(response):
    """Make every tap-to-call link of an embed page open outside the frame, on the host page."""
    if embedded() and response.mimetype == "text/html" and not response.direct_passthrough:
        response.set_data(_TEL_LINK.sub('<a target="_top" ', response.get_data(as_text=True)))
    return response


def only_the_questionnaire() -> None:
    """Serve the patient pages and their files under `/embed`; nothing else (never the desk)."""
    if embedded() and request.blueprint != "patient" and request.endpoint != "static":
        abort(404)


def init_app(app: Flask) -> None:
    """Keep the desk and the API out of `/embed` (its prefix is a WSGI layer: EmbedPrefix), mark embed pages."""
    app.config["GUIDE_EMBED_ORIGINS"] = parse_origins(app.config.get("GUIDE_EMBED_ORIGINS"))
    app.before_request(only_the_questionnaire)
    app.after_request(call_outside_the_frame)
    app.context_processor(lambda: {"embed": embedded(), "embed_origins": origins()})
