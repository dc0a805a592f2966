"""The guide as production serves it: real gunicorn processes with gunicorn.conf.py, on 127.0.0.1.

A broken table stops the server at start; a reload on a broken table keeps the last sound one;
slow clients do not starve patients; sessions work across workers and across servers that share
a key; logs never show answer codes; what only a real socket can send gets a 4xx, never a 5xx.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import socket
import ssl
import stat
import threading
import time
import urllib.error
import urllib.request

import pytest

from guide import codes
from guide.engine import Answers

from .conftest import GUIDE, RULES
from .serving import GunicornServer, wait_for

ROUTE = {"urgent": "no", "goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}
RESULT = GUIDE.engine.decide(Answers("appearance", "trauma", "male", "nose"))
CODE = codes.encode(GUIDE.engine.questions, RESULT.answers)
KEY = {"FLASK_SECRET_KEY": "shared-" + "k" * 40}


class Patient:
    """A browser walking the questionnaire: keeps cookies, sends each form's CSRF token, one connection a request."""

    def __init__(self, context: ssl.SSLContext | None = None, patience: float = 30) -> None:
        self.cookies = http.cookiejar.CookieJar()
        handlers: list = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.token = ""
        self.patience = patience

    def open(self, url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """GET (or POST `form`); follow redirects; return the status, the final address and the page."""
        data = None
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrf_token": self.token}).encode()
        try:
            with self.opener.open(url, data, timeout=self.patience) as response:
                page = response.read().decode()
                status, where = response.status, response.url
        except urllib.error.HTTPError as error:
            page, status, where = error.read().decode(), error.code, error.url
        if found := re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page):
            self.token = found.group(1)
        return status, where, page

    def walk(self, servers: list[str]) -> str:
        """Answer every question, each step on the next server in turn; the result page, or the page that stopped it."""
        turn = 0
        for step, code in ROUTE.items():
            path = "/before-you-start" if step == "urgent" else f"/question/{step}"
            self.open(servers[turn % len(servers)] + path)
            turn += 1
            status, _where, page = self.open(servers[turn % len(servers)] + path, {step: code})
            turn += 1
            if status != 200:
                return page
        return self.open(servers[turn % len(servers)] + "/result")[2]


def category(page: str) -> str | None:
    """The category a result page shows, or None if it is not a result."""
    found = re.search(r'class="result-panel[^"]*" data-category="([^"]+)"', page)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The guide under gunicorn.conf.py with no secret key configured, its access log on (to a file)."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    env = {"FLASK_SECRET_KEY": "", "FLASK_SECRET_KEY_FILE": str(workdir / "instance" / "secret_key")}
    guide = GunicornServer(workdir, "app:app", env, "--access-logfile", str(workdir / "access.log"))
    with guide:
        assert guide.process is not None and guide.process.poll() is None, guide.output()
        assert wait_for(lambda: len(guide.worker_pids()) == 2), guide.output()
        yield guide


def test_without_a_configured_key_every_patient_reaches_a_result_across_both_workers(server):
    """The key is created once (0600) before the workers start, so they all read each other's sessions."""
    results = [category(Patient().walk([server.url])) for _ in range(6)]
    assert results == [RESULT.category.id] * 6
    key = server.workdir / "instance" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_two_servers_sharing_one_key_serve_one_patient_alternately(tmp_path):
    with GunicornServer(tmp_path, "app:app", KEY) as one, GunicornServer(tmp_path, "app:app", KEY) as two:
        assert category(Patient().walk([one.url, two.url])) == RESULT.category.id


def test_two_servers_with_different_keys_lose_the_patient(tmp_path):
    """The control: without a shared key, the same walk never reaches the result."""
    other = {"FLASK_SECRET_KEY": "other-" + "o" * 40}
    with GunicornServer(tmp_path, "app:app", KEY) as one, GunicornServer(tmp_path, "app:app", other) as two:
        assert category(Patient().walk([one.url, two.url])) is None


