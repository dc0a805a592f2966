"""Every result, printed: all 630 combinations in every language, on US Letter and on A4, through Chromium's PDF
output, each on one page that carries the clinic, the date, the answer code and what the code is for.

Printing 2,520 documents one by one takes minutes; instead each language's results go into one document, one
result per sheet (each page's own body, under the guide's stylesheet, a page break before each), which Chromium
prints once per paper size. A result that needs more than one page pushes every result after it a page further,
so the document has exactly as many pages as results only if each fits one; the text of page N (pdftotext) must
then be result N's, with its code on it. The result with the most text is then printed alone, from its own
address, as a patient would: one page too.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from guide import codes
from guide.forms import URGENT

from .conftest import CLINIC, GUIDE, LANGUAGES, ROOT, _need
from .pages import carrying

pytestmark = pytest.mark.browser

PAPERS = ("Letter", "A4")
BODY = re.compile(r"<body([^>]*)>(.*)</body>", re.S)
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
#: What must be on a result's printed page besides its code, as the page shows it: the date and what the code is for.
SHOWN = (re.compile(r"<time [^>]*>([^<]+)</time>"), re.compile(r'class="hint code-hint">([^<]+)</p>'))
#: Each result on its own sheet, as when it is printed alone: every page starts with a result.
SHEETS = "<style>.sheet + .sheet { break-before: page; }</style>"


def squeezed(text: str) -> str:
    """Text without any white space: pdftotext spaces out a letter-spaced code and breaks lines anywhere."""
    return re.sub(r"\s+", "", text)


def result_sheets(client, lang: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """Every result's page in one document, one per sheet, in the guide's stylesheet; and for each, its code and
    what else its printed page must say (the clinic, its phone, the date, what the code is for)."""
    style = (ROOT / "static" / "guide.css").read_text()
    sheets, found = [], []
    for combo in GUIDE.engine.decide_all():
        response = client.get(carrying("/result", {URGENT: "no", **combo._asdict()}), headers={"Accept-Language": lang})
        assert response.status_code == 200, combo
        attributes, body = BODY.search(response.get_data(as_text=True)).groups()
        sheets.append(f'<div class="sheet"><div{attributes}>{SCRIPT.sub("", body)}</div></div>')
        facts = [CLINIC.name, CLINIC.phone, *(html.unescape(shown.search(body).group(1)) for shown in SHOWN)]
        found.append((codes.encode(GUIDE.engine.questions, combo), facts))
    head = f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>{style}</style>{SHEETS}</head>'
    return head + "<body>" + "".join(sheets) + "</body></html>", found


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext ends every page with a form feed)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]


@pytest.fixture(scope="module")
def pdftotext():
    """Poppler's pdftotext (apt-get install poppler-utils): skipped without it, a failure under CI."""
    _need(Path(shutil.which("pdftotext") or "/usr/bin/pdftotext"), "pdftotext (poppler-utils)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_result_prints_on_one_page_with_the_clinic_the_date_and_its_code(
    browser, client, new_page, pdftotext, lang
):
    started = time.monotonic()
    document, found = result_sheets(client, lang)
    longest: dict[str, int] = {}  # by code: the most text a page holds, on any paper
    page = browser.new_page()
    try:
        page.set_content(document, timeout=120_000)
        for paper in PAPERS:
            pages = pdf_pages(page.pdf(format=paper))
            assert len(pages) == len(found), f"{len(pages) - len(found)} extra pages on {paper} in {lang}"
            for (code, facts), text in zip(found, pages, strict=True):
                text = squeezed(text)
                assert code in text, (paper, lang, code, text)
                assert all(squeezed(fact) in text for fact in facts), (paper, lang, code, facts, text)
                longest[code] = max(longest.get(code, 0), len(text))
    finally:
        page.close()
    # The result with the most text, printed alone from its own address as a patient would: one page too.
    code = max(longest, key=longest.__getitem__)
    alone = new_page(js=True, lang=lang)
    alone.goto(f"/r/{code}")
    expect(alone.locator(".code")).to_have_text(code)
    for paper in PAPERS:
        pages = pdf_pages(alone.pdf(format=paper))
        assert len(pages) == 1 and code in squeezed(pages[0]), (paper, lang, code)
    print(f"[print] {len(found)} results x {len(PAPERS)} papers in {lang}: {time.monotonic() - started:.1f} s")
