"""The verifier: everything that can be wrong in a rule table, found before a patient sees it.

The answer space is finite, so the rules are checked exhaustively, combination by
combination. Hit policy "any, first reported": rules that apply to the same answers must
agree on the category; the first of them in the file reports. Every problem is one line,
`file:LINE: what is wrong`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from guide.codes import ALPHABET, sequence
from guide.cubes import cover
from guide.engine import Answers, Engine, applies, combinations
from guide.loader import Source
from guide.table import CATEGORY_IDS, QUESTION_IDS, UNDETERMINED, UNSPECIFIED, UNSURE, Loc, Question, Table


@dataclass(frozen=True)
class Findings:
    """What the check found: errors stop the table from being used; warnings are for the clinic to read.

    `engine` is the engine over the table, built when there is no error.
    """

    errors: list[str]
    warnings: list[str] = field(default_factory=list)
    engine: Engine | None = None


def check(table: Table, source: Source) -> Findings:
    """Find every problem of a schema-valid table, in file order, and build its engine when there is none."""
    found: list[tuple[Loc, str]] = []
    found += _structure(table)
    if not found:
        found += _references(table)
    if not found:
        found += _coverage(table)
    if found:
        return Findings(_in_file_order(source, found))
    engine = Engine(table)
    errors = _unreachable(engine)
    return Findings(_in_file_order(source, errors), _in_file_order(source, _empty_lists(engine)), engine)


def _in_file_order(source: Source, found: list[tuple[Loc, str]]) -> list[str]:
    return [source.problem(loc, message) for loc, message in sorted(found, key=lambda p: source.line(p[0]))]


def _duplicates(items, loc: Loc, what: str) -> list[tuple[Loc, str]]:
    counts = Counter(item.id for item in items)
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(items):
        if counts[item.id] > 1 and item.id in seen:
            problems.append((loc + (index, "id"), f'{what} id "{item.id}" is used more than once'))
        seen.add(item.id)
    return problems


def _structure(table: Table) -> list[tuple[Loc, str]]:
    """Duplicate ids, and the questions and categories the public contract requires."""
    problems = _duplicates(table.questions, ("questions",), "question")
    problems += _duplicates(table.categories, ("categories",), "category")
    problems += _duplicates(table.procedures, ("procedures",), "procedure")
    problems += _duplicates(table.rules, ("rules",), "rule")
    for index, question in enumerate(table.questions):
        problems += _duplicates(question.choices, ("questions", index, "choices"), f'question "{question.id}": answer')
    have = {q.id for q in table.questions}
    for missing in [q for q in QUESTION_IDS if q not in have]:
        problems.append((("questions",), f'question "{missing}" is missing'))
    for index, question in enumerate(table.questions):
        if question.id not in QUESTION_IDS:
            problems.append(
                (
                    ("questions", index, "id"),
                    f'unknown question "{question.id}"; expected one of {", ".join(QUESTION_IDS)}',
                )
            )
    have = {c.id for c in table.categories}
    for missing in [c for c in CATEGORY_IDS if c not in have]:
        problems.append((("categories",), f'category "{missing}" is missing'))
    for index, question in enumerate(table.questions):
        if question.id in QUESTION_IDS:
            problems += _code_characters(question, ("questions", index), sequence(QUESTION_IDS.index(question.id)))
    return problems


def _code_characters(question: Question, loc: Loc, turns: tuple[str, ...]) -> list[tuple[Loc, str]]:
    """Each answer has its own character, in the question's turn; none is retired; none was dropped unretired."""
    problems = _misfits(question, loc, turns, "retired", question.retired)
    problems += _misfits(question, loc, turns, "choices", [choice.code for choice in question.choices])
    given: dict[str, str] = {}
    retired = set(question.retired)
    for index, choice in enumerate(question.choices):
        owner = f'answer "{choice.id}" of question "{question.id}"'
        if choice.code in retired:
            message = f'{owner}: code character "{choice.code}" is retired (a removed answer had it)'
            problems.append((loc + ("choices", index, "code"), f"{message} and can never be given to another answer"))
        elif choice.code in given:
            message = f'{owner}: code character "{choice.code}" is already the one of answer "{given[choice.code]}"'
            problems.append((loc + ("choices", index, "code"), message))
        given.setdefault(choice.code, choice.id)
    issued = [turn for turn, char in enumerate(turns) if char in given or char in retired]
    for char in turns[: max(issued, default=-1)]:
        if char not in given and char not in retired:
            problems.append(
                (
                    loc + ("choices",),
                    f'question "{question.id}": code character "{char}" belongs to no answer: list it under '
                    f'"retired" if a removed answer had it (codes already given out must never open another '
                    f"answer), or else give it to the next new answer",
                )
            )
    return problems


