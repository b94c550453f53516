"""The menus over the store: a start (with the leaflet's source) and a language chosen. No Telegram."""

from __future__ import annotations

from bot.storage import Store

DIRECT = "direct"  # the source of a start without a leaflet


async def started(store: Store, chat_id: int, lang: str | None, source: str | None, known_lang: str | None) -> None:
    """/start: the language and the leaflet it came from, when it names them; counted per source, language
    and day only, never linked to the user."""
    named = {key: value for key, value in (("lang", lang), ("source", source)) if value is not None}
    async with store.tx() as tx:
        if named:  # one statement for both
            await tx.users.update(chat_id, **named)
        await tx.stats.count_start(source or DIRECT, lang or known_lang or "unknown")


async def choose_language(store: Store, chat_id: int, code: str) -> None:
    async with store.tx() as tx:
        await tx.users.update(chat_id, lang=code)
