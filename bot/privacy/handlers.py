"""Telegram handlers for /hide, /forget and /silent."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.guidance import screens
from bot.messaging import remember, session, show
from bot.privacy import service
from bot.services import Context, services
from bot.ui import FORGET, MAIN_MENU, Screen

log = logging.getLogger(__name__)


async def hide(update: Update, context: Context) -> None:
    """Delete this chat's last 48 hours on both sides, then leave one neutral line."""
    svc = services(context)
    chat = update.effective_chat
    assert chat is not None  # noqa: S101
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.effective_message is not None:
        await remember(svc, chat.id, update.effective_message.message_id)
    for batch in await service.messages_to_hide(svc.store, chat.id):
        try:
            await context.bot.delete_messages(chat.id, batch)
        except BadRequest as error:
            # Some may be gone already or too old; delete the rest one by one.
            log.info("batch delete refused (%s); deleting one by one", error.message)
            for message_id in batch:
                try:
                    await context.bot.delete_message(chat.id, message_id)
                except BadRequest:
                    continue
    ticket_id = await service.hidden(svc.store, chat.id)
    if ticket_id is not None and svc.settings.operator_chat_id is not None:
        async with svc.store.tx() as tx:
            text = f"Ticket #{ticket_id}: the user hid the chat. Write short, neutral messages."
            await tx.outbox.add(svc.settings.operator_chat_id, "group_text", {"text": text}, ticket_id)
        svc.dispatcher.wake()
    _, t = await session(context, update)
    neutral = (t or svc.default_translator()).gettext("OK")
    sent = await context.bot.send_message(chat.id, neutral, disable_notification=True)
    await remember(svc, chat.id, sent.message_id)


async def forget(update: Update, context: Context) -> None:
    svc = services(context)
    user, t = await session(context, update)
    t = t or svc.default_translator()
    if update.effective_message is not None:
        await remember(svc, user.chat_id, update.effective_message.message_id)
    text = t.gettext("Delete everything the helpline keeps about you: your language, your answers, your "
                     "messages to us? This cannot be undone.")  # fmt: skip
    rows = [[screens.Button(t.gettext("Yes, delete"), FORGET + "yes"), screens.Button(t.gettext("No"), FORGET + "no")]]
    await show(context, user.chat_id, Screen(text, rows))


async def forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101
    svc = services(context)
    user, t = await session(context, update)
    t = t or svc.default_translator()
    await query.answer()
    if query.data != FORGET + "yes":
        await show(context, user.chat_id, screens.main_menu(svc.content, t))
        return
    closed = await service.forget(svc.store, user.chat_id)
    if closed and svc.settings.operator_chat_id is not None:
        async with svc.store.tx() as tx:
            for ticket_id in closed:
                text = f"Ticket #{ticket_id} is closed: the user asked the helpline to forget them."
                await tx.outbox.add(svc.settings.operator_chat_id, "group_text", {"text": text}, ticket_id)
                await tx.outbox.add(svc.settings.operator_chat_id, "card_refresh", {}, ticket_id)
        svc.dispatcher.wake()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("Main menu"), callback_data=MAIN_MENU)]])
    # Not remembered: nothing about this user is kept any more.
    await context.bot.send_message(user.chat_id, t.gettext("Done. We deleted what we kept about you."),
                                   reply_markup=markup)  # fmt: skip


async def silent(update: Update, context: Context) -> None:
    """Messages without sound or vibration, for a phone that others may hear."""
    svc = services(context)
    user, t = await session(context, update)
    t = t or svc.default_translator()
    async with svc.store.tx() as tx:
        await tx.users.update(user.chat_id, silent=0 if user.silent else 1)
    text = t.gettext("Messages will come silently.") if not user.silent else t.gettext("Messages will come with sound.")
    await show(context, user.chat_id, Screen(text, screens.footer(t, None)))