def test_a_broken_table_stops_the_server_at_start_with_its_messages(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text(RULES.read_text().replace("id: trauma", "id: traumma", 1))
    guide = GunicornServer(tmp_path, "app:app", {**KEY, "GUIDE_RULES": str(broken)}).start()
    try:
        status = guide.wait_exit(30)
        assert status not in (None, 0)
        assert re.search(r"rules\.yaml:\d+: .*unknown answer \"trauma\"", guide.output())
        assert "Booting worker" not in guide.output()
    finally:
        guide.stop()


def phone(url: str) -> str:
    """The clinic's phone number, as the API gives it."""
    body = {question: code for question, code in ROUTE.items() if question != "urgent"}
    request = urllib.request.Request(
        url + "/api/v1/assess", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["consultation"]["phone"]


def phone_or_none(url: str) -> str | None:
    """The clinic's phone number, or None while no worker answers (a reload's new workers still starting)."""
    try:
        return phone(url)
    except OSError:
        return None


def test_a_reload_on_a_broken_table_keeps_serving_the_last_sound_one(tmp_path):
    table = tmp_path / "rules.yaml"
    sound = RULES.read_text()
    table.write_text(sound)
    clinic_phone = GUIDE.table.clinic.phone
    with GunicornServer(tmp_path, "app:app", {**KEY, "GUIDE_RULES": str(table)}) as guide:
        assert phone(guide.url) == clinic_phone
        table.write_text(sound.replace("id: trauma", "id: traumma", 1))
        guide.signal(signal.SIGHUP)
        assert wait_for(lambda: "Reload refused" in guide.output()), guide.output()
        assert re.search(r"rules\.yaml:\d+: .*unknown answer \"trauma\"", guide.output())
        for _ in range(20):  # the new workers too, whichever answers
            assert phone(guide.url) == clinic_phone
        assert category(Patient().walk([guide.url])) == RESULT.category.id

        table.write_text(sound.replace(f"phone: {clinic_phone}", "phone: 619-000-0000", 1))
        guide.signal(signal.SIGHUP)
        assert wait_for(lambda: all(phone_or_none(guide.url) == "619-000-0000" for _ in range(6)), 90), guide.output()


def slow_client(port: int, stop: threading.Event) -> None:
    """Send a request's headers one byte at a time, for as long as the test lasts."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(0.3):
            try:
                sock.sendall(b"X")
            except OSError:
                return


def test_forty_slow_clients_do_not_stop_the_next_patient(server):
    stop = threading.Event()
    slow = [threading.Thread(target=slow_client, args=(server.port, stop), daemon=True) for _ in range(40)]
    for thread in slow:
        thread.start()
    try:
        time.sleep(1.0)  # every slow client holds its connection, its first bytes sent
        # Held up, the patient's requests would each run out of their time (Patient's timeout) and fail.
        assert category(Patient().walk([server.url])) == RESULT.category.id
    finally:
        stop.set()
        for thread in slow:
            thread.join(2)


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are; the status and the body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)  # nothing more comes: a server waiting for more learns it at once
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def chunked(path: str, content_type: str, chunks: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode() + chunks


@pytest.mark.parametrize(
    "chunks",
    [b"ZZ\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"-1\r\n{}\r\n0\r\n\r\n", b"ffffffffffffffffff\r\n{}\r\n"],
)
def test_a_malformed_chunked_body_is_a_400(server, chunks):
    status, body = raw(server.port, chunked("/api/v1/assess", "application/json", chunks))
    assert status == 400
    assert "errors" in json.loads(body)
    status, _ = raw(server.port, chunked("/before-you-start", "application/x-www-form-urlencoded", chunks))
    assert status == 400


def test_a_chunked_answer_is_decided_like_any_other(server):
    body = json.dumps(RESULT.answers._asdict()).encode()
    chunks = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    for _ in range(2):  # the second one too: a body of no declared length is never replayed, always decided
        status, answer = raw(server.port, chunked("/api/v1/assess", "application/json", chunks))
        assert status == 200
        assert json.loads(answer)["rule"] == RESULT.rule.id


def test_a_body_too_large_is_a_413_page_even_when_chunked(server):
    chunks = b"".join(b"4000\r\n" + b"a" * 0x4000 + b"\r\n" for _ in range(4)) + b"0\r\n\r\n"
    status, body = raw(server.port, chunked("/api/v1/assess", "application/json", chunks))
    assert status == 413
    assert "errors" in json.loads(body)


@pytest.mark.parametrize(
    ("request_line", "headers", "status"),
    [
        ("GET /?" + "a" * 3000 + " HTTP/1.1", "", 414),  # the app's limit: its page
        ("GET /?" + "a" * 9000 + " HTTP/1.1", "", 414),  # gunicorn's
        ("GET / HTTP/1.1", "X-Big: " + "b" * 5000 + "\r\n", 431),
        ("GET / HTTP/1.1", "X-Big: " + "b" * 9000 + "\r\n", 431),
        ("GET / HTTP/1.1", "".join(f"X-{n}: {n}\r\n" for n in range(120)), 431),
    ],
)
def test_oversized_addresses_and_headers_are_414_and_431(server, request_line, headers, status):
    answer, body = raw(server.port, f"{request_line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\r\n".encode())
    assert answer == status


def test_the_access_log_never_shows_an_answer_or_state_code(server):
    steps = (("urgent", ("yes", "no")), *((q.id, q.codes) for q in GUIDE.engine.questions))
    state = codes.encode_state(steps, dict(ROUTE))
    for path in (f"/r/{CODE}", f"/code?code={CODE}", f"/result?answers={state}&lang=es", f"/embed/r/{CODE}"):
        Patient().open(server.url + path)
    log = server.workdir / "access.log"
    assert wait_for(lambda: log.exists() and log.read_text().count("/r/*****") >= 2)
    text = log.read_text()
    assert CODE not in text and state not in text
    assert "lang=es" in text


def test_the_server_itself_refuses_a_broken_key_file(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("x" * 64)
    key.chmod(0o644)
    guide = GunicornServer(tmp_path, "app:app", {"FLASK_SECRET_KEY": "", "FLASK_SECRET_KEY_FILE": str(key)}).start()
    try:
        assert guide.wait_exit(30) not in (None, 0)
        assert "chmod 600" in guide.output()
    finally:
        guide.stop()


# ---------------------------------------------------------------- issue 22: stalls, reloads ----

STALLED_BODY = (
    b"POST /api/v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
)


def stall(port: int, request: bytes) -> bytes:
    """Send part of a request, then nothing; what the server answers before it closes (within 10 s, or a timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def test_a_stalled_body_is_cut_off_with_a_408_within_ten_seconds(server):
    answer = stall(server.port, STALLED_BODY)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:100]
    assert b'"errors"' in answer


def test_stalled_headers_are_cut_off_within_ten_seconds(server):
    assert stall(server.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") == b""


def test_seventy_stalled_bodies_do_not_stop_the_next_patient(server):
    stalled = []
    try:
        for _ in range(70):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            sock.sendall(STALLED_BODY)
            stalled.append(sock)
        started = time.monotonic()
        # Each stalled body holds a thread at most 10 s (REQUEST_DEADLINE); a loaded machine may queue more.
        assert category(Patient(patience=90).walk([server.url])) == RESULT.category.id, time.monotonic() - started
    finally:
        for sock in stalled:
            sock.close()


def test_a_chunked_body_of_exactly_the_limit_is_taken(server):
    answers = json.dumps(RESULT.answers._asdict()).encode()
    body = answers + b" " * (16384 - len(answers))
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10000], body[10000:])) + b"0\r\n\r\n"
    status, answer = raw(server.port, chunked("/api/v1/assess", "application/json", chunks))
    assert status == 200
    assert json.loads(answer)["rule"] == RESULT.rule.id


