"""The session: Flask's signed cookie, marked `Secure` whenever the request came over TLS.

What Flask and itsdangerous redo for every cookie is done once here: the signing serializer is built
once per set of keys (Flask builds one for each cookie it reads or writes), its signer once (itsdangerous
makes one for each cookie) and the signer's key once per secret key (itsdangerous derives it for each
signature). The session is written as plain compact JSON (Flask's tagged JSON walks every value looking
for tuples, bytes or dates to tag; the guide's session holds only strings, numbers, lists and dicts),
and not compressed (a few short codes: zlib saves a few dozen bytes and costs a pass over every cookie
written; the cookie stays far below browsers' limits). Reading still understands tags and compression,
so cookies written before keep working; a value plain JSON cannot hold is written the tagged way; and
Flask's own session reads what the guide writes (the same signature, salt and keys).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode


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


class CookieSigner(TimestampSigner):
    """itsdangerous' timestamp signer, with its key derived once per secret key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """The key that signs (itsdangerous' derivation), worked out once for each secret key."""
        key = self.derived.get(secret_key)
        if key is None:
            key = self.derived[secret_key] = super().derive_key(secret_key)
        return key


class CookieSerializer(URLSafeTimedSerializer):
    """The session cookie's serializer, as Flask configures it: its signer made once per salt, no compression."""

    signer = CookieSigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signers: dict[str | bytes | None, TimestampSigner] = {}

    def make_signer(self, salt: str | bytes | None = None) -> TimestampSigner:
        """The signer for a salt (the session's), made once."""
        signer = self.signers.get(salt)
        if signer is None:
            signer = self.signers[salt] = super().make_signer(salt)  # type: ignore[assignment]
        return signer  # type: ignore[return-value]

    def dump_payload(self, obj: Any) -> bytes:
        """The session as base64 of its JSON (reading still takes compressed payloads: itsdangerous' load_payload)."""
        return base64_encode(self.serializer.dumps(obj, **self.serializer_kwargs))


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
            flasks = super().get_signing_serializer(app)  # Flask's choice of keys, salt and signature
            assert flasks is not None
            signer = self.signers[keys] = CookieSerializer(
                flasks.secret_keys, salt=flasks.salt, serializer=flasks.serializer, signer_kwargs=flasks.signer_kwargs
            )
        return signer

    def get_cookie_secure(self, app: Flask) -> bool:
        """Mark the session cookie `Secure` over TLS, or when the setting asks for it."""
        return cookie_secure()


def init_app(app: Flask) -> None:
    """Use the TLS-aware cookie session."""
    app.session_interface = SessionInterface()
