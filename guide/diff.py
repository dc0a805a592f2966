"""What changed for patients between two rule tables: `flask guide diff OLD [NEW]`.

Pure Python, no Flask: Babel's catalog translates the report. Both tables are checked, every
combination of answers is decided under each, and what a patient is told (category, reason,
procedures in order, what-if, notes) is compared. A difference is split into single changes
("Reconstructive surgery → Not clear yet", "adds Gynecomastia correction first"); the combinations
that see one change are covered EXACTLY by few disjoint "families": products of answer sets per
question (`cause = pain, area ∈ {nose, ears}, any goal, any gender`). A combination that sees two
changes is in both. Texts reworded without any outcome changing are listed once per text. The
combinations that see a change are also grouped into clinical situations (one family per change of
category and reason), which `guide.report` renders for the surgeon.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from babel.support import NullTranslations, Translations

from guide import snapshot
from guide.codes import Characters, Repointed, characters, meaning_changes, positional_characters
from guide.cubes import Combo, Cube, cover, in_cube
from guide.engine import Engine
from guide.loader import display_name
from guide.rules import open_guide_text, rules_path
from guide.table import QUESTION_IDS, RuleTableError

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SNAPSHOT = Path(snapshot.__file__).resolve()

#: Exit statuses: nothing a patient sees changed, something did, a table is broken or missing, and
#: codes already given out (answer codes, state codes) open other answers or none: the loudest finding.
SAME, CHANGED, BROKEN, REPOINTED = 0, 1, 2, 3

Key = tuple[str, ...]  # where a text comes from, e.g. ("rule", "pain", "reason")


# ------------------------------------------------- what the patient is told ----


@dataclass(frozen=True)
class Told:
    """What one combination is told, as ids (the outcome) and the English sources of its texts."""

    category: str
    rule: str
    procedures: tuple[str, ...]
    kinds: tuple[str, ...]  # the kind each procedure is listed as
    what_if: tuple[str, str, str] | None  # question, answer, category
    notes: tuple[str, ...]  # each note's name: its field in `notes`, or the answer it belongs to
    texts: dict[Key, str] = field(compare=False, hash=False)

    @classmethod
    def of(cls, record: dict[str, Any]) -> Told:
        """Build it from a snapshot's record."""
        return cls(
            category=record["category"],
            rule=record["rule"],
            procedures=tuple(record["procedures"]),
            kinds=tuple(record["kinds"]),
            what_if=tuple(record["what_if"]) if record["what_if"] else None,
            notes=tuple(record["notes"]),
            texts=record["texts"] if isinstance(record["texts"], dict) else {tuple(k): t for k, t in record["texts"]},
        )


@dataclass(frozen=True)
class Decisions:
    """What a table tells every combination, its questions' answer codes, and the names of things."""

    told: dict[Combo, Told]
    codes: dict[str, tuple[str, ...]]  # answer codes by question, in the table's order
    labels: dict[Key, str]  # category labels, procedure names, notes (English sources)
    characters: Characters = field(default_factory=dict)  # each answer's code character, by question

    @classmethod
    def of(cls, data: dict[str, Any]) -> Decisions:
        """Build them from a snapshot (see `guide.snapshot`); a table older than its answers' own characters
        has the characters of their places."""
        answers = {question: tuple(answers) for question, answers in data["questions"]}
        return cls(
            told={tuple(combo): Told.of(record) for combo, record in data["told"]},
            codes=answers,
            labels={tuple(key): text for key, text in data["labels"]},
            characters=dict(data["characters"]) if "characters" in data else positional_characters(answers),
        )


def decisions(engine: Engine) -> Decisions:
    """What every combination is told under an engine's table."""
    table = engine.table
    by_text = snapshot.notes_by_text(table)
    told = {tuple(combo): Told.of(snapshot.record(rec, by_text)) for combo, rec in engine.decide_all().items()}
    answers = {question.id: question.codes for question in table.questions}
    labels = {tuple(key): text for key, text in snapshot.labels(table)}
    return Decisions(told, answers, labels, characters(table.questions))


# ------------------------------------------------------------------ loading ----


