"""The decision: from four answer codes to a recommendation. Pure Python, no Flask.

Nothing clinical is decided here: the rules, the categories, the procedures and every
sentence come from the rule table. This module only applies them the same way for
every combination of answers. There are few combinations (630 with the clinic's table),
so an `Engine` decides them all once, when it is built; `decide()` is a lookup.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from guide.table import (
    QUESTION_IDS,
    UNDETERMINED,
    UNSPECIFIED,
    UNSURE,
    Category,
    Consultation,
    Kind,
    Procedure,
    Question,
    Rule,
    Table,
)


class Answers(NamedTuple):
    """One answer code per question, named by question id (the order of QUESTION_IDS)."""

    goal: str
    cause: str
    gender: str
    area: str


assert Answers._fields == QUESTION_IDS, "Answers must follow the public order of the questions"


@dataclass(frozen=True)
class WhatIf:
    """The single changed answer that would have changed the category."""

    question: Question
    code: str
    condition: str  # the English source text of the choice's `what_if`
    category: Category


@dataclass(frozen=True)
class Advice:
    """A sentence of advice a result shows apart from its reasons, and where it comes from.

    `id` names the source: an answer's note (`cause=pain`), a rule's advice (`rule=pain-breasts`),
    or another category's note that a rule shows (`category=reconstructive`).
    """

    id: str
    text: str  # the English source


@dataclass(frozen=True)
class Recommendation:
    """What the guide tells for one combination of answers. Texts are English sources."""

    answers: Answers
    category: Category
    rule: Rule
    procedures: tuple[Procedure, ...]
    kinds: tuple[Kind, ...]  # the kind each listed procedure has in this result
    advice: tuple[Advice, ...]
    empty: str | None  # the one sentence shown instead of the list when nothing is listed
    consultation: Consultation
    what_if: WhatIf | None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why: the rule's reason."""
        return (self.rule.reason,)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every sentence the table adds besides the reason: the advice, then the word for an empty list."""
        return (*(a.text for a in self.advice), *((self.empty,) if self.empty else ()))

    def answer(self, question_id: str) -> str:
        """Return the answer code given to one question."""
        return getattr(self.answers, question_id)


def matches(rule: Rule, answers: Answers) -> bool:
    """Tell whether a rule applies to these answers."""
    return all(getattr(answers, q) in codes for q, codes in rule.when.items())


def applies(table: Table) -> list[set[Answers]]:
    """For each rule, in the table's order, the combinations of answers it applies to."""
    every = {q: table.question(q).codes for q in QUESTION_IDS}
    found: list[set[Answers]] = []
    for rule in table.rules:
        if set(rule.when) - set(QUESTION_IDS):  # a question the table does not ask: the check reports it
            found.append(set())
            continue
        choices = [[code for code in rule.when.get(q, every[q]) if code in every[q]] for q in QUESTION_IDS]
        found.append({Answers(*combo) for combo in itertools.product(*choices)})
    return found


def offer(rule: Rule, category: Category, order: list[Kind] | None = None) -> list[Kind]:
    """The kinds of procedure a result lists: the rule's own, else its category's; in that order,
    unless an answer orders them (`order`: the aim puts what serves it first)."""
    kinds = rule.offer if rule.offer is not None else category.offer
    if order is None:
        return list(kinds)
    return sorted(kinds, key=lambda kind: order.index(kind) if kind in order else len(order))


def fits(procedure: Procedure, kinds: list[Kind], answers: Answers) -> bool:
    """Whether a result that offers `kinds` lists this procedure for these answers.

    It must not concern the other sex, must not be tied to another cause (a cause not known is
    another cause), must not be excluded by one of its `not_for` conditions, must be able to be of
    a kind offered, and must concern the body area; when the area is not known, it must be tied to
    the patient's cause.
    """
    if procedure.only_for is not None and answers.gender not in (procedure.only_for, UNSPECIFIED):
        return False
    if procedure.causes and answers.cause not in procedure.causes:
        return False
    if any(all(getattr(answers, q) in codes for q, codes in when.items()) for when in procedure.not_for):
        return False
    if not any(kind in kinds for kind in procedure.kinds):
        return False
    if answers.area == UNSURE:
        return answers.cause in procedure.causes
    return answers.area in procedure.areas


def kind_in(procedure: Procedure, category: Category, kinds: list[Kind]) -> Kind:
    """The kind a procedure has in a result: the result's category when the procedure can be of it;
    otherwise (a result not clear yet) the kind the clinic files it under, if offered, else the
    first offered kind it can be."""
    if category.id in procedure.kinds:
        return category.id
    if procedure.listed_as in kinds:
        return procedure.listed_as
    return next(kind for kind in kinds if kind in procedure.kinds)


def combinations(table: Table) -> Iterator[Answers]:
    """Yield every combination of answers, in the table's order of questions and choices."""
    for combo in itertools.product(*(table.question(q).codes for q in QUESTION_IDS)):
        yield Answers(*combo)


