"""Hostile input, generated: every form and the API get bodies, queries and headers no browser sends.

Property: never a 5xx; the API answers `{"errors": {field: [message, ...]}}` of bounded size,
the pages answer HTML. `make test` runs a few examples of each property; `make fuzz` runs many
(GUIDE_FUZZ_EXAMPLES, ≥ 10,000 requests in all, including raw sockets against gunicorn for what
only a real server sees: malformed chunking, oversized headers) and prints how many got a 5xx.
"""

from __future__ import annotations

import json
import os
import socket
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide import create_app

from .serving import GunicornServer

EXAMPLES = int(os.environ.get("GUIDE_FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
#: What was sent, and how many answers were 5xx: printed at the end of the module (`make fuzz`).
SENT: Counter[str] = Counter()
#: The largest API error the guide may send, in bytes.
MAX_ERROR = 4096

FORMS = ["/before-you-start", "/question/goal", "/question/cause", "/question/gender", "/question/area"]
FORMS += ["/start-again", "/desk", "/embed/before-you-start", "/embed/question/area"]
CODES = ["appearance", "function", "unsure", "none", "trauma", "female", "male", "nose", "yes", "no", "x"]

text = st.text(st.characters(codec="utf-8"), max_size=60)
junk = st.one_of(text, st.sampled_from(CODES), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(junk, inner, max_size=5),
    max_leaves=20,
)


@st.composite
def json_bodies(draw) -> bytes:
    """JSON and near-JSON: values of every shape, answer objects with wrong fields, nesting, bad bytes."""
    kind = draw(st.sampled_from(["value", "answers", "nested", "many", "bytes", "encoded"]))
    if kind == "value":
        return json.dumps(draw(json_values)).encode()
    if kind == "answers":
        fields = st.sampled_from(["goal", "cause", "gender", "area"]) | junk
        return json.dumps(draw(st.dictionaries(fields, json_values | st.sampled_from(CODES), max_size=8))).encode()
    if kind == "nested":
        depth = draw(st.integers(1, 8000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * draw(st.integers(0, depth))).encode()
    if kind == "many":
        return json.dumps({f"field{n}": n for n in range(draw(st.integers(1, 1500)))}).encode()
    if kind == "encoded":
        codec = draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252"]))
        return json.dumps({"goal": draw(text)}, ensure_ascii=False).encode(codec, "replace")
    return draw(st.binary(max_size=300))


@st.composite
def form_bodies(draw) -> bytes:
    """Form bodies: fields of the questionnaire and the desk with odd values, odd encodings, odd sizes."""
    fields = st.sampled_from(["urgent", "goal", "cause", "gender", "area", "csrf_token", "lang", "code"]) | junk
    pairs = draw(st.lists(st.tuples(fields, junk), max_size=12))
    body = "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
    return body + draw(st.sampled_from([b"", b"%", b"%zz", b"\xff\xfe", b"&&&==", b"=" * 50]))


CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "application/json; charset=latin-1",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "text/plain",
        "application/json; charset=utf-7",
        "*/*",
    ]
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Accept-Language": st.sampled_from(["es", "en", "es-MX,es;q=0.9", "*", "zz;q=x", "", "e" * 300]),
        "Sec-Fetch-Site": st.sampled_from(["same-origin", "cross-site", "none", "", "x"]),
        "Origin": st.sampled_from(["null", "http://localhost", "http://evil.example", "::", ""]),
        "Cookie": st.sampled_from(["session=x", "session=" + "a" * 500, "lang=es", "lang=zz; session=.eJw"]),
    },
)


@pytest.fixture(scope="module")
def app():
    """The app as production configures it: CSRF on, errors handled as in production (not re-raised)."""
    return create_app({"SECRET_KEY": "hostile-" + "h" * 32})


@pytest.fixture(scope="module", autouse=True)
def report():
    """Print what the module sent (shown by `make fuzz`)."""
    yield
    print(
        f"\n[fuzz] {SENT['requests']} generated requests, {SENT['5xx']} answered with a 5xx, "
        f"{SENT['unanswered']} left without an answer"
    )


def check(response, path: str) -> None:
    """Never a 5xx; the API's errors are small JSON of the agreed shape; pages are HTML."""
    SENT["requests"] += 1
    if response.status_code >= 500:
        SENT["5xx"] += 1
    assert response.status_code < 500, (path, response.status_code, response.get_data()[:300])
    if response.status_code < 400:
        return
    if path.startswith("/api/"):
        assert len(response.get_data()) <= MAX_ERROR
        errors = response.get_json()["errors"]
        assert errors and all(isinstance(m, list) and all(isinstance(s, str) for s in m) for m in errors.values())
    else:
        assert response.mimetype == "text/html"


