"""Print what each page of the guide weighs: HTML, plus the CSS and JS it loads (bytes, and gzipped).

Run: `make bench` (or `.venv/bin/python -m tests.bench_pages`). Measures; asserts nothing.
"""

from __future__ import annotations

import gzip
import re

from guide import create_app

ROUTE = {"urgent": "no", "goal": "appearance", "cause": "trauma", "gender": "male", "area": "nose"}


def pages(client):
    """Request every page state once; yield (name, response)."""
    yield "start /", client.get("/")
    for step, code in ROUTE.items():
        path = "/before-you-start" if step == "urgent" else f"/question/{step}"
        yield f"question {path}", client.get(path)
        yield f"question {path}, with error", client.post(path, data={})
        client.post(path, data={step: code})
    yield "check answers /check-answers", client.get("/check-answers")
    yield "result /result", client.get("/result")
    yield "emergency /get-help-now", client.get("/get-help-now")
    yield "answer code /code", client.get("/code")
    yield "not found (404)", client.get("/nowhere")
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
