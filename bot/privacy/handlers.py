"""Telegram handlers for "Hide this chat" (/hide and the button), /forget and /silent.

Hiding must never put helpline content back on the screen, so these handlers catch Telegram's errors
themselves instead of letting the error handler apologise with the main menu.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.messaging import remember, session, show
from bot.privacy import screens, service
from bot.screens import main_menu
from bot.services import Context, Services
from bot.ui import FORGET

log = logging.getLogger(__name__)


async def _delete_chat(context: Context, svc: Services, chat_id: int) -> list[int]:
    """Delete the chat's remembered messages of the last 48 hours; returns the ids that are gone.

    A batch Telegram refuses, for whatever reason (a bad id in it, a server error, a Bot API without
    deleteMessages), is deleted one message at a time. What cannot be deleted in an outage stays
    remembered for the next time."""
    gone: list[int] = []
    for batch in await service.messages_to_hide(svc.store, chat_id):
        try:
            await context.bot.delete_messages(chat_id, batch)
            gone += batch
            continue
        except TelegramError as error:
            log.info("batch delete refused (%s); deleting one by one", type(error).__name__)
        for message_id in batch:
            try:
                await context.bot.delete_message(chat_id, message_id)
            except BadRequest:
                pass  # gone already, or too old: nothing more to do about it
            except TelegramError as error:  # an outage: the rest waits for the next hide
                log.warning("could not delete messages one by one (%s)", type(error).__name__)
                return gone
            gone.append(message_id)
    return gone


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError as error:
            log.info("could not answer a button (%s)", type(error).__name__)


async def hide(update: Update, context: Context) -> None:
    """Delete this chat's last 48 hours on both sides, then leave one neutral line."""
    svc = context.svc
    chat = update.effective_chat
    assert chat is not None  # noqa: S101
    await _answer(update)
    gone = await _delete_chat(context, svc, chat.id)
    await service.hidden(svc.store, chat.id, gone, svc.escalation.group)  # its commit wakes the dispatcher
    await svc.escalation.confirms.hidden(chat.id)  # hidden instead of answering "are you in danger?"
    _, t = await session(context, update)
    neutral = screens.hidden(t)
    try:
        sent = await context.bot.send_message(chat.id, neutral.text, reply_markup=neutral.markup(),
                                              disable_notification=True)  # fmt: skip
    except TelegramError as error:
        log.info("could not leave the neutral line (%s)", type(error).__name__)
        return
    await remember(svc, chat.id, sent.message_id)


async def forget(update: Update, context: Context) -> None:
    user, t = await session(context, update)
    await show(context, user.chat_id, screens.forget_question(t, export_labels=context.svc.settings.export_labels))


async def forget_button(update: Update, context: Context) -> None:
    """Yes: delete the chat (afterwards its message ids are gone too), then everything stored about the user."""
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101
    svc = context.svc
    user, t = await session(context, update)
    await _answer(update)
    if query.data != FORGET + "yes":
        await show(context, user.chat_id, main_menu(svc.content, t))
        return
    await _delete_chat(context, svc, user.chat_id)
    await service.forget(svc.store, user.chat_id, svc.escalation.group)
    # In memory too: the last offer kept for "Report this recruiter", anything else of this user's.
    for memory in (context.user_data, context.chat_data):
        if memory is not None:
            memory.clear()
    done = screens.forgotten(t)
    # Not remembered: nothing about this user is kept any more.
    try:
        await context.bot.send_message(user.chat_id, done.text, reply_markup=done.markup(),
                                       disable_notification=True)  # fmt: skip
    except TelegramError as error:
        log.info("could not confirm a forget (%s)", type(error).__name__)


async def silent(update: Update, context: Context) -> None:
    """Messages without sound or vibration, for a phone that others may hear."""
    svc = context.svc
    user, t = await session(context, update)
    await service.set_silent(svc.store, user.chat_id, not user.silent)
    await show(context, user.chat_id, screens.silent(t, on=not user.silent))
