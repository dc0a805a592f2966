"""A third language is a catalog and one setting, for the tests too.

The project is copied to a scratch folder with one more catalog (its entries copies of the English:
the tests must not care what a translation says) and FLASK_LANGUAGES naming it; the tests that list,
compare or switch languages then run there, in a separate pytest, and must all pass. Sentences that name
the languages come from the configuration, so they name the third one too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .conftest import LANGUAGES, ROOT

#: The scratch language, and the variable that tells a test it runs in the scratch copy.
SCRATCH = "fr"
SCRATCH_RUN = "GUIDE_SCRATCH_LANGUAGE"
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


def scratch_project(folder: Path) -> Path:
    """A copy of the project with one more catalog, copied from the English, every catalog compiled."""
    project = folder / "project"
    ignored = shutil.ignore_patterns(".venv", "node_modules", ".git", "__pycache__", "*.mo", ".*_cache", ".hypothesis")
    shutil.copytree(ROOT, project, ignore=ignored)
    if (ROOT / "node_modules").is_dir():
        (project / "node_modules").symlink_to(ROOT / "node_modules")
    catalogs = project / "translations"
    with (catalogs / "es" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        english = Catalog(locale=SCRATCH)
        for message in read_po(source):
            if message.id:
                english.add(message.id, message.id, locations=message.locations, auto_comments=message.auto_comments)
    (catalogs / SCRATCH / "LC_MESSAGES").mkdir(parents=True)
    with (catalogs / SCRATCH / "LC_MESSAGES" / "messages.po").open("wb") as po:
        write_po(po, english, width=0)
    for po_path in catalogs.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po, po_path.with_suffix(".mo").open("wb") as mo:
            write_mo(mo, read_po(po))
    return project


@pytest.mark.skipif(bool(os.environ.get(SCRATCH_RUN)), reason="this is the scratch run itself")
def test_the_language_dependent_tests_pass_with_a_third_language(tmp_path):
    assert SCRATCH not in LANGUAGES
    project = scratch_project(tmp_path)
    env = {**os.environ, "FLASK_LANGUAGES": json.dumps([*LANGUAGES, SCRATCH]), SCRATCH_RUN: SCRATCH}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-m", "not browser"]
    run = subprocess.run(
        [*command, "-k", KEYWORDS, *LANGUAGE_FILES, *LANGUAGE_TESTS],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
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
