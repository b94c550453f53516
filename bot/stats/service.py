"""/stats and `helpline stats` over the store: which days to count, and the counts read in one go. No Telegram."""

from __future__ import annotations

import datetime as dt

from bot.stats.report import Stats, build_stats
from bot.storage import Store

DEFAULT_DAYS = 30


def since_from_args(args: list[str], today: dt.date) -> dt.date | None:
    """No argument: the last 30 days; a number: that many days; a date: since that day. None when unreadable."""
    if not args:
        return today - dt.timedelta(days=DEFAULT_DAYS)
    value = args[0]
    if value.isdigit() and 0 < int(value) <= 3660:
        return today - dt.timedelta(days=int(value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


async def read_stats(store: Store, since: dt.date) -> Stats:
    """Read the counts in one consistent read of the store and build the report."""
    async with store.read() as tx:
        starts = await tx.stats.starts(since)
        events = await tx.stats.events(since)
        timings = await tx.stats.ticket_timings(since)
        labels = await tx.stats.labels(since)
        confirms = await tx.stats.confirm_answers(since)
    return build_stats(since, starts, events, timings, labels, confirms)
