"""The verifier against broken tables: each is rejected with the right line and message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from guide.check import load_checked
from guide.cli import guide_cli
from guide.table import RuleTableError

from .conftest import ROOT, RULES

SHIPPED = RULES.read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line where `needle` first stands (after `after`, when given)."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def edited(tmp_path, old: str, new: str):
    """Write the shipped table with edits (`old` and `new` split on "|"); return its path and text."""
    text = SHIPPED
    for before, after in zip(old.split("|"), new.split("|"), strict=True):
        assert text.count(before) == 1, before
        text = text.replace(before, after)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def problems(path) -> list[str]:
    with pytest.raises(RuleTableError) as caught:
        load_checked(path)
    return caught.value.problems


# (name, old, new, needle whose line is reported, expected message)
CASES = [
    (
        "unknown answer",
        "when: {cause: [pain]}",
        "when: {cause: [traumma]}",
        "when: {cause: [traumma]}",
        'rule "pain" names unknown answer "traumma" for question "cause"',
    ),
    (
        "unknown question",
        "when: {goal: [function]}",
        "when: {aim: [function]}",
        "when: {aim: [function]}",
        'rule "function" names unknown question "aim"',
    ),
    (
        "unknown area of a procedure",
        "areas: [ears]",
        "areas: [eers]",
        "areas: [eers]",
        'procedure "otoplasty" names unknown answer "eers" for question "area"',
    ),
    (
        "duplicate rule id",
        "  - id: aim-unclear",
        "  - id: appearance",
        "  - id: appearance\n    when: {goal: [unsure]",
        'rule id "appearance" is used more than once',
    ),
    (
        "duplicate procedure id",
        "  - id: mentoplasty",
        "  - id: facelift",
        "  - id: facelift\n    name: Mentoplasty",
        'procedure id "facelift" is used more than once',
    ),
    (
        "empty text",
        "    name: Eyebrow lift",
        '    name: "  "',
        '    name: "  "',
        'procedure "eyebrow_lift": "name" is empty',
    ),
    (
        "missing text",
        "    label: Ears\n",
        "    hint: The outer ear.\n",
        "- id: ears",
        'answer "ears" of question "area": "label" is missing',
    ),
    (
        "unknown key",
        "    common_for: [male]\n    only_for: male",
        "    common_for: [male]\n    only_four: male",
        "    only_four: male",
        'procedure "gynecomastia_correction": unknown key "only_four"',
    ),
    (
        "YAML syntax",
        "when: {goal: [function]}",
        "when: {goal: [function]",
        "    category: reconstructive\n    reason: >-\n      You said you want it",
        "not valid YAML",
    ),
    (
        "duplicate key",
        "    category: cosmetic\n",
        "    category: cosmetic\n    category: reconstructive\n",
        "    category: reconstructive\n    reason: >-\n      You said you want to change",
        "key 'category' appears twice here",
    ),
    (
        "gap",
        "    when: {goal: [unsure], cause: [none]}",
        "    when: {goal: [unsure], cause: [none], area: [face]}",
        "rules:\n  - id: injury",
        "no rule decides goal=unsure, cause=none, area=eyes or nose or ears",
    ),
    (
        "conflicting overlap",
        "    when: {goal: [appearance], cause: [none]}",
        "    when: {goal: [appearance], cause: [none, trauma]}",
        "  - id: appearance\n    when:",
        'rule "appearance" (cosmetic) disagrees with rule "injury" (reconstructive) on goal=appearance, cause=trauma',
    ),
    (
        "dead rule",
        "    when: {goal: [unsure], cause: [none]}",
        "    when: {goal: [unsure], cause: [none]}\n    category: undetermined\n    reason: x\n"
        "  - id: nobody\n    when: {goal: []}",
        "  - id: nobody",
        'rule "nobody" can never apply',
    ),
    (
        "shadowed rule",
        "    when: {goal: [unsure], cause: [none]}",
        "    when: {goal: [unsure], cause: [none]}\n    category: undetermined\n    reason: x\n"
        "  - id: late-injury\n    when: {cause: [trauma], area: [nose]}",
        "  - id: late-injury",
        'rule "late-injury" never reports: every answer it applies to is decided by a rule above it',
    ),
    (
        "unreachable procedure",
        "    offer: [cosmetic]|    offer: [reconstructive, cosmetic]",
        "    offer: []|    offer: [reconstructive]",
        "  - id: breast_augmentation_lift",
        'procedure "breast_augmentation_lift" is never listed',
    ),
    (
        "what-if names an unknown question",
        "what_if: [cause, goal]",
        "what_if: [cause, gaol]",
        "what_if: [cause, gaol]",
        '"what_if" names unknown question "gaol"',
    ),
    (
        "a question missing",
        "  - id: gender\n",
        "  - id: sex\n",
        "  - id: sex\n",
        'unknown question "sex"',
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_a_broken_table_is_rejected_with_line_and_message(tmp_path, old, new, needle, message):
    path, text = edited(tmp_path, old, new)
    found = problems(path)
    expected = f"{path}:{line_of(text, needle)}: {message}"
    assert any(problem.startswith(expected) for problem in found), found


def test_the_shipped_table_passes():
    table, _source = load_checked(RULES)
    assert [q.id for q in table.questions] == ["goal", "cause", "gender", "area"]


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    path, text = edited(tmp_path, "areas: [ears]", "areas: [eers]")
    text = text.replace("when: {cause: [pain]}", "when: {cause: [pian]}")
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert len(found) == 2
    assert [p.split(":")[1] for p in found] == [str(line_of(text, "[pian]")), str(line_of(text, "[eers]"))][::-1]


def test_the_command_prints_the_problems_and_fails(tmp_path, monkeypatch):
    path, text = edited(tmp_path, "when: {cause: [pain]}", "when: {cause: [traumma]}")
    monkeypatch.setenv("GUIDE_RULES", str(path))
    result = CliRunner().invoke(guide_cli, ["check"])
    assert result.exit_code == 1
    assert f'{path}:{line_of(text, "traumma")}: rule "pain" names unknown answer "traumma"' in result.output


def test_the_command_passes_the_shipped_table():
    result = CliRunner().invoke(guide_cli, ["check", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "all 630 combinations" in result.output


def test_flask_guide_check_runs_from_the_shell_even_on_a_table_too_broken_to_start(tmp_path):
    path, _text = edited(tmp_path, "when: {cause: [pain]}", "when: {cause: [traumma]}")
    flask = [sys.executable, "-m", "flask", "--app", "app", "guide", "check"]
    run = subprocess.run(flask, cwd=ROOT, env={"GUIDE_RULES": str(path), "PATH": ""}, capture_output=True, text=True)
    assert run.returncode == 1
    assert 'names unknown answer "traumma"' in run.stderr
    assert "Traceback" not in run.stderr


def test_the_app_refuses_to_start_on_a_broken_table(tmp_path):
    from guide import create_app

    path, text = edited(tmp_path, "when: {cause: [pain]}", "when: {cause: [traumma]}")
    with pytest.raises(SystemExit) as caught:
        create_app({"GUIDE_RULES": str(path)})
    assert f"{path}:{line_of(text, 'traumma')}:" in str(caught.value)
