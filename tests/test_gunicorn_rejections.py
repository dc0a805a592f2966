"""Issue 22, what gunicorn itself refuses, through a real gunicorn under gunicorn.conf.py on 127.0.0.1.

Malformed chunking is answered 400 as soon as it cannot become valid, not when the read deadline
(a 408) cuts it off; a body the app did not read never gets a second answer. gunicorn's own
refusals keep their status, carry the headers of every guide response, and repeat nothing of the
request, in their page or in the logs.
"""

from __future__ import annotations

import json
import socket

import pytest

from guide import codes
from guide.engine import combinations

from .conftest import GUIDE
from .serving import GunicornServer, wait_for

#: An answer code, a patient's answers: it must never come back in a refusal nor reach a log.
CODE = codes.encode(GUIDE.engine.questions, next(iter(combinations(GUIDE.table))))
#: Bytes of a body nobody should ever see again: in a chunk-size line, or as a chunk.
SECRET = "deadbeefcafe"
#: The headers every guide response carries, whatever it is (guide.headers, and no-store for pages).
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "cache-control",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The guide under gunicorn.conf.py, logging everything (DEBUG) and its access log on, both to files."""
    workdir = tmp_path_factory.mktemp("rejections")
    access = workdir / "access.log"
    env = {"FLASK_SECRET_KEY": "rejections-" + "r" * 32}
    guide = GunicornServer(workdir, "app:app", env, "--log-level", "debug", "--access-logfile", str(access))
    with guide:
        assert guide.process is not None and guide.process.poll() is None, guide.output()
        guide.access_log = access
        yield guide


class Answer:
    """Everything a server sent on one connection, until it closed it: its first response, and what followed."""

    def __init__(self, received: bytes) -> None:
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split(" ", 2)[1])
        self.headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:])}
        length = int(self.headers.get("content-length", len(rest)))
        self.body, self.after = rest[:length], rest[length:]


def send(port: int, request: bytes) -> Answer:
    """Send a request and leave the connection open (the client neither closes nor sends more); read to the end.

    Nothing the client does tells the server the request is over: whatever answers it, the server decided.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received, "the connection was cut without an answer"
    return Answer(received)


def chunked(method: str, path: str, content_type: str, chunks: bytes) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode() + chunks


#: Chunked bodies that no further byte can make valid, each sent with the connection left open.
MALFORMED = {
    "size line ended by a bare LF": f"2\n{{}}\n0\n\n{SECRET}".encode(),
    "size that is not hex": f"zz{SECRET}".encode(),
    "size that is not hex, then CRLF": f"{SECRET}zz\r\n".encode(),
    "absurdly large size": f"{SECRET * 3}\r\n{{}}".encode(),
    "absurdly large size, its line unfinished": SECRET.encode() * 3,
    "a chunk larger than the body limit": b"4001\r\n{}",
    "a chunk followed by a bare LF": b"2\r\n{}\n",
}
#: Where a body is read: the API (its errors in JSON), a form (a page in the visitor's language).
READERS = {
    "api": ("/api/v1/assess", "application/json"),
    "form": ("/before-you-start", "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("chunks", MALFORMED.values(), ids=MALFORMED)
def test_malformed_chunking_is_answered_400_at_once_not_cut_off_by_the_deadline(server, reader, chunks):
    path, content_type = READERS[reader]
    answer = send(server.port, chunked("POST", path, content_type, chunks))
    # The read deadline would have answered 408: a 400 is the refusal, before any deadline.
    assert answer.status == 400, answer.body[:200]
    if reader == "api":
        assert "errors" in json.loads(answer.body)
    assert answer.after == b""


def test_a_chunked_body_without_its_last_chunk_is_a_stall_answered_408(server):
    # It may still come: only the read deadline can tell, and it answers (not a connection cut short).
    answer = send(server.port, chunked("POST", *READERS["api"], b"2\r\n{}\r\n"))
    assert answer.status == 408
    assert "errors" in json.loads(answer.body)


@pytest.mark.parametrize("chunks", MALFORMED.values(), ids=MALFORMED)
def test_a_malformed_body_the_app_did_not_read_gets_one_answer_then_the_connection_closes(server, chunks):
    answer = send(server.port, chunked("GET", "/", "text/plain", chunks))
    assert answer.status == 200
    assert answer.after == b"", answer.after[:200]  # gunicorn alone would send a 400 after it


def test_nothing_of_a_refused_body_reaches_the_logs(server):
    for chunks in MALFORMED.values():
        send(server.port, chunked("POST", *READERS["api"], chunks))
        send(server.port, chunked("GET", "/", "text/plain", chunks))
    assert wait_for(lambda: server.access_log.exists() and "POST /api/v1/assess" in server.access_log.read_text())
    for log in (server.output(), server.access_log.read_text()):
        assert SECRET not in log.lower()
        assert "Invalid request from" not in log  # gunicorn's WARNING, with the bytes it refused


#: What gunicorn refuses before the app sees anything, and the status it answers (its own).
GUNICORN_REFUSALS = {
    "a request line with a code and junk": (f"GET /r/{CODE} HTTP/1.1 {SECRET}\r\n\r\n", 400),
    "an unknown HTTP version": (f"GET /r/{CODE} HTTP/9.{SECRET}\r\nHost: 127.0.0.1\r\n\r\n", 400),
    "a transfer coding gunicorn does not know": (
        f"POST /r/{CODE} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: x{SECRET}\r\n\r\n",
        501,
    ),
    "an address over gunicorn's limit": (f"GET /r/{CODE}?{SECRET}={'a' * 9000} HTTP/1.1\r\n\r\n", 414),
    "a header over gunicorn's limit": (f"GET /r/{CODE} HTTP/1.1\r\nX-{SECRET}: {'b' * 9000}\r\n\r\n", 431),
    "too many headers": (
        f"GET /r/{CODE} HTTP/1.1\r\n" + "".join(f"X-{n}: {SECRET}\r\n" for n in range(120)) + "\r\n",
        431,
    ),
    "a header name with a blank": (f"GET /r/{CODE} HTTP/1.1\r\nHost: 127.0.0.1\r\nX {SECRET}: 1\r\n\r\n", 400),
    "two lengths": (
        f"POST /r/{CODE} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 12\r\n\r\n{SECRET}",
        400,
    ),
}


@pytest.fixture(scope="module")
def guide_headers(server) -> dict[str, str]:
    """The security headers of one of the guide's own error pages, served by the same server."""
    answer = send(server.port, b"GET /no-such-page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.status == 404
    return {name: answer.headers[name] for name in SECURITY_HEADERS}


@pytest.mark.parametrize(("request_text", "status"), GUNICORN_REFUSALS.values(), ids=GUNICORN_REFUSALS)
def test_gunicorns_refusals_keep_their_status_and_carry_the_guides_headers(server, guide_headers, request_text, status):
    answer = send(server.port, request_text.encode())
    assert answer.status == status
    assert {name: answer.headers.get(name) for name in SECURITY_HEADERS} == guide_headers
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode("latin-1")
    assert CODE not in page and SECRET not in page.lower()  # nothing of the request comes back


def test_gunicorns_refusals_log_nothing_of_the_request(server):
    for request_text, _status in GUNICORN_REFUSALS.values():
        send(server.port, request_text.encode())
    log = server.output() + (server.access_log.read_text() if server.access_log.exists() else "")
    assert CODE not in log and SECRET not in log.lower()
    assert "Invalid request from" not in log
