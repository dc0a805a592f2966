"""Pages rendered once and served again: a result is the same page for everyone with the same answers.

`render(template, key, **context)` is `render_template`, except that a page already rendered for
the same template, `key` (everything the caller's context and links depend on: the answers, and
whether they travel in the links) and the same request circumstances (`circumstances()`: the
language, the address) is served again without rendering. The one part of a
page that differs per visitor, the CSRF token of its form, is put back into each copy. Requests
that would see something else — a message flashed for this visitor, an unusual query string —
are rendered as usual. At most `SIZE` pages are kept per process, the least recently used dropped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

SIZE = 512
#: How long a signed CSRF token is reused for the same session, in seconds.
TOKEN_REUSE = 60
#: Query parameters a cached page may have been asked with (each at most once): anything else renders afresh.
QUERY = frozenset({"lang", "answers"})
_TOKEN = "\x00csrf\x00"  # stands for the visitor's CSRF token in a kept page


class PageCache:
    """A bounded, thread-safe store of rendered pages (or anything: verified session cookies, signed tokens),
    least recently used dropped first."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The page kept under `key`, if any."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Any) -> None:
        """Keep a page; drop the least recently used beyond the size."""
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def cache() -> PageCache:
    """The app's page cache."""
    return current_app.extensions.setdefault("pages", PageCache())


def circumstances() -> tuple[Hashable, ...] | None:
    """Everything of the request a page shows besides its context; None when a page must be rendered afresh."""
    if "_flashes" in session:
        return None
    args = request.args
    if len(args) > len(QUERY) or not QUERY.issuperset(args) or len(list(args.items(multi=True))) != len(args):
        return None
    return (str(get_locale()), request.scheme, request.host, request.script_root, request.path, tuple(args.items()))


def cached(template: str, key: Hashable, forms: bool = False) -> str | None:
    """The page kept for this template, key and request (with this visitor's CSRF token if it has `forms`), or None."""
    where = circumstances()
    kept = cache().get((template, key, where)) if where is not None else None
    if kept is None:
        return None
    token = csrf_token() if forms and current_app.config.get("WTF_CSRF_ENABLED", True) else None
    return kept.replace(_TOKEN, token) if token else kept


def csrf_token() -> str:
    """This visitor's CSRF token, as Flask-WTF makes it; one signed for the same session in the last minute is reused.

    Signing is the dearest part of serving a kept page. A reused token is at most TOKEN_REUSE
    seconds older, so it stays valid that much less than WTF_CSRF_TIME_LIMIT: nothing a patient notices.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed: PageCache = current_app.extensions.setdefault("csrf_tokens", PageCache(2048))
    raw = session.get(field)
    kept = signed.get(raw) if isinstance(raw, str) else None
    if kept is not None and time.time() - kept[1] < TOKEN_REUSE and field not in g:
        setattr(g, field, kept[0])  # where generate_csrf keeps the request's token
    token = generate_csrf()
    if kept is None or kept[0] != token:
        signed.put(session[field], (token, time.time()))
    return token


def render(template: str, key: Hashable, **context: Any) -> str:
    """Render a page as `render_template` does, and keep it for the next request with the same key and circumstances."""
    where = circumstances()  # before rendering: rendering takes the flashed messages
    page = render_template(template, **context)
    if where is not None:
        token = _token(context.get("form"))
        cache().put((template, key, where), page.replace(token, _TOKEN) if token else page)
    return page


def _token(form: Any) -> str | None:
    """The CSRF token a form renders, if it has one."""
    return form.csrf_token.current_token if form is not None and "csrf_token" in form else None
