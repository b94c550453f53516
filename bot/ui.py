"""Screens as plain data, and the one place that turns them into Telegram messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids


@dataclass(frozen=True)
class Button:
    text: str
    data: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.data.encode()) <= MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data must be 1-64 bytes: {self.data!r}")


@dataclass(frozen=True)
class Screen:
    """What the user sees: a text and rows of buttons."""

    text: str
    rows: list[list[Button]] = field(default_factory=list)

    def markup(self) -> InlineKeyboardMarkup | None:
        if not self.rows:
            return None
        return _markup(tuple(tuple(row) for row in self.rows))


@lru_cache(maxsize=1024)
def _markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    # Most replies carry one of a few menus, and building one costs about as much as sending it; the
    # markup is immutable, so one object serves every reply with the same buttons.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.text, callback_data=button.data) for button in row] for row in rows]
    )


# Callback data: short, stable words, so an old button still means something after a restart.
MAIN_MENU = "m"
LANGUAGES = "lp"
TALK = "talk"
HIDE = "hide"
SCREEN = "s:"  # + screen id
LANGUAGE = "l:"  # + language code
COUNTRY = "c:"  # + ISO country code
OFFER = "o:"  # + the offer checker's own words
OPERATOR = "t:"  # + action:ticket id
FORGET = "f:"  # + yes / no
CONFIRM = "cf:"  # + y / n : confirm id ("are you in danger right now?")
LABEL = OPERATOR + "label:"  # + label : ticket id (an operator's word on a closed ticket)
