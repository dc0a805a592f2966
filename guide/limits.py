"""The limits a request meets first: its address, its headers and its body each have one.

Beyond them the guide answers 414, 431 and 413 with a page in the visitor's language (gunicorn's
own limits, higher, are the outer guard). A body that cannot be read (malformed chunking, a
connection cut short) is a 400, never a 500; one that stalls past the server's read deadline
(gunicorn.conf.py) a 408; a JSON body is for the API only.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    RequestTimeout,
    RequestURITooLarge,
    UnsupportedMediaType,
)

from guide.api import for_api

#: The largest request body the guide reads: its forms send a few short codes, the API four of them.
MAX_BODY = 16 * 1024
#: The longest address (path and query) the guide answers; its own are under 100 characters.
MAX_URL = 2048
#: Header limits: per field (name and value), in all, and how many. gunicorn's own are higher.
MAX_HEADER = 4096
MAX_HEADERS_SIZE = 16384
MAX_HEADERS = 64


def check_request() -> None:
    """Refuse what is too large or cannot be read, before anything else reads the request."""
    refusal = oversized(request.environ)
    if refusal is not None:
        raise refusal()
    read_body()


def oversized(environ: dict[str, Any]) -> type[HTTPException] | None:
    """The refusal a request's address or headers call for (414, 431), or None when they are within the limits."""
    if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > MAX_URL:
        return RequestURITooLarge
    count = total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            size = len(key) + len(value)
            if size > MAX_HEADER:
                return RequestHeaderFieldsTooLarge
            count += 1
            total += size
    if count > MAX_HEADERS or total > MAX_HEADERS_SIZE:
        return RequestHeaderFieldsTooLarge
    return None


def read_body() -> None:
    """Read a request body whole (at most MAX_CONTENT_LENGTH bytes, else 413) before anything parses it.

    Whatever reading it raises besides an HTTP error — a malformed chunked body, a connection cut
    short, the server's reader refusing a chunk — is the client's doing: a 400, never a 500. A JSON
    body is for the API only (415 elsewhere).
    """
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    try:
        body = request.get_data(cache=True, parse_form_data=False)
        # A body of no declared length (chunked) is cut at the limit, not refused: one byte more says it was longer.
        if request.content_length is None and len(body) == request.max_content_length and more_to_read():
            raise RequestEntityTooLarge()
    except HTTPException as error:
        if stalled(error):
            raise RequestTimeout() from None
        raise
    except Exception as error:  # any failure to read what the client sent
        if stalled(error):
            raise RequestTimeout() from None
        raise BadRequest("The request body could not be read.") from None
    if request.is_json and not for_api():
        raise UnsupportedMediaType()  # the forms take form data only (Flask-WTF would read JSON as a form)


def stalled(error: BaseException) -> bool:
    """Tell whether reading failed because the client stopped sending (the server's read deadline passed)."""
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def more_to_read() -> bool:
    """Tell whether the client sent more of the body than was read."""
    return bool(request.environ["wsgi.input"].read(1))


def init_app(app: Flask) -> None:
    """Set the body limits and check every request against the limits before anything else reads it."""
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY)
    app.before_request(check_request)
