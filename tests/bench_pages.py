"""Print what each page of the guide weighs: HTML, plus the CSS and JS it loads (bytes, and gzipped).

Run: `make bench` (or `.venv/bin/python -m tests.bench_pages`). Measures; asserts nothing (the budget
itself is a test: tests/test_layout.py).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

from guide import create_app

from .pages import PATIENT_STATES, open_in_client

#: No patient page may weigh more than this, HTML + CSS + JS before compression (issue 11).
BUDGET = 20 * 1024


@dataclass(frozen=True)
class Weight:
    """What one page weighs, in bytes."""

    html: int
    css: int
    js: int
    gzipped: int

    @property
    def total(self) -> int:
        """HTML, CSS and JS together, before compression."""
        return self.html + self.css + self.js


def weigh(client, html: bytes, assets: dict[str, bytes]) -> Weight:
    """Weigh a page with the style sheets and scripts it links (fetched once into `assets`)."""
    linked = [path.decode() for path in re.findall(rb'(?:href|src)="(/static/[^"?]+\.(?:css|js))(?:\?v=\w+)?"', html)]
    for path in linked:
        if path not in assets:
            assets[path] = client.get(path).get_data()
    css = sum(len(assets[p]) for p in linked if p.endswith(".css"))
    js = sum(len(assets[p]) for p in linked if p.endswith(".js"))
    zipped = len(gzip.compress(html)) + sum(len(gzip.compress(assets[p])) for p in linked)
    return Weight(len(html), css, js, zipped)


def pages(client, language: str = "en"):
    """Request every page state once in a language; yield (name, response)."""
    headers = {"Accept-Language": language}
    for state in PATIENT_STATES:
        yield f"{state.name} {state.path.split('?')[0]}", open_in_client(client, state, headers)
    desk = client.get("/desk", headers=headers)
    if desk.status_code == 200:
        yield "front desk /desk", desk


def main() -> None:
    """Print one row per page: English in detail, and the Spanish page's total beside it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    assets: dict[str, bytes] = {}
    spanish = {name: weigh(client, response.get_data(), assets) for name, response in pages(client, "es")}
    print(f"{'page':48} {'HTML':>7} {'CSS':>7} {'JS':>7} {'total':>7} {'gzip':>7} {'es total':>9}")
    for name, response in pages(client):
        weight = weigh(client, response.get_data(), assets)
        print(
            f"{name:48} {weight.html:7} {weight.css:7} {weight.js:7} {weight.total:7} {weight.gzipped:7}"
            f" {spanish[name].total:9}"
        )
    print(f"budget for a patient page: {BUDGET} bytes of HTML + CSS + JS before compression")


if __name__ == "__main__":
    main()
