"""What `/staff/insights` shows and what its CSV holds, read from the counters of a range of days."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import select

from guide import present
from guide.insights.counting import BUCKETS
from guide.insights.models import DIMENSIONS, Count, db
from guide.rules import current_guide
from guide.translations import gettext

#: The ranges offered, in days, and the one shown by default.
PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
#: The longest custom range, in days.
LONGEST = 3 * 366
#: Counts under this are shown as "fewer than 5".
SMALL = 5
#: The funnel: the start page, the screening question, the four questions, the page that lists the answers.
FUNNEL = ("start", "urgent", "goal", "cause", "gender", "area", "check", "result")
BUCKET_LABELS = {
    "0-1": lazy_gettext("Under 1 minute"),
    "1-2": lazy_gettext("1 to 2 minutes"),
    "2-5": lazy_gettext("2 to 5 minutes"),
    "5-plus": lazy_gettext("Over 5 minutes"),
}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


@dataclass(frozen=True)
class Range:
    """The days a report covers, first and last included; `days` is the preset chosen, if one was."""

    first: dt.date
    last: dt.date
    days: int | None = None

    @property
    def length(self) -> int:
        """How many days the range covers."""
        return (self.last - self.first).days + 1


def choose_range(args: Mapping[str, str], today: dt.date) -> tuple[Range, str | None]:
    """The range the address asks for (`days`, or `from` and `to`), else the last 30 days and why."""
    if args.get("from") or args.get("to"):
        try:
            first = dt.date.fromisoformat(args.get("from", ""))
            last = dt.date.fromisoformat(args.get("to", ""))
        except ValueError:
            return last_days(DEFAULT_DAYS, today), gettext("Enter both dates as year-month-day, such as 2026-01-31.")
        if first > last:
            return last_days(DEFAULT_DAYS, today), gettext("The first day must come before the last day.")
        if (last - first).days >= LONGEST:
            return last_days(DEFAULT_DAYS, today), gettext("Choose at most three years.")
        return Range(first, last), None
    days = args.get("days", str(DEFAULT_DAYS))
    if days not in {str(preset) for preset in PRESETS}:
        return last_days(DEFAULT_DAYS, today), gettext("Choose 7, 30 or 90 days.")
    return last_days(int(days), today), None


def last_days(days: int, today: dt.date) -> Range:
    """The last `days` days, today included."""
    return Range(today - dt.timedelta(days=days - 1), today, days)


def counters(period: Range) -> list[Count]:
    """Every counter of the range, in order."""
    query = (
        select(Count)
        .where(Count.day >= period.first, Count.day <= period.last)
        .order_by(Count.day, Count.event, *(getattr(Count, name) for name in DIMENSIONS))
    )
    return list(db.session.scalars(query))


def csv_text(rows: Iterable[Count]) -> str:
    """The counters as CSV: a header row, then one row per counter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["day", "event", "count", *DIMENSIONS])
    for row in rows:
        writer.writerow([row.day.isoformat(), row.event, row.count, *(getattr(row, name) for name in DIMENSIONS)])
    return out.getvalue()


def shown(n: int) -> str:
    """A count as the page shows it: under 5 (but not 0) as "fewer than 5"."""
    return gettext("fewer than 5") if 0 < n < SMALL else format(n, ",")


def share(part: int, whole: int) -> str:
    """A percentage, or a dash when the whole is too small to say."""
    return f"{round(100 * part / whole)} %" if whole >= SMALL else "–"


