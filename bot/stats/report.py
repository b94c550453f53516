"""The statistics report: pure functions from the store's anonymous counts to a `Stats` model and a table.

Nothing here names or counts a person: starts are counted per leaflet source, language and day; checks and
scans per language and risk level; tickets only by category, with how long people waited.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.storage import Store

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


async def read_stats(store: Store, since: dt.date) -> Stats:
    """Read the counts in one consistent read of the store and build the report."""
    async with store.read() as tx:
        starts = await tx.stats.starts(since)
        events = await tx.stats.events(since)
        timings = await tx.stats.ticket_timings(since)
        labels = await tx.stats.labels(since)
        confirms = await tx.stats.confirm_answers(since)
    return build_stats(since, starts, events, timings, labels, confirms)


def _minutes_text(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*header), *(fmt.format(*row) for row in rows)]


def format_stats(stats: Stats) -> str:
    """A plain-text report for a terminal or a Telegram <pre> block (English: it is read by operators)."""
    lines = [f"Since {stats.since.isoformat()}", "", f"Starts: {stats.starts_total}"]
    if stats.starts_by_source:
        lines += _table(("source", "starts"), [(s, str(n)) for s, n in stats.starts_by_source.items()])
        lines += ["", *_table(("language", "starts"), [(s, str(n)) for s, n in stats.starts_by_lang.items()])]
        by_day: Counter[str] = Counter()
        for row in stats.starts:
            by_day[row.day.isoformat()] += row.count
        lines += ["", *_table(("day", "starts"), [(d, str(n)) for d, n in sorted(by_day.items())])]
    lines.append("")
    for name in CHECK_EVENTS:
        risks = stats.checks_by_risk.get(name, {})
        label = "Guided checks" if name == "check" else "Offer scans"
        lines.append(f"{label}: {sum(risks.values())}" + (
            " (" + ", ".join(f"{risk} {count}" for risk, count in risks.items()) + ")" if risks else ""))  # fmt: skip
    lines += ["", f"Tickets: {stats.tickets_total}"]
    if stats.tickets:
        header = ("category", "opened", "claimed", "answered", "claim med", "claim p90", "answer med", "answer p90")
        rows = [
            (c.category, str(c.opened), str(c.claimed), str(c.answered), _minutes_text(c.to_claim.median),
             _minutes_text(c.to_claim.p90), _minutes_text(c.to_answer.median), _minutes_text(c.to_answer.p90))
            for c in stats.tickets
        ]  # fmt: skip
        rows.append(("all", str(stats.tickets_total), str(stats.to_claim.count), str(stats.to_answer.count),
                     _minutes_text(stats.to_claim.median), _minutes_text(stats.to_claim.p90),
                     _minutes_text(stats.to_answer.median), _minutes_text(stats.to_answer.p90)))  # fmt: skip
        lines += _table(header, rows)
        lines.append("(times in minutes from the request)")
    lines += ["", "Teaching the judgement, per language (tickets marked on closing; answers to “in danger now?”):"]
    langs = sorted(set(stats.labels) | set(stats.confirms))
    if langs:
        labels_header = ("language", "real", "not urgent", "wrong cat", "asked: yes", "no", "unanswered")
        label_rows = [
            (lang, *(str(stats.labels.get(lang, {}).get(key, 0)) for key in ("real", "noturgent", "wrongcat")),
             *(str(stats.confirms.get(lang, {}).get(key, 0)) for key in ("yes", "no", "unanswered")))
            for lang in langs
        ]  # fmt: skip
        lines += _table(labels_header, label_rows)
    else:
        lines.append("nothing yet")
    return "\n".join(lines)
