"""The table check gunicorn's master runs before any worker starts (see gunicorn.conf.py).

The master runs it as a child process, `python -m guide.serving NAME < TABLE`, so that the master
itself imports nothing of the guide: workers started by a reload (SIGHUP) then load the guide's
code afresh. It checks the text on standard input exactly as `flask guide check` does, naming it
NAME in its messages, and exits 0 when the table is sound, or 1 with every problem on standard
error as `NAME:LINE: what is wrong`.
"""

from __future__ import annotations

import sys

from guide.rules import open_guide_text
from guide.table import RuleTableError


def main(argv: list[str]) -> int:
    """Check the table text on standard input; print its problems or a one-line summary."""
    name = argv[0] if argv else "rules.yaml"
    text = sys.stdin.buffer.read()
    try:
        guide = open_guide_text(text.decode("utf-8"), name)
    except UnicodeDecodeError as error:
        print(f"{name}:1: cannot be read: {error}", file=sys.stderr)
        return 1
    except RuleTableError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    table = guide.table
    print(f"{name}: OK: {len(table.rules)} rules decide all {table.combination_count} combinations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
