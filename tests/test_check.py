"""The verifier against broken tables: each is rejected with the right line and message.

The broken tables are small synthetic ones (tests/synthetic.py), changed one way each; the
clinic's own table is only checked to pass.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from guide import ConfigurationError, create_app, create_app_or_exit
from guide.cli import guide_cli
from guide.rules import open_guide
from guide.table import RuleTableError

from .conftest import ROOT, RULES
from .synthetic import dump, line_of, tiny, write


def problems(path) -> list[str]:
    with pytest.raises(RuleTableError) as caught:
        open_guide(path)
    return caught.value.problems


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def procedure(data: dict[str, Any], procedure_id: str) -> dict[str, Any]:
    return next(p for p in data["procedures"] if p["id"] == procedure_id)


def question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == question_id)


def _gap(data):
    rule(data, "open-cause")["when"]["area"] = ["nose"]


def _dead(data):
    data["rules"].insert(1, {"id": "nobody", "when": {"goal": []}, "category": "cosmetic", "reason": "x"})


def _shadowed(data):
    data["rules"].append({"id": "late", "when": {"cause": ["trauma"]}, "category": "reconstructive", "reason": "x"})


def _conflict(data):
    rule(data, "looks")["when"]["cause"] = ["none", "trauma"]


def _unreachable(data):
    ghost = {
        "id": "ghost",
        "name": "G",
        "summary": "G.",
        "kinds": ["cosmetic"],
        "areas": ["chest"],
        "causes": ["trauma"],
    }
    data["procedures"].append(ghost)  # a cosmetic operation tied to injuries, which only reconstructive results follow
    data["categories"][2]["offer"] = ["reconstructive"]


# (name, change to the data, needle whose line is reported, expected message)
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "unknown answer in a rule",
        lambda d: rule(d, "hurt")["when"].update(cause=["traumma"]),
        "- traumma",
        'rule "hurt" names unknown answer "traumma" for question "cause"',
    ),
    (
        "unknown question in a rule",
        lambda d: rule(d, "works")["when"].update(aim=["function"]),
        "aim:",
        'rule "works" names unknown question "aim"',
    ),
    (
        "unknown area of a procedure",
        lambda d: procedure(d, "nose_job").update(areas=["noze"]),
        "- noze",
        'procedure "nose_job" names unknown answer "noze" for question "area"',
    ),
    (
        "unknown kind of a procedure",
        lambda d: procedure(d, "nose_job").update(kinds=["aesthetic"]),
        "- aesthetic",
        "procedure \"nose_job\": \"kinds\" is 'aesthetic'; expected one of 'cosmetic' or 'reconstructive'",
    ),
    (
        "a kind listed twice",
        lambda d: procedure(d, "nose_job").update(kinds=["cosmetic", "cosmetic"]),
        "kinds:\n  - cosmetic\n  - cosmetic",
        'procedure "nose_job": "kinds" lists a kind twice',
    ),
    (
        "duplicate rule id",
        lambda d: rule(d, "works").update(id="looks"),
        "- id: looks\n  when:\n    cause:\n    - none\n    goal:\n    - function",
        'rule id "looks" is used more than once',
    ),
    (
        "empty text",
        lambda d: procedure(d, "repair").update(name="  "),
        "name: '  '",
        'procedure "repair": "name" is empty',
    ),
    (
        "missing text",
        lambda d: question(d, "area")["choices"][0].pop("label"),
        "- id: nose",
        'answer "nose" of question "area": "label" is missing',
    ),
    (
        "unknown key",
        lambda d: procedure(d, "repair").update(only_four="male"),
        "only_four: male",
        'procedure "repair": unknown key "only_four"',
    ),
    ("gap", _gap, "rules:", "no rule decides cause=unsure, area=chest or unsure (any goal, any gender)"),
    (
        "conflicting overlap",
        _conflict,
        "- id: looks",
        'rule "looks" (cosmetic) disagrees with rule "hurt" (reconstructive) on goal=appearance, cause=trauma',
    ),
    ("dead rule", _dead, "- id: nobody", 'rule "nobody" can never apply'),
    ("shadowed rule", _shadowed, "- id: late", 'rule "late" never reports'),
    ("unreachable procedure", _unreachable, "- id: ghost", 'procedure "ghost" is never listed'),
    (
        "what-if names an unknown question",
        lambda d: d.update(what_if=["gaol"]),
        "- gaol",
        '"what_if" names unknown question "gaol"',
    ),
    (
        "what-if names a question with no what-if text",
        lambda d: d.update(what_if=["cause"]),
        "- cause\nrules:",
        '"what_if" names question "cause", but none of its answers has a "what_if" text',
    ),
    ("a question renamed", lambda d: question(d, "gender").update(id="sex"), "- id: sex", 'unknown question "sex"'),
    (
        "only_for names no sex",
        lambda d: procedure(d, "repair").update(only_for="unspecified"),
        "only_for: unspecified",
        'procedure "repair": "only_for" must name a sex, not "unspecified"',
    ),
    (
        "not_for names an unknown answer",
        lambda d: procedure(d, "repair").update(not_for=[{"cause": ["traumma"]}]),
        "- traumma",
        'procedure "repair": "not_for" names unknown answer "traumma" for question "cause"',
    ),
    (
        "not_for names an unknown question",
        lambda d: procedure(d, "repair").update(not_for=[{"cuase": ["trauma"]}]),
        "cuase:",
        'procedure "repair": "not_for" names unknown question "cuase"',
    ),
    (
        "a not_for condition that names nothing",
        lambda d: procedure(d, "repair").update(not_for=[{}]),
        "- {}",
        'procedure "repair": a "not_for" condition names no answer, so it excludes everything',
    ),
    (
        "an order lists a kind twice",
        lambda d: question(d, "goal")["choices"][0].update(order=["cosmetic", "cosmetic"]),
        "order:",
        'question "goal", answer "appearance": "order" lists a kind twice',
    ),
    (
        "a rule shows the note of its own category",
        lambda d: (d["categories"][1].update(note="Insurer."), rule(d, "hurt").update(show_note_of="reconstructive")),
        "show_note_of: reconstructive",
        'rule "hurt": "show_note_of" names its own category, whose note it shows anyway',
    ),
    (
        "a rule shows the note of a category that has none",
        lambda d: rule(d, "open-cause").update(show_note_of="reconstructive"),
        "show_note_of: reconstructive",
        'rule "open-cause": "show_note_of" names category "reconstructive", which has no "note"',
    ),
]


@pytest.mark.parametrize(("change", "needle", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_a_broken_table_is_rejected_with_line_and_message(tmp_path, change, needle, message):
    data = tiny()
    change(data)
    text = dump(data)
    path = write(tmp_path, text)
    found = problems(path)
    expected = f"{path}:{line_of(text, needle)}: {message}"
    assert any(problem.startswith(expected) for problem in found), found


@pytest.mark.parametrize(
    ("edit", "needle", "message"),
    [
        (lambda t: t.replace("what_if:\n- goal", "what_if: [goal"), "rules:", "not valid YAML"),
        (
            lambda t: t.replace("  category: cosmetic\n", "  category: cosmetic\n  category: undetermined\n"),
            "  category: undetermined",
            "key 'category' appears twice here",
        ),
        (lambda t: "", None, "the file is empty"),
    ],
    ids=["YAML syntax", "duplicate key", "empty file"],
)
def test_a_file_that_is_not_a_table_is_rejected_with_its_line(tmp_path, edit, needle, message):
    text = edit(dump(tiny()))
    path = write(tmp_path, text)
    found = problems(path)
    line = line_of(text, needle) if needle else 1
    assert any(p.startswith(f"{path}:") and message in p for p in found), found
    if needle != "rules:":  # a syntax error is reported where the parser noticed it
        assert any(p.startswith(f"{path}:{line}: ") for p in found), found


def test_the_synthetic_table_itself_passes(tmp_path):
    assert open_guide(write(tmp_path, tiny())).engine.decide_all()


def test_every_problem_is_reported_in_file_order(tmp_path):
    data = tiny()
    rule(data, "hurt")["when"]["cause"] = ["pian"]
    procedure(data, "nose_job")["areas"] = ["noze"]
    text = dump(data)
    found = problems(write(tmp_path, text))
    assert [int(p.split(":")[1]) for p in found] == sorted([line_of(text, "- noze"), line_of(text, "- pian")])


def test_an_empty_list_for_a_decided_area_is_a_warning_not_an_error(tmp_path):
    data = tiny()
    procedure(data, "repair")["areas"] = ["nose"]
    text = dump(data)
    guide = open_guide(write(tmp_path, text))
    line = line_of(text, "- id: hurt")
    assert any(w.startswith(f'{tmp_path / "rules.yaml"}:{line}: warning: rule "hurt"') for w in guide.warnings)
    assert any("area=chest" in w for w in guide.warnings), guide.warnings
    assert not any("area=unsure" in w for w in guide.warnings), "an unknown area is the surgeon's to advise on"


def test_the_clinics_table_passes():
    guide = open_guide(RULES)
    assert [q.id for q in guide.table.questions] == ["goal", "cause", "gender", "area"]


def test_the_command_prints_the_problems_and_fails(tmp_path, monkeypatch):
    data = tiny()
    rule(data, "hurt")["when"]["cause"] = ["traumma"]
    text = dump(data)
    path = write(tmp_path, text)
    monkeypatch.setenv("GUIDE_RULES", str(path))
    result = CliRunner().invoke(guide_cli, ["check"])
    assert result.exit_code == 1
    assert f'{path}:{line_of(text, "traumma")}: rule "hurt" names unknown answer "traumma"' in result.output


def test_the_command_passes_the_clinics_table_and_shows_its_warnings():
    guide = open_guide(RULES)
    result = CliRunner().invoke(guide_cli, ["check", str(RULES)])
    assert result.exit_code == 0, result.output
    assert f"all {guide.table.combination_count} combinations" in result.output
    for warning in guide.warnings:
        assert warning in result.output


def test_flask_guide_check_runs_from_the_shell_even_on_a_table_too_broken_to_start(tmp_path):
    data = tiny()
    rule(data, "hurt")["when"]["cause"] = ["traumma"]
    path = write(tmp_path, data)
    flask = [sys.executable, "-m", "flask", "--app", "app", "guide", "check"]
    run = subprocess.run(flask, cwd=ROOT, env={"GUIDE_RULES": str(path), "PATH": ""}, capture_output=True, text=True)
    assert run.returncode == 1
    assert 'names unknown answer "traumma"' in run.stderr
    assert "Traceback" not in run.stderr


def test_create_app_raises_on_a_broken_table_and_the_server_entry_exits_with_the_problems(
    tmp_path, monkeypatch, capsys
):
    data = tiny()
    rule(data, "hurt")["when"]["cause"] = ["traumma"]
    text = dump(data)
    path = write(tmp_path, text)
    with pytest.raises(ConfigurationError) as caught:
        create_app({"GUIDE_RULES": str(path)})
    assert f"{path}:{line_of(text, 'traumma')}:" in caught.value.problems[0]
    monkeypatch.setenv("GUIDE_RULES", str(path))
    with pytest.raises(SystemExit) as stopped:
        create_app_or_exit()
    assert stopped.value.code == 1
    assert f"{path}:{line_of(text, 'traumma')}:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("when: {cause: [trauma]}", "when: {cause: [traumma]}"),
        ("when: {goal: [appearance], cause: [none]}", "when: {goal: [appearance], cause: [none, trauma]}"),
    ],
    ids=["unknown answer", "conflict"],
)
def test_the_readmes_example_messages_are_what_the_check_says_of_the_clinics_table(tmp_path, monkeypatch, old, new):
    def unnumbered(message: str) -> str:  # the README's line numbers may drift as the table grows
        return re.sub(r"^rules\.yaml:\d+:", "rules.yaml:LINE:", message)

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = [unnumbered(line.strip()) for line in readme.splitlines() if line.startswith("    rules.yaml:")]
    text = RULES.read_text(encoding="utf-8")
    assert text.count(old) == 1
    (tmp_path / "rules.yaml").write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = problems("rules.yaml")
    assert any(unnumbered(example) in examples for example in found), (found, examples)
