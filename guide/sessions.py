"""The session: Flask's signed cookie, marked `Secure` whenever the request came over TLS.

Two things Flask redoes for every request are done once here: the signing serializer is built once
per set of keys (Flask builds a new one for each cookie it reads or writes), and the session is
written as plain compact JSON (Flask's tagged JSON walks every value looking for tuples, bytes or
dates to tag; the guide's session holds only strings, numbers, lists and dicts). Reading still
understands tags, so cookies written before keep working, and a value plain JSON cannot hold is
written the tagged way.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


def tls() -> bool:
    """Tell whether the request came over TLS (directly, or through a proxy the configuration trusts: GUIDE_PROXIES)."""
    return request.is_secure


def cookie_secure() -> bool:
    """Whether cookies set now get `Secure`: over TLS always, and wherever SESSION_COOKIE_SECURE says so."""
    return bool(current_app.config["SESSION_COOKIE_SECURE"]) or tls()


class PlainJSON(TaggedJSONSerializer):
    """Flask's session serializer, writing plain JSON when the session holds nothing but JSON's own types."""

    def dumps(self, value: Any) -> str:
        """The session as compact JSON (tagged, as Flask writes it, if it holds a type JSON has not)."""
        try:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        except TypeError:
            return super().dumps(value)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, `Secure` over TLS as well as where the setting asks for it."""

    serializer = PlainJSON()

    def __init__(self) -> None:
        self.signers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's signing serializer for the app's keys, built once per set of keys."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self.signers.get(keys)
        if signer is None and app.secret_key:
            signer = self.signers[keys] = super().get_signing_serializer(app)  # type: ignore[assignment]
        return signer

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the session cookie `Secure` over TLS, or when the setting asks for it."""
        return cookie_secure()


def init_app(app: Flask) -> None:
    """Use the TLS-aware cookie session."""
    app.session_interface = SessionInterface()
