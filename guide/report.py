"""The change report a surgeon reads: a summary on one screen, then situation by situation, in the patient's words.

`guide diff` prints it as Markdown (the full report, or `--summary` alone), as JSON, or writes it
as one self-contained HTML page (`--html FILE`, from `templates/change-report.html`). It renders a
`guide.diff.Diff`; every answer is named by its label, every text goes through the catalog, and a
text the catalog lacks is marked as shown in English. Pure Python, no Flask.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from guide.cubes import Combo, Cube, cover
from guide.diff import (
    BROKEN,
    REPOINTED,
    Diff,
    Fact,
    Situation,
    Told,
    Translator,
    as_json,
    compare,
    fact_text,
    read_table,
    repointed_codes,
    repointed_json,
    repointed_markdown,
)
from guide.table import CATEGORY_IDS, QUESTION_IDS, UNDETERMINED, RuleTableError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

#: The order a situation names its answers in: what led to it first, the patient's gender last.
SPOKEN_ORDER = ("cause", "area", "goal", "gender")
#: The most lines the summary takes, to read on one screen.
SUMMARY_LINES = 60
#: How many families of answers the summary gives as examples of one finding.
EXAMPLES = 2


# ------------------------------------------------------------------- words ----


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _join(names: list[str]) -> str:
    """Several answers as one: "Face / Nose / Ears" (their labels may hold an "or" of their own)."""
    return " / ".join(names)


def shown(source: str, tr: Translator) -> str:
    """A text of a table in the report's language, marked when the catalog lacks it (it is shown in English)."""
    if tr.lacks(source):
        return source + " " + tr.gettext("(in English: not in the catalog)")
    return tr.text(source)


def answer_name(diff: Diff, tr: Translator, question: str, code: str) -> str:
    """An answer as the patient read it."""
    return shown(diff.labels.get(("answer", question, code), code), tr)


def question_name(diff: Diff, tr: Translator, question: str) -> str:
    """A question's short name, e.g. "Body area"."""
    return shown(diff.labels.get(("question", question, "short"), question), tr)


def _ambiguous(diff: Diff) -> set[tuple[str, str]]:
    """The answers whose label is also another question's answer ("I am not sure"): they need the question."""
    questions: dict[str, set[str]] = {}
    for key, text in diff.labels.items():
        if key[0] == "answer":
            questions.setdefault(text, set()).add(key[1])
    return {(key[1], key[2]) for key, text in diff.labels.items() if key[0] == "answer" and len(questions[text]) > 1}


def situation_text(cube: Cube, diff: Diff, tr: Translator, within: Cube | None = None) -> str:
    """Name a family of answers in the patient's words, e.g. "A large weight loss · Face or Nose · any aim".

    Any gender goes unsaid. With `within`, only what narrows that family is said.
    """
    ambiguous = _ambiguous(diff)
    parts = []
    for question in SPOKEN_ORDER:
        index = QUESTION_IDS.index(question)
        domain = diff.domains[index]
        codes = [code for code in domain if code in cube[index]]
        if within is not None and set(codes) == set(within[index]):
            continue
        name = _lower_first(question_name(diff, tr, question))
        if len(codes) == len(domain):
            if question != "gender":
                parts.append(tr.gettext("any %(question)s", question=name))
            continue
        others = [code for code in domain if code not in codes]
        if len(domain) > 3 and len(others) < len(codes):
            names = [answer_name(diff, tr, question, code) for code in others]
            parts.append(tr.gettext("any %(question)s except %(answers)s", question=name, answers=_join(names)))
            continue
        text = _join([answer_name(diff, tr, question, code) for code in codes])
        if any((question, code) in ambiguous for code in codes):
            text = tr.gettext("%(question)s: %(answers)s", question=question_name(diff, tr, question), answers=text)
        parts.append(text)
    return " · ".join(parts) or tr.gettext("every combination of answers")


def combo_text(combo: Combo, diff: Diff, tr: Translator) -> str:
    """One combination of answers in the patient's words."""
    return situation_text(tuple(frozenset({code}) for code in combo), diff, tr)


def category_name(diff: Diff, tr: Translator, category: str) -> str:
    return shown(diff.labels.get(("category", category, "label"), category), tr)


def change_words(fact: Fact, diff: Diff, tr: Translator) -> str:
    """Say one change in words, with a capital."""
    text = fact_text(fact, diff, tr)
    return text[:1].upper() + text[1:]


# ------------------------------------------------------- what a patient saw ----


