"""Deep links for leaflets (t.me/<bot>?start=LANG-SOURCE), the bot's username, and QR codes of them."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

import segno

from bot.settings import ENV_PREFIX, Settings, SettingsError

SOURCE_PATTERN = re.compile(r"[a-z0-9_]{1,40}")
# Telegram's limit for a start parameter: 64 characters of A-Z, a-z, 0-9, _ and -.
PAYLOAD_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
USERNAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


class LinkError(ValueError):
    """A source, language or payload that a deep link cannot carry; the message is one line."""


@dataclass(frozen=True)
class DeepLink:
    username: str
    lang: str
    source: str

    @property
    def payload(self) -> str:
        return f"{self.lang}-{self.source}"

    @property
    def url(self) -> str:
        return f"https://t.me/{self.username}?start={self.payload}"

    @property
    def handle(self) -> str:
        return f"@{self.username}"


def deep_link(username: str, lang: str, source: str, languages: tuple[str, ...]) -> DeepLink:
    """Validate every part, so a printed leaflet never carries a link the bot would not understand."""
    username = username.lstrip("@")
    if not USERNAME_PATTERN.fullmatch(username):
        raise LinkError(f"{username!r} is not a Telegram bot username")
    if lang not in languages:
        raise LinkError(f"unknown language {lang!r}; one of: {', '.join(languages)}")
    if not SOURCE_PATTERN.fullmatch(source):
        raise LinkError(f"source {source!r}: 1 to 40 characters of a-z, 0-9 and _")
    link = DeepLink(username, lang, source)
    if not PAYLOAD_PATTERN.fullmatch(link.payload):
        raise LinkError(f"start payload {link.payload!r} is longer than Telegram's 64 characters")
    return link


def bot_username(settings: Settings) -> str:
    """HELPLINE_BOT_USERNAME, or else ask Telegram (getMe) with the token; SettingsError when neither works."""
    if settings.bot_username:
        return settings.bot_username
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise SettingsError(
            f"the bot's username is unknown: set {ENV_PREFIX}BOT_USERNAME (or {ENV_PREFIX}BOT_TOKEN to ask Telegram)"
        )
    return asyncio.run(_get_me(settings))


async def _get_me(settings: Settings) -> str:
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(settings.token(), base_url=settings.api_base_url) as bot:
            me = await bot.get_me()
    except TelegramError as error:
        raise SettingsError(
            f"cannot ask Telegram for the bot's username ({type(error).__name__}: {error}); "
            f"set {ENV_PREFIX}BOT_USERNAME"
        ) from None
    if not me.username:
        raise SettingsError(f"Telegram gave no username for this bot; set {ENV_PREFIX}BOT_USERNAME")
    return me.username


def qr_code(link: DeepLink) -> segno.QRCode:
    # Error correction M survives a crease or a smudge on a cheap print and keeps the code small.
    return segno.make_qr(link.url, error="m", boost_error=False)


def write_qr_files(link: DeepLink, folder: Path) -> tuple[Path, Path]:
    """qr-LANG-SOURCE.svg and .png in the folder: the SVG for print shops, the PNG for screens and chats."""
    folder.mkdir(parents=True, exist_ok=True)
    code = qr_code(link)
    stem = folder / f"qr-{link.payload}"
    svg, png = stem.with_suffix(".svg"), stem.with_suffix(".png")
    code.save(str(svg), scale=10, border=4, title=f"{link.handle} {link.payload}")
    code.save(str(png), scale=10, border=4)
    return svg, png
