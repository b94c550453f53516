"""The job-offer checker over the store: the guided check's steps and state, and the anonymous counts.
No Telegram."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.bundle import Content
from bot.content.offers import OfferQuestions, Risk
from bot.offers import guided
from bot.offers.assess import Assessment
from bot.storage import Store
from bot.storage.users import User

AWAITING_OFFER = "offer"
GUIDED_ACTIONS = ("guided", "back", "quit")  # and a:<question id>:<yes|no|unsure>, an answer


@dataclass(frozen=True)
class Step:
    """Where a press in the guided check led: the next question (`state`), the result, or out (neither)."""

    state: guided.GuidedState | None
    assessment: Assessment | None
    current: bool  # False: the button was an old one, and changed nothing


async def guided_step(store: Store, user: User, content: Content, action: str, *, lang: str,
                      source: str) -> Step:  # fmt: skip
    """One step of the guided check: start, back, quit or an answer. The state is kept across restarts; a
    finished check is counted in `lang`, its result worded from the `source` language's content."""
    questions = content.offer_questions
    if action == "quit":
        await save(store, user.chat_id, None)
        return Step(None, None, current=True)
    current_button = True
    state = guided.start(questions) if action == "guided" else saved_state(user, questions)
    if action == "back":
        state = guided.back(state)
    elif action.startswith("a:"):
        _, question_id, value = [*action.split(":", 2), "", ""][:3]  # a malformed button changes nothing
        current = guided.current_question(state, questions)
        # An answer to a question no longer on screen (an old button) just shows the current question.
        current_button = current is not None and current.id == question_id and value in ("yes", "no", "unsure")
        if current_button:
            state = guided.answer(state, value, questions)  # type: ignore[arg-type]
    if guided.is_done(state, questions):
        assessment = guided.result(state, content.offers, source)
        await finish_check(store, user.chat_id, lang, assessment.risk)
        return Step(None, assessment, current_button)
    await save(store, user.chat_id, state)
    return Step(state, None, current_button)


def saved_state(user: User, questions: OfferQuestions) -> guided.GuidedState:
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
    async with store.tx() as tx:
        await tx.users.update(chat_id, check_state=None)
        await tx.stats.count_event("check", lang, risk)


async def await_offer(store: Store, chat_id: int) -> None:
    """The user's next message is the offer to read."""
    async with store.tx() as tx:
        await tx.users.update(chat_id, awaiting=AWAITING_OFFER)


async def scanned(store: Store, user: User, lang: str, risk: Risk) -> None:
    """An offer was read: the bot stops waiting for one, and the scan is counted."""
    async with store.tx() as tx:
        if user.awaiting == AWAITING_OFFER:
            await tx.users.update(user.chat_id, awaiting=None)
        await tx.stats.count_event("scan", lang, risk)
