"""nginx in front, as the README deploys it: Debian's nginx with deploy/nginx.conf, over TLS, before gunicorn.

The configuration is the shipped one, with only what a test must change: its ports (free ones on
127.0.0.1), gunicorn's address, and the certificate paths (a self-signed certificate made here).
nginx runs in the foreground with a temporary folder as its prefix (its logs, its buffers, and
`static` linked to the project's), and is stopped by its PID. Without nginx or openssl these tests
are skipped with a message, except under CI (CI=true): a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from guide import codes

from .conftest import GUIDE
from .serving import ROOT, GunicornServer, free_port, port_open, wait_for
from .test_serving import CODE, RESULT, ROUTE, Patient, category

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = ROOT / "deploy" / "nginx.conf"
KEY = {"FLASK_SECRET_KEY": "nginx-" + "n" * 40, "GUIDE_PROXIES": "1", "TRUSTED_HOSTS": "localhost 127.0.0.1"}


def need(program: str) -> None:
    """Skip (or, under CI, fail) when a program the test runs is missing."""
    if shutil.which(program) or Path(program).exists():
        return
    message = f"{program} not found: `apt-get install nginx openssl` (.ci/run installs them)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


class Nginx:
    """deploy/nginx.conf served by Debian's nginx from a temporary prefix, in front of `upstream`."""

    def __init__(self, prefix: Path, upstream: int) -> None:
        self.prefix = prefix
        self.port = free_port()
        self.plain_port = free_port()
        (prefix / "instance" / "nginx").mkdir(parents=True)
        (prefix / "static").symlink_to(ROOT / "static")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-keyout", str(prefix / "cert.key"), "-out", str(prefix / "cert.pem")],
            check=True,
            capture_output=True,
        )
        conf = CONF.read_text()
        for old, new in (
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.port} ssl http2;"),
            ("listen 80;", f"listen 127.0.0.1:{self.plain_port};"),
            ("listen [::]:443 ssl http2;", ""),
            ("listen [::]:80;", ""),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
            ("/etc/ssl/certs/lotus-guide.pem", str(prefix / "cert.pem")),
            ("/etc/ssl/private/lotus-guide.key", str(prefix / "cert.key")),
        ):
            assert old in conf, old
            conf = conf.replace(old, new)
        (prefix / "nginx.conf").write_text(conf)
        # As root, nginx's workers would run as `nobody`, who cannot enter a test's temporary folder.
        user = "user root;" if os.geteuid() == 0 else ""
        self.command = [NGINX, "-p", f"{prefix}/", "-c", "nginx.conf", "-g", f"daemon off; {user}"]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The guide's address through nginx."""
        return f"https://localhost:{self.port}"

    def log(self, name: str) -> str:
        """One of nginx's logs (access.log, error.log), as written so far."""
        path = self.prefix / "instance" / "nginx" / name
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Nginx:
        with (self.prefix / "nginx.out").open("wb") as output:
            self.process = subprocess.Popen(self.command, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None and not port_open(self.port):
            time.sleep(0.1)
        if not port_open(self.port):
            self.__exit__()
            pytest.fail(f"nginx did not start: {(self.prefix / 'nginx.out').read_text(errors='replace')}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: logs flushed
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def tls() -> ssl.SSLContext:
    """A client that accepts the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET through nginx, not following redirects: the status, the headers (lower-case names, Set-Cookie joined)."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls()), Stay())
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=20) as response:
            status, message, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, message, body = error.code, error.headers, error.read()
    names = {name.lower() for name in message}
    return status, {name: "\n".join(message.get_all(name) or []) for name in names}, body


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn on loopback (its access log on), nginx in front of it."""
    need(NGINX)
    need("openssl")
    workdir = tmp_path_factory.mktemp("nginx")
    guide = GunicornServer(workdir, "app:app", KEY, "--access-logfile", str(workdir / "gunicorn-access.log"))
    with guide:
        assert wait_for(lambda: len(guide.worker_pids()) == 2, 60), guide.output()
        with Nginx(workdir / "prefix", guide.port) as nginx:
            yield nginx, guide


def test_a_patient_finishes_through_nginx_with_hsts_and_secure_cookies(site):
    nginx, _guide = site
    patient = Patient(tls())
    assert category(patient.walk([nginx.url])) == RESULT.category.id
    assert patient.cookies and all(cookie.secure for cookie in patient.cookies)
    status, headers, _ = fetch(nginx.url + "/before-you-start")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in headers["set-cookie"].lower()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', fetch(nginx.url + "/")[2].decode())
    assert canonical and canonical.group(1).startswith("https://localhost")  # a trusted host, over TLS


def test_plain_http_is_sent_to_https(site):
    nginx, _guide = site
    status, headers, _ = fetch(f"http://127.0.0.1:{nginx.plain_port}/")
    assert status == 301 and headers["location"].startswith("https://")


def test_a_forged_host_is_refused(site):
    nginx, _guide = site
    status, _headers, body = fetch(nginx.url + "/", {"Host": "evil.example"})
    assert status == 400
    assert b"evil.example" not in body


def test_static_files_come_from_nginx_kept_a_year(site):
    nginx, guide = site
    page = fetch(nginx.url + "/")[2].decode()
    addresses = re.findall(r'(?:href|src)="(/static/[^"]+\?v=\w+)"', page)
    assert len(addresses) >= 2
    for address in addresses:
        status, headers, body = fetch(nginx.url + address)
        assert status == 200 and body
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = fetch(nginx.url + "/static/embed.js")  # another site's page, without the hash
    assert status == 200
    assert headers["cache-control"] == "no-cache" and headers["cross-origin-resource-policy"] == "cross-origin"
    fetch(nginx.url + "/r/" + CODE)  # a request gunicorn answers, after the static ones
    log = Path(guide.workdir / "gunicorn-access.log")
    assert wait_for(lambda: log.exists() and "/r/*****" in log.read_text())
    assert "/static/" not in log.read_text()  # nginx served them all


def test_no_log_holds_an_answer_or_state_code(site):
    nginx, guide = site
    steps = (("urgent", ("yes", "no")), *((q.id, q.codes) for q in GUIDE.engine.questions))
    state = codes.encode_state(steps, dict(ROUTE))
    spellings = [
        f"/r/{CODE}",
        f"/%2Fr/{CODE}",
        f"/%2fr%2f{CODE}",
        f"/embed/%2Fr/{CODE}",
        f"/embed/r/{CODE}",
        f"/R/{CODE}",
        f"/code?code={CODE}",
        f"/result?answers={state}&lang=es",
        f"/?answers={state}",
    ]
    for path in spellings:
        fetch(nginx.url + path)
    # An upstream failure: nginx's error log would name the request line (its level is `crit` and worse).
    gunicorn_log = Path(guide.workdir / "gunicorn-access.log")
    assert wait_for(lambda: nginx.log("access.log").count("/r/*****") >= 5)
    assert wait_for(lambda: gunicorn_log.exists() and gunicorn_log.read_text().count("*****") >= 5)
    for text in (nginx.log("access.log"), nginx.log("error.log"), gunicorn_log.read_text(), guide.output()):
        assert CODE not in text and CODE.lower() not in text and state not in text


def slow_client(port: int) -> ssl.SSLSocket:
    """A slow client: a TLS handshake, a request's headers, then the first byte of its body (more come later)."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock = tls().wrap_socket(raw, server_hostname="localhost")
    sock.sendall(b"POST /api/v1/assess HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{")
    return sock


def trickle(held: list[ssl.SSLSocket], stop: threading.Event) -> None:
    """Send each slow client's body on, a byte a second each, as long as the test lasts."""
    while not stop.wait(1.0):
        for sock in held:
            with contextlib.suppress(OSError):
                sock.sendall(b" ")


def test_two_hundred_slow_clients_held_by_nginx_leave_the_guide_answering(site):
    nginx, _guide = site
    held = [slow_client(nginx.port) for _ in range(200)]
    stop = threading.Event()
    sender = threading.Thread(target=trickle, args=(held, stop), daemon=True)
    sender.start()
    try:
        for _ in range(3):
            assert category(Patient(tls()).walk([nginx.url])) == RESULT.category.id
        assert all(sock.fileno() != -1 for sock in held)
    finally:
        stop.set()
        sender.join(10)
        for sock in held:
            sock.close()


def test_an_upstream_failure_leaves_no_code_in_nginxs_logs(tmp_path):
    need(NGINX)
    need("openssl")
    with Nginx(tmp_path, free_port()) as nginx:  # nothing listens there: every request fails upstream
        status, _headers, _body = fetch(nginx.url + f"/r/{CODE}?answers={CODE}")
        assert status == 502
    assert " 502 " in nginx.log("access.log") and "/r/*****" in nginx.log("access.log")
    for name in ("access.log", "error.log"):
        assert CODE not in nginx.log(name)