def _misfits(question: Question, loc: Loc, turns: tuple[str, ...], key: str, chars: list[str]) -> list[tuple[Loc, str]]:
    """Characters that are not the codes' own, or that this question cannot give out."""
    problems: list[tuple[Loc, str]] = []
    for index, char in enumerate(chars):
        where = loc + ((key, index, "code") if key == "choices" else (key, index))
        if char not in turns:
            expected = "a character of answer codes" if char not in ALPHABET else "one that this question gives out"
            message = f'question "{question.id}": "{char}" is not {expected}'
            problems.append((where, f"{message}; the next free character is {_next_free(question, turns)!r}"))
    return problems


def _next_free(question: Question, turns: tuple[str, ...]) -> str:
    """The character the question gives out next: the one after the last given or retired."""
    taken = {choice.code for choice in question.choices} | set(question.retired)
    last = max((turn for turn, char in enumerate(turns) if char in taken), default=-1)
    return turns[last + 1] if last + 1 < len(turns) else "none left"


def _known(table: Table, loc: Loc, owner: str, question_id: str, codes: list[str]) -> list[tuple[Loc, str]]:
    """Report answer codes that the question does not have."""
    question = next((q for q in table.questions if q.id == question_id), None)
    if question is None:
        return []
    return [
        (loc + (index,), f'{owner} names unknown answer "{code}" for question "{question_id}"')
        for index, code in enumerate(codes)
        if code not in question.codes
    ]


def _references(table: Table) -> list[tuple[Loc, str]]:
    """Every name that points elsewhere in the table must exist there."""
    return _question_references(table) + _rule_references(table) + _procedure_references(table)


def _question_references(table: Table) -> list[tuple[Loc, str]]:
    """Defaults, "what_if" and category offers name things that exist."""
    problems: list[tuple[Loc, str]] = []
    for index, question in enumerate(table.questions):
        if question.default is not None and question.default not in question.codes:
            message = f'question "{question.id}": default "{question.default}" is not one of its answers'
            problems.append((("questions", index, "default"), message))
    for index, question_id in enumerate(table.what_if):
        named = next((q for q in table.questions if q.id == question_id), None)
        if named is None:
            problems.append((("what_if", index), f'"what_if" names unknown question "{question_id}"'))
        elif not any(choice.what_if for choice in named.choices):
            message = f'"what_if" names question "{question_id}", but none of its answers has a "what_if" text'
            problems.append((("what_if", index), message))
    for index, category in enumerate(table.categories):
        if len(set(category.offer)) != len(category.offer):
            problems.append((("categories", index, "offer"), f'category "{category.id}": "offer" lists a kind twice'))
    for index, rule in enumerate(table.rules):
        if rule.offer is not None and len(set(rule.offer)) != len(rule.offer):
            problems.append((("rules", index, "offer"), f'rule "{rule.id}": "offer" lists a kind twice'))
    return problems + _orders(table)


def _orders(table: Table) -> list[tuple[Loc, str]]:
    """An answer's `order` lists each kind once."""
    problems: list[tuple[Loc, str]] = []
    for index, question in enumerate(table.questions):
        for number, choice in enumerate(question.choices):
            if choice.order is not None and len(set(choice.order)) != len(choice.order):
                loc = ("questions", index, "choices", number, "order")
                problems.append((loc, f'question "{question.id}", answer "{choice.id}": "order" lists a kind twice'))
    return problems


def _rule_references(table: Table) -> list[tuple[Loc, str]]:
    """Rules name known questions and answers."""
    problems: list[tuple[Loc, str]] = []
    questions = {q.id for q in table.questions}
    for index, rule in enumerate(table.rules):
        owner = f'rule "{rule.id}"'
        for question_id, codes in rule.when.items():
            loc = ("rules", index, "when", question_id)
            if question_id not in questions:
                problems.append((loc, f'{owner} names unknown question "{question_id}"'))
            problems += _known(table, loc, owner, question_id, codes)
        if rule.show_note_of is not None:
            where: Loc = ("rules", index, "show_note_of")
            shown = next((c for c in table.categories if c.id == rule.show_note_of), None)
            if rule.show_note_of == rule.category:
                problems.append((where, f'{owner}: "show_note_of" names its own category, whose note it shows anyway'))
            elif shown is not None and shown.note is None:
                problems.append((where, f'{owner}: "show_note_of" names category "{shown.id}", which has no "note"'))
    return problems


