"""The session: Flask's signed cookie, marked `Secure` whenever the request came over TLS."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface


def tls() -> bool:
    """Tell whether the request came over TLS (directly, or through a proxy the configuration trusts: GUIDE_PROXIES)."""
    return request.is_secure


def cookie_secure() -> bool:
    """Whether cookies set now get `Secure`: over TLS always, and wherever SESSION_COOKIE_SECURE says so."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or tls()


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, `Secure` over TLS as well as where the setting asks for it."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the session cookie `Secure` over TLS, or when the setting asks for it."""
        return cookie_secure()


def init_app(app: Flask) -> None:
    """Use the TLS-aware cookie session."""
    app.session_interface = SessionInterface()
