"""`flask guide diff`: what patients are told differently, on small synthetic tables.

Each table here keeps the shipped table's texts and questions' fields (so it passes the schema) but
has its own few answers, procedures and rules. Outcomes are always asked of the engine, never written
down; every pair of tables compared is also checked for exact, disjoint families.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from guide import diff
from guide.cli import guide_cli
from guide.engine import Engine
from guide.table import QUESTION_IDS, RuleTableError

from .conftest import RULES

#: The answers the small tables keep, per question (a few of the shipped codes).
KEEP = {
    "goal": ["appearance", "function"],
    "cause": ["none", "trauma", "pain"],
    "gender": ["female", "male", "unspecified"],
    "area": ["nose", "ears", "breast_chest", "unsure"],
}


def small_table() -> dict:
    """A small valid table as plain data: the shipped texts, few answers, own procedures and rules."""
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for question in data["questions"]:
        question["choices"] = [c for c in question["choices"] if c["id"] in KEEP[question["id"]]]
        if question.get("default") not in KEEP[question["id"]]:
            question.pop("default", None)
    data["what_if"] = ["cause", "goal"]

    def procedure(pid, kind, areas, **more):
        texts = {"name": f"Name of {pid}", "summary": f"What {pid} does."}
        return {"id": pid, **texts, "kind": kind, "areas": areas, **more}

    data["procedures"] = [
        procedure("nose_shaping", "cosmetic", ["nose"], causes=["trauma"]),
        procedure("ear_shaping", "cosmetic", ["ears"]),
        procedure("chest_volume", "cosmetic", ["breast_chest"], common_for=["female"]),
        procedure("chest_muscle", "cosmetic", ["breast_chest"], common_for=["male"]),
        procedure("chest_reduction", "reconstructive", ["breast_chest"], causes=["pain"]),
        procedure("male_chest", "reconstructive", ["breast_chest"], only_for="male"),
    ]

    def rule(rid, when, category):
        return {"id": rid, "when": when, "category": category, "reason": f"Because of {rid}."}

    data["rules"] = [
        rule("injury", {"cause": ["trauma"]}, "reconstructive"),
        rule("pain", {"goal": ["appearance"], "cause": ["pain"]}, "reconstructive"),
        rule("function", {"goal": ["function"]}, "reconstructive"),
        rule("appearance", {"goal": ["appearance"], "cause": ["none"]}, "cosmetic"),
    ]
    return data


def write(tmp_path, name: str, data: dict):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def find(items: list[dict], item_id: str) -> dict:
    return next(item for item in items if item["id"] == item_id)


def compare(tmp_path, old: dict, new: dict) -> tuple[diff.Diff, Engine, Engine]:
    """Compare two tables, prove the grouping exact, and return the engines for expectations."""
    old_table, _name = diff.read_table(write(tmp_path, "old.yaml", old))
    new_table, _name = diff.read_table(write(tmp_path, "new.yaml", new))
    result = diff.compare(old_table, new_table)
    assert_exact(result, old_table, new_table)
    return result, Engine(old_table), Engine(new_table)


def told_differently(old: diff.Told, new: diff.Told) -> bool:
    """Another category, procedures, order, what-if or notes, or a reason from another rule, worded differently."""
    reasons = (record.texts["rule", record.rule, "reason"] for record in (old, new))
    other_reason = old.rule != new.rule and len(set(reasons)) == 2
    fields = ("category", "procedures", "what_if", "notes")
    return other_reason or any(getattr(old, name) != getattr(new, name) for name in fields)


def assert_exact(result: diff.Diff, old_table, new_table) -> None:
    """The families of each change cover exactly its combinations, without overlap, and the changes
    together are exactly the combinations told something different."""
    before, after = diff.decide_all(old_table), diff.decide_all(new_table)
    differ = {
        combo
        for combo in set(before) | set(after)
        if combo not in before or combo not in after or told_differently(before[combo], after[combo])
    }
    facts = {combo: diff.change_of(before.get(combo), after.get(combo)) for combo in set(before) | set(after)}
    for group in result.groups:
        members: list = []
        for family in group.families:
            cube = list(itertools.product(*family.cube))
            assert family.count == len(cube)
            assert family.example in cube
            members += cube
        assert len(members) == len(set(members)), "two families of one change overlap"
        assert set(members) == group.combos == {combo for combo, seen in facts.items() if group.fact in seen}
    assert len({group.fact for group in result.groups}) == len(result.groups)
    assert set().union(*(group.combos for group in result.groups)) == differ
    assert result.changed == len(differ)


def ids(rec) -> tuple[str, ...]:
    return tuple(p.id for p in rec.procedures)


def kinds(result: diff.Diff) -> set[str]:
    return {group.fact.kind for group in result.groups}


def test_a_rule_whose_category_changes(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["category"] = "undetermined"
    result, before, after = compare(tmp_path, old, new)
    told_pain = {c for c in diff.decide_all(before.table) if before.decide(c).rule.id == "pain"}
    (category,) = [group for group in result.groups if group.fact.kind == "category"]
    assert (category.fact.before, category.fact.after) == ("reconstructive", "undetermined")
    assert category.combos == told_pain
    assert result.status == diff.CHANGED


def test_a_procedure_added_for_one_area(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    repair = {"id": "ear_repair", "name": "Ear repair", "summary": "Repairs ears."}
    new["procedures"].append(repair | {"kind": "reconstructive", "areas": ["ears"]})
    result, _before, after = compare(tmp_path, old, new)
    listing = {c for c in diff.decide_all(after.table) if "ear_repair" in ids(after.decide(c))}
    assert {c for g in result.groups for c in g.combos} == listing
    assert all(c[3] == "ears" for c in listing)
    adds = [group for group in result.groups if group.fact.kind == "adds"]
    assert {group.fact.item for group in adds} == {"ear_repair"}
    assert set().union(*(group.combos for group in adds)) == listing
    for group in adds:
        for combo in group.combos:
            first = ids(after.decide(combo))[0] == "ear_repair"
            assert group.fact.after == ("first" if first else "later")
    assert kinds(result) <= {"adds", "notes"}


def test_a_reordering(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    volume, muscle = find(new["procedures"], "chest_volume"), find(new["procedures"], "chest_muscle")
    i, j = new["procedures"].index(volume), new["procedures"].index(muscle)
    new["procedures"][i], new["procedures"][j] = muscle, volume
    result, before, after = compare(tmp_path, old, new)
    reordered = {c for c in diff.decide_all(before.table) if ids(before.decide(c)) != ids(after.decide(c))}
    assert reordered, "the swap should change an order somewhere"
    assert {c for g in result.groups for c in g.combos} == reordered
    assert kinds(result) == {"moves"}
    for group in result.groups:
        for combo in group.combos:
            old_list, new_list = ids(before.decide(combo)), ids(after.decide(combo))
            higher = new_list.index(group.fact.item) < old_list.index(group.fact.item)
            place = "first" if new_list[0] == group.fact.item else "up" if higher else "down"
            assert group.fact.after == place


def test_a_reworded_reason_is_listed_once_with_its_count(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["reason"] = "Pain is a reason to see the surgeon."
    result, before, _after = compare(tmp_path, old, new)
    assert result.groups == ()
    (text,) = result.texts
    assert text.key == ("rule", "pain", "reason")
    assert (text.before, text.after) == ("Because of pain.", "Pain is a reason to see the surgeon.")
    assert text.count == sum(1 for c in diff.decide_all(before.table) if before.decide(c).rule.id == "pain")
    assert result.status == diff.CHANGED


def test_rules_and_keys_moved_around_change_nothing(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    injury, pain = find(new["rules"], "injury"), find(new["rules"], "pain")
    new["rules"][0:2] = [pain, injury]  # they apply to different answers
    new = dict(reversed(list(new.items())))  # the sections in another order
    result, _before, _after = compare(tmp_path, old, new)
    assert (result.groups, result.texts, result.status) == ((), (), diff.SAME)


def test_a_new_answer_gives_new_combinations(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    area = find(new["questions"], "area")
    area["choices"].insert(0, {"id": "arms", "label": "Arms"})
    result, _before, _after = compare(tmp_path, old, new)
    (group,) = result.groups
    assert group.fact == diff.Fact("new_combination")
    (family,) = group.families
    assert family.cube[3] == frozenset({"arms"})
    assert family.count == len(group.combos) == 2 * 3 * 3


@pytest.mark.parametrize("seed", range(12))
def test_the_cover_is_exact_on_random_sets(seed):
    rng = random.Random(seed)
    domains = (("a", "b", "c"), tuple("pqrstuv"), ("x", "y", "z"), tuple("0123456789"))
    everything = list(itertools.product(*domains))
    chosen = set(rng.sample(everything, rng.randrange(1, len(everything))))
    cubes = diff.cover(chosen, domains)
    members = [combo for cube in cubes for combo in itertools.product(*cube)]
    assert len(members) == len(set(members))
    assert set(members) == chosen


def test_a_whole_block_is_one_family():
    domains = (("a", "b", "c"), tuple("pqrstuv"), ("x", "y", "z"), tuple("0123456789"))
    block = set(itertools.product(("a", "c"), domains[1], ("y",), ("1", "4", "5")))
    assert diff.cover(block, domains) == [(frozenset("ac"), frozenset(domains[1]), frozenset("y"), frozenset("145"))]


def run_cli(*args, env=None):
    return CliRunner().invoke(guide_cli, ["diff", *map(str, args)], env=env)


def test_a_broken_new_table_exits_2_with_its_lines(tmp_path):
    old = write(tmp_path, "old.yaml", small_table())
    text = old.read_text(encoding="utf-8").replace("- trauma\n  category", "- traumma\n  category", 1)
    assert "traumma" in text
    new = tmp_path / "new.yaml"
    new.write_text(text, encoding="utf-8")
    line = text[: text.index("traumma")].count("\n") + 1
    result = run_cli(old, new)
    assert result.exit_code == diff.BROKEN
    assert f'{new}:{line}: rule "injury" names unknown answer "traumma" for question "cause"' in result.stderr
    assert result.stdout == ""


def test_the_command_reports_markdown_and_exits_1(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["category"] = "undetermined"
    result = run_cli(write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new))
    assert result.exit_code == diff.CHANGED
    assert "Reconstructive surgery → Not clear yet" in result.stdout
    assert "`cause` = `pain`" in result.stdout


def test_the_command_exits_0_on_the_same_table(tmp_path):
    path = write(tmp_path, "old.yaml", small_table())
    assert run_cli(path, path).exit_code == diff.SAME


def test_json_families_cover_the_changed_combinations(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["category"] = "undetermined"
    new["procedures"].pop()
    result = run_cli(write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new), "--json")
    assert result.exit_code == diff.CHANGED
    report = json.loads(result.stdout)
    changed: set = set()
    for change in report["changes"]:
        cubes = [list(itertools.product(*(f["when"][q] for q in QUESTION_IDS))) for f in change["families"]]
        assert [len(c) for c in cubes] == [f["count"] for f in change["families"]]
        assert sum(len(c) for c in cubes) == change["count"] == len({x for c in cubes for x in c})
        changed |= {x for c in cubes for x in c}
    assert len(changed) == report["changed"] > 0


def test_spanish_report_uses_the_catalog(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["category"] = "undetermined"
    paths = write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new)
    english, spanish = run_cli(*paths).stdout, run_cli(*paths, "--lang", "es").stdout
    tr = diff.Translator("es")
    for label in ("Reconstructive surgery", "Not clear yet"):
        assert tr.text(label) != label
        assert tr.text(label) in spanish
        assert label in english
    assert tr.gettext("Before") != "Before"
    assert f"| | {tr.gettext('Before')} | {tr.gettext('After')} |" in spanish


def git(cwd, *args):
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args]
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)


def test_a_git_revision_of_the_working_table(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    old = small_table()
    path = write(repo, "rules.yaml", old)
    git(repo, "init", "-q")
    git(repo, "add", "rules.yaml")
    git(repo, "commit", "-qm", "table")
    new = copy.deepcopy(old)
    find(new["rules"], "pain")["reason"] = "Reworded."
    write(repo, "rules.yaml", new)
    monkeypatch.setenv("GUIDE_RULES", str(path))
    result = run_cli("HEAD")
    assert result.exit_code == diff.CHANGED
    assert "HEAD:rules.yaml" in result.stdout
    assert "Reworded." in result.stdout
    missing = run_cli("no-such-revision")
    assert missing.exit_code == diff.BROKEN
    assert "no-such-revision:rules.yaml:1:" in missing.stderr


def test_a_missing_table_file_is_reported_as_unreadable(tmp_path):
    with pytest.raises(RuleTableError) as caught:
        diff.read_table(tmp_path / "nothing.yaml")
    (problem,) = caught.value.problems
    assert problem.startswith(f"{tmp_path / 'nothing.yaml'}:1: cannot be read")


def test_a_reworded_text_without_spanish_is_flagged_in_the_spanish_report(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "injury")["reason"] = "A sentence the catalog has never seen."
    paths = write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new)
    tr = diff.Translator("es")
    flag = tr.gettext("(not translated yet: run make translations)")
    assert flag in run_cli(*paths, "--lang", "es").stdout
    assert "not translated yet" not in run_cli(*paths).stdout