@FUZZ
@given(
    body=json_bodies(), content_type=CONTENT_TYPES, headers=HEADERS, lang=st.sampled_from(["", "?lang=es", "?lang="])
)
def test_the_api_never_fails_on_any_body(app, body, content_type, headers, lang):
    path = "/api/v1/assess" + lang
    check(app.test_client().post(path, data=body, content_type=content_type, headers=headers), path)


@FUZZ
@given(
    path=st.sampled_from(FORMS),
    body=form_bodies() | json_bodies(),
    content_type=CONTENT_TYPES,
    headers=HEADERS,
    session=st.booleans(),
)
def test_no_form_fails_on_any_body(app, path, body, content_type, headers, session):
    client = app.test_client()
    if session:  # a browser with the session cookie (and so a CSRF token to check)
        client.get("/before-you-start")
    check(client.post(path, data=body, content_type=content_type, headers=headers), path)


@FUZZ
@given(
    path=st.sampled_from(["/", "/result", "/check-answers", "/code", "/desk", "/embed/", "/api/v1/questions"])
    | st.text(st.characters(codec="utf-8", exclude_characters="?#"), max_size=40).map(lambda s: "/r/" + s)
    | st.text(st.characters(codec="utf-8", exclude_characters="?#"), max_size=40).map(lambda s: "/api/" + s),
    query=st.lists(
        st.tuples(st.sampled_from(["answers", "code", "lang", "notice", "change"]) | junk, junk), max_size=4
    ),
    headers=HEADERS,
)
def test_no_page_fails_on_any_address(app, path, query, headers):
    client = app.test_client()
    check(client.get(path, query_string=query, headers=headers), path)


@FUZZ
@given(size=st.integers(16 * 1024 + 1, 200 * 1024), path=st.sampled_from(["/api/v1/assess", *FORMS]))
def test_a_body_over_the_limit_is_a_413(app, size, path):
    response = app.test_client().post(path, data=b"a" * size, content_type="application/json")
    check(response, path)
    assert response.status_code == 413


# ------------------------------------------------------------------ over a real socket, against gunicorn ----


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The guide under gunicorn.conf.py."""
    with GunicornServer(tmp_path_factory.mktemp("hostile"), "app:app", {"FLASK_SECRET_KEY": "s" * 40}) as guide:
        yield guide


@st.composite
def raw_requests(draw) -> bytes:
    """Whole requests as bytes: chunked bodies framed wrongly, headers too long or too many, odd lines."""
    method = draw(st.sampled_from(["POST", "GET", "PUT", "DELETE"]))
    path = draw(st.sampled_from(["/api/v1/assess", "/before-you-start", "/question/goal", "/desk", "/"]))
    path += draw(st.sampled_from(["", "?lang=es", "?" + "q" * 3000, "?answers=" + "Z" * 9000]))
    content_type = draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded"]))
    headers = [f"Content-Type: {content_type}"]
    headers += [f"X-{n}: {'v' * draw(st.integers(0, 9000))}" for n in range(draw(st.integers(0, 3)))]
    headers += [f"X-Many-{n}: 1" for n in range(draw(st.sampled_from([0, 0, 70, 120])))]
    body = draw(json_bodies() | form_bodies())
    framing = draw(st.sampled_from(["chunked", "broken-chunks", "length", "short-length", "none"]))
    if framing == "chunked":
        headers.append("Transfer-Encoding: chunked")
        body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    elif framing == "broken-chunks":
        headers.append("Transfer-Encoding: chunked")
        size = draw(st.sampled_from(["zz", "-1", "ffffffffffffffffffff", " 1", "1;x=\x01", ""]))
        body = size.encode("latin-1") + b"\r\n" + body + draw(st.sampled_from([b"", b"\r\n", b"\r\n0\r\n"]))
    elif framing == "length":
        headers.append(f"Content-Length: {len(body)}")
    elif framing == "short-length":
        headers.append(f"Content-Length: {len(body) + draw(st.integers(1, 100))}")
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + "".join(
        h + "\r\n" for h in headers
    )
    return head.encode("latin-1", "replace") + b"\r\n" + body


def status_of(port: int, request: bytes) -> int | None:
    """Send bytes as they are, then close our side; the status the server answered (None: it closed without one)."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        try:
            sock.sendall(request)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer (and close) before it has read everything
        answer = b""
        try:
            while len(answer) < 64 and (chunk := sock.recv(4096)):
                answer += chunk
        except OSError:
            pass
    parts = answer.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


@settings(FUZZ, max_examples=max(5, EXAMPLES // 3))
@given(request=raw_requests())
def test_no_raw_request_gets_a_5xx_from_gunicorn(server, request):
    status = status_of(server.port, request)
    SENT["requests"] += 1
    if status is None:
        SENT["unanswered"] += 1
    elif status >= 500:
        SENT["5xx"] += 1
    assert status is not None, ("closed without an answer", request[:300])
    assert status < 500, (status, request[:300])