class Engine:
    """Decides recommendations from a checked rule table: all of them, once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.questions = tuple(table.question(q) for q in QUESTION_IDS)
        #: Each question's answer codes, as a set: what an answer from outside (API, session) is checked against.
        self.known: Mapping[str, frozenset[str]] = MappingProxyType({q.id: frozenset(q.codes) for q in self.questions})
        self._order = {p.id: i for i, p in enumerate(table.procedures)}
        self._rules: dict[Answers, Rule] = {}
        for rule, combos in zip(table.rules, applies(table), strict=True):
            for combo in combos:
                self._rules.setdefault(combo, rule)
        missing = [combo for combo in combinations(table) if combo not in self._rules]
        if missing:
            raise LookupError(f"no rule decides {missing[0]} and {len(missing) - 1} more: run the table check")
        self._rules = {combo: self._rules[combo] for combo in combinations(table)}  # in the table's order
        by_area: dict[str, list[Procedure]] = {}
        for procedure in table.procedures:
            for area in (*procedure.areas, UNSURE):
                by_area.setdefault(area, []).append(procedure)
        self._by_area = by_area
        self._categories = {category.id: category for category in table.categories}
        self._notes_of = {
            (q.id, choice.id): choice.note for q in self.questions for choice in q.choices if choice.note is not None
        }
        self._orders = {
            (q.id, choice.id): choice.order for q in self.questions for choice in q.choices if choice.order is not None
        }
        self._decisions = MappingProxyType({combo: self._decide(combo) for combo in self._rules})

    def decide_all(self) -> Mapping[Answers, Recommendation]:
        """Every combination of answers and its recommendation, in the table's order."""
        return self._decisions

    def decide(self, answers: Answers | tuple[str, ...] | Mapping[str, str]) -> Recommendation:
        """Return the recommendation for one combination of answers (codes by question, or in order)."""
        try:
            return self._decisions[answers]  # type: ignore[index]
        except (KeyError, TypeError):  # not a known combination, or a mapping of answers by question
            pass
        if isinstance(answers, Mapping):
            return self._decisions[self.normalize(answers)]
        raise ValueError(f"not a combination of answer codes of this table: {answers!r}")

    def normalize(self, answers: Mapping[str, str | None]) -> Answers:
        """Turn a mapping of answer codes into `Answers`, filling defaults; ValueError if one is unknown."""
        values = []
        for question in self.questions:
            code = answers.get(question.id) or question.default
            if code not in self.known[question.id]:
                raise ValueError(f"{question.id}: {code!r} is not one of {question.codes}")
            values.append(code)
        return Answers(*values)

    def rule_for(self, answers: Answers) -> Rule:
        """Return the rule that reports for these answers: the first in the table that applies."""
        return self._rules[answers]

    def _decide(self, answers: Answers) -> Recommendation:
        rule = self._rules[answers]
        category = self._categories[rule.category]
        order = next((o for key in zip(QUESTION_IDS, answers, strict=True) if (o := self._orders.get(key))), None)
        kinds = offer(rule, category, order)
        procedures = self.procedures(kinds, answers)
        empty = None
        if not procedures:
            empty = self.table.notes.area_unsure if answers.area == UNSURE else self.table.notes.no_procedure
        return Recommendation(
            answers=answers,
            category=category,
            rule=rule,
            procedures=procedures,
            kinds=tuple(kind_in(p, category, kinds) for p in procedures),
            advice=self._advice(answers, rule),
            empty=empty,
            consultation=self.table.consultation,
            what_if=self._what_if(answers, category),
        )

    def procedures(self, kinds: list[Kind], answers: Answers) -> tuple[Procedure, ...]:
        """List the procedures that fit, most relevant first.

        Order: the kinds offered, in their order (in a result left open, the aim puts what serves it
        first); then those tied to the patient's cause; those made for the patient's sex; then, among
        the others, those tied to no cause before those tied to other causes, those not limited to
        a sex the patient has not named first; then common for the gender, and the table's order.
        """
        fitting = [p for p in self._by_area.get(answers.area, ()) if fits(p, kinds, answers)]
        cause, gender = answers.cause, answers.gender

        def rank(p: Procedure) -> tuple[bool | int, ...]:
            return (
                min(kinds.index(kind) for kind in p.kinds if kind in kinds),
                cause not in p.causes,
                p.only_for != gender,
                bool(p.causes) and cause not in p.causes,
                p.only_for not in (None, gender),
                gender not in p.common_for,
                self._order[p.id],
            )

        return tuple(sorted(fitting, key=rank))

    def _advice(self, answers: Answers, rule: Rule) -> tuple[Advice, ...]:
        """The rule's own advice first (sudden chest pain is an emergency), then what the chosen answers
        add (such as advice about pain), then the note of another category that the rule's reason speaks
        of (the insurer decides)."""
        advice = [Advice(f"rule={rule.id}", rule.advice)] if rule.advice is not None else []
        advice += [
            Advice(f"{q}={code}", note)
            for q, code in zip(QUESTION_IDS, answers, strict=True)
            if (note := self._notes_of.get((q, code)))
        ]
        shown = rule.show_note_of
        if shown is not None and shown != rule.category and (note := self._categories[shown].note) is not None:
            advice.append(Advice(f"category={shown}", note))
        return tuple(advice)

    def _what_if(self, answers: Answers, category: Category) -> WhatIf | None:
        """Find the first single changed answer, among those the table offers, that would decide
        the other category (a change that only leaves the question open is no help)."""
        for question_id in self.table.what_if:
            question = self.table.question(question_id)
            for choice in question.choices:
                if choice.what_if is None or choice.id == getattr(answers, question_id):
                    continue
                rule = self._rules[answers._replace(**{question_id: choice.id})]
                if rule.category not in (category.id, UNDETERMINED):
                    return WhatIf(question, choice.id, choice.what_if, self._categories[rule.category])
        return None