def read_table(spec: str | os.PathLike[str] | None) -> tuple[Decisions, str]:
    """Decide every combination under a table: a path, or `git show SPEC:rules.yaml` when SPEC is no file.

    None means the working table. A git revision whose table today's code cannot read (the schema
    changed since) is decided by that revision's own code. Returns the decisions and the table's
    name (a path, or `REVISION:rules.yaml`); raises `RuleTableError` with every problem, as `NAME:LINE: …`.
    """
    path = Path(spec) if spec is not None else rules_path()
    if path.is_file() or path.suffix in (".yaml", ".yml"):
        name = display_name(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RuleTableError([f"{name}:1: cannot be read: {error}"]) from None
        return decisions(open_guide_text(text, name).engine), name
    revision = str(spec)
    name, text = _git_show(revision)
    try:
        return decisions(open_guide_text(text, name).engine), name
    except RuleTableError:
        found = _decided_by_its_own_code(revision, text)
        if found is None:
            raise
        return found, name


def _git(*args: str, text: bool = True) -> subprocess.CompletedProcess:
    """Run git in the repository of the working table."""
    command = ["git", "-C", str(rules_path().resolve().parent), *args]
    return subprocess.run(command, capture_output=True, text=text, check=False, timeout=60)


def _git_show(revision: str) -> tuple[str, str]:
    """Read the working table's file as it was at a git revision of its repository."""
    file = rules_path().name
    name = f"{revision}:{file}"
    try:
        run = _git("show", f"{revision}:./{file}")
    except (OSError, subprocess.SubprocessError) as error:
        raise RuleTableError([f"{name}:1: is no file, and git cannot read it: {error}"]) from None
    if run.returncode != 0:
        reason = run.stderr.strip().splitlines()[-1:] or ["git failed"]
        raise RuleTableError([f"{name}:1: is neither a file nor a git revision of the table ({reason[0]})"])
    return name, run.stdout


def snapshot_command(table: Path) -> list[str]:
    """Run this version's snapshot.py as a script, with whichever `guide` package is first on the path.

    Through runpy, so that the script's own folder (which holds a `locale.py`) is not put on the path.
    """
    script = (
        f"import runpy, sys; sys.argv[1:] = [{str(table)!r}]; runpy.run_path({str(SNAPSHOT)!r}, run_name='__main__')"
    )
    return [sys.executable, "-c", script]


def _decided_by_its_own_code(revision: str, text: str) -> Decisions | None:
    """Decide a revision's table with that revision's `guide` package, in a separate Python process.

    None when the revision has no such package, or its code cannot decide the table either.
    """
    try:
        with tempfile.TemporaryDirectory() as folder:
            archive = _git("archive", "--format=tar", revision, "--", "./guide", text=False)
            if archive.returncode != 0:
                return None
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(folder, filter="data")
            prefix = Path(folder) / Path(_git("rev-parse", "--show-prefix").stdout.strip())
            table = prefix / rules_path().name
            table.write_text(text, encoding="utf-8")
            env = {**os.environ, "PYTHONPATH": str(prefix), "GUIDE_RULES": str(table)}
            command = snapshot_command(table)
            run = subprocess.run(command, cwd=prefix, env=env, capture_output=True, text=True, check=False, timeout=120)
        return Decisions.of(json.loads(run.stdout)) if run.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, tarfile.TarError, ValueError, KeyError):
        return None


# ------------------------------------------------------------------ changes ----


class Fact(NamedTuple):
    """One part of a change, the same for every combination that sees it."""

    kind: str  # one of KIND_ORDER
    item: str | None = None  # the procedure (removes, adds, moves, kind) or the note (removes_note, adds_note)
    before: Any = None
    after: Any = None


KIND_ORDER = (
    "removed_combination",
    "new_combination",
    "category",
    "reason",
    "removes",
    "adds",
    "moves",
    "kind",
    "what_if",
    "removes_note",
    "adds_note",
    "notes_order",
)