def test_a_reload_with_a_refused_or_missing_key_keeps_the_old_workers_and_names_the_cause(tmp_path):
    key = tmp_path / "secret_key"
    key.write_text("r" * 64)
    key.chmod(0o600)
    env = {"FLASK_SECRET_KEY": "", "FLASK_SECRET_KEY_FILE": str(key)}
    with GunicornServer(tmp_path, "app:app", env) as guide:
        assert wait_for(lambda: len(guide.worker_pids()) == 2, 60), guide.output()
        workers = sorted(guide.worker_pids())
        patient = Patient()
        assert category(patient.walk([guide.url])) == RESULT.category.id

        key.chmod(0o644)
        guide.signal(signal.SIGHUP)
        assert wait_for(lambda: "Reload refused" in guide.output(), 60), guide.output()
        assert re.search(r"Reload refused: .*secret_key.*chmod 600", guide.output())
        assert sorted(guide.worker_pids()) == workers
        assert category(patient.open(guide.url + "/result")[2]) == RESULT.category.id

        key.unlink()
        guide.signal(signal.SIGHUP)
        assert wait_for(lambda: guide.output().count("Reload refused") == 2, 60), guide.output()
        assert re.search(r"Reload refused: .*secret_key.*missing", guide.output())
        assert not key.exists()  # never a silent new key
        assert sorted(guide.worker_pids()) == workers
        assert category(patient.open(guide.url + "/result")[2]) == RESULT.category.id

        key.write_text("r" * 64)
        key.chmod(0o600)
        guide.signal(signal.SIGHUP)
        assert wait_for(lambda: not set(guide.worker_pids()) & set(workers) and len(guide.worker_pids()) == 2, 90)
        assert category(patient.open(guide.url + "/result")[2]) == RESULT.category.id  # the same key: still theirs
