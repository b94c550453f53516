"""The bot's public face per language (name, descriptions, commands, from content), set in the background.

Telegram limits these methods hard and its retry_after on them can be long, so they are never on the start
path: a task set off after start makes them, each on its own (one refused call skips nothing else), waits
out a retry_after in this task only, and leaves alone a value Telegram already has. It goes through a bot
of its own without the rate limiter, so that no chat's message waits behind it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, BotCommand

from bot.content.bundle import Content
from bot.escalation.dispatcher import classify
from bot.i18n.catalogs import I18n
from bot.settings import Settings

log = logging.getLogger(__name__)

DELAY = 1.0  # seconds after start: polling goes first
TRIES = 5  # per value, for transient failures (a 429's wait does not count against a deadline)


async def set_profile(bot: Bot, content: Content, i18n: I18n) -> int:
    """Bring every value up to date; returns how many were set (unchanged ones are only read)."""
    changed = 0
    profile = content.profile
    for language in content.languages.languages:
        if len(language.code) != 2:
            continue  # Telegram knows languages by two-letter codes only; uzc users see the uz face
        t = i18n[language.code]
        commands = [BotCommand(command, t.text(text)) for command, text in profile.commands.items()]
        changed += await _language(bot, language.code, t.text(profile.name), t.text(profile.short_description),
                                   t.text(profile.description), commands)  # fmt: skip
    return changed


async def _language(bot: Bot, code: str, name: str, short: str, description: str, commands: list[BotCommand]) -> int:
    wanted = [(command.command, command.description) for command in commands]
    return (
        await _ensure(f"name ({code})", lambda: _name(bot, code), name,
                      lambda: bot.set_my_name(name, language_code=code))
        + await _ensure(f"short description ({code})", lambda: _short(bot, code), short,
                        lambda: bot.set_my_short_description(short, language_code=code))
        + await _ensure(f"description ({code})", lambda: _description(bot, code), description,
                        lambda: bot.set_my_description(description, language_code=code))
        + await _ensure(f"commands ({code})", lambda: _commands(bot, code), wanted,
                        lambda: bot.set_my_commands(commands, language_code=code))
    )  # fmt: skip


async def _name(bot: Bot, code: str) -> object:
    return (await bot.get_my_name(language_code=code)).name


async def _short(bot: Bot, code: str) -> object:
    return (await bot.get_my_short_description(language_code=code)).short_description


async def _description(bot: Bot, code: str) -> object:
    return (await bot.get_my_description(language_code=code)).description


async def _commands(bot: Bot, code: str) -> object:
    return [(command.command, command.description) for command in await bot.get_my_commands(language_code=code)]


async def _ensure(what: str, read: Callable[[], Awaitable[object]], value: object,
                  write: Callable[[], Awaitable[object]]) -> int:  # fmt: skip
    """1 when the value was set, 0 when Telegram had it already or it could not be set (logged)."""
    for attempt in range(TRIES):
        try:
            if await read() == value:
                return 0
            await write()
            return 1
        except Exception as error:
            failure = classify(error)
            if failure.permanent or attempt == TRIES - 1:
                log.warning("could not set the bot's %s (%s)", what, failure.reason)
                return 0
            wait = failure.retry_after if failure.retry_after is not None else 2.0**attempt
            log.info("the bot's %s waits %.0f s (%s)", what, wait, failure.reason)
            await asyncio.sleep(wait)
    return 0


def start(settings: Settings, content: Content, i18n: I18n) -> asyncio.Task[None]:
    """Set the profile in the background; cancel the task to stop it (at shutdown)."""

    async def run() -> None:
        await asyncio.sleep(DELAY)
        base = settings.api_base_url
        try:
            async with Bot(settings.token(), base_url=base, base_file_url=base.replace("/bot", "/file/bot")) as bot:
                changed = await set_profile(bot, content, i18n)
        except Exception as error:  # Telegram unreachable at the moment: the next start tries again
            log.warning("could not set the bot's profile (%s)", classify(error).reason)
            return
        log.info("the bot's profile is up to date (%s values set)", changed)

    return asyncio.create_task(run(), name="bot-profile")
