"""The project with a third language: a scratch copy whose extra catalog's entries are copies of the English.

`tests/test_third_language.py` runs the language-dependent tests in such a copy; `make test-languages`
(`python -m tests.scratch [PYTEST ARGS]`) runs the whole suite there, browser tests included. The tests must
not care what a translation says, so English entries serve as the scratch language's catalog.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .conftest import LANGUAGES, ROOT

#: The scratch language, and the variable that tells a test it runs in the scratch copy.
SCRATCH = "fr"
SCRATCH_RUN = "GUIDE_SCRATCH_LANGUAGE"


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


def scratch_environment(project: Path) -> dict[str, str]:
    """This process's environment with the configured languages and the scratch one, importing from `project`."""
    return {
        **os.environ,
        "FLASK_LANGUAGES": json.dumps([*LANGUAGES, SCRATCH]),
        SCRATCH_RUN: SCRATCH,
        "PYTHONPATH": str(project),
    }


def run_pytest(project: Path, *args: str, timeout: float | None = None, **options) -> subprocess.CompletedProcess:
    """`python -m pytest ARGS` in the scratch copy, with the third language configured."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    env = scratch_environment(project)
    return subprocess.run(command, cwd=project, env=env, timeout=timeout, check=False, **options)


def main(args: list[str]) -> int:
    """Build a scratch copy with the third language and run pytest there with ARGS (default: the whole suite)."""
    with tempfile.TemporaryDirectory(prefix="guide-languages-") as folder:
        project = scratch_project(Path(folder))
        languages = scratch_environment(project)["FLASK_LANGUAGES"]
        print(f"test-languages: {project}, FLASK_LANGUAGES={languages}", flush=True)
        started = time.monotonic()
        run = run_pytest(project, *args)
        print(f"test-languages: pytest exited {run.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        return run.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
