"""Print what each page of the guide weighs: HTML, plus the CSS and JS it loads (bytes, and gzipped).

Run: `make bench` (or `.venv/bin/python -m tests.bench_pages`). Measures; asserts nothing.
"""

from __future__ import annotations

import gzip
import re

from guide import create_app

from .pages import PATIENT_STATES, open_in_client


def pages(client):
    """Request every page state once; yield (name, response)."""
    for state in PATIENT_STATES:
        yield f"{state.name} {state.path.split('?')[0]}", open_in_client(client, state)
    desk = client.get("/desk")
    if desk.status_code == 200:
        yield "front desk /desk", desk


def main() -> None:
    """Print one row per page."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assets: dict[str, bytes] = {}
    print(f"{'page':42} {'HTML':>7} {'CSS':>7} {'JS':>7} {'total':>7} {'gzip':>7}")
    for name, response in pages(client):
        html = response.get_data()
        linked = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        for path in linked:
            assets.setdefault(path.decode(), client.get(path.decode()).get_data())
        css = sum(len(assets[p.decode()]) for p in linked if p.endswith(b".css"))
        js = sum(len(assets[p.decode()]) for p in linked if p.endswith(b".js"))
        zipped = len(gzip.compress(html)) + sum(len(gzip.compress(assets[p.decode()])) for p in linked)
        print(f"{name:42} {len(html):7} {css:7} {js:7} {len(html) + css + js:7} {zipped:7}")


if __name__ == "__main__":
    main()