@dataclass(frozen=True)
class Row:
    """One line of a result, as seen before and after."""

    name: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _view(record: Told | None, diff: Diff, tr: Translator) -> list[str]:
    """A result as the patient saw it: heading, reason, procedures with their kind, what-if, notes."""
    if record is None:
        return [tr.gettext("(this combination of answers does not exist)")] + ["—"] * 4
    texts = record.texts
    label = shown(texts["category", record.category, "label"], tr)
    heading = label
    if record.category != UNDETERMINED:
        heading = tr.gettext("Most likely: %(category)s", category=_lower_first(label))
    procedures = [
        f"{number}. {shown(texts['procedure', p, 'name'], tr)} ({_lower_first(category_name(diff, tr, kind))})"
        for number, (p, kind) in enumerate(zip(record.procedures, record.kinds, strict=True), start=1)
    ]
    what_if = "—"
    if record.what_if is not None:
        question, code, category = record.what_if
        what_if = tr.gettext(
            "If %(condition)s, this would most likely be %(category)s.",
            condition=shown(texts["what_if", question, code], tr),
            category=_lower_first(shown(texts["category", category, "label"], tr)),
        )
    notes = " ".join(shown(texts["note", note], tr) for note in record.notes)
    return [
        heading,
        shown(texts["rule", record.rule, "reason"], tr),
        "; ".join(procedures) or "—",
        what_if,
        notes or "—",
    ]


def rows(before: Told | None, after: Told | None, diff: Diff, tr: Translator) -> list[Row]:
    """A result before and after, line by line."""
    names = [tr.gettext("Heading"), tr.gettext("Reason"), tr.gettext("Procedures")]
    names += [tr.gettext("What if"), tr.gettext("Notes")]
    views = zip(names, _view(before, diff, tr), _view(after, diff, tr), strict=True)
    return [Row(name, old, new) for name, old, new in views]


# ---------------------------------------------------------------- summary ----


@dataclass
class Finding:
    """One line of the summary, with a few examples under it."""

    text: str
    examples: list[str] = field(default_factory=list)
    safety: bool = False


def _examples(combos: Iterable[Combo], diff: Diff, tr: Translator) -> list[str]:
    """The largest families of some combinations, in words with their count, and how many more there are."""
    members = set(combos)
    cubes = sorted(cover(members, diff.domains), key=lambda cube: -len(list(itertools.product(*cube))))
    shown_here = [
        tr.ngettext("%(situation)s: %(num)s combination", "%(situation)s: %(num)s combinations", size, situation=text)
        for cube in cubes[:EXAMPLES]
        for size, text in [(len(list(itertools.product(*cube))), situation_text(cube, diff, tr))]
    ]
    if len(cubes) > EXAMPLES:
        more = len(cubes) - EXAMPLES
        shown_here.append(tr.ngettext("and %(num)s more family of answers", "and %(num)s more families", more))
    return shown_here


def _combos(diff: Diff, test: Any) -> set[Combo]:
    """The combinations that see a change of which `test(fact)` holds."""
    return set().union(*(group.combos for group in diff.groups if test(group.fact)))


def _count(tr: Translator, number: int) -> str:
    return tr.ngettext("%(num)s combination", "%(num)s combinations", number)


def _category_findings(diff: Diff, tr: Translator) -> list[Finding]:
    """Moves into and out of reconstructive surgery (safety), then the other moves between categories."""
    findings = []
    for group in diff.groups:
        fact = group.fact
        if fact.kind == "category":
            text = tr.gettext(
                "%(before)s → %(after)s: %(count)s",
                before=category_name(diff, tr, fact.before),
                after=category_name(diff, tr, fact.after),
                count=_count(tr, len(group.combos)),
            )
            safety = "reconstructive" in (fact.before, fact.after)
            findings.append(Finding(text, _examples(group.combos, diff, tr), safety))
    moves = [group.fact for group in diff.groups if group.fact.kind == "category"]
    if not any(fact.after == "reconstructive" for fact in moves):
        findings.insert(0, Finding(tr.gettext("No combination moves into reconstructive surgery."), [], True))
    if not any(fact.before == "reconstructive" for fact in moves):
        findings.insert(0, Finding(tr.gettext("No combination moves out of reconstructive surgery."), [], True))
    return findings


def _empty_lists(diff: Diff) -> set[Combo]:
    return {
        combo
        for combo in set().union(*(s.combos for s in diff.situations))
        if diff.before.get(combo) is not None
        and diff.before[combo].procedures
        and diff.after.get(combo) is not None
        and not diff.after[combo].procedures
    }