def bars(items: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    """Rows of a chart and its table: label, count as shown, and the bar's length (0 to 1; none under 5)."""
    items = list(items)
    top = max((n for _, n in items if n >= SMALL), default=0)
    return [
        {"label": label, "n": n, "shown": shown(n), "length": n / top if top and n >= SMALL else 0}
        for label, n in items
    ]


def build(rows: list[Count], period: Range) -> dict[str, Any]:
    """Everything the page shows for these counters."""
    table = current_guide().table
    tally: dict[str, Counter[tuple[str, ...]]] = {}
    for row in rows:
        tally.setdefault(row.event, Counter())[tuple(getattr(row, name) for name in DIMENSIONS)] += row.count
    by = {name: index for index, name in enumerate(DIMENSIONS)}

    def total(event: str, **match: str) -> int:
        return sum(n for key, n in tally.get(event, {}).items() if all(key[by[k]] == v for k, v in match.items()))

    def split(event: str, dimension: str, **match: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for key, n in tally.get(event, {}).items():
            if all(key[by[k]] == v for k, v in match.items()):
                out[key[by[dimension]]] += n
        return out

    categories: list[tuple[str, str]] = [(c.id, present.translate(c.label)) for c in table.categories]
    results = total("result")
    return {
        "results": results,
        "results_shown": shown(results),
        "starts_shown": shown(total("start")),
        "weeks": weeks(rows, period, [c for c, _ in categories]),
        "categories": categories,
        "funnel": funnel(
            [total("start"), *(total("step", step=s) for s in FUNNEL[1:-1]), total("result", via="questions")]
        ),
        "emergencies": shown(total("emergency")),
        "codes": shown(total("code")),
        "areas": bars(by_choice(table.question("area"), split("result", "area"))),
        "causes": bars(by_choice(table.question("cause"), split("result", "cause"))),
        "languages": bars((LANGUAGE_NAMES.get(code, code), n) for code, n in sorted(split("result", "lang").items())),
        "taps": taps(categories, split("result", "category"), split("tap", "category", page="result"), total("tap")),
        "desk": bars((label, total("desk_result", category=c)) for c, label in categories),
        "desk_total": shown(total("desk_result")),
        "desk_emergencies": shown(total("desk_emergency")),
        "finish": bars((str(BUCKET_LABELS[name]), total("finish", bucket=name)) for name, _ in BUCKETS),
    }


def by_choice(question: Any, counts: Counter[str]) -> list[tuple[str, int]]:
    """The counts of a question's answers, most asked first, labelled in the page's language."""
    pairs = [(present.translate(choice.label), counts.get(choice.id, 0)) for choice in question.choices]
    return sorted(pairs, key=lambda pair: -pair[1])


def weeks(rows: list[Count], period: Range, category_ids: list[str]) -> list[dict[str, Any]]:
    """Results per week (weeks start on Monday; the first and last may be partial), by category."""
    first_monday = period.first - dt.timedelta(days=period.first.weekday())
    per_week: dict[dt.date, Counter[str]] = {}
    monday = first_monday
    while monday <= period.last:
        per_week[monday] = Counter()
        monday += dt.timedelta(days=7)
    for row in rows:
        if row.event == "result":
            per_week[row.day - dt.timedelta(days=row.day.weekday())][row.category] += row.count
    top = max((sum(c.values()) for c in per_week.values()), default=0)
    out = []
    for monday, counts in per_week.items():
        week_total = sum(counts.values())
        out.append(
            {
                "monday": monday,
                "label": max(monday, period.first).strftime("%Y-%m-%d"),
                "total": shown(week_total),
                "cells": [{"id": c, "n": counts[c], "shown": shown(counts[c])} for c in category_ids],
                # Stacked bars, as shares of the tallest week; a category under 5 that week is not drawn.
                "stack": stack([counts[c] if counts[c] >= SMALL else 0 for c in category_ids], top),
            }
        )
    return out


def stack(values: list[int], top: int) -> list[tuple[float, float]]:
    """Where each part of a stacked bar starts and how long it is, as shares of `top`."""
    out, at = [], 0.0
    for value in values:
        length = value / top if top else 0.0
        out.append((at, length))
        at += length
    return out


def funnel(counts: list[int]) -> dict[str, Any]:
    """The steps, the share lost at each and the step that loses the most."""
    labels = [
        gettext("Opened the start page"),
        gettext("Answered the emergency question"),
        gettext("Answered the aim"),
        gettext("Answered the cause"),
        gettext("Answered the gender"),
        gettext("Answered the area"),
        gettext("Saw their answers"),
        gettext("Saw a result"),
    ]
    lengths = [row["length"] for row in bars(zip(labels, counts, strict=True))]
    steps = []
    worst, worst_loss = None, 0.0
    for index, (label, n) in enumerate(zip(labels, counts, strict=True)):
        before = counts[index - 1] if index else 0
        lost = max(0, before - n) if index else 0
        if index and before >= SMALL and lost / before > worst_loss:
            worst, worst_loss = index, lost / before
        lost_share = share(lost, before) if index else ""
        steps.append({"label": label, "shown": shown(n), "lost": lost_share, "length": lengths[index]})
    return {"steps": steps, "worst": steps[worst]["label"] if worst is not None else None, "worst_index": worst}


def taps(
    categories: list[tuple[str, str]], results: Counter[str], result_taps: Counter[str], all_taps: int
) -> dict[str, Any]:
    """Taps on the phone link per result, by category; and all taps, from any page."""
    rows = [
        {
            "label": label,
            "results": shown(results[c]),
            "taps": shown(result_taps[c]),
            "per_result": f"{result_taps[c] / results[c]:.2f}" if results[c] >= SMALL else "–",
        }
        for c, label in categories
    ]
    return {"rows": rows, "all": shown(all_taps)}
