"""Staff accounts and the staff pages: the login, `/staff/insights` and its CSV.

A staff session ends 8 hours after the login, after an hour without a staff page (the session
cookie's lifetime), or at logout. Failed logins are limited per address and per account name
(Flask-Limiter, in each process's memory: RATELIMIT_STORAGE_URI may name a shared store). An
unknown name and a wrong password get the same answer after the same work: a dummy hash is checked.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from guide.insights import counting, report
from guide.insights.counting import flush_all
from guide.insights.models import Staff, db
from guide.translations import gettext

bp = Blueprint("staff", __name__, url_prefix="/staff")
hasher = PasswordHasher()
login_manager = LoginManager()
limiter = Limiter(get_remote_address, storage_uri="memory://")

#: How long a staff session lasts at most.
SESSION_HOURS = 8
#: Failed logins allowed before a 429: per address (an office may share one), and per account name.
PER_ADDRESS = "10 per 15 minutes"
PER_ACCOUNT = "5 per 15 minutes"


class LoginForm(FlaskForm):
    """The staff login."""

    username = StringField(
        lazy_gettext("Name"), validators=[InputRequired(lazy_gettext("Enter your name")), Length(max=64)]
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[InputRequired(lazy_gettext("Enter your password")), Length(max=1024)]
    )


class LogoutForm(FlaskForm):
    """The logout button (a form, so that another site cannot log staff out)."""


def normalized(name: str) -> str:
    """A staff name as it is kept and compared."""
    return name.strip().lower()


@cache
def dummy_hash() -> str:
    """A hash to check when the name is unknown, so that an unknown name takes as long as a wrong password."""
    return hasher.hash("not a password of anyone")


def check_password(name: str, password: str) -> Staff | None:
    """The staff member with this name and password; None otherwise, after the same work either way."""
    staff = db.session.scalar(select(Staff).where(Staff.name == normalized(name)))
    try:
        hasher.verify(staff.password_hash if staff else dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if staff and hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hasher.hash(password)
        db.session.commit()
    return staff


@login_manager.user_loader
def load_staff(staff_id: str) -> Staff | None:
    """The staff member of this session, while the session lasts."""
    until = session.get("staff_until")
    if not isinstance(until, int) or until < counting.clock() or not staff_id.isdigit():
        return None
    return db.session.get(Staff, int(staff_id))


@login_manager.unauthorized_handler
def to_login() -> ResponseReturnValue:
    """Send anyone not logged in to the login, to come back afterwards."""
    return redirect(url_for("staff.login", next=request.path))


def account_key() -> str:
    """The rate limit's key for an account: the name tried."""
    return "account:" + normalized(request.form.get("username", ""))[:64]


def failed(_response: Response) -> bool:
    """Tell whether this login failed (only failures count toward the limits)."""
    return bool(g.get("login_failed"))


def back_to(target: str | None) -> str:
    """Where to go after the login: a staff page named in `next`, else the insights."""
    if target and target.startswith("/staff/") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.insights")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS, methods=["POST"], deduct_when=failed)
@limiter.limit(PER_ACCOUNT, key_func=account_key, methods=["POST"], deduct_when=failed)
def login():
    """Log a member of staff in."""
    form = LoginForm()
    problem = None
    if form.validate_on_submit():
        staff = check_password(form.username.data, form.password.data)
        if staff is not None:
            login_user(staff)
            session["staff_until"] = int(counting.clock()) + SESSION_HOURS * 3600
            session.permanent = True
            return redirect(back_to(request.args.get("next")))
        g.login_failed = True
        problem = gettext("The name or the password is not right.")
    elif request.method == "POST":
        g.login_failed = True
    return render_template("staff/login.html", form=form, problem=problem), 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout():
    """End the staff session."""
    if LogoutForm().validate_on_submit():
        logout_user()
        session.pop("staff_until", None)
    return redirect(url_for("staff.login"))


@bp.get("/")
def home():
    """The staff's first page: the insights."""
    return redirect(url_for("staff.insights"))


@bp.get("/insights")
@login_required
def insights():
    """What patients ask the clinic about, for a range of days."""
    flush_all()  # this process's latest counts
    period, problem = report.choose_range(request.args, current_app.extensions["guide_counts"].today())
    data = report.build(report.counters(period), period)
    return render_template(
        "staff/insights.html",
        period=period,
        presets=report.PRESETS,
        problem=problem,
        data=data,
        staff=current_user,
        logout=LogoutForm(),
    )


@bp.get("/insights.csv")
@login_required
def insights_csv():
    """The counters of the range, one row each."""
    flush_all()
    period, _problem = report.choose_range(request.args, current_app.extensions["guide_counts"].today())
    return Response(
        report.csv_text(report.counters(period)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=insights-{period.first}-{period.last}.csv"},
    )


@bp.after_request
def staff_headers(response: Response) -> Response:
    """Staff pages: never kept by a browser or a proxy, never indexed; a staff session is kept alive by use."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if session.get("staff_until"):
        session.modified = True  # the cookie's hour starts again; the 8 hours do not
    return response


@bp.errorhandler(SQLAlchemyError)
def unavailable(error: SQLAlchemyError):
    """The database cannot be read: say so, in the staff member's language."""
    db.session.rollback()
    current_app.logger.error("Staff pages: the database cannot be read (%s)", error.__class__.__name__)
    return (
        render_template(
            "error.html",
            title=gettext("The insights cannot be read right now"),
            detail=gettext("The database does not answer. Please try again in a few minutes."),
            code=503,
        ),
        503,
    )


def too_many(_error: TooManyRequests):
    """Too many failed logins: a page in the visitor's language."""
    return (
        render_template(
            "error.html",
            title=gettext("Too many attempts"),
            detail=gettext("Too many logins failed. Please wait 15 minutes, then try again."),
            code=429,
        ),
        429,
    )


def init_app(app: Flask) -> None:
    """Register the staff pages, the login and its limits."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # Flask-Login without its after_request hook (remember-me cookies, unused): patient pages are untouched.
    app.login_manager = login_manager  # type: ignore[attr-defined]
    # Flask-Limiter hooks into every request of the app; only the login has limits, so its hooks (the check,
    # the headers and deductions, the clean-up) run for the staff pages' requests alone: patients' pages do not
    # pay for them.
    hooks: tuple[dict[str | None, list[Any]], ...] = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
    )
    already = [list(funcs.get(None, ())) for funcs in hooks]
    limiter.init_app(app)
    for funcs, before in zip(hooks, already, strict=True):
        added = [hook for hook in funcs.get(None, ()) if hook not in before]
        funcs[None] = before
        funcs.setdefault(bp.name, []).extend(added)
    app.register_blueprint(bp)
    app.register_error_handler(429, too_many)
