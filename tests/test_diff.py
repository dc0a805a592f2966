"""`flask guide diff`: what patients are told differently, on small synthetic tables.

The tables are the small one of `tests/synthetic.py` (108 combinations) with procedures of their
own. Outcomes are always asked of the engine, never written down; every pair of tables compared
is also checked for exact, disjoint families.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from guide import diff
from guide.cli import guide_cli
from guide.codes import sequence
from guide.cubes import cover
from guide.engine import Engine
from guide.rules import open_guide_text
from guide.table import QUESTION_IDS, RuleTableError

from .conftest import ROOT, RULES
from .synthetic import dump, engine_of, tiny


def small_table() -> dict:
    """The synthetic table, with procedures that tie, differ by sex or are tied to a cause."""
    data = tiny()

    def procedure(pid, kinds, areas):
        return {"id": pid, "name": f"Name of {pid}", "summary": f"What {pid} does.", "kinds": kinds, "areas": areas}

    data["procedures"] = [
        procedure("nose_shaping", ["cosmetic"], ["nose"]),
        procedure("nose_repair", ["reconstructive"], ["nose"]),
        procedure("chest_volume", ["cosmetic"], ["chest"]) | {"common_for": ["female"]},
        procedure("chest_muscle", ["cosmetic"], ["chest"]) | {"common_for": ["male"]},
        procedure("chest_rebuild", ["reconstructive"], ["chest"]) | {"causes": ["disease"]},
        procedure("male_chest", ["reconstructive"], ["chest"]) | {"only_for": "male"},
    ]
    return data


def write(tmp_path, name: str, data: dict):
    path = tmp_path / name
    path.write_text(dump(data), encoding="utf-8")
    return path


def pair(tmp_path, old: dict, new: dict):
    """Write two tables for the command, after proving the grouping of their comparison exact."""
    compare(old, new)
    return write(tmp_path, "old.yaml", old), write(tmp_path, "new.yaml", new)


def find(items: list[dict], item_id: str) -> dict:
    return next(item for item in items if item["id"] == item_id)


def compare(old: dict, new: dict) -> tuple[diff.Diff, Engine, Engine]:
    """Compare two tables, prove the grouping exact, and return the engines for expectations."""
    old_engine, new_engine = engine_of(old), engine_of(new)
    result = diff.compare(diff.decisions(old_engine), diff.decisions(new_engine))
    assert_exact(result, old_engine, new_engine)
    return result, old_engine, new_engine


def told_differently(old: diff.Told, new: diff.Told) -> bool:
    """Another category, list, order, kind, what-if or note, or the reason of another rule, worded differently."""
    reasons = (record.texts["rule", record.rule, "reason"] for record in (old, new))
    other_reason = old.rule != new.rule and len(set(reasons)) == 2
    fields = ("category", "procedures", "kinds", "what_if", "notes")
    return other_reason or any(getattr(old, name) != getattr(new, name) for name in fields)


def assert_exact(result: diff.Diff, old: Engine, new: Engine) -> None:
    """The families of each change cover exactly its combinations, without overlap, and the changes
    together are exactly the combinations told something different."""
    before, after = diff.decisions(old).told, diff.decisions(new).told
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


def test_a_rule_whose_category_changes():
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "works")["category"] = "undetermined"
    result, before, after = compare(old, new)
    told_works = {c for c in before.decide_all() if before.decide(c).rule.id == "works"}
    (category,) = [group for group in result.groups if group.fact.kind == "category"]
    assert (category.fact.before, category.fact.after) == ("reconstructive", "undetermined")
    assert category.combos == told_works
    assert result.status == diff.CHANGED


def test_a_procedure_listed_as_another_kind():
    old = small_table()
    either = {"id": "nose_either", "name": "Either", "summary": "Either.", "kinds": ["cosmetic", "reconstructive"]}
    old["procedures"].append(either | {"areas": ["nose"]})
    new = copy.deepcopy(old)
    find(new["rules"], "works")["category"] = "undetermined"
    result, before, after = compare(old, new)

    def kind(engine, combo):
        rec = engine.decide(combo)
        return dict(zip(ids(rec), rec.kinds, strict=True)).get("nose_either")

    def listed_otherwise(combo) -> bool:
        was, now = kind(before, combo), kind(after, combo)
        return None not in (was, now) and was != now

    relisted = {c for c in before.decide_all() if listed_otherwise(c)}
    assert relisted
    groups = [group for group in result.groups if group.fact.kind == "kind"]
    assert {group.fact.item for group in groups} == {"nose_either"}
    assert set().union(*(group.combos for group in groups)) == relisted
    for group in groups:
        combo = group.families[0].example
        assert (group.fact.before, group.fact.after) == (kind(before, combo), kind(after, combo))


def test_a_procedure_added_for_one_area():
    old = small_table()
    new = copy.deepcopy(old)
    repair = {"id": "chest_repair", "name": "Chest repair", "summary": "Repairs a chest."}
    new["procedures"].append(repair | {"kinds": ["reconstructive"], "areas": ["chest"]})
    result, _before, after = compare(old, new)
    listing = {c for c in after.decide_all() if "chest_repair" in ids(after.decide(c))}
    assert listing
    assert {c for g in result.groups for c in g.combos} == listing
    assert {c[3] for c in listing} == {"chest"}
    adds = [group for group in result.groups if group.fact.kind == "adds"]
    assert {group.fact.item for group in adds} == {"chest_repair"}
    assert set().union(*(group.combos for group in adds)) == listing
    for group in adds:
        for combo in group.combos:
            first = ids(after.decide(combo))[0] == "chest_repair"
            assert group.fact.after == ("first" if first else "later")
    assert kinds(result) <= {"adds", "removes_note"}


def test_a_reordering():
    old = small_table()
    new = copy.deepcopy(old)
    volume, muscle = find(new["procedures"], "chest_volume"), find(new["procedures"], "chest_muscle")
    i, j = new["procedures"].index(volume), new["procedures"].index(muscle)
    new["procedures"][i], new["procedures"][j] = muscle, volume
    result, before, after = compare(old, new)
    reordered = {c for c in before.decide_all() if ids(before.decide(c)) != ids(after.decide(c))}
    assert reordered, "the swap should change an order somewhere"
    assert {c for g in result.groups for c in g.combos} == reordered
    assert kinds(result) == {"moves"}
    for group in result.groups:
        for combo in group.combos:
            old_list, new_list = ids(before.decide(combo)), ids(after.decide(combo))
            higher = new_list.index(group.fact.item) < old_list.index(group.fact.item)
            place = "first" if new_list[0] == group.fact.item else "up" if higher else "down"
            assert group.fact.after == place


def test_a_note_added_to_an_answer():
    old = small_table()
    new = copy.deepcopy(old)
    trauma = find(find(new["questions"], "cause")["choices"], "trauma")
    trauma["note"] = "Have the injury seen by a doctor."
    result, _before, after = compare(old, new)
    (group,) = result.groups
    assert group.fact == diff.Fact("adds_note", "cause=trauma")
    assert group.combos == {c for c in after.decide_all() if trauma["note"] in after.decide(c).notes}
    conditions = [diff.describe(family.cube, result.domains, diff.Translator()) for family in group.families]
    assert conditions == ["`cause` = `trauma`, any `goal`, any `gender`, any `area`"]


def test_a_reworded_reason_is_listed_once_with_its_count():
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "hurt")["reason"] = "An injury or an illness: reconstructive."
    result, before, _after = compare(old, new)
    assert result.groups == ()
    (text,) = result.texts
    assert text.key == ("rule", "hurt", "reason")
    assert (text.before, text.after) == (
        find(old["rules"], "hurt")["reason"],
        "An injury or an illness: reconstructive.",
    )
    assert text.count == sum(1 for c in before.decide_all() if before.decide(c).rule.id == "hurt")
    assert result.status == diff.CHANGED


def test_rules_and_keys_moved_around_change_nothing():
    old = small_table()
    new = copy.deepcopy(old)
    hurt, looks = find(new["rules"], "hurt"), find(new["rules"], "looks")
    i, j = new["rules"].index(hurt), new["rules"].index(looks)
    new["rules"][i], new["rules"][j] = looks, hurt  # they apply to different answers
    new = dict(reversed(list(new.items())))  # the sections in another order
    result, _before, _after = compare(old, new)
    assert (result.groups, result.texts, result.status) == ((), (), diff.SAME)


def test_a_rule_renamed_with_the_same_reason_changes_nothing_a_patient_sees():
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "looks")["id"] = "cosmetic-wish"
    result, before, after = compare(old, new)
    assert {before.decide(c).rule.id for c in before.decide_all()} != {
        after.decide(c).rule.id for c in after.decide_all()
    }
    assert (result.groups, result.texts, result.status) == ((), (), diff.SAME)


def test_a_new_answer_gives_new_combinations():
    old = small_table()
    new = copy.deepcopy(old)
    area = find(new["questions"], "area")
    area["choices"].insert(
        0, {"id": "ears", "code": sequence(QUESTION_IDS.index("area"))[len(area["choices"])], "label": "Ears"}
    )
    result, before, _after = compare(old, new)
    (group,) = result.groups
    assert group.fact == diff.Fact("new_combination")
    (family,) = group.families
    assert family.cube[3] == frozenset({"ears"})
    others = {c[:3] for c in before.decide_all()}
    assert family.count == len(group.combos) == len(others)


@pytest.mark.parametrize("seed", range(12))
def test_the_cover_is_exact_on_random_sets(seed):
    rng = random.Random(seed)
    domains = (("a", "b", "c"), tuple("pqrstuv"), ("x", "y", "z"), tuple("0123456789"))
    everything = list(itertools.product(*domains))
    chosen = set(rng.sample(everything, rng.randrange(1, len(everything))))
    cubes = cover(chosen, domains)
    members = [combo for cube in cubes for combo in itertools.product(*cube)]
    assert len(members) == len(set(members))
    assert set(members) == chosen


def test_a_whole_block_is_one_family():
    domains = (("a", "b", "c"), tuple("pqrstuv"), ("x", "y", "z"), tuple("0123456789"))
    block = set(itertools.product(("a", "c"), domains[1], ("y",), ("1", "4", "5")))
    assert cover(block, domains) == [(frozenset("ac"), frozenset(domains[1]), frozenset("y"), frozenset("145"))]


def run_cli(*args, env=None):
    return CliRunner().invoke(guide_cli, ["diff", *map(str, args)], env=env)


def test_a_broken_new_table_exits_2_with_its_lines(tmp_path):
    old = small_table()
    broken = copy.deepcopy(old)
    find(broken["rules"], "hurt")["when"]["cause"] = ["traumma", "disease"]
    new = write(tmp_path, "new.yaml", broken)
    text = new.read_text(encoding="utf-8")
    line = text[: text.index("traumma")].count("\n") + 1
    result = run_cli(write(tmp_path, "old.yaml", old), new)
    assert result.exit_code == diff.BROKEN
    assert f'{new}:{line}: rule "hurt" names unknown answer "traumma" for question "cause"' in result.stderr
    assert result.stdout == ""


def test_the_command_reports_markdown_and_exits_1(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "works")["category"] = "undetermined"
    result = run_cli(*pair(tmp_path, old, new))
    assert result.exit_code == diff.CHANGED
    labels = {c["id"]: c["label"] for c in old["categories"]}
    assert "### 1. none · any area · function\n" in result.stdout  # the synthetic answers' labels are their codes
    assert f"- {labels['reconstructive']} → {labels['undetermined']}\n" in result.stdout


def test_the_command_exits_0_on_the_same_table(tmp_path):
    path = write(tmp_path, "old.yaml", small_table())
    assert run_cli(path, path).exit_code == diff.SAME


def test_json_families_cover_the_changed_combinations(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "works")["category"] = "undetermined"
    new["procedures"].pop()
    result = run_cli(*pair(tmp_path, old, new), "--json")
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
    old["categories"] = yaml.safe_load(RULES.read_text(encoding="utf-8"))["categories"]  # texts in the catalog
    new = copy.deepcopy(old)
    find(new["rules"], "works")["category"] = "undetermined"
    paths = pair(tmp_path, old, new)
    english, spanish = run_cli(*paths).stdout, run_cli(*paths, "--lang", "es").stdout
    tr = diff.Translator("es")
    for label in (find(old["categories"], "reconstructive")["label"], find(old["categories"], "undetermined")["label"]):
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
    find(new["rules"], "hurt")["reason"] = "Reworded."
    compare(old, new)
    write(repo, "rules.yaml", new)
    monkeypatch.setenv("GUIDE_RULES", str(path))
    result = run_cli("HEAD")
    assert result.exit_code == diff.CHANGED
    assert "HEAD:rules.yaml" in result.stdout
    assert "Reworded." in result.stdout
    missing = run_cli("no-such-revision")
    assert missing.exit_code == diff.BROKEN
    assert "no-such-revision:rules.yaml:1:" in missing.stderr


def test_the_snapshot_script_tells_what_the_engine_tells():
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    run = subprocess.run(diff.snapshot_command(RULES), cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    from_script = diff.Decisions.of(json.loads(run.stdout))
    in_process = diff.decisions(open_guide_text(RULES.read_text(encoding="utf-8"), "rules.yaml").engine)
    assert from_script == in_process
    assert diff.compare(from_script, in_process).status == diff.SAME


def test_a_revision_today_s_code_cannot_read_is_decided_by_its_own_code(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "guide", repo / "guide", ignore=shutil.ignore_patterns("__pycache__"))
    old = small_table()
    path = write(repo, "rules.yaml", old)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "table and code")
    monkeypatch.setenv("GUIDE_RULES", str(path))
    found = diff._decided_by_its_own_code("HEAD", path.read_text(encoding="utf-8"))
    assert found == diff.decisions(engine_of(old))


def test_a_broken_revision_without_code_of_its_own_is_reported_with_its_lines(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    broken = small_table()
    find(broken["rules"], "hurt")["when"]["cause"] = ["traumma", "disease"]
    path = write(repo, "rules.yaml", broken)
    line = path.read_text(encoding="utf-8").split("traumma")[0].count("\n") + 1
    git(repo, "init", "-q")
    git(repo, "add", "rules.yaml")
    git(repo, "commit", "-qm", "a broken table, and no guide package to decide it")
    write(repo, "rules.yaml", small_table())
    monkeypatch.setenv("GUIDE_RULES", str(path))
    result = run_cli("HEAD")
    assert result.exit_code == diff.BROKEN
    assert f'HEAD:rules.yaml:{line}: rule "hurt" names unknown answer "traumma"' in result.stderr


def test_a_missing_table_file_is_reported_as_unreadable(tmp_path):
    with pytest.raises(RuleTableError) as caught:
        diff.read_table(tmp_path / "nothing.yaml")
    (problem,) = caught.value.problems
    assert problem.startswith(f"{tmp_path / 'nothing.yaml'}:1: cannot be read")


def test_a_reworded_text_without_spanish_is_flagged_in_the_spanish_report(tmp_path):
    old = small_table()
    new = copy.deepcopy(old)
    find(new["rules"], "hurt")["reason"] = "A sentence the catalog has never seen."
    paths = pair(tmp_path, old, new)
    tr = diff.Translator("es")
    spanish, english = run_cli(*paths, "--lang", "es").stdout, run_cli(*paths).stdout
    for flag in ("(not translated yet: run make translations)", "(no longer in the catalog: shown in English)"):
        assert tr.gettext(flag) != flag
        assert tr.gettext(flag) in spanish  # the synthetic table's texts are in no catalog
        assert flag not in english
