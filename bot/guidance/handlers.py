"""Telegram handlers for the menus: thin, the screens themselves come from bot.guidance.screens and bot.screens."""

from __future__ import annotations

import re

from telegram import MaybeInaccessibleMessage, Message, Update

from bot import screens as shared
from bot.guidance import screens, service
from bot.i18n.catalogs import Translator
from bot.messaging import session, show, stale_button
from bot.services import Context, Services
from bot.ui import LANGUAGE, LANGUAGES, SCREEN


def parse_payload(payload: str, codes: tuple[str, ...]) -> tuple[str | None, str | None]:
    """`/start LANG` or `/start LANG-SOURCE` from a leaflet: (language, source); (None, None) when unknown."""
    match = re.fullmatch(rf"({'|'.join(map(re.escape, codes))})(?:-([a-z0-9_]{{1,40}}))?", payload)
    if not match:
        return None, None
    return match.group(1), match.group(2)


async def start(update: Update, context: Context) -> None:
    svc = context.svc
    message = update.effective_message
    assert message is not None  # noqa: S101 - CommandHandler only passes messages
    payload = context.args[0] if context.args else ""
    lang, source = parse_payload(payload, svc.content.languages.codes)
    user, _ = await session(context, update)  # takes the phone's language when none is chosen
    chosen = svc.i18n.get(user.lang)
    await service.started(svc.store, message.chat_id, lang, source, user.lang)
    chosen = svc.i18n.get(lang) or chosen
    if chosen is None:
        await show(context, message.chat_id, shared.language_picker(svc.translators()))
        return
    await show(context, message.chat_id, shared.main_menu(svc.content, chosen))


async def language(update: Update, context: Context) -> None:
    svc = context.svc
    message = update.effective_message
    assert message is not None  # noqa: S101
    await show(context, message.chat_id, shared.language_picker(svc.translators()))


async def menu_button(update: Update, context: Context) -> None:
    """Main menu, language picker, a language, or a guidance screen."""
    query = update.callback_query
    assert query is not None and query.message is not None and query.data is not None  # noqa: S101
    svc = context.svc
    chat_id = query.message.chat.id
    user, t = await session(context, update)
    data = query.data
    if data.startswith(LANGUAGE):
        chosen = svc.i18n.get(data.removeprefix(LANGUAGE))
        if chosen is None:
            await stale_button(update, context)
            return
        await service.choose_language(svc.store, chat_id, chosen.code)
        await query.answer()
        await show(context, chat_id, shared.main_menu(svc.content, chosen), edit=_editable(query.message))
        return
    if data == LANGUAGES or svc.i18n.get(user.lang) is None:
        await query.answer()
        await show(context, chat_id, shared.language_picker(svc.translators()), edit=_editable(query.message))
        return
    if data.startswith(SCREEN):
        target, _, came_from = data.removeprefix(SCREEN).partition(":")
        page = screens.screen(svc.content, t, target, came_from or None)
        if page is None:
            await stale_button(update, context)
            return
        await query.answer()
        await show(context, chat_id, page, edit=_editable(query.message))
        return
    await query.answer()
    await show(context, chat_id, shared.main_menu(svc.content, t), edit=_editable(query.message))


def _editable(message: MaybeInaccessibleMessage) -> Message | None:
    return message if isinstance(message, Message) else None


async def not_understood(update: Update, context: Context, t: Translator, svc: Services, *, silent: bool) -> None:
    """Text the bot cannot place: the main menu and one line on how to reach a person."""
    chat = update.effective_chat
    assert chat is not None  # noqa: S101
    await show(context, chat.id, screens.not_understood(svc.content, t), silent=silent)
