"""Error pages in the guide's layout and the user's language; JSON errors for the API."""

from __future__ import annotations

from flask import Flask, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

#: Heading and explanation of each error page.
PAGES = {
    400: (lazy_gettext("Something in the request was not right"), lazy_gettext("Please go back and try again.")),
    404: (
        lazy_gettext("Page not found"),
        lazy_gettext("The address may be mistyped, or the page may have moved."),
    ),
    405: (
        lazy_gettext("That did not work"),
        lazy_gettext("This page cannot be used that way. Please go back and use the buttons on the page."),
    ),
    500: (
        lazy_gettext("Sorry, something went wrong on our side"),
        lazy_gettext("Please try again in a moment. Nothing you answered has been stored."),
    ),
}


def wants_json() -> bool:
    """Tell whether the request is for the API."""
    return request.path.startswith("/api/")


def http_error(error: HTTPException):
    """Show an HTTP error as a page, or as `{"errors": ...}` for the API: never a bare 500."""
    code = error.code if error.code in PAGES else 500
    title, detail = PAGES[code]
    if wants_json():
        return {"errors": {"request": [str(title)]}}, error.code or 500
    return render_template("error.html", title=title, detail=detail, code=code), error.code or 500


def csrf_error(error: CSRFError):
    """Explain a failed security check kindly; the answers in the session are untouched."""
    if request.endpoint == "patient.start_again":
        retry = url_for("patient.result")
    else:
        retry = request.script_root + request.full_path.rstrip("?")
    return render_template("csrf.html", retry=retry), 400


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    # An unexpected exception reaches http_error as an InternalServerError (outside tests).
