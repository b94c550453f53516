"""Before any handler: drop replayed updates, remember message ids for /hide, slow down floods.
After all handlers: record the update as done.

The guard is the one place every update passes, so it is where the bot:
- skips an update it handled before (a replay after a crash) — nothing is processed twice;
- remembers the id of every message a user sends in private (ids only, never texts), so "Hide this chat"
  deletes them all, including those it never answered (floods, stickers, commands of others);
- refuses callback queries it cannot use (no message to act on): "this menu has changed";
- lets a user send about `per_minute` updates a minute; past that, one polite slow-down message, and the
  rest are recorded as handled and dropped — except an urgent message, which always opens its ticket (or
  asks "are you in danger right now?"), a yes to that question, and "Hide this chat", which always hides.
"""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import screens
from bot.services import Context, Services
from bot.ui import CONFIRM, HIDE

log = logging.getLogger(__name__)


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


async def before(update: Update, context: Context) -> None:
    svc = context.svc
    chat = update.effective_chat
    incoming = update.message or update.edited_message
    remember = incoming.message_id if incoming is not None and _private(update) else None
    async with svc.store.autocommit() as tx:  # a check and an idempotent insert: no transaction needed
        replay = await tx.users.seen(update.update_id)
        if not replay and remember is not None and chat is not None:
            # Every message a user sends in private: "Hide this chat" must find it, answered or not.
            await tx.users.remember_message(chat.id, remember)
    if replay:
        log.info("update %s was handled before; skipped", update.update_id)
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and (query.message is None or query.data is None):
        # A button of an inline message or a game: nothing of this bot's; answer it, use nothing of it.
        await _answer_query(svc, context, update, slow_down=False)
        await _done(context, update.update_id)
        raise ApplicationHandlerStop
    if chat is None or not _private(update) or update.effective_user is None:
        return
    admitted, warn = svc.flood.admit(update.effective_user.id, time.monotonic(), button=query is not None)
    if admitted or _always(update, context):
        return
    log.info("update %s: flood from one user; dropped", update.update_id)
    if query is not None:
        await _answer_query(svc, context, update, slow_down=True)
    elif warn:
        await _slow_down(svc, context, chat.id)
    await _done(context, update.update_id)
    raise ApplicationHandlerStop


def _always(update: Update, context: Context) -> bool:
    """What goes through a flood: hiding the chat, and a message that signals danger."""
    query = update.callback_query
    if query is not None:  # and "yes, I am in danger right now"
        return query.data == HIDE or (query.data or "").startswith(CONFIRM + "y:")
    message = update.effective_message
    if message is None:
        return False
    text = message.text or message.caption or ""
    if text.split(maxsplit=1)[:1] and text.split(maxsplit=1)[0].split("@")[0].lower() == "/hide":
        return True
    return bool(text) and context.classify(text).band != "none"  # the bot must ask, if not open a ticket


async def _slow_down(svc: Services, context: Context, chat_id: int) -> None:
    t = svc.translator(await _lang(svc, chat_id))
    try:
        sent = await context.bot.send_message(chat_id, screens.slow_down(t))
    except TelegramError as error:
        log.info("could not ask a user to slow down (%s)", type(error).__name__)
        return
    async with svc.store.tx() as tx:
        await tx.users.remember_message(chat_id, sent.message_id)


async def _answer_query(svc: Services, context: Context, update: Update, *, slow_down: bool) -> None:
    query = update.callback_query
    assert query is not None  # noqa: S101
    chat = update.effective_chat
    t = svc.translator(await _lang(svc, chat.id) if chat is not None else None)
    try:
        await query.answer(screens.slow_down(t) if slow_down else screens.menu_changed(t))
    except TelegramError as error:
        log.info("could not answer a callback query (%s)", type(error).__name__)


async def _lang(svc: Services, chat_id: int) -> str | None:
    async with svc.store.read() as tx:
        user = await tx.users.get(chat_id)
    return user.lang if user else None


async def _done(context: Context, update_id: int) -> None:
    store = context.svc.store
    async with store.autocommit() as tx:  # ordered to be safe without a transaction
        await tx.users.first_time(update_id)
    store.checkpoint_soon()  # the inbox row is deleted: its copy in the -wal goes within a second


async def after(update: Update, context: Context) -> None:
    await _done(context, update.update_id)
