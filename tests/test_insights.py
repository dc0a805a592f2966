"""Insights: exact counts under concurrency (SQLite and a real PostgreSQL), a database down never reaching a
patient, nothing in the database that identifies anyone, and the staff pages behind a limited login."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter

import pytest
from sqlalchemy import MetaData, func, select, text

from guide import create_app
from guide.forms import URGENT
from guide.insights import counting
from guide.insights.cli import staff_cli
from guide.insights.counting import flush_all
from guide.insights.models import Count, db
from guide.table import QUESTION_IDS
from tests.conftest import GUIDE, LANGUAGES, flask_command, migrate
from tests.postgres import postgres

#: Patients per run, and threads sending them (the machine has two cores; a worker has many threads).
PATIENTS = 24
THREADS = 6
PASSWORD = "a long staff password"
#: Every combination of the table, so that patients differ in what they ask about.
COMBOS = list(GUIDE.engine.decide_all())
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory) -> str:
    """A SQLite database of this module's own, brought up to date by the migrations."""
    url = f"sqlite:///{tmp_path_factory.mktemp('insights') / 'guide.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="module")
def pg_url():
    """A real PostgreSQL started for these tests, brought up to date by the migrations."""
    with postgres() as server:
        migrate(server.url)
        yield server


@pytest.fixture(autouse=True)
def close_databases():
    """Close the connections of the apps a test made (a PostgreSQL connection left to the collector warns)."""
    yield
    while MADE:
        with MADE.pop().app_context():
            db.engine.dispose()


MADE: list = []


def make_app(url: str, **config):
    """An app counting into `url`, its counters emptied first."""
    app = create_app({"SECRET_KEY": "insights-tests", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False, **config})
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM counts"))
        connection.execute(text("DELETE FROM staff"))
    MADE.append(app)
    return app


def totals(app, event: str, by: str | None = None, **match: str):
    """The database's count of an event (summed over days), or a Counter by one dimension."""
    with app.app_context():
        column = getattr(Count, by) if by else None
        query = select(*([column] if by else []), func.coalesce(func.sum(Count.count), 0)).where(Count.event == event)
        for name, value in match.items():
            query = query.where(getattr(Count, name) == value)
        if by is None:
            return db.session.scalar(query)
        return Counter({key: n for key, n in db.session.execute(query.group_by(column)).all()})


def walk(client, combo, reloads: int = 2) -> None:
    """A patient: the start page, the screening question, the four questions, check, the result (reloaded)."""
    assert client.get("/").status_code == 200
    for step, code in zip((URGENT, *QUESTION_IDS), ("no", *combo), strict=True):
        where = "/before-you-start" if step == URGENT else f"/question/{step}"
        response = client.post(where, data={step: code}, headers=SAME_ORIGIN)
        assert response.status_code == 302, (step, response.status_code)
    assert client.get("/check-answers").status_code == 200
    for _ in range(1 + reloads):
        assert client.get("/result").status_code == 200


def patients_through(apps, combos) -> None:
    """Send the patients through the apps (as through two workers), several at a time."""
    jobs = list(enumerate(combos))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        while True:
            with lock:
                if not jobs:
                    return
                index, combo = jobs.pop()
            try:
                walk(apps[index % len(apps)].test_client(), combo)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors[:3]


def check_exact(apps, combos) -> None:
    """N patients with reloads: N results, N of each step, N times to finish, areas as sent."""
    flush_all()
    first = apps[0]
    assert totals(first, "result") == len(combos)
    assert totals(first, "finish") == len(combos)
    for step in (URGENT, *QUESTION_IDS, "check"):
        assert totals(first, "step", step=step) == len(combos), step
    assert totals(first, "result", by="area") == Counter(combo.area for combo in combos)
    assert totals(first, "result", by="lang") == Counter({"en": len(combos)})


def spread(n: int):
    """N different combinations, spread over the table."""
    return [COMBOS[(index * 37) % len(COMBOS)] for index in range(n)]


def test_counts_are_exact_under_concurrency_on_sqlite(sqlite_url):
    apps = [make_app(sqlite_url), make_app(sqlite_url)]
    combos = spread(PATIENTS)
    patients_through(apps, combos)
    check_exact(apps, combos)


def test_counts_are_exact_under_concurrency_on_postgresql(pg_url):
    apps = [make_app(pg_url.url), make_app(pg_url.url)]
    combos = spread(PATIENTS)
    patients_through(apps, combos)
    check_exact(apps, combos)