def _answer_or_none(diff: Diff, tr: Translator, question: str, code: str | None) -> str:
    return answer_name(diff, tr, question, code) if code else tr.gettext("no answer")


def _safety(diff: Diff, tr: Translator) -> list[Finding]:
    """What a surgeon checks first: answer codes, reconstructive surgery, notes lost, empty lists, what-if lines."""
    findings = [
        Finding(
            tr.gettext(
                "The answer code character %(character)s of “%(question)s” meant “%(before)s”, now “%(after)s”",
                character=change.character,
                question=question_name(diff, tr, change.question),
                before=_answer_or_none(diff, tr, change.question, change.before),
                after=_answer_or_none(diff, tr, change.question, change.after),
            ),
            [],
            True,
        )
        for change in diff.code_changes
    ]
    findings += [finding for finding in _category_findings(diff, tr) if finding.safety]
    lost = [group for group in diff.groups if group.fact.kind == "removes_note"]
    for group in lost:
        note = shown(diff.labels.get(("note", group.fact.item or ""), group.fact.item or ""), tr)
        text = tr.gettext("Note no longer shown: “%(note)s”: %(count)s", note=note, count=_count(tr, len(group.combos)))
        findings.append(Finding(text, _examples(group.combos, diff, tr), True))
    if not lost:
        findings.append(Finding(tr.gettext("No note is lost."), [], True))
    empty = _empty_lists(diff)
    if empty:
        text = tr.gettext("Lists of procedures that become empty: %(count)s", count=_count(tr, len(empty)))
        findings.append(Finding(text, _examples(empty, diff, tr), True))
    else:
        findings.append(Finding(tr.gettext("No list of procedures becomes empty."), [], True))
    what_if = _combos(diff, lambda fact: fact.kind == "what_if")
    if what_if:
        text = tr.gettext("What-if line changed: %(count)s", count=_count(tr, len(what_if)))
        findings.append(Finding(text, _examples(what_if, diff, tr), True))
    else:
        findings.append(Finding(tr.gettext("No what-if line changes."), [], True))
    return findings


def _names(diff: Diff, tr: Translator, kind: str) -> str:
    """The procedures (or notes) a kind of change concerns, most combinations first, with their counts."""
    counts: Counter[str] = Counter()
    for group in diff.groups:
        if group.fact.kind == kind:
            counts[group.fact.item or ""] += len(group.combos)
    kind_of = "note" if kind.endswith("note") else "procedure"
    field_of = () if kind_of == "note" else ("name",)
    named = [
        f"{_short(shown(diff.labels.get((kind_of, item, *field_of), item), tr))}: {number}"
        for item, number in counts.most_common(4)
    ]
    if len(counts) > 4:
        named.append(tr.ngettext("%(num)s more", "%(num)s more", len(counts) - 4))
    return "; ".join(named)


