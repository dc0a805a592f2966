"""Print Lighthouse's scores for the patient pages: Performance, Accessibility, Best practices, SEO.

Serves the guide with gunicorn on 127.0.0.1, as in production, and runs Lighthouse 12 (installed by
`make bench` into a cache folder outside the repository, LIGHTHOUSE_DIR) against Debian's Chromium,
offline: the start page, a question sent empty, check answers and a result, in English and Spanish,
then a result opened by its answer code (kept out of search engines on purpose, so its SEO score
shows what that costs). Each page is measured LIGHTHOUSE_RUNS times (3), the median printed, as
Lighthouse advises: Performance varies with a shared CPU. Run: `make bench`. Measures; asserts
nothing. The goal is 100 in each.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = Path(os.environ.get("LIGHTHOUSE_DIR", Path.home() / ".cache" / "guide-bench" / "lighthouse-12.2.3"))
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
COLUMNS = {"performance": "Perf", "accessibility": "A11y", "best-practices": "BP", "seo": "SEO"}


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:port with a fixed secret; wait until it answers."""
    env = {**os.environ, "FLASK_SECRET_KEY": "lighthouse-bench-" + "x" * 32, "FLASK_SESSION_COOKIE_SECURE": "false"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning", "app:app"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on 127.0.0.1")


def main() -> None:
    """Print one row per page and language."""
    if not (LIGHTHOUSE_DIR / "node_modules" / "lighthouse").is_dir():
        raise SystemExit(f"Lighthouse is not installed in {LIGHTHOUSE_DIR}: run `make bench`")
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium): skipping Lighthouse")
        return
    port = free_port()
    server = serve(port)
    try:
        run = subprocess.run(
            ["node", str(ROOT / "tests" / "bench_lighthouse.mjs"), f"http://127.0.0.1:{port}", str(LIGHTHOUSE_DIR)],
            capture_output=True,
            text=True,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    rows = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode or not rows:
        print(run.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"Lighthouse failed (exit {run.returncode})")
    runs = len(rows[0]["every"]["seo"])
    print(
        f"Lighthouse {lighthouse_version()}, mobile, simulated throttling, gunicorn on 127.0.0.1: median of {runs} runs"
    )
    print(
        f"{'page':30} {'lang':4} " + " ".join(f"{name:>4}" for name in COLUMNS.values()) + "  audits below 1 in any run"
    )
    for row in rows:
        scores = " ".join(f"{row['scores'][key]:>4}" for key in COLUMNS)
        print(f"{row['name']:30} {row['lang']:4} {scores}  {' '.join(row['failed']) or '-'}")
    low = {f"{row['name']} {row['lang']} {key}": row["every"][key] for row in rows for key in COLUMNS}
    print(
        "runs below 100: "
        + ("; ".join(f"{name} {scores}" for name, scores in low.items() if min(scores) < 100) or "none")
    )


def lighthouse_version() -> str:
    """The version of Lighthouse installed in LIGHTHOUSE_DIR."""
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"]


if __name__ == "__main__":
    main()