def test_a_stopped_database_never_reaches_a_patient_and_loses_no_count(pg_url, caplog):
    app = make_app(pg_url.url)
    combos = spread(8)
    pg_url.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="guide.insights"):
            for combo in combos[:4]:
                walk(app.test_client(), combo)
            assert app.extensions["guide_counts"].flush() == 0  # kept in memory
            for combo in combos[4:]:
                walk(app.test_client(), combo)
            assert app.extensions["guide_counts"].flush() == 0
        failures = [r for r in caplog.records if r.name == "guide.insights" and r.levelno >= logging.ERROR]
        assert len(failures) == 1, [r.getMessage() for r in failures]  # logged once, not per request or per try
    finally:
        pg_url.start()
    # Everything kept in memory arrives once the database is back: written now, or already by the process's writer
    # thread (every GUIDE_COUNT_INTERVAL seconds; a flush waits for one in progress).
    app.extensions["guide_counts"].flush()
    assert totals(app, "result") == len(combos)


def test_a_database_that_cannot_be_opened_never_reaches_a_patient(tmp_path):
    app = create_app({"SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such.db"})
    walk(app.test_client(), COMBOS[0])
    assert app.extensions["guide_counts"].flush() == 0


def test_a_result_is_counted_once_per_patient_and_a_code_counts_too(sqlite_url):
    app = make_app(sqlite_url)
    client = app.test_client()
    walk(client, COMBOS[5], reloads=3)
    code = re.search(r'class="code">([^<]+)<', client.get("/result").get_data(as_text=True)).group(1)
    assert client.get(f"/r/{code}").status_code == 200  # the same patient: their result is counted already
    other = app.test_client()
    assert other.get(f"/r/{code}").status_code == 200  # a link given to someone else
    assert other.get(f"/r/{code}").status_code == 200
    flush_all()
    assert totals(app, "result") == 2
    assert totals(app, "result", via="code") == 1
    assert totals(app, "code") == 3
    assert totals(app, "finish") == 1  # only the patient who answered the questions has a time to finish


def test_time_to_finish_is_a_bucket_from_the_first_answer(sqlite_url, monkeypatch):
    app = make_app(sqlite_url)
    client = app.test_client()
    now = [1_800_000_000.0]
    monkeypatch.setattr(counting, "clock", lambda: now[0])
    client.get("/")
    client.post("/before-you-start", data={URGENT: "no"}, headers=SAME_ORIGIN)
    now[0] += 150  # two and a half minutes
    for step, code in zip(QUESTION_IDS, COMBOS[9], strict=True):
        client.post(f"/question/{step}", data={step: code}, headers=SAME_ORIGIN)
    client.get("/result")
    flush_all()
    assert totals(app, "finish", by="bucket") == Counter({"2-5": 1})


def test_changing_an_answer_counts_no_second_step(sqlite_url):
    app = make_app(sqlite_url)
    client = app.test_client()
    walk(client, COMBOS[0], reloads=0)
    client.post("/question/cause?change=1", data={"cause": COMBOS[40].cause}, headers=SAME_ORIGIN)
    flush_all()
    assert totals(app, "step", step="cause") == 1


