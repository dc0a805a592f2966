"""Real gunicorn servers for tests and benchmarks: started on 127.0.0.1 on a free port, stopped by PID.

`GunicornServer` runs `.venv/bin/gunicorn` with the project's gunicorn.conf.py (so the settings under
test are the production ones), writes the master's PID to a file, waits until a worker answers, and
stops the master by that PID (SIGTERM, then SIGKILL), whatever the test did.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    """Tell whether something accepts connections on 127.0.0.1:port."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def answers(port: int) -> bool:
    """Tell whether a worker answers HTTP on 127.0.0.1:port (with any status: it has loaded its app and serves)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/v1/questions")  # cheap, counted by nothing, and not a static file
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def wait_for(condition, timeout: float = 60.0) -> bool:
    """Poll `condition` until it holds or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class GunicornServer:
    """One gunicorn master (and its workers) serving `app` under gunicorn.conf.py."""

    def __init__(self, workdir: Path, app: str = "app:app", env: dict[str, str] | None = None, *args: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.pidfile = workdir / f"gunicorn-{self.port}.pid"
        self.log = workdir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, **(env or {})}
        self.env.pop("GUNICORN_CMD_ARGS", None)
        self.command = [
            str(GUNICORN),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            *args,
            app,
        ]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 90.0) -> GunicornServer:
        """Start the master; wait until a worker answers (or the master has exited): workers load and warm first."""
        with self.log.open("wb") as log:
            # The shell writes its PID, then becomes gunicorn: the file names the master.
            self.process = subprocess.Popen(
                ["sh", "-c", f'echo $$ > "{self.pidfile}"; exec "$@"', "sh", *self.command],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None or answers(self.port):
                break
            time.sleep(0.1)
        return self

    @property
    def pid(self) -> int:
        """The master's PID, as written to the PID file."""
        return int(self.pidfile.read_text())

    def worker_pids(self) -> list[int]:
        """The PIDs of the master's children (its workers)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """Wait for the master to exit by itself; its exit status, or None if it is still running."""
        assert self.process is not None
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def output(self) -> str:
        """Everything the server printed (its error log)."""
        return self.log.read_text(errors="replace")

    def signal(self, sig: int) -> None:
        """Send a signal to the master."""
        os.kill(self.pid, sig)

    def stop(self) -> None:
        """Stop the master by its PID: SIGTERM, then SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.signal(signal.SIGTERM)
            self.process.wait(10)
        except (OSError, ValueError):
            pass
        except subprocess.TimeoutExpired:
            for pid in [*self.worker_pids(), self.pid]:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(5)

    def __enter__(self) -> GunicornServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