def _short(text: str, limit: int = 60) -> str:
    """A text cut at a word to fit in a line of the summary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _others(diff: Diff, tr: Translator) -> list[Finding]:
    """The changes that are not safety findings, one line each."""
    findings = [finding for finding in _category_findings(diff, tr) if not finding.safety]
    simple = (
        ("reason", lambda n: tr.gettext("Another reason given: %(count)s", count=_count(tr, n))),
        ("moves", lambda n: tr.gettext("Procedures in another order: %(count)s", count=_count(tr, n))),
        ("notes_order", lambda n: tr.gettext("Notes in another order: %(count)s", count=_count(tr, n))),
        ("new_combination", lambda n: tr.gettext("New combinations of answers: %(count)s", count=_count(tr, n))),
        (
            "removed_combination",
            lambda n: tr.gettext("Combinations of answers that no longer exist: %(count)s", count=_count(tr, n)),
        ),
    )
    named = (
        ("removes", lambda n, names: tr.gettext("Procedures removed: %(count)s (%(names)s)", count=n, names=names)),
        ("adds", lambda n, names: tr.gettext("Procedures added: %(count)s (%(names)s)", count=n, names=names)),
        ("kind", lambda n, names: tr.gettext("Listed as another kind: %(count)s (%(names)s)", count=n, names=names)),
        ("adds_note", lambda n, names: tr.gettext("Notes added: %(count)s (%(names)s)", count=n, names=names)),
    )
    for kind, say in simple:
        combos = _combos(diff, lambda fact, kind=kind: fact.kind == kind)
        if combos:
            findings.append(Finding(say(len(combos))))
    for kind, say_named in named:
        combos = _combos(diff, lambda fact, kind=kind: fact.kind == kind)
        if combos:
            findings.append(Finding(say_named(_count(tr, len(combos)), _names(diff, tr, kind))))
    if diff.texts:
        shown_to = sum(change.count for change in diff.texts)
        text = tr.ngettext(
            "Reworded texts: %(num)s, shown %(shown)s times in all",
            "Reworded texts: %(num)s, shown %(shown)s times in all",
            len(diff.texts),
            shown=shown_to,
        )
        findings.append(Finding(text))
    return findings


def totals(diff: Diff) -> list[tuple[str, int, int]]:
    """Each category with how many combinations it is the result of, before and after."""
    before = Counter(told.category for told in diff.before.values())
    after = Counter(told.category for told in diff.after.values())
    return [(category, before[category], after[category]) for category in CATEGORY_IDS]


def title(diff: Diff, tr: Translator) -> str:
    return tr.gettext("What patients are told: %(old)s → %(new)s", old=diff.old_name, new=diff.new_name)


def overview(diff: Diff, tr: Translator) -> str:
    """How many combinations are told something different, in how many situations."""
    if not diff.groups and not diff.texts:
        return tr.ngettext(
            "All %(num)s combination of answers compared: no patient is told anything different.",
            "All %(num)s combinations of answers compared: no patient is told anything different.",
            diff.combinations,
        )
    return tr.ngettext(
        "Told something different: %(changed)s of %(num)s combination of answers, in %(situations)s situations.",
        "Told something different: %(changed)s of %(num)s combinations of answers, in %(situations)s situations.",
        diff.combinations,
        changed=diff.changed,
        situations=len(diff.situations),
    )


def findings(diff: Diff, tr: Translator) -> list[tuple[str, list[Finding]]]:
    """The summary's findings under their headings: safety first, then the other changes."""
    if diff.status == 0 and not diff.code_changes:
        return []
    found = [(tr.gettext("Safety first"), _safety(diff, tr)), (tr.gettext("Other changes"), _others(diff, tr))]
    return [(heading, items) for heading, items in found if items]


def summary_lines(diff: Diff, tr: Translator) -> list[str]:
    """The summary as Markdown lines: category totals, how many are told something different, safety first."""
    lines = ["# " + title(diff, tr), "", "## " + tr.gettext("Results by category, before → after"), ""]
    for category, before, after in totals(diff):
        change = f" ({after - before:+d})" if after != before else ""
        lines.append(f"- {category_name(diff, tr, category)}: {before} → {after}{change}")
    lines += ["", overview(diff, tr)]
    for heading, items in findings(diff, tr):
        lines += ["", "## " + heading, ""]
        for finding in items:
            lines.append(f"- {finding.text}")
            lines += [f"  - {example}" for example in finding.examples]
    if len(lines) > SUMMARY_LINES:
        lines = [line for line in lines if not line.startswith("  - ")]  # the findings without their examples
    return lines[:SUMMARY_LINES]


def summary(diff: Diff, tr: Translator) -> str:
    """The summary as Markdown: one screen."""
    return "\n".join(summary_lines(diff, tr)) + "\n"


# ------------------------------------------------------------- situations ----


@dataclass(frozen=True)
class Block:
    """One situation, as the report shows it."""

    number: int
    anchor: str
    heading: str
    count: str
    changes: list[tuple[str, list[str]]]  # each change in words, with where in the situation, when not everywhere
    example: str
    rows: list[Row]
    uniform: bool


def block(number: int, situation: Situation, diff: Diff, tr: Translator) -> Block:
    """Describe one situation: its answers, its changes and where they apply, and a result before and after."""
    changes = [
        (
            change_words(fact, diff, tr),
            [situation_text(cube, diff, tr, within=situation.cube) for cube in where] if where else [],
        )
        for fact, where in situation.facts
    ]
    example = situation.example
    return Block(
        number=number,
        anchor=f"situation-{number}",
        heading=situation_text(situation.cube, diff, tr),
        count=_count(tr, len(situation.combos)),
        changes=changes,
        example=combo_text(example, diff, tr),
        rows=rows(diff.before.get(example), diff.after.get(example), diff, tr),
        uniform=situation.uniform,
    )


