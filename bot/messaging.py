"""Sending to a user: silent when they asked, and remembering message ids (never texts) for /hide."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import BadRequest

from bot.i18n.catalogs import Translator
from bot.screens import menu_changed, stale_menu
from bot.services import Context, Services
from bot.storage.users import User
from bot.ui import Screen

log = logging.getLogger(__name__)


async def remember(svc: Services, chat_id: int, message_id: int) -> None:
    async with svc.store.autocommit() as tx:
        await tx.users.remember_message(chat_id, message_id)


async def show(
    context: Context, chat_id: int, screen: Screen, *, edit: Message | None = None, silent: bool | None = None
) -> None:
    """Show a screen: in place of the pressed menu when there is one, else as a new message.

    silent: the user's choice, when the caller has it at hand (else it is read).
    """
    svc = context.svc
    if edit is not None:
        try:
            await edit.edit_text(screen.text, reply_markup=screen.markup())
            return
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return
            # Too old to edit, or no longer there: send it anew.
    if silent is None:
        async with svc.store.read() as tx:
            user = await tx.users.get(chat_id)
        silent = bool(user and user.silent)
    sent = await context.bot.send_message(
        chat_id, screen.text, reply_markup=screen.markup(), disable_notification=silent
    )
    await remember(svc, chat_id, sent.message_id)


async def session(context: Context, update: Update) -> tuple[User, Translator]:
    """The user behind a private update, and their language (the first one until they choose; whether they
    have is `context.svc.i18n.get(user.lang)`)."""
    svc = context.svc
    chat = update.effective_chat
    assert chat is not None  # noqa: S101 - private updates always have a chat
    async with svc.store.read() as tx:
        user = await tx.users.get(chat.id)
    sender = update.effective_user
    # Nothing chosen yet (a first message, or after /forget): the phone's language, when the bot speaks it.
    phone = svc.content.languages.from_telegram(sender.language_code if sender else None)
    if user is None or (user.lang is None and phone is not None):
        async with svc.store.tx() as tx:
            user = user or await tx.users.get_or_create(chat.id)
            if phone is not None and user.lang is None:
                await tx.users.update(chat.id, lang=phone.code)
                user = user.model_copy(update={"lang": phone.code})
    return user, svc.translator(user.lang)


async def stale_button(update: Update, context: Context) -> None:
    """An old button (from before a restart or a content change): say so, and show the main menu."""
    query = update.callback_query
    assert query is not None  # noqa: S101
    svc = context.svc
    _, t = await session(context, update)
    await query.answer(menu_changed(t))
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        await show(context, chat.id, stale_menu(svc.content, t))
