"""The guidance screens as plain data: pure functions of content and language, tested without Telegram.
The menus and screens other features show too are in bot.screens."""

from __future__ import annotations

from bot.content.bundle import Content
from bot.content.contacts import Country
from bot.i18n.catalogs import Translator
from bot.screens import MAX_MESSAGE, footer, has_ambulance, main_menu
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


def contacts_block(content: Content, country: Country, t: Translator) -> str:
    """The verified numbers of a country, one a line. Unverified numbers are never shown; a country with
    none gets what to do instead."""
    lines = []
    for contact in country.shown():
        line = f"☎ {contact.number} — {t.text(contact.label)}"
        if contact.hours is not None:
            line += f" ({t.text(contact.hours)})"
        lines.append(line)
    if not country.urgent():
        lines.insert(0, t.text(content.escalation.no_number).format(country=t.text(country.name)))
    elif not has_ambulance(country):
        lines.append(t.text(content.escalation.no_ambulance))
    return "\n".join(lines)