def blocks(diff: Diff, tr: Translator) -> list[Block]:
    return [block(number, situation, diff, tr) for number, situation in enumerate(diff.situations, start=1)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def block_lines(item: Block, tr: Translator) -> list[str]:
    lines = ["", f"### {item.number}. {item.heading}", "", item.count + ". " + tr.gettext("What changes:"), ""]
    for change, where in item.changes:
        lines.append(
            f"- {change}" + (" — " + tr.gettext("only for %(where)s", where="; ".join(where)) if where else "")
        )
    seen_by = tr.gettext("As seen by: %(answers)s", answers=item.example)
    if not item.uniform:
        seen_by += " " + tr.gettext("(the others see what the changes above say)")
    lines += ["", seen_by, "", f"| | {tr.gettext('Before')} | {tr.gettext('After')} |", "|---|---|---|"]
    for row in item.rows:
        name = tr.gettext("**%(row)s** (changed)", row=row.name) if row.changed else row.name
        lines.append(f"| {name} | {_cell(row.before)} | {_cell(row.after)} |")
    return lines


def text_name(key: tuple[str, ...], diff: Diff, tr: Translator) -> str:
    """Say where a reworded text is shown, e.g. "the summary of Rhinoplasty"."""
    kind, *rest = key
    if kind in ("category", "procedure"):
        field_name = "label" if kind == "category" else "name"
        name = shown(diff.labels.get((kind, rest[0], field_name), rest[0]), tr)
        names = {
            "label": lambda: tr.gettext("the name of “%(name)s”", name=name),
            "name": lambda: tr.gettext("the name of “%(name)s”", name=name),
            "summary": lambda: tr.gettext("the summary of “%(name)s”", name=name),
            "note": lambda: tr.gettext("the note of “%(name)s”", name=name),
        }
        return names[rest[-1]]()
    if kind == "what_if":
        answer = answer_name(diff, tr, rest[0], rest[1])
        return tr.gettext("the what-if text of the answer “%(answer)s”", answer=answer)
    others = {
        "rule": lambda: tr.gettext("a reason"),
        "note": lambda: tr.gettext("a note"),
        "consultation": lambda: tr.gettext("the consultation message"),
    }
    return others[kind]()


def _reworded(before: str, after: str, tr: Translator) -> tuple[str, str]:
    """A reworded text before and after, in the report's language, each flagged when the catalog lacks it."""
    gone = " " + tr.gettext("(no longer in the catalog: shown in English)") if tr.lacks(before) else ""
    missing = " " + tr.gettext("(not translated yet: run make translations)") if tr.lacks(after) else ""
    return tr.text(before) + gone, tr.text(after) + missing


def text_lines(diff: Diff, tr: Translator) -> list[str]:
    """Texts reworded without any outcome changing, once each."""
    lines = ["", "## " + tr.gettext("Reworded texts"), ""]
    for change in diff.texts:
        count = tr.ngettext("shown to %(num)s combination", "shown to %(num)s combinations", change.count)
        lines.append(f"- {text_name(change.key, diff, tr)}, {count}:")
        before, after = _reworded(change.before, change.after, tr)
        lines.append(f"  - {tr.gettext('before')}: {before}")
        lines.append(f"  - {tr.gettext('after')}: {after}")
    return lines


def markdown(diff: Diff, tr: Translator) -> str:
    """The full report as Markdown: the summary, then one block per situation, then the reworded texts."""
    lines = summary_lines(diff, tr)
    if diff.situations:
        lines += ["", "## " + tr.gettext("Situation by situation")]
        for item in blocks(diff, tr):
            lines += block_lines(item, tr)
    if diff.texts:
        lines += text_lines(diff, tr)
    return "\n".join(lines) + "\n"


def json_report(diff: Diff, tr: Translator) -> str:
    """The report as JSON: the changes by kind (as before), with the totals and the situations."""
    report = json.loads(as_json(diff, tr))
    report["totals"] = {category: {"before": old, "after": new} for category, old, new in totals(diff)}
    report["situations"] = [
        {
            "situation": item.heading,
            "when": {
                q: [c for c in domain if c in codes]
                for q, codes, domain in zip(QUESTION_IDS, situation.cube, diff.domains, strict=True)
            },
            "count": len(situation.combos),
            "changes": [{"change": change, "only_for": where} for change, where in item.changes],
            "example": item.example,
            "rows": [{"name": r.name, "before": r.before, "after": r.after, "changed": r.changed} for r in item.rows],
        }
        for item, situation in zip(blocks(diff, tr), diff.situations, strict=True)
    ]
    report["code_changes"] = [dataclasses.asdict(change) for change in diff.code_changes]
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------- page ----


def grid(diff: Diff, tr: Translator, anchors: dict[Combo, str]) -> dict[str, Any]:
    """Aim × cause (rows) by body area (columns): each cell's categories before and after, and whether it changed."""
    goal, cause, gender, area = (QUESTION_IDS.index(q) for q in ("goal", "cause", "gender", "area"))
    changed = set().union(*(s.combos for s in diff.situations)) if diff.situations else set()
    columns = [answer_name(diff, tr, "area", code) for code in diff.domains[area]]
    body: list[dict[str, Any]] = []
    for aim, reason in itertools.product(diff.domains[goal], diff.domains[cause]):
        if reason == diff.domains[cause][0]:
            body.append({"aim": answer_name(diff, tr, "goal", aim)})
        cells = []
        for place in diff.domains[area]:
            combos = []
            for sex in diff.domains[gender]:
                combo = [""] * len(QUESTION_IDS)
                combo[goal], combo[cause], combo[gender], combo[area] = aim, reason, sex, place
                combos.append(tuple(combo))
            before = sorted({diff.before[c].category for c in combos if c in diff.before})
            after = sorted({diff.after[c].category for c in combos if c in diff.after})
            touched = [c for c in combos if c in changed]
            cells.append(
                {
                    "before": before,
                    "after": after,
                    "changed": bool(touched),
                    "anchor": anchors.get(touched[0]) if touched else None,
                    "title": tr.gettext(
                        "%(area)s: %(before)s → %(after)s",
                        area=answer_name(diff, tr, "area", place),
                        before=", ".join(category_name(diff, tr, c) for c in before) or "—",
                        after=", ".join(category_name(diff, tr, c) for c in after) or "—",
                    ),
                }
            )
        body.append({"name": answer_name(diff, tr, "cause", reason), "cells": cells})
    return {"columns": columns, "rows": body}


def _environment(tr: Translator) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(tr.catalog.gettext, tr.catalog.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def abbreviations(tr: Translator) -> dict[str, str]:
    """A letter or two for each category, for the grid's cells."""
    return {
        "cosmetic": str(tr.catalog.pgettext("abbreviation of Cosmetic surgery", "C")),
        "reconstructive": str(tr.catalog.pgettext("abbreviation of Reconstructive surgery", "R")),
        "undetermined": str(tr.catalog.pgettext("abbreviation of Not clear yet", "?")),
    }


def html(diff: Diff, tr: Translator) -> str:
    """The report as one self-contained HTML page: the summary, the grid, the situations, the reworded texts."""
    items = blocks(diff, tr)
    anchors = {combo: item.anchor for item, s in zip(items, diff.situations, strict=True) for combo in s.combos}
    return (
        _environment(tr)
        .get_template("change-report.html")
        .render(
            language=tr.language,
            title=title(diff, tr),
            totals=[(category_name(diff, tr, c), c, old, new) for c, old, new in totals(diff)],
            overview=overview(diff, tr),
            findings=findings(diff, tr),
            grid=grid(diff, tr, anchors),
            categories=[(c, category_name(diff, tr, c)) for c in CATEGORY_IDS],
            abbreviations=abbreviations(tr),
            blocks=items,
            texts=[(text_name(c.key, diff, tr), c.count, *_reworded(c.before, c.after, tr)) for c in diff.texts],
            question=lambda q: question_name(diff, tr, q),
        )
    )


# -------------------------------------------------------------------- run ----


def run(old: str, new: str | None, *, language: str = "en", form: str = "markdown") -> tuple[int, str, str]:
    """Compare two tables; return the exit status, the report (markdown, summary, json or html) and the problems."""
    loaded, problems = [], []
    for spec in (old, new):
        try:
            loaded.append(read_table(spec))
        except RuleTableError as error:
            problems += error.problems
    if problems:
        return BROKEN, "", "\n".join(problems)
    (old_decisions, old_name), (new_decisions, new_name) = loaded
    diff = compare(old_decisions, new_decisions, old_name, new_name)
    render = {"markdown": markdown, "summary": summary, "json": json_report, "html": html}[form]
    tr = Translator(language)
    text = render(diff, tr)
    repointed = repointed_codes(old_decisions, new_decisions)
    if not repointed:
        return diff.status, text, ""
    # Codes already given out that open other answers: the first and loudest finding, with a status of its own.
    if form == "markdown":
        text = repointed_markdown(repointed, text, tr)
    elif form == "json":
        text = repointed_json(repointed, text, tr)
    return REPOINTED, text, ""
