"""/stats in the operators' group: the same anonymous report as `helpline stats`, for operators only."""

from __future__ import annotations

import datetime as dt
import html
import logging

from telegram import Update
from telegram.constants import ChatType, ParseMode

from bot.messaging import remember
from bot.services import Context, services
from bot.stats.report import format_stats, read_stats

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
REFUSAL = "Only the helpline's operators can see statistics."
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
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or chat is None:
        return
    svc = services(context)
    in_place = chat.type == ChatType.PRIVATE or chat.id == svc.settings.operator_chat_id
    if user is None or not svc.escalation.is_operator(user.id) or not in_place:
        log.warning("refused /stats to a non-operator or outside the operators' group (id %s)", user and user.id)
        sent = await message.reply_text(REFUSAL)
        if chat.type == ChatType.PRIVATE:  # a user's chat: "Hide this chat" must find the refusal too
            await remember(svc, chat.id, sent.message_id)
        return
    since = since_from_args(list(context.args or []), svc.clock.now().date())
    if since is None:
        await message.reply_text(USAGE)
        return
    report = format_stats(await read_stats(svc.store, since))
    text = html.escape(report)
    if len(text) > LIMIT:
        text = text[: LIMIT - 2].rsplit("\n", 1)[0] + "\n…"
    await message.reply_text(f"<pre>{text}</pre>", parse_mode=ParseMode.HTML)
