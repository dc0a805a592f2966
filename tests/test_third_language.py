"""A third language is a catalog and one setting, for the tests too.

The project is copied to a scratch folder with one more catalog (its entries copies of the English:
the tests must not care what a translation says) and FLASK_LANGUAGES naming it; the tests that list,
compare or switch languages then run there, in a separate pytest, and must all pass (`tests/scratch.py` builds
the copy; `make test-languages` runs the whole suite in one). Sentences that name
the languages come from the configuration, so they name the third one too.
"""

from __future__ import annotations

import os
from html import unescape

import pytest
from babel import Locale

from .conftest import LANGUAGES
from .scratch import SCRATCH, SCRATCH_RUN, run_pytest, scratch_project

#: The tests that depend on the languages: whole files, and elsewhere the tests named for languages.
LANGUAGE_FILES = [
    "tests/test_translations.py",
    "tests/test_locale.py",
    "tests/test_api.py",
    "tests/test_third_language.py",
]
LANGUAGE_TESTS = [
    "tests/test_codes.py",
    "tests/test_cookieless.py",
    "tests/test_desk.py",
    "tests/test_questionnaire.py",
]
KEYWORDS = "language or lang or switch or scratch or embed or spanish or link"


@pytest.mark.skipif(bool(os.environ.get(SCRATCH_RUN)), reason="this is the scratch run itself")
def test_the_language_dependent_tests_pass_with_a_third_language(tmp_path):
    assert SCRATCH not in LANGUAGES
    project = scratch_project(tmp_path)
    options = ["-q", "-p", "no:randomly", "-m", "not browser", "-k", KEYWORDS]
    run = run_pytest(project, *options, *LANGUAGE_FILES, *LANGUAGE_TESTS, timeout=1800, capture_output=True, text=True)
    summary = run.stdout.strip().splitlines()[-1:] or [run.stderr]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in summary[0] and "failed" not in summary[0], summary


@pytest.mark.skipif(not os.environ.get(SCRATCH_RUN), reason="only in the scratch run")
def test_the_scratch_language_is_configured_and_its_catalog_found(client):
    assert LANGUAGES[-1] == SCRATCH
    page = unescape(client.get("/", headers={"Accept-Language": SCRATCH}).get_data(as_text=True))
    assert f'<html lang="{SCRATCH}">' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_start_page_names_every_language_the_clinic_speaks(client, lang):
    page = unescape(client.get(f"/?lang={lang}").get_data(as_text=True))
    for code in LANGUAGES:
        assert Locale.parse(code).get_display_name(lang) in page, code
