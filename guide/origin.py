"""Whether a request comes from the guide's own pages: the browser's word for it (Sec-Fetch-Site, else Origin).

Forms refuse what another site sent (Flask-WTF's token checked besides, where a session cookie
came); a link followed from another site may show a page but changes nothing a patient stored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_wtf.csrf import CSRFError

from guide.state import cookieless

#: What Sec-Fetch-Site says of a request made by the guide's own pages, or typed into the address bar.
OWN = ("same-origin", "none")


def refuse_forgeries() -> None:
    """Check that a form was sent by the guide's own page (the README explains why this way).

    Every form: the browser's word (Sec-Fetch-Site, or else Origin) that it comes from the guide's own
    page. With the session cookie, Flask-WTF's token besides, as everywhere. Without it the request
    carries no credential, so there is nothing for another site to ride, and no token to compare.
    """
    if request.method != "POST" or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if sent_from_another_site():
        raise CSRFError("The form was sent from another site.")
    if not cookieless():
        current_app.extensions["csrf"].protect()
    g.csrf_valid = True  # tells the forms that this request's origin is checked


def sent_from_another_site() -> bool:
    """Tell whether the browser says the request came from a page that is not the guide's."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in OWN
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # a browser too old to say, or no browser: the token (with a cookie) is the check
    return origin == "null" or urlsplit(origin).netloc != request.host  # "null": a sandboxed frame, a data: page


def followed_from_another_site() -> bool:
    """Tell whether the browser says this navigation started on another site (a link, a form, a redirect)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    return fetch_site is not None and fetch_site not in OWN
