"""The change report of `flask guide diff`: summary, situations, page, on small synthetic table pairs.

Expectations come from the engines (what each combination is told under each table), never from
the report's own grouping.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from guide import diff, report
from guide.codes import sequence
from guide.engine import Engine
from guide.table import QUESTION_IDS

from .conftest import GUIDE
from .test_diff import compare, find, pair, run_cli, small_table, told_differently

#: Answer labels that share no word with the answer codes, so that a code in the report is a raw code.
LABELS = {
    "appearance": "Looks",
    "function": "Works better",
    "none": "Nothing special",
    "trauma": "An injury",
    "disease": "An illness",
    "female": "Woman",
    "male": "Man",
    "unspecified": "Rather not say",
    "nose": "Nose",
    "chest": "Breasts",
}


def labelled() -> dict:
    """The small table, its answers labelled in words unlike their codes ("I am not sure" for every unsure)."""
    data = small_table()
    for question in data["questions"]:
        for choice in question["choices"]:
            choice["label"] = LABELS.get(choice["id"], "I am not sure")
            if "what_if" in choice:
                choice["what_if"] = f"the aim been {LABELS[choice['id']].lower()}"
    return data


def _category(data: dict, rule: str, category: str) -> dict:
    find(data["rules"], rule)["category"] = category
    return data


def _add_note(data: dict) -> dict:
    find(find(data["questions"], "cause")["choices"], "trauma")["note"] = "See a doctor about the injury."
    return data


def _drop_procedure(data: dict) -> dict:
    data["procedures"] = [p for p in data["procedures"] if p["id"] != "nose_repair"]
    return data


def _swap_procedures(data: dict) -> dict:
    data["procedures"].reverse()
    return data


def _new_area(data: dict) -> dict:
    area = find(data["questions"], "area")
    free = sequence(QUESTION_IDS.index("area"))[len(area["choices"])]  # the question's next free code character
    area["choices"].insert(0, {"id": "ears", "code": free, "label": "Ears"})
    return data


def _rename_rule(data: dict) -> dict:
    find(data["rules"], "looks")["id"] = "cosmetic-wish"
    return data


def _reword(data: dict) -> dict:
    find(data["rules"], "hurt")["reason"] = "An injury or an illness."
    return data


def _many(data: dict) -> dict:
    for change in (_add_note, _drop_procedure, _swap_procedures):
        data = change(data)
    find(data["rules"], "hurt")["reason"] = "Another reason."
    return _category(data, "works", "undetermined")


CHANGES = {
    "category": lambda d: _category(d, "works", "undetermined"),
    "into reconstructive": lambda d: _category(d, "open-aim", "reconstructive"),
    "note added": _add_note,
    "procedure dropped": _drop_procedure,
    "order": _swap_procedures,
    "new answer": _new_area,
    "rule renamed": _rename_rule,
    "reworded": _reword,
    "many": _many,
}


def changed_combos(old: Engine, new: Engine) -> set:
    """The combinations told something different, from the engines."""
    before, after = diff.decisions(old).told, diff.decisions(new).told
    return {
        combo
        for combo in set(before) | set(after)
        if combo not in before or combo not in after or told_differently(before[combo], after[combo])
    }


def tables(name: str) -> tuple[dict, dict]:
    old = labelled()
    return old, CHANGES[name](copy.deepcopy(old))


@pytest.mark.parametrize("name", CHANGES)
def test_every_changed_combination_is_in_exactly_one_situation(name):
    result, old, new = compare(*tables(name))
    members = [combo for situation in result.situations for combo in situation.combos]
    assert len(members) == len(set(members)), "a combination is in two situations"
    assert set(members) == changed_combos(old, new)
    for situation in result.situations:
        assert situation.combos == set(itertools.product(*situation.cube))
        assert situation.example in situation.combos
        for fact, where in situation.facts:
            seeing = {c for c in situation.combos if fact in diff.change_of(old_told(result, c), new_told(result, c))}
            covered = situation.combos if where is None else {c for cube in where for c in itertools.product(*cube)}
            assert covered == seeing


def old_told(result: diff.Diff, combo):
    return result.before.get(combo)


def new_told(result: diff.Diff, combo):
    return result.after.get(combo)


@pytest.mark.parametrize("name", CHANGES)
def test_the_markdown_has_one_block_per_situation_and_nothing_unchanged(name, tmp_path):
    result, old, new = compare(*tables(name))
    text = run_cli(*pair(tmp_path, *tables(name))).stdout
    headings = re.findall(r"^### \d+\. (.*)$", text, flags=re.MULTILINE)
    tr = diff.Translator()
    assert headings == [report.situation_text(s.cube, result, tr) for s in result.situations]
    unchanged = set(old.decide_all()) - changed_combos(old, new)
    for combo in unchanged:
        assert f"As seen by: {report.combo_text(combo, result, tr)}" not in text


@pytest.mark.parametrize("name", ["rule renamed", "reworded"])
def test_a_change_of_rule_id_or_wording_alone_makes_no_situation(name, tmp_path):
    result, _old, _new = compare(*tables(name))
    assert result.situations == ()
    text = run_cli(*pair(tmp_path, *tables(name))).stdout
    assert "### " not in text


def test_a_renamed_rule_is_no_change_at_all(tmp_path):
    result = run_cli(*pair(tmp_path, *tables("rule renamed")), "--summary")
    assert result.exit_code == diff.SAME


@pytest.mark.parametrize("name", CHANGES)
def test_the_report_speaks_in_the_patients_words(name, tmp_path):
    paths = pair(tmp_path, *tables(name))
    codes = {choice for choice in LABELS} | {"unsure", "ears"}
    raw = re.compile(r"\b(" + "|".join(sorted(codes)) + r")\b")
    for options in ((), ("--summary",), ("--json",)):
        out = run_cli(*paths, *options).stdout
        if options == ("--json",):
            data = json.loads(out)
            out = "\n".join(json.dumps(s["situation"]) + json.dumps(s["changes"]) for s in data["situations"])
        body = "\n".join(line for line in out.splitlines() if not line.startswith("# "))  # the title names the files
        assert not raw.findall(body), raw.findall(body)


def test_the_summary_opens_with_the_totals_and_fits_one_screen(tmp_path):
    old_data, new_data = tables("many")
    _result, old, new = compare(old_data, new_data)
    result = run_cli(*pair(tmp_path, old_data, new_data), "--summary")
    assert result.exit_code == diff.CHANGED
    lines = result.stdout.splitlines()
    assert len(lines) <= report.SUMMARY_LINES
    before = Counter(rec.category.id for rec in old.decide_all().values())
    after = Counter(rec.category.id for rec in new.decide_all().values())
    labels = {c["id"]: c["label"] for c in old_data["categories"]}
    totals = [line for line in lines[:8] if line.startswith("- ")]
    for category, label in labels.items():
        assert any(line.startswith(f"- {label}: {before[category]} → {after[category]}") for line in totals)
    changed = len(changed_combos(old, new))
    assert f"Told something different: {changed} of {len(old.decide_all())} combinations" in result.stdout


def _section(text: str, heading: str) -> str:
    """The lines of the summary under one `## ` heading."""
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_safety_findings_come_first(tmp_path):
    old_data, new_data = tables("many")
    _result, old, new = compare(old_data, new_data)
    text = run_cli(*pair(tmp_path, old_data, new_data), "--summary").stdout
    assert text.index("## Safety first") < text.index("## Other changes")
    safety, others = _section(text, "Safety first"), _section(text, "Other changes")
    moved = sum(
        1
        for combo, rec in old.decide_all().items()
        if rec.category.id == "reconstructive" and new.decide(combo).category.id != "reconstructive"
    )
    assert moved > 0
    assert f"- Reconstructive → Open: {moved} combinations" in safety
    assert "No combination moves into reconstructive surgery." in safety
    emptied = sum(1 for combo, rec in old.decide_all().items() if rec.procedures and not new.decide(combo).procedures)
    assert emptied > 0
    assert f"- Lists of procedures that become empty: {emptied} combination" in safety
    assert "- Procedures removed: " in others and "- Procedures removed: " not in safety
    assert "- Reworded texts: 1," in others


def test_a_note_lost_is_a_safety_finding(tmp_path):
    old_data = _add_note(labelled())
    new_data = labelled()
    _result, old, _new = compare(old_data, new_data)
    text = run_cli(*pair(tmp_path, old_data, new_data), "--summary").stdout
    shown = sum(1 for rec in old.decide_all().values() if "See a doctor about the injury." in rec.notes)
    assert f"- Note no longer shown: “See a doctor about the injury.”: {shown} combinations" in _section(
        text, "Safety first"
    )


def test_an_answer_code_that_changes_meaning_is_the_first_finding():
    result, _old, _new = compare(*tables("category"))
    with_code = dataclasses.replace(result, code_changes=(diff.CodeChange("area", "7", "nose", "chest"),))
    text = report.summary(with_code, diff.Translator())
    first = _section(text, "Safety first").strip().splitlines()[0]
    assert first == "- The answer code character 7 of “area” meant “Nose”, now “Breasts”"


class _Page(HTMLParser):
    """What a page loads from elsewhere, and its grid."""

    def __init__(self) -> None:
        super().__init__()
        self.outside: list[str] = []
        self.grid_rows = 0
        self.in_grid = False
        self.columns = 0
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        for name in ("src", "href", "srcset", "action", "data"):
            if values.get(name) and not (name == "href" and (values[name] or "").startswith("#")):
                self.outside.append(f"{tag} {name}={values[name]}")
        if tag == "link" or (tag == "script" and values.get("src")):
            self.outside.append(tag)
        if tag == "table" and "grid" in (values.get("class") or ""):
            self.in_grid = True
        if self.in_grid and tag == "th" and values.get("scope") == "row":
            self.grid_rows += 1
        if self.in_grid and tag == "th" and values.get("scope") == "col":
            self.columns += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_grid = False


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_is_self_contained_with_the_grid(language, tmp_path):
    old_data, new_data = tables("many")
    page = tmp_path / "report.html"
    result = run_cli(*pair(tmp_path, old_data, new_data), "--html", page, "--lang", language)
    assert result.exit_code == diff.CHANGED
    assert result.stdout == ""
    html = page.read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 1_000_000
    parsed = _Page()
    parsed.feed(html)
    assert parsed.outside == []
    assert "url(" not in html and "@import" not in html
    assert parsed.lang == language
    questions = {q["id"]: q for q in new_data["questions"]}
    assert parsed.grid_rows == len(questions["goal"]["choices"]) * len(questions["cause"]["choices"])
    assert parsed.columns == 1 + len(questions["area"]["choices"])


def label_of(code: str) -> str:
    """The label the clinic's table gives an answer code (the first question that has it)."""
    return next(c.label for q in GUIDE.table.questions for c in q.choices if c.id == code)


