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
from bot.offers import screens as offer_screens
from bot.offers import service
from bot.offers.service import AWAITING_OFFER, GUIDED_ACTIONS
from bot.screens import main_menu
from bot.services import Context
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
    if action in GUIDED_ACTIONS or action.startswith("a:"):
        current = await _guided_step(context, user, t, action, editable)
        await query.answer(None if current else offer_screens.changed_notice(t))
        return
    if action == "more":
        pages: list[Screen] = _memory(context).get(MORE_PAGES) or []
        await query.answer(None if pages else offer_screens.changed_notice(t))
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
        await show(context, user.chat_id, offer_screens.paste_prompt(t), edit=editable)
    elif action == "report":
        await _report(update, context, user, t)
    else:
        await show(context, user.chat_id, offer_screens.changed(svc.content, t))


async def _guided_step(context: Context, user: User, t: Translator, action: str, editable: Message | None) -> bool:
    """One step of the guided check; False when the button pressed was an old one."""
    svc = context.svc
    step = await service.guided_step(svc.store, user, svc.content, action, lang=t.code, source=t.language.source)
    if step.assessment is not None:
        await _show_result(context, user, offer_screens.result(svc.content, t, step.assessment, scanned=False),
                           edit=editable)  # fmt: skip
    elif step.state is None:  # quit
        await show(context, user.chat_id, main_menu(svc.content, t), edit=editable)
    else:
        screen = offer_screens.question(svc.content, t, step.state)
        assert screen is not None  # noqa: S101 - not done, so there is a question
        await show(context, user.chat_id, screen, edit=editable)
    return step.current


def looks_like_an_offer(message: Message, awaiting: str | None) -> bool:
    text = message.text or message.caption or ""
    return bool(text) and (awaiting == AWAITING_OFFER or looks_like_an_ad(message))


def looks_like_an_ad(message: Message) -> bool:
    """Forwarded, or pasted at length: someone else's words (a job ad), not the user's own."""
    text = message.text or message.caption or ""
    return message.forward_origin is not None or len(text) >= PASTED_OFFER_CHARS


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
        await show(context, user.chat_id, offer_screens.send_again(t))
        return
    incoming = Incoming(update.update_id, user.chat_id, offer["message_id"], "text", offer["text"])
    await context.svc.escalation.open_ticket(
        user,
        incoming,
        update_id=update.update_id,
        urgent=False,
        category="reported_recruiter",
        kind="report",
        ack=offer_screens.reported(t),
    )
    _memory(context).pop(LAST_OFFER, None)
