"""/stats in the operators' group: the same anonymous report as `helpline stats`, for operators only."""

from __future__ import annotations

from telegram import Update

from bot.escalation.handlers import answer_operator
from bot.services import Context
from bot.stats import screens, service


async def stats_command(update: Update, context: Context) -> None:
    """Only operators, in their group or their private chats, reach this (see bot.app)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    svc = context.svc
    since = service.since_from_args(list(context.args or []), svc.clock.now().date())
    if since is None:
        await answer_operator(context, message, screens.USAGE)
        return
    await answer_operator(context, message, screens.in_telegram(await service.read_stats(svc.store, since)), html=True)
