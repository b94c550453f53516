"""The job-offer checker over the store: the guided check's state, and the anonymous counts. No Telegram."""

from __future__ import annotations

from bot.content.offers import OfferQuestions, Risk
from bot.offers import guided
from bot.storage import Store
from bot.storage.users import User

AWAITING_OFFER = "offer"


def state(user: User, questions: OfferQuestions) -> guided.GuidedState:
    """The user's guided check as saved (a fresh one when there is none, or it no longer reads)."""
    if not user.check_state:
        return guided.start(questions)
    try:
        return guided.resume(guided.GuidedState.model_validate_json(user.check_state), questions)
    except ValueError:
        return guided.start(questions)


async def save(store: Store, chat_id: int, current: guided.GuidedState | None) -> None:
    """Keep the check's state across restarts; None forgets it (quit, or done)."""
    async with store.tx() as tx:
        await tx.users.update(chat_id, check_state=current.model_dump_json() if current else None)


async def finish_check(store: Store, chat_id: int, lang: str, risk: Risk) -> None:
    """The guided check is done: its state goes, and it is counted (per language and risk, never per user)."""
    await save(store, chat_id, None)
    async with store.tx() as tx:
        await tx.stats.count_event("check", lang, risk)


async def await_offer(store: Store, chat_id: int) -> None:
    """The user's next message is the offer to read."""
    async with store.tx() as tx:
        await tx.users.update(chat_id, awaiting=AWAITING_OFFER)


async def scanned(store: Store, user: User, lang: str, risk: Risk) -> None:
    """An offer was read: the bot stops waiting for one, and the scan is counted."""
    if user.awaiting == AWAITING_OFFER:
        async with store.tx() as tx:
            await tx.users.update(user.chat_id, awaiting=None)
    async with store.tx() as tx:
        await tx.stats.count_event("scan", lang, risk)
