"""Telegram handlers of the job-offer checker: thin; the work is in service.py (over the store), guided.py,
scan.py and report.py, the screens in screens.py.

Callback data: o:menu, o:guided, o:paste, o:back, o:quit, o:report, o:more, and o:a:<question id>:<yes|no|unsure>
(the question id makes an old button from before a restart or a content change recognisable).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update

from bot.escalation.service import Incoming
from bot.i18n.catalogs import Translator
from bot.messaging import session, show
from bot.offers import guided, service
from bot.offers import screens as offer_screens
from bot.offers.service import AWAITING_OFFER
from bot.screens import footer, main_menu
from bot.services import Context, Services
from bot.storage.users import User
from bot.ui import OFFER, Screen

log = logging.getLogger(__name__)

LAST_OFFER = "last_offer"  # kept in memory only, for "Report this recruiter"; never stored
MORE_PAGES = "more_pages"  # the result's later pages, in memory only, for "More"
PASTED_OFFER_CHARS = 200  # a text this long with no other meaning is taken for a pasted offer


async def _show_result(context: Context, user: User, screens: list[Screen], edit: Message | None = None) -> None:
    """The first page now; the others wait in memory (never stored) for "More"."""
    _memory(context)[MORE_PAGES] = screens[1:]
    await show(context, user.chat_id, screens[0], edit=edit)


async def check_command(update: Update, context: Context) -> None:
    user, t = await session(context, update)
    await show(context, user.chat_id, offer_screens.menu(t))


async def button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101 - registered for o: buttons
    svc = context.svc
    user, t = await session(context, update)
    editable = query.message if isinstance(query.message, Message) else None
    action = query.data.removeprefix(OFFER)
    if action in ("guided", "back", "quit") or action.startswith("a:"):
        current = await _guided_step(context, svc, user, t, action, editable)
        await query.answer(None if current else t.gettext("This menu has changed."))
        return
    if action == "more":
        pages: list[Screen] = _memory(context).get(MORE_PAGES) or []
        await query.answer(None if pages else t.gettext("This menu has changed."))
        if pages:
            await show(context, user.chat_id, pages.pop(0))
        else:
            await show(context, user.chat_id, offer_screens.menu(t))
        return
    await query.answer()
    if action == "menu":
        await show(context, user.chat_id, offer_screens.menu(t), edit=editable)
    elif action == "paste":
        await service.await_offer(svc.store, user.chat_id)
        prompt = t.gettext("Send me the offer: forward the message, or paste its text here.")
        await show(context, user.chat_id, Screen(prompt, footer(t, OFFER + "menu")), edit=editable)
    elif action == "report":
        await _report(update, context, user, t)
    else:
        await show(context, user.chat_id, main_menu(svc.content, t, t.gettext("This menu has changed.")))


async def _guided_step(context: Context, svc: Services, user: User, t: Translator, action: str,
                       editable: Message | None) -> bool:  # fmt: skip
    """One step of the guided check; False when the button pressed was an old one."""
    questions = svc.content.offer_questions
    current_button = True
    state = guided.start(questions) if action == "guided" else service.state(user, questions)
    if action == "back":
        state = guided.back(state)
    elif action == "quit":
        await service.save(svc.store, user.chat_id, None)
        await show(context, user.chat_id, main_menu(svc.content, t), edit=editable)
        return True
    elif action.startswith("a:"):
        _, question_id, value = [*action.split(":", 2), "", ""][:3]  # a malformed button changes nothing
        current = guided.current_question(state, questions)
        # An answer to a question no longer on screen (an old button) just shows the current question.
        current_button = current is not None and current.id == question_id and value in ("yes", "no", "unsure")
        if current_button:
            state = guided.answer(state, value, questions)  # type: ignore[arg-type]
    if guided.is_done(state, questions):
        assessment = guided.result(state, svc.content.offers, t.language.source)
        await service.finish_check(svc.store, user.chat_id, t.code, assessment.risk)
        pages = offer_screens.result(svc.content, t, assessment, scanned=False)
        await _show_result(context, user, pages, edit=editable)
        return current_button
    await service.save(svc.store, user.chat_id, state)
    screen = offer_screens.question(svc.content, t, state)
    assert screen is not None  # noqa: S101 - not done, so there is a question
    await show(context, user.chat_id, screen, edit=editable)
    return current_button


def looks_like_an_offer(message: Message, awaiting: str | None) -> bool:
    text = message.text or message.caption or ""
    return bool(text) and (awaiting == AWAITING_OFFER or message.forward_origin is not None
                           or len(text) >= PASTED_OFFER_CHARS)  # fmt: skip


async def maybe_scan(update: Update, context: Context, user: User, t: Translator, *, in_ticket: bool = False) -> bool:
    """Scan a forwarded or pasted offer; False when the message is not one. `in_ticket`: the offer goes to
    the operators anyway, so the verdict offers no "Report this recruiter"."""
    message = update.effective_message
    if message is None or not looks_like_an_offer(message, user.awaiting):
        return False
    await show_check(context, user, t, message.text or message.caption or "", message.message_id, in_ticket=in_ticket)
    return True


async def show_check(context: Context, user: User, t: Translator, text: str, message_id: int, *,
                     in_ticket: bool = False) -> None:  # fmt: skip
    """Scan an offer's text and show the result (also for an offer held back by "are you in danger?")."""
    svc = context.svc
    assessment = svc.offers.check(text, t.language.source)
    await service.scanned(svc.store, user, t.code, assessment.risk)
    if not in_ticket:
        _memory(context)[LAST_OFFER] = {"text": text, "message_id": message_id}
    await _show_result(context, user, offer_screens.result(svc.content, t, assessment, scanned=not in_ticket))


def _memory(context: Context) -> dict[Any, Any]:
    """The user's in-memory data (python-telegram-bot's user_data): gone at a restart, never stored."""
    assert context.user_data is not None  # noqa: S101 - private updates always have a user
    return context.user_data


async def _report(update: Update, context: Context, user: User, t: Translator) -> None:
    """Send the last scanned offer to the operators as a non-urgent ticket."""
    offer = _memory(context).get(LAST_OFFER)
    if not offer:
        await show(context, user.chat_id, Screen(t.gettext("Please send me the offer again, then press "
                                                           "“Report this recruiter”."), footer(t, None)))  # fmt: skip
        return
    incoming = Incoming(update.update_id, user.chat_id, offer["message_id"], "text", offer["text"])
    thanks = Screen(t.gettext("Thank you. The helpline has the offer and will look at it."), footer(t, None))
    await context.svc.escalation.open_ticket(
        user,
        incoming,
        update_id=update.update_id,
        urgent=False,
        category="reported_recruiter",
        kind="report",
        ack=thanks,
    )
    _memory(context).pop(LAST_OFFER, None)