def _procedure_references(table: Table) -> list[tuple[Loc, str]]:
    """Procedures name known areas, causes and genders."""
    problems: list[tuple[Loc, str]] = []
    for index, procedure in enumerate(table.procedures):
        owner = f'procedure "{procedure.id}"'
        loc = ("procedures", index)
        problems += _known(table, loc + ("areas",), owner, "area", procedure.areas)
        problems += _known(table, loc + ("causes",), owner, "cause", procedure.causes)
        problems += _known(table, loc + ("common_for",), owner, "gender", procedure.common_for)
        if procedure.only_for is not None:
            problems += [(loc + ("only_for",), m) for _, m in _known(table, loc, owner, "gender", [procedure.only_for])]
            if procedure.only_for in (UNSPECIFIED, UNSURE):
                message = f'{owner}: "only_for" must name a sex, not "{procedure.only_for}"'
                problems.append((loc + ("only_for",), message))
        problems += _conditions(table, loc + ("not_for",), owner, procedure.not_for)
        if len(set(procedure.kinds)) != len(procedure.kinds):
            problems.append((loc + ("kinds",), f'{owner}: "kinds" lists a kind twice'))
        if UNSURE in procedure.areas:
            message = f'{owner}: "{UNSURE}" is not an area; list the procedure under "causes" instead'
            problems.append((loc + ("areas",), message))
    return problems


def _conditions(table: Table, loc: Loc, owner: str, conditions: list[dict[str, list[str]]]) -> list[tuple[Loc, str]]:
    """A procedure's `not_for` conditions name known questions and answers, and each names at least one."""
    problems: list[tuple[Loc, str]] = []
    questions = {q.id for q in table.questions}
    for number, condition in enumerate(conditions):
        if not condition:
            problems.append(
                (loc + (number,), f'{owner}: a "not_for" condition names no answer, so it excludes everything')
            )
        for question_id, codes in condition.items():
            where = loc + (number, question_id)
            if question_id not in questions:
                problems.append((where, f'{owner}: "not_for" names unknown question "{question_id}"'))
            problems += _known(table, where, f'{owner}: "not_for"', question_id, codes)
    return problems


def describe(table: Table, cube: dict[str, frozenset[str]]) -> str:
    """Describe a set of answers, e.g. `goal=appearance, cause=unsure or none (any gender)`."""
    named, free = [], []
    for question_id in QUESTION_IDS:
        question = table.question(question_id)
        codes = cube.get(question_id, frozenset(question.codes))
        if set(codes) == set(question.codes):
            free.append(question_id)
        else:
            named.append(f"{question_id}={' or '.join(c for c in question.codes if c in codes)}")
    text = ", ".join(named) or "every answer"
    return f"{text} (any {', any '.join(free)})" if free and named else text


def cubes(table: Table, answers: set[Answers]) -> list[dict[str, frozenset[str]]]:
    """Cover a set of combinations exactly with few disjoint blocks of the form `question in {codes}`."""
    domains = tuple(table.question(q).codes for q in QUESTION_IDS)
    return [dict(zip(QUESTION_IDS, cube, strict=True)) for cube in cover(answers, domains)]


def _coverage(table: Table) -> list[tuple[Loc, str]]:
    """Gaps, conflicting overlaps, rules that never report, procedures never listed."""
    problems: list[tuple[Loc, str]] = []
    everything = list(combinations(table))
    applying = applies(table)
    reported: set[Answers] = set()
    for index, rule in enumerate(table.rules):
        loc = ("rules", index)
        owner = f'rule "{rule.id}"'
        if not applying[index]:
            problems.append((loc, f'{owner} can never apply: its "when" leaves no possible answers'))
            continue
        for earlier in range(index):
            other = table.rules[earlier]
            overlap = applying[index] & applying[earlier]
            if overlap and other.category != rule.category:
                problems.append(
                    (
                        loc,
                        f'{owner} ({rule.category}) disagrees with rule "{other.id}" ({other.category}) on '
                        + "; ".join(describe(table, cube) for cube in cubes(table, overlap)),
                    )
                )
        if applying[index] <= reported:
            problems.append((loc, f"{owner} never reports: every answer it applies to is decided by a rule above it"))
        reported |= applying[index]
    gaps = set(everything) - reported
    for cube in cubes(table, gaps):
        problems.append((("rules",), f"no rule decides {describe(table, cube)}"))
    return problems


def _unreachable(engine: Engine) -> list[tuple[Loc, str]]:
    """Procedures that no combination of answers lists."""
    listed = {p.id for rec in engine.decide_all().values() for p in rec.procedures}
    return [
        (("procedures", index), f'procedure "{procedure.id}" is never listed: no answers lead to it')
        for index, procedure in enumerate(engine.table.procedures)
        if procedure.id not in listed
    ]


def _empty_lists(engine: Engine) -> list[tuple[Loc, str]]:
    """Known body areas where a decided category lists no procedure: where the clinic's list is empty."""
    empty: dict[str, set[Answers]] = defaultdict(set)
    for combo, rec in engine.decide_all().items():
        if not rec.procedures and combo.area != UNSURE and rec.category.id != UNDETERMINED:
            empty[rec.rule.id].add(combo)
    table = engine.table
    warnings: list[tuple[Loc, str]] = []
    for index, rule in enumerate(table.rules):
        for cube in cubes(table, empty.get(rule.id, set())):
            message = f'warning: rule "{rule.id}" ({rule.category}) lists no procedure for {describe(table, cube)}'
            warnings.append((("rules", index), message))
    return warnings
