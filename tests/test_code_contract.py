"""Codes that keep their meaning: a code given out once opens the same answers whatever the table's order.

The clinic's table, reordered, must open every one of today's codes on the same answers; the check
refuses a character given twice, missing, retired, not the codes' own or dropped without being
retired; `guide diff` puts codes that changed meaning first and exits with their own status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from guide import codes, create_app, diff
from guide.cli import guide_cli
from guide.codes import ALPHABET, sequence
from guide.engine import combinations
from guide.forms import URGENT, URGENT_CHOICES
from guide.rules import open_guide
from guide.table import QUESTION_IDS, RuleTableError

from .conftest import GUIDE, RULES
from .synthetic import dump, line_of, tiny

TODAY = GUIDE.engine
#: Every code of today's table and the answers it opens.
TODAYS_CODES = {codes.encode(TODAY.questions, combo): combo for combo in combinations(TODAY.table)}


def clinic_table() -> dict[str, Any]:
    return yaml.safe_load(RULES.read_text(encoding="utf-8"))


def question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for q in data["questions"] if q["id"] == question_id)


def rotated(data: dict[str, Any], *question_ids: str) -> dict[str, Any]:
    """The table with the answers of these questions each moved one place on: every answer changes place."""
    for question_id in question_ids:
        choices = question(data, question_id)["choices"]
        choices[:] = choices[1:] + choices[:1]
    return data


def written(tmp_path: Path, data: dict[str, Any] | str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else dump(data), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(RuleTableError) as caught:
        open_guide(path)
    return caught.value.problems


def test_every_code_of_todays_table_is_counted_from_the_table():
    assert len(TODAYS_CODES) == TODAY.table.combination_count


@pytest.mark.parametrize("question_id", QUESTION_IDS)
def test_reordering_the_answers_of_a_question_changes_no_code_and_no_state_code(tmp_path, question_id):
    engine = open_guide(written(tmp_path, rotated(clinic_table(), question_id))).engine
    assert [q.codes for q in engine.questions] != [q.codes for q in TODAY.questions], "the order did change"
    for code, combo in TODAYS_CODES.items():
        assert codes.decode(engine.questions, code) == combo
        assert codes.encode(engine.questions, combo) == code
    lead = ((URGENT, URGENT_CHOICES),)
    before, after = [*lead, *codes.question_steps(TODAY.questions)], [*lead, *codes.question_steps(engine.questions)]
    for combo in TODAYS_CODES.values():
        given = {URGENT: "no", **dict(zip(QUESTION_IDS, combo, strict=True))}
        assert codes.encode_state(after, given) == codes.encode_state(before, given)
        assert codes.decode_state(after, codes.encode_state(before, given)) == given


def test_every_code_of_today_opens_the_same_answers_on_r_under_a_reordered_table(tmp_path):
    path = written(tmp_path, rotated(clinic_table(), *QUESTION_IDS))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "GUIDE_RULES": str(path)})
    client = app.test_client()
    for code, combo in TODAYS_CODES.items():
        response = client.get(f"/r/{code}")
        assert response.status_code == 200, code
        with client.session_transaction() as session:
            kept = {question_id: session["answers"][question_id] for question_id in QUESTION_IDS}
        assert kept == dict(zip(QUESTION_IDS, combo, strict=True)), code


def test_removing_an_answer_without_retiring_its_character_names_the_character(tmp_path):
    data = clinic_table()
    choices = question(data, "cause")["choices"]
    removed = choices.pop(1)  # not the last answer given a character: those after it show the gap
    found = problems(written(tmp_path, data))
    assert any(f'code character "{removed["code"]}" belongs to no answer' in p and '"retired"' in p for p in found)
    question(data, "cause")["retired"] = [removed["code"]]
    assert not any(f'"{removed["code"]}"' in p for p in problems_or_none(written(tmp_path, data)))


def problems_or_none(path: Path) -> list[str]:
    try:
        open_guide(path)
    except RuleTableError as error:
        return error.problems
    return []


def _char(data: dict[str, Any], question_id: str, index: int) -> str:
    return question(data, question_id)["choices"][index]["code"]


def _give(question_id: str, index: int, char_of) -> Any:
    def change(data):
        question(data, question_id)["choices"][index]["code"] = char_of(data)

    return change


def _retire_and_reuse(data):
    cause = question(data, "cause")
    cause["retired"] = [sequence(QUESTION_IDS.index("cause"))[len(cause["choices"])]]
    cause["choices"].append({"id": "other", "code": cause["retired"][0], "label": "Other"})


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            _give("cause", 2, lambda d: _char(d, "cause", 0)),
            "disease",
            'answer "disease" of question "cause": code character "{char}" is already the one of answer "none"',
        ),
        (lambda d: question(d, "goal")["choices"][1].pop("code"), "function", '"code" is missing'),
        (_retire_and_reuse, "id: other", "is retired (a removed answer had it) and can never be given"),
        (_give("gender", 0, lambda d: "O"), "female", '"O" is not a character of answer codes'),
        (
            _give("area", 0, lambda d: next(c for c in ALPHABET if c not in sequence(QUESTION_IDS.index("area")))),
            "id: nose",
            "is not one that this question gives out",
        ),
    ],
    ids=["duplicate", "missing", "retired", "not the alphabet", "reserved"],
)
def test_the_check_refuses_a_bad_code_character_on_its_line(tmp_path, change, needle, message):
    data = tiny()
    change(data)
    text = dump(data)
    found = problems(written(tmp_path, text))
    line = line_of(text, needle)
    char = _char(data, "cause", 0)
    assert any(p.startswith(f"{tmp_path / 'rules.yaml'}:") and message.format(char=char) in p for p in found), found
    assert any(int(p.split(":")[1]) in (line, line + 1) for p in found), (found, line)


def run_diff(*args: Path) -> Any:
    return CliRunner().invoke(guide_cli, ["diff", *map(str, args)])


def test_diff_reports_codes_that_open_other_answers_first_and_exits_with_their_status(tmp_path):
    data = clinic_table()
    cause = question(data, "cause")["choices"]
    cause[1]["code"], cause[3]["code"] = cause[3]["code"], cause[1]["code"]  # two answers swap characters
    result = run_diff(RULES, written(tmp_path, data))
    assert result.exit_code == diff.REPOINTED
    first_section = result.stdout.split("\n## ")[1]
    swapped = [code for code, combo in TODAYS_CODES.items() if combo.cause in (cause[1]["id"], cause[3]["id"])]
    assert f"open other answers now: {len(swapped)};" in first_section
    assert any(f"`{code}`" in first_section for code in swapped)
    report = json.loads(run_diff(RULES, written(tmp_path, data), "--json").stdout)
    assert list(report)[0] == "repointed_codes"
    answer_codes = {r["code"]: r for r in report["repointed_codes"] if not r["state"]}
    assert set(answer_codes) == set(swapped)
    assert all(r["after"]["cause"] != r["before"]["cause"] for r in answer_codes.values())
    assert any(r["state"] for r in report["repointed_codes"]), "state codes too"


def test_diff_of_a_reordered_table_finds_no_code_changed(tmp_path):
    reordered = written(tmp_path, rotated(clinic_table(), *QUESTION_IDS))
    assert run_diff(RULES, reordered).exit_code in (diff.SAME, diff.CHANGED)
    assert "repointed_codes" not in json.loads(run_diff(RULES, reordered, "--json").stdout)
