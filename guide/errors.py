"""Error pages in the guide's layout and the user's language; JSON errors for the API."""

from __future__ import annotations

from flask import Flask, Response, g, render_template, request, url_for
from flask.globals import request_ctx
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from guide.api import for_api
from guide.state import answers

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
    413: (
        lazy_gettext("That was more than the guide can take"),
        lazy_gettext(
            "The guide's forms only send a few short answers. Please go back and use the buttons on the page."
        ),
    ),
    408: (
        lazy_gettext("That took too long"),
        lazy_gettext("Your browser stopped sending what the page asked for. Please go back and try again."),
    ),
    414: (
        lazy_gettext("That address is too long"),
        lazy_gettext("The address may have been copied wrongly. Please start again from the guide's first page."),
    ),
    431: (
        lazy_gettext("Your browser sent more than the guide can take"),
        lazy_gettext("Deleting this site's cookies in your browser's settings should fix it. Then please try again."),
    ),
    500: (
        lazy_gettext("Sorry, something went wrong on our side"),
        lazy_gettext("Please try again in a moment. Nothing you answered has been stored."),
    ),
}


def http_error(error: HTTPException):
    """Show an HTTP error as a page, or as `{"errors": ...}` for the API: never a bare 500, never a wrong text."""
    status = error.code or 500
    title, detail = PAGES.get(status) or PAGES[400 if status < 500 else 500]
    if request_ctx.url_adapter is None:  # a Host not in TRUSTED_HOSTS: no address can be built for it
        return Response(f"{title}. {detail}", status, mimetype="text/plain")
    if for_api():
        return {"errors": {"request": [str(title)]}}, status
    g.error_page = True  # its links name no part of the address asked for: the page stays small whatever came
    return render_template("error.html", title=title, detail=detail, code=status), status


def csrf_error(error: CSRFError):
    """Explain a failed security check kindly, and truthfully: say the answers are kept only where they are.

    (The desk answers its own: it shows the posted form again, answers and all.)
    """
    if request.endpoint == "patient.start_again":
        retry = url_for("patient.result")
    else:
        retry = request.script_root + request.full_path.rstrip("?")
    return render_template("csrf.html", retry=retry, kept=bool(answers())), 400


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    # An unexpected exception reaches http_error as an InternalServerError (outside tests).
