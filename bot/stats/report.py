"""The statistics report: a pure function from the store's anonymous counts to a `Stats` model (read from the
store by bot.stats.service, shown by bot.stats.screens).

Nothing here names or counts a person: starts are counted per leaflet source, language and day; checks and
scans per language and risk level; tickets only by category, with how long people waited.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel

NO_CATEGORY = "-"
CHECK_EVENTS = ("check", "scan")


class StartCount(BaseModel):
    day: dt.date
    source: str
    lang: str
    count: int


class RiskCount(BaseModel):
    name: str  # "check" (the guided check) or "scan" (a pasted offer)
    lang: str
    risk: str
    count: int


class Waiting(BaseModel):
    """Minutes from a ticket's creation to a moment (claim, first answer), over the tickets that reached it."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


class TicketCategory(BaseModel):
    category: str
    opened: int
    claimed: int
    answered: int
    to_claim: Waiting
    to_answer: Waiting


class Stats(BaseModel):
    since: dt.date
    starts: list[StartCount]
    starts_by_source: dict[str, int]
    starts_by_lang: dict[str, int]
    starts_total: int
    checks: list[RiskCount]
    checks_by_risk: dict[str, dict[str, int]]  # name → risk → count
    tickets: list[TicketCategory]
    tickets_total: int
    to_claim: Waiting
    to_answer: Waiting
    # Teaching the judgement, per language: operators' labels on closed tickets (real / noturgent / wrongcat),
    # and the answers to "are you in danger right now?" (yes / no / unanswered / overtaken / forgotten).
    labels: dict[str, dict[str, int]] = {}
    confirms: dict[str, dict[str, int]] = {}


def waiting(minutes: Iterable[float]) -> Waiting:
    values = sorted(minutes)
    if not values:
        return Waiting()
    if len(values) == 1:
        p90 = values[0]
    else:
        # "inclusive": percentiles within the observed range, as a person reads them (no extrapolation).
        p90 = statistics.quantiles(values, n=10, method="inclusive")[8]
    return Waiting(count=len(values), median=round(statistics.median(values), 1), p90=round(p90, 1))


def _minutes(start: str, end: str | None) -> float | None:
    if end is None:
        return None
    delta = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
    return max(delta.total_seconds() / 60, 0.0)


def _sum_by(items: Iterable[tuple[str, int]]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for key, count in items:
        totals[key] += count
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def build_stats(
    since: dt.date,
    starts: Iterable[tuple[str, str, str, int]],
    events: Iterable[tuple[str, str, str, int]],
    timings: Iterable[tuple[str | None, str, str | None, str | None]],
    labels: Iterable[tuple[str, str, int]] = (),
    confirms: Iterable[tuple[str, str, int]] = (),
) -> Stats:
    """From StatsRepo.starts(), .events(), .ticket_timings(), .labels() and .confirm_answers() rows to the report."""
    start_rows = [StartCount(day=dt.date.fromisoformat(d), source=s, lang=lang, count=n) for d, s, lang, n in starts]
    check_rows = [RiskCount(name=n, lang=lang, risk=v, count=c) for n, lang, v, c in events if n in CHECK_EVENTS]
    by_risk: dict[str, dict[str, int]] = {}
    for name in CHECK_EVENTS:
        rows = [(row.risk, row.count) for row in check_rows if row.name == name]
        if rows:
            by_risk[name] = _sum_by(rows)

    per_category: dict[str, list[tuple[float | None, float | None]]] = {}
    for category, created, claimed, answered in timings:
        per_category.setdefault(category or NO_CATEGORY, []).append(
            (_minutes(created, claimed), _minutes(created, answered))
        )
    categories = [
        TicketCategory(
            category=category,
            opened=len(rows),
            claimed=sum(claim is not None for claim, _ in rows),
            answered=sum(answer is not None for _, answer in rows),
            to_claim=waiting(claim for claim, _ in rows if claim is not None),
            to_answer=waiting(answer for _, answer in rows if answer is not None),
        )
        for category, rows in sorted(per_category.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    all_rows = [row for rows in per_category.values() for row in rows]
    return Stats(
        since=since,
        starts=start_rows,
        starts_by_source=_sum_by((row.source, row.count) for row in start_rows),
        starts_by_lang=_sum_by((row.lang, row.count) for row in start_rows),
        starts_total=sum(row.count for row in start_rows),
        checks=check_rows,
        checks_by_risk=by_risk,
        tickets=categories,
        tickets_total=len(all_rows),
        to_claim=waiting(claim for claim, _ in all_rows if claim is not None),
        to_answer=waiting(answer for _, answer in all_rows if answer is not None),
        labels=_per_lang(labels),
        confirms=_per_lang(confirms),
    )


def _per_lang(rows: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for lang, value, count in rows:
        table.setdefault(lang, {})[value] = table.get(lang, {}).get(value, 0) + count
    return table