def _longest_common(a: tuple[str, ...], b: tuple[str, ...]) -> set[str]:
    """The items of the longest common subsequence of two lists without repeats."""
    best: list[list[tuple[str, ...]]] = [[()] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, j in itertools.product(range(len(a)), range(len(b))):
        if a[i] == b[j]:
            best[i + 1][j + 1] = (*best[i][j], a[i])
        else:
            best[i + 1][j + 1] = max(best[i][j + 1], best[i + 1][j], key=len)
    return set(best[len(a)][len(b)])


def _procedure_facts(before: tuple[str, ...], after: tuple[str, ...]) -> list[Fact]:
    """Removed, added and moved procedures, and where each added or moved one now stands.

    An added procedure stands "first" or "later" in the list; a moved one "first", "up" or "down"
    among the procedures listed both before and after (those outside their longest common order).
    """
    facts = [Fact("removes", p) for p in before if p not in after]
    kept_before = tuple(p for p in before if p in after)
    kept_after = tuple(p for p in after if p in before)
    in_order = _longest_common(kept_before, kept_after)
    for p in after:
        if p not in before:
            facts.append(Fact("adds", p, after="first" if p == after[0] else "later"))
        elif p not in in_order:
            up = kept_after.index(p) < kept_before.index(p)
            facts.append(Fact("moves", p, after="first" if p == after[0] else "up" if up else "down"))
    return facts


def change_of(before: Told | None, after: Told | None) -> tuple[Fact, ...]:
    """How what a combination is told changed, fact by fact; empty when only wording did, or nothing."""
    if before is None or after is None:
        return (Fact("new_combination" if before is None else "removed_combination"),)
    facts = []
    if before.category != after.category:
        facts.append(Fact("category", before=before.category, after=after.category))
    reason_before, reason_after = (t.texts["rule", t.rule, "reason"] for t in (before, after))
    if before.rule != after.rule and reason_before != reason_after:
        facts.append(Fact("reason", before=before.rule, after=after.rule))
    facts += _procedure_facts(before.procedures, after.procedures)
    kinds_before = dict(zip(before.procedures, before.kinds, strict=True))
    for procedure, kind in zip(after.procedures, after.kinds, strict=True):
        if kinds_before.get(procedure, kind) != kind:
            facts.append(Fact("kind", procedure, kinds_before[procedure], kind))
    if before.what_if != after.what_if:
        facts.append(Fact("what_if", before=before.what_if, after=after.what_if))
    facts += [Fact("removes_note", note) for note in before.notes if note not in after.notes]
    facts += [Fact("adds_note", note) for note in after.notes if note not in before.notes]
    kept = [note for note in before.notes if note in after.notes]
    if kept != [note for note in after.notes if note in before.notes]:
        facts.append(Fact("notes_order", before=before.notes, after=after.notes))
    return tuple(sorted(facts, key=lambda f: (KIND_ORDER.index(f.kind), str(f))))


# ----------------------------------------------------------------- families ----


# ------------------------------------------------------------------- report ----


@dataclass(frozen=True)
class Family:
    """Combinations that see one change, described as one set of answers per question."""

    cube: Cube
    count: int
    example: Combo


@dataclass(frozen=True)
class ChangeGroup:
    """Every combination that sees one change, as disjoint families, and one example told in full."""

    fact: Fact
    combos: frozenset[Combo]
    families: tuple[Family, ...]
    before: Told | None
    after: Told | None


@dataclass(frozen=True)
class TextChange:
    """A text whose wording changed, and how many combinations show it."""

    key: Key
    before: str
    after: str
    count: int


#: The kinds of change that make a clinical situation: the category and the reason a result gives.
MAIN_KINDS = frozenset({"removed_combination", "new_combination", "category", "reason"})


@dataclass(frozen=True)
class Situation:
    """A family of answers that sees one main change (of category, of reason, or none): a block of the report.

    `facts` holds every change its combinations see, each with the cubes (inside `cube`) of those
    that see it, or None when all of them do. `example` is a combination that sees what most of them see.
    """

    cube: Cube
    combos: frozenset[Combo]
    main: tuple[Fact, ...]
    facts: tuple[tuple[Fact, tuple[Cube, ...] | None], ...]
    example: Combo
    uniform: bool  # every combination of it sees the same result before, and the same after


@dataclass(frozen=True)
class CodeChange:
    """A character of the answer codes that stands for another answer under the new table (see guide.codes).

    Filled by the answer-code check; empty where the tables carry no stable codes.
    """

    question: str
    character: str
    before: str | None  # the answer it stood for, None when none
    after: str | None


@dataclass(frozen=True)
class Diff:
    """Everything that differs for patients between two tables."""

    old_name: str
    new_name: str
    domains: tuple[tuple[str, ...], ...]
    combinations: int
    groups: tuple[ChangeGroup, ...]
    texts: tuple[TextChange, ...]
    labels: dict[Key, str]  # English sources of category labels, procedure names, notes, of both tables
    situations: tuple[Situation, ...] = ()
    before: dict[Combo, Told] = field(default_factory=dict)
    after: dict[Combo, Told] = field(default_factory=dict)
    code_changes: tuple[CodeChange, ...] = ()

    @property
    def status(self) -> int:
        """SAME when no patient is told anything different, else CHANGED."""
        return CHANGED if self.groups or self.texts else SAME

    @property
    def changed(self) -> int:
        """How many combinations see a changed outcome."""
        return len(frozenset().union(*(group.combos for group in self.groups)))


def _domains(old: Decisions, new: Decisions) -> tuple[tuple[str, ...], ...]:
    """The answer codes of each question in either table: the new table's order, then removed codes."""
    domains = []
    for question_id in QUESTION_IDS:
        codes = list(new.codes[question_id])
        codes += [code for code in old.codes[question_id] if code not in codes]
        domains.append(tuple(codes))
    return tuple(domains)


def _text_changes(before: dict[Combo, Told], after: dict[Combo, Told]) -> list[TextChange]:
    """Each text shown under both tables whose wording differs, with the combinations that show it."""
    counts: dict[tuple[Key, str, str], int] = defaultdict(int)
    for combo, old in before.items():
        new = after.get(combo)
        if new is None:
            continue
        for key, text in new.texts.items():
            if old.texts.get(key, text) != text:
                counts[key, old.texts[key], text] += 1
    return [TextChange(key, old, new, n) for (key, old, new), n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def seen(record: Told | None) -> tuple[Any, ...] | None:
    """What a patient sees of a result, without the rule's id: two equal views read the same."""
    if record is None:
        return None
    reason = record.texts["rule", record.rule, "reason"]
    return (record.category, reason, record.procedures, record.kinds, record.what_if, record.notes)


def _situation_rank(situation: Situation) -> tuple[Any, ...]:
    """Moves into or out of reconstructive surgery first, then by the first kind of change, the largest first."""
    reconstructive = any(f.kind == "category" and "reconstructive" in (f.before, f.after) for f in situation.main)
    first = min((KIND_ORDER.index(f.kind) for f in situation.main), default=len(KIND_ORDER))
    return (not reconstructive, first, -len(situation.combos), situation.example)


def situations(
    facts: dict[Combo, tuple[Fact, ...]],
    before: dict[Combo, Told],
    after: dict[Combo, Told],
    domains: tuple[tuple[str, ...], ...],
) -> tuple[Situation, ...]:
    """Group the combinations that see a change into situations: one family per main change, covered exactly."""
    by_main: dict[tuple[Fact, ...], list[Combo]] = defaultdict(list)
    for combo, found in facts.items():
        by_main[tuple(f for f in found if f.kind in MAIN_KINDS)].append(combo)
    found_situations = []
    for main, combos in by_main.items():
        for cube in cover(combos, domains):
            inside = [combo for combo in combos if in_cube(combo, cube)]
            where: dict[Fact, list[Combo]] = defaultdict(list)
            for combo in inside:
                for fact in facts[combo]:
                    where[fact].append(combo)
            listed = tuple(
                (fact, None if len(members) == len(inside) else tuple(cover(members, domains)))
                for fact, members in sorted(where.items(), key=lambda i: (KIND_ORDER.index(i[0].kind), str(i[0])))
            )
            views = Counter((seen(before.get(c)), seen(after.get(c))) for c in inside)
            common = views.most_common(1)[0][0]
            example = next(c for c in inside if (seen(before.get(c)), seen(after.get(c))) == common)
            found_situations.append(Situation(cube, frozenset(inside), main, listed, example, len(views) == 1))
    return tuple(sorted(found_situations, key=_situation_rank))


def compare(old: Decisions, new: Decisions, old_name: str = "OLD", new_name: str = "NEW") -> Diff:
    """Compare what every combination is told under two tables, and group what differs."""
    before, after = old.told, new.told
    domains = _domains(old, new)
    by_fact: dict[Fact, list[Combo]] = defaultdict(list)
    by_combo: dict[Combo, tuple[Fact, ...]] = {}
    everything = list(itertools.product(*domains))
    for combo in everything:
        if combo in before or combo in after:
            found = change_of(before.get(combo), after.get(combo))
            if found:
                by_combo[combo] = found
            for fact in found:
                by_fact[fact].append(combo)
    groups = []
    for fact, combos in by_fact.items():
        families = []
        for cube in cover(combos, domains):
            inside = [combo for combo in combos if in_cube(combo, cube)]
            families.append(Family(cube, len(inside), inside[0]))
        families.sort(key=lambda f: -f.count)
        example = families[0].example
        groups.append(ChangeGroup(fact, frozenset(combos), tuple(families), before.get(example), after.get(example)))
    groups.sort(key=lambda g: (KIND_ORDER.index(g.fact.kind), -len(g.combos), str(g.fact)))
    reachable = sum(1 for combo in everything if combo in before or combo in after)
    texts = _text_changes(before, after)
    return Diff(
        old_name,
        new_name,
        domains,
        reachable,
        tuple(groups),
        tuple(texts),
        old.labels | new.labels,
        situations(by_combo, before, after, domains),
        before,
        after,
        code_changes(old.characters, new.characters),
    )


def code_changes(old: Characters, new: Characters) -> tuple[CodeChange, ...]:
    """Every code character of OLD that stands for another answer, or none, under NEW (question by question)."""
    return tuple(
        CodeChange(question, character, answer, new.get(question, {}).get(character))
        for question, chars in old.items()
        for character, answer in sorted(chars.items())
        if new.get(question, {}).get(character) != answer
    )


# -------------------------------------------------------------- translation ----


class _Missing(NullTranslations):
    """The last fallback of a catalog: it keeps every text the catalog lacked."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def gettext(self, message: str) -> str:
        self.asked.add(message)
        return message


class Translator:
    """The report's language: Babel's catalog for our sentences and the table's English texts."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        if language == "en":
            self.catalog: NullTranslations = NullTranslations()
        else:
            self.catalog = Translations.load(str(TRANSLATIONS), [language], "messages")
            if not isinstance(self.catalog, Translations):
                raise LookupError(f"no translations for {language!r} in {TRANSLATIONS}")
        self.missing = _Missing()
        self.catalog.add_fallback(self.missing)

    def gettext(self, message: str, **values: Any) -> str:
        """Translate one of our sentences and fill in its values."""
        text = self.catalog.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, number: int, **values: Any) -> str:
        """Translate a sentence that depends on a count (`%(num)s`)."""
        return self.catalog.ngettext(singular, plural, number) % {"num": number, **values}

    def text(self, source: str) -> str:
        """Translate a text of the rule table (an English source in the catalog)."""
        return self.catalog.gettext(source)

    def lacks(self, source: str) -> bool:
        """Tell whether a text of the table has no translation into the report's language.

        A text its translation spells the same ("Abdomen") is not lacking.
        """
        if self.language == "en":
            return False
        self.catalog.gettext(source)
        return source in self.missing.asked


def languages() -> tuple[str, ...]:
    """English, and every language with a catalog."""
    folders = TRANSLATIONS.iterdir() if TRANSLATIONS.is_dir() else ()
    found = sorted(p.name for p in folders if (p / "LC_MESSAGES" / "messages.mo").is_file())
    return ("en", *found)


# ---------------------------------------------------------------- rendering ----


def _code(code: str) -> str:
    return f"`{code}`"


def describe(cube: Cube, domains: tuple[tuple[str, ...], ...], tr: Translator) -> str:
    """Say which answers a family covers, e.g. "`cause` = `pain`, `area` ∈ {`nose`, `ears`}, any `goal`"."""
    named, free = [], []
    for question_id, codes, domain in zip(QUESTION_IDS, cube, domains, strict=True):
        ordered = [c for c in domain if c in codes]
        if len(ordered) == len(domain):
            free.append(tr.gettext("any %(question)s", question=_code(question_id)))
        elif len(ordered) == 1:
            named.append(f"{_code(question_id)} = {_code(ordered[0])}")
        else:
            named.append(f"{_code(question_id)} ∈ {{{', '.join(_code(c) for c in ordered)}}}")
    return ", ".join(named + free) if named else tr.gettext("every combination of answers")


def answers_text(combo: Combo) -> str:
    """A combination as its four answer codes."""
    return ", ".join(f"{question_id} {_code(code)}" for question_id, code in zip(QUESTION_IDS, combo, strict=True))


def _moved(tr: Translator, kind: str, place: str, procedure: str) -> str:
    """Say where a procedure was added or moved to."""
    sentences = {
        ("adds", "first"): lambda: tr.gettext("adds %(procedure)s at the top of the list", procedure=procedure),
        ("adds", "later"): lambda: tr.gettext("adds %(procedure)s lower in the list", procedure=procedure),
        ("moves", "first"): lambda: tr.gettext("moves %(procedure)s to the top of the list", procedure=procedure),
        ("moves", "up"): lambda: tr.gettext("moves %(procedure)s up the list", procedure=procedure),
        ("moves", "down"): lambda: tr.gettext("moves %(procedure)s down the list", procedure=procedure),
    }
    return sentences[kind, place]()


def _what_if_key(tr: Translator, diff: Diff, key: tuple[str, str, str] | None) -> str:
    if key is None:
        return tr.gettext("no what-if line")
    question_id, code, category = key
    answer = tr.text(diff.labels.get(("answer", question_id, code), code))
    return f"“{answer}” ({tr.text(diff.labels['category', category, 'label'])})"


def _note(tr: Translator, diff: Diff, note: str) -> str:
    """A note as its text between quotes (a note the table does not name is its own text)."""
    return f"“{tr.text(diff.labels.get(('note', note), note))}”"


def _notes(tr: Translator, diff: Diff, notes: tuple[str, ...]) -> str:
    return ", ".join(_note(tr, diff, note) for note in notes) or tr.gettext("no notes")


def fact_text(fact: Fact, diff: Diff, tr: Translator) -> str:
    """Say one part of a change in words."""

    def label(kind: str, item: str | None, field: str) -> str:
        return tr.text(diff.labels.get((kind, item or "", field), item or ""))

    procedure = label("procedure", fact.item, "name")
    sentences = {
        "category": lambda: label("category", fact.before, "label") + " → " + label("category", fact.after, "label"),
        "reason": lambda: tr.gettext("gives another reason"),
        "removes": lambda: tr.gettext("removes %(procedure)s", procedure=procedure),
        "adds": lambda: _moved(tr, "adds", fact.after, procedure),
        "moves": lambda: _moved(tr, "moves", fact.after, procedure),
        "kind": lambda: tr.gettext(
            "lists %(procedure)s as %(after)s instead of %(before)s",
            procedure=procedure,
            before=_lower_first(label("category", fact.before, "label")),
            after=_lower_first(label("category", fact.after, "label")),
        ),
        "what_if": lambda: tr.gettext(
            "what-if: %(before)s → %(after)s",
            before=_what_if_key(tr, diff, fact.before),
            after=_what_if_key(tr, diff, fact.after),
        ),
        "removes_note": lambda: tr.gettext("removes the note %(note)s", note=_note(tr, diff, fact.item or "")),
        "adds_note": lambda: tr.gettext("adds the note %(note)s", note=_note(tr, diff, fact.item or "")),
        "notes_order": lambda: tr.gettext(
            "notes in another order: %(before)s → %(after)s",
            before=_notes(tr, diff, fact.before),
            after=_notes(tr, diff, fact.after),
        ),
        "new_combination": lambda: tr.gettext("a combination of answers that did not exist before"),
        "removed_combination": lambda: tr.gettext("a combination of answers that no longer exists"),
    }
    return sentences[fact.kind]()


def change_text(fact: Fact, diff: Diff, tr: Translator) -> str:
    """Say a change in words, as a heading."""
    text = fact_text(fact, diff, tr)
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def told_texts(record: Told | None, tr: Translator) -> dict[str, Any] | None:
    """What a combination is told, in the report's language."""
    if record is None:
        return None
    texts = record.texts
    what_if = None
    if record.what_if is not None:
        question_id, code, category = record.what_if
        what_if = tr.gettext(
            "If %(condition)s, this would most likely be %(category)s.",
            condition=tr.text(texts["what_if", question_id, code]),
            category=_lower_first(tr.text(texts["category", category, "label"])),
        )
    return {
        "category": record.category,
        "category_label": tr.text(texts["category", record.category, "label"]),
        "rule": record.rule,
        "reason": tr.text(texts["rule", record.rule, "reason"]),
        "procedures": [
            {"id": p, "name": tr.text(texts["procedure", p, "name"]), "kind": kind}
            for p, kind in zip(record.procedures, record.kinds, strict=True)
        ],
        "what_if": what_if,
        "notes": [tr.text(texts["note", note]) for note in record.notes],
    }


def text_name(key: Key, tr: Translator) -> str:
    """Say where a text is used, e.g. "the reason of rule `pain`"."""
    kind, *rest = key
    item = _code(rest[0])
    names = {
        ("category", "label"): lambda: tr.gettext("the name of category %(item)s", item=item),
        ("category", "summary"): lambda: tr.gettext("the summary of category %(item)s", item=item),
        ("rule", "reason"): lambda: tr.gettext("the reason of rule %(item)s", item=item),
        ("procedure", "name"): lambda: tr.gettext("the name of procedure %(item)s", item=item),
        ("procedure", "summary"): lambda: tr.gettext("the summary of procedure %(item)s", item=item),
        ("note",): lambda: tr.gettext("the note %(item)s", item=_code(rest[0])),
        ("what_if",): lambda: tr.gettext("the what-if text of %(item)s", item=f"{_code(rest[0])} = {_code(rest[1])}"),
        ("consultation",): lambda: tr.gettext("the consultation message"),
    }
    return (names.get((kind, rest[-1])) or names[kind,])()


def as_json(diff: Diff, tr: Translator) -> str:
    """The report as JSON."""

    def answers(combo: Combo) -> dict[str, str]:
        return dict(zip(QUESTION_IDS, combo, strict=True))

    report = {
        "old": diff.old_name,
        "new": diff.new_name,
        "language": tr.language,
        "combinations": diff.combinations,
        "changed": diff.changed,
        "changes": [
            {
                "summary": change_text(group.fact, diff, tr),
                "fact": group.fact._asdict(),
                "count": len(group.combos),
                "families": [
                    {
                        "when": {
                            q: [c for c in domain if c in codes]
                            for q, codes, domain in zip(QUESTION_IDS, family.cube, diff.domains, strict=True)
                        },
                        "condition": describe(family.cube, diff.domains, tr),
                        "count": family.count,
                        "example": answers(family.example),
                    }
                    for family in group.families
                ],
                "example": {
                    "answers": answers(group.families[0].example),
                    "before": told_texts(group.before, tr),
                    "after": told_texts(group.after, tr),
                },
            }
            for group in diff.groups
        ],
        "texts": [
            {
                "text": text_name(change.key, tr),
                "key": list(change.key),
                "before": tr.text(change.before),
                "after": tr.text(change.after),
                "count": change.count,
            }
            for change in diff.texts
        ],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------ codes that changed meaning ----


def repointed_codes(old: Decisions, new: Decisions) -> list[Repointed]:
    """The answer codes and state codes given out under OLD that open other answers, or none, under NEW."""
    from guide.forms import URGENT, URGENT_CHOICES  # the screening step that leads every state code

    return meaning_changes(old.characters, new.characters, ((URGENT, URGENT_CHOICES),))


def _repointed_lines(repointed: list[Repointed], tr: Translator) -> list[str]:
    answer_codes = [r for r in repointed if not r.state]
    lines = ["## " + tr.gettext("STOP: codes already given out now open other answers"), ""]
    lines.append(
        tr.gettext(
            "Answer codes that open other answers now: %(other)s; that open nothing now: %(none)s. "
            "State codes (addresses of a questionnaire in progress) affected: %(states)s. "
            "Give each answer back its own code character, and list a removed answer's character under "
            '"retired" in rules.yaml.',
            other=sum(r.after is not None for r in answer_codes),
            none=sum(r.after is None for r in answer_codes),
            states=len(repointed) - len(answer_codes),
        )
    )
    lines.append("")
    for change in answer_codes[:10]:
        after = answers_text(tuple(change.after.values())) if change.after else tr.gettext("nothing")
        lines.append(f"- `{change.code}`: {answers_text(tuple(change.before.values()))} → {after}")
    if len(answer_codes) > 10:
        lines.append("- " + tr.ngettext("and %(num)s more", "and %(num)s more", len(answer_codes) - 10))
    return lines + [""]


def repointed_markdown(repointed: list[Repointed], report: str, tr: Translator) -> str:
    """The report with the codes that changed meaning first, under its title."""
    title, _, rest = report.partition("\n\n")
    return "\n".join([title, "", *_repointed_lines(repointed, tr), rest])


def repointed_json(repointed: list[Repointed], report: str, tr: Translator) -> str:
    """The JSON report with the codes that changed meaning as its first field."""
    changes = [{"code": r.code, "state": r.state, "before": r.before, "after": r.after} for r in repointed]
    return json.dumps({"repointed_codes": changes, **json.loads(report)}, ensure_ascii=False, indent=2) + "\n"