def test_the_spanish_page_names_the_answers_in_spanish(tmp_path):
    old_data, new_data = tables("category")
    # The clinic's own labels for three answers, and their Spanish from the clinic's catalog.
    english = {code: label_of(code) for code in ("function", "trauma", "male")}
    for data in (old_data, new_data):
        for question in data["questions"]:
            for choice in question["choices"]:
                choice["label"] = english.get(choice["id"], choice["label"])
    tr = diff.Translator("es")
    spanish = {code: tr.text(label) for code, label in english.items()}
    assert all(spanish[code] != english[code] for code in english)  # the catalog translates them
    page = tmp_path / "informe.html"
    run_cli(*pair(tmp_path, old_data, new_data), "--html", page, "--lang", "es")
    html = page.read_text(encoding="utf-8")
    assert spanish["function"] in html and spanish["trauma"] in html
    assert english["function"] not in html
    assert tr.gettext("Safety first") != "Safety first" and tr.gettext("Safety first") in html


def test_one_form_at_a_time(tmp_path):
    paths = pair(tmp_path, *tables("category"))
    result = run_cli(*paths, "--summary", "--json")
    assert result.exit_code != diff.CHANGED
    assert "Choose one of --summary, --json and --html" in result.output


def test_json_situations_cover_the_changed_combinations(tmp_path):
    old_data, new_data = tables("many")
    _result, old, new = compare(old_data, new_data)
    data = json.loads(run_cli(*pair(tmp_path, old_data, new_data), "--json").stdout)
    members = [
        combo
        for situation in data["situations"]
        for combo in itertools.product(*(situation["when"][q] for q in QUESTION_IDS))
    ]
    assert len(members) == len(set(members)) == sum(s["count"] for s in data["situations"])
    assert set(members) == changed_combos(old, new)
    assert data["totals"]["reconstructive"]["before"] == sum(
        1 for rec in old.decide_all().values() if rec.category.id == "reconstructive"
    )