def test_the_emergency_and_a_tap_beacon_are_counted_and_another_sites_beacon_is_not(sqlite_url):
    app = make_app(sqlite_url)
    client = app.test_client()
    client.post("/before-you-start", data={URGENT: "yes"}, headers=SAME_ORIGIN)
    assert client.get("/get-help-now").status_code == 200
    assert client.post("/count/tap", data={"page": "emergency"}, headers=SAME_ORIGIN).status_code == 204
    assert (
        client.post("/count/tap", data={"page": "emergency"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code
        == 204
    )
    assert client.post("/count/tap", data={"page": "<script>"}, headers=SAME_ORIGIN).status_code == 204
    flush_all()
    assert totals(app, "emergency") == 1
    assert totals(app, "tap", by="page") == Counter({"emergency": 1, "other": 1})


def test_the_desk_counts_a_call_without_javascript_and_by_its_beacon(sqlite_url):
    app = make_app(sqlite_url)
    client = app.test_client()
    combo = COMBOS[3]
    posted = {URGENT: "no", "about": "caller", **dict(zip(QUESTION_IDS, combo, strict=True))}
    assert client.post("/desk", data=posted).status_code == 302
    beacon = {"event": "result", "category": GUIDE.engine.decide(combo).category.id, "lang": "es"}
    assert client.post("/count/desk", data=beacon, headers=SAME_ORIGIN).status_code == 204
    assert client.post("/count/desk", data={"event": "emergency"}, headers=SAME_ORIGIN).status_code == 204
    unspoken = next(code for code in ("fr", "de", "pt", "it") if code not in LANGUAGES)  # not counted
    assert client.post("/count/desk", data={**beacon, "lang": unspoken}, headers=SAME_ORIGIN).status_code == 204
    flush_all()
    assert totals(app, "desk_result", by="lang") == Counter({"en": 1, "es": 1})
    assert totals(app, "desk_emergency") == 1


def test_a_value_that_is_not_a_short_code_is_refused(app):
    counters = app.extensions["guide_counts"]
    code = "7KQ2M"  # what an answer code looks like
    with pytest.raises(ValueError):
        counters.add("result", {"area": code})
    with pytest.raises(ValueError):
        counters.add("result", {"address": "127.0.0.1"})
    with pytest.raises(ValueError):
        counters.add("visit", {})


def test_the_database_holds_nothing_that_identifies_a_visitor(sqlite_url):
    app = make_app(sqlite_url)
    traces: set[str] = {"127.0.0.1", "localhost", "Werkzeug"}
    for index, combo in enumerate(spread(6)):
        client = app.test_client()
        walk(client, combo)
        page = client.get("/result").get_data(as_text=True)
        traces.add(re.search(r'class="code">([^<]+)<', page).group(1))
        traces.add(client.get_cookie("session").value)
        if index % 2:  # without the cookie: the answers travel in the address as a state code
            cookieless = app.test_client(use_cookies=False)
            response = cookieless.post("/before-you-start", data={URGENT: "no"}, headers=SAME_ORIGIN)
            traces.add(re.search(r"answers=([^&]+)", response.location).group(1))
    flush_all()
    with app.app_context():
        tables = MetaData()
        tables.reflect(db.engine)
        stored = " ".join(
            str(value)
            for table in tables.sorted_tables
            for row in db.session.execute(select(table)).all()
            for value in row
        )
    assert "result" in stored  # the run was counted
    found = [trace for trace in traces if len(trace) >= 5 and trace in stored]
    assert not found


# ------------------------------------------------------------------------------------------------- staff ----


@pytest.fixture
def staff_app(sqlite_url):
    """An app with CSRF on and one staff account, `manager`."""
    app = make_app(sqlite_url, WTF_CSRF_ENABLED=True)
    result = app.test_cli_runner().invoke(staff_cli, ["add", "Manager", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return app


def token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def login(client, name: str, password: str, lang: str = "en"):
    headers = {"Accept-Language": lang}
    page = client.get("/staff/login", headers=headers).get_data(as_text=True)
    data = {"csrf_token": token(page), "username": name, "password": password}
    return client.post("/staff/login", data=data, headers=headers)


@pytest.mark.parametrize("address", ["/staff/insights", "/staff/insights.csv", "/staff/insights?days=90"])
def test_anonymous_requests_to_the_staff_pages_are_refused(staff_app, address):
    response = staff_app.test_client().get(address)
    assert response.status_code == 302
    assert "/staff/login" in response.location
    assert b"day,event" not in response.data


def test_a_staff_member_logs_in_reads_the_insights_and_the_csv_then_logs_out(staff_app, sqlite_url):
    patients = create_app({"SECRET_KEY": "x", "DATABASE_URL": sqlite_url, "WTF_CSRF_ENABLED": False})
    walk(patients.test_client(), COMBOS[0])
    client = staff_app.test_client()
    response = login(client, "manager", PASSWORD)
    assert response.status_code == 302
    page = client.get("/staff/insights")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "fewer than 5" in page.get_data(as_text=True)  # one patient
    csv_rows = client.get("/staff/insights.csv?days=7").get_data(as_text=True).splitlines()
    header = csv_rows[0].split(",")
    assert header[:3] == ["day", "event", "count"]
    results = [dict(zip(header, row.split(","), strict=True)) for row in csv_rows[1:]]
    assert sum(int(row["count"]) for row in results if row["event"] == "result") == 1
    logout_token = token(page.get_data(as_text=True))
    client.post("/staff/logout", data={"csrf_token": logout_token})
    assert client.get("/staff/insights").status_code == 302


def test_counts_of_five_or_more_are_shown_and_the_worst_step_named(staff_app):
    counters = staff_app.extensions["guide_counts"]
    today = counters.today()
    for step, n in (("urgent", 40), ("goal", 38), ("cause", 20), ("gender", 19), ("area", 19), ("check", 18)):
        counters.add("step", {"step": step}, day=today, n=n)
    counters.add("start", {"lang": "en"}, day=today, n=50)
    counters.add("result", {"via": "questions", "category": "cosmetic"}, day=today, n=17)
    client = staff_app.test_client()
    login(client, "manager", PASSWORD)
    page = client.get("/staff/insights?days=7").get_data(as_text=True)
    assert ">38<" in page and ">20<" in page
    assert re.search(r"loses the most patients: Answered the cause", page)


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(staff_app):
    unknown = login(staff_app.test_client(), "nobody", PASSWORD)
    wrong = login(staff_app.test_client(), "manager", "not the password")
    assert unknown.status_code == wrong.status_code == 401

    def visible(response) -> str:
        return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))

    assert visible(unknown) == visible(wrong)


def test_failed_logins_are_limited_per_account_with_a_page_in_the_visitors_language(staff_app):
    client = staff_app.test_client()
    for _ in range(5):
        assert login(client, "manager", "wrong password!").status_code == 401
    refused = login(client, "manager", PASSWORD, lang="es")
    assert refused.status_code == 429
    assert 'lang="es"' in refused.get_data(as_text=True)
    assert "Demasiados intentos" in refused.get_data(as_text=True)


def test_failed_logins_are_limited_per_address(staff_app):
    client = staff_app.test_client()
    for index in range(10):
        assert login(client, f"someone{index}", "wrong password!").status_code == 401
    assert login(client, "manager", PASSWORD).status_code == 429


def test_a_staff_session_ends_after_eight_hours(staff_app, monkeypatch):
    now = [1_800_000_000.0]
    monkeypatch.setattr(counting, "clock", lambda: now[0])
    client = staff_app.test_client()
    login(client, "manager", PASSWORD)
    now[0] += 7 * 3600
    assert client.get("/staff/insights").status_code == 200
    now[0] += 3600 + 1
    response = client.get("/staff/insights")
    assert response.status_code == 302 and "/staff/login" in response.location


def test_a_bad_range_gives_a_message_not_an_error(staff_app):
    client = staff_app.test_client()
    login(client, "manager", PASSWORD, lang="es")
    for query in ("days=12", "from=2026-13-01&to=2026-01-01", "from=2026-02-01&to=2026-01-01", "from=x"):
        response = client.get(f"/staff/insights?{query}", headers={"Accept-Language": "es"})
        assert response.status_code == 200
        assert 'class="error-summary"' in response.get_data(as_text=True)


def test_staff_commands_add_list_and_remove(staff_app):
    runner = staff_app.test_cli_runner()
    assert "manager" in runner.invoke(staff_cli, ["list"]).output
    typed_twice = runner.invoke(staff_cli, ["add", "reception"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert typed_twice.exit_code == 0, typed_twice.output
    mismatch = runner.invoke(staff_cli, ["add", "nurse"], input=f"{PASSWORD}\nsomething else entirely\n" * 3)
    assert mismatch.exit_code != 0
    assert runner.invoke(staff_cli, ["add", "short", "--password-stdin"], input="short\n").exit_code != 0
    assert runner.invoke(staff_cli, ["add", "manager", "--password-stdin"], input=PASSWORD + "\n").exit_code != 0
    assert runner.invoke(staff_cli, ["remove", "manager"]).exit_code == 0
    listed = runner.invoke(staff_cli, ["list"]).output
    assert "reception" in listed and "manager" not in listed
    assert login(staff_app.test_client(), "manager", PASSWORD).status_code == 401


def test_the_staff_command_is_registered_under_flask_guide(sqlite_url):
    env = {"DATABASE_URL": sqlite_url, "PATH": "/usr/bin:/bin", "FLASK_SECRET_KEY": "staff-command-test-" + "k" * 20}
    done = flask_command("guide", "staff", "list", env=env, timeout=120)
    assert done.returncode == 0, done.stderr
