"""/stats in the operators' group: the same anonymous report as `helpline stats`, for operators only."""

from __future__ import annotations

import datetime as dt
import html

from telegram import Update

from bot.escalation.handlers import answer_operator
from bot.services import Context
from bot.stats.report import format_stats, read_stats

DEFAULT_DAYS = 30
USAGE = "Usage: /stats, /stats 7 (days) or /stats 2025-01-31 (since that day)."
LIMIT = 4096 - len("<pre></pre>")


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


async def stats_command(update: Update, context: Context) -> None:
    """Only operators, in their group or their private chats, reach this (see bot.app)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    svc = context.svc
    since = since_from_args(list(context.args or []), svc.clock.now().date())
    if since is None:
        await answer_operator(context, message, USAGE)
        return
    report = format_stats(await read_stats(svc.store, since))
    text = html.escape(report)
    if len(text) > LIMIT:
        text = text[: LIMIT - 2].rsplit("\n", 1)[0] + "\n…"
    await answer_operator(context, message, f"<pre>{text}</pre>", html=True)
