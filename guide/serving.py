"""The check gunicorn's master runs before any worker starts, and again on every reload (gunicorn.conf.py).

The master runs it as a child process, `python -m guide.serving NAME COPY`, so that the master
itself imports nothing of the guide (workers started by a reload then load the guide's code
afresh). COPY is the master's copy of the table; NAME is the file it was read from, as messages
name it. The check is the app's own start-up: the table (every problem as `NAME:LINE: what is
wrong`, exactly as `flask guide check` prints them), then the rest of the configuration (the secret
key, created here once if it comes from the instance folder; GUIDE_EMBED_ORIGINS). Exit status 0
when the guide would start, 1 with the reasons on standard error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from guide import create_app
from guide.rules import open_guide_text
from guide.table import RuleTableError


def main(argv: list[str]) -> int:
    """Check the table copy and the configuration; print the problems, or a one-line summary."""
    name, copy = argv
    try:
        guide = open_guide_text(Path(copy).read_bytes().decode("utf-8"), name)
    except (OSError, UnicodeDecodeError) as error:
        print(f"{name}:1: cannot be read: {error}", file=sys.stderr)
        return 1
    except RuleTableError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    try:
        create_app({"GUIDE_RULES": copy})
    except SystemExit as refusal:
        print(refusal.code, file=sys.stderr)
        return 1
    table = guide.table
    print(f"{name}: OK: {len(table.rules)} rules decide all {table.combination_count} combinations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
