"""The guidance screens as plain data: pure functions of content and language, tested without Telegram.
The menus and screens other features show too are in bot.screens."""

from __future__ import annotations

from bot.content.bundle import Content
from bot.i18n.catalogs import Translator
from bot.screens import MAX_MESSAGE, contacts_block, footer, main_menu
from bot.ui import MAIN_MENU, OFFER, SCREEN, TALK, Button, Screen


def screen(content: Content, t: Translator, screen_id: str, came_from: str | None = None) -> Screen | None:
    """A guidance screen, or None when the id no longer exists (an old button after a content change).
    Back leads where the person came from when that screen still links here, else one level up.
    A screen that tells the person to press "Talk to a person" or "Check a job offer" has that button."""
    page = content.guidance.screens.get(screen_id)
    if page is None:
        return None
    text = t.text(page.text)
    country = content.contacts.country(page.country)
    if country is not None:
        text = f"{text}\n\n{contacts_block(content, country, t)}"
    rows = [[Button(t.text(content.guidance.screens[link].button), f"{SCREEN}{link}:{screen_id}")]
            for link in page.links if link in content.guidance.screens]  # fmt: skip
    named = [(t.gettext("Talk to a person"), TALK), (t.gettext("Check a job offer"), OFFER + "menu")]
    rows[:0] = [[Button(label, data)] for label, data in named if f"«{label}»" in text or f"“{label}”" in text]
    origin = content.guidance.screens.get(came_from or "")
    parent = came_from if origin is not None and screen_id in origin.links else content.guidance.parent(screen_id)
    rows += footer(t, SCREEN + parent if parent else MAIN_MENU)
    return Screen(text[:MAX_MESSAGE], rows)


def not_understood(content: Content, t: Translator) -> Screen:
    """Text the bot cannot place: the main menu and one line on how to reach a person."""
    notice = t.gettext("I did not understand. To write to a person, press “Talk to a person”.")
    return main_menu(content, t, notice=notice)
