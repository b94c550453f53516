"""The statistics as operators read them: pure functions from a `Stats` to a plain-text table (a terminal) or
a Telegram <pre> block. In English, as everything the operators read."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence

from bot.stats.report import CHECK_EVENTS, Stats

USAGE = "Usage: /stats, /stats 7 (days) or /stats 2025-01-31 (since that day)."
LIMIT = 4096 - len("<pre></pre>")


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


def in_telegram(stats: Stats) -> str:
    """The table as HTML for one Telegram message: cut at a line when it is too long for one."""
    text = html.escape(format_stats(stats))
    if len(text) > LIMIT:
        text = text[: LIMIT - 2].rsplit("\n", 1)[0] + "\n…"
    return f"<pre>{text}</pre>"
