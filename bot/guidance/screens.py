"""The guidance screens as plain data: pure functions of content and language, tested without Telegram."""

from __future__ import annotations

from bot.content.bundle import Content
from bot.content.contacts import Country
from bot.i18n.catalogs import Translator
from bot.ui import HIDE, LANGUAGE, LANGUAGES, MAIN_MENU, OFFER, SCREEN, TALK, Button, Screen

MAX_MESSAGE = 4096


def footer(t: Translator, back: str | None) -> list[list[Button]]:
    """Back, Main menu and Hide this chat: on every screen."""
    row = [Button("« " + t.gettext("Back"), back)] if back else []
    row.append(Button(t.gettext("Main menu"), MAIN_MENU))
    return [row, [Button(t.gettext("Hide this chat"), HIDE)]]


def main_menu(content: Content, t: Translator, notice: str | None = None) -> Screen:
    text = t.text(content.guidance.welcome)
    if notice:
        text = f"{notice}\n\n{text}"
    rows = [[Button(t.text(content.guidance.screens[sid].button), SCREEN + sid)] for sid in content.guidance.main_menu
            if sid in content.guidance.screens]  # fmt: skip
    rows.insert(0, [Button(t.gettext("Check a job offer"), OFFER + "menu")])
    rows.insert(1, [Button(t.gettext("Talk to a person"), TALK)])
    rows.append([Button(t.gettext("Language"), LANGUAGES), Button(t.gettext("Hide this chat"), HIDE)])
    return Screen(text, rows)


def contacts_block(country: Country, t: Translator) -> str:
    """The verified numbers of a country, one a line. Unverified numbers are never shown."""
    lines = []
    for contact in country.shown():
        line = f"☎ {contact.number} — {t.text(contact.label)}"
        if contact.hours is not None:
            line += f" ({t.text(contact.hours)})"
        lines.append(line)
    if not lines:
        return t.gettext("We have no checked numbers for this country yet. Write to us with “Talk to a person”.")
    return "\n".join(lines)


def screen(content: Content, t: Translator, screen_id: str, came_from: str | None = None) -> Screen | None:
    """A guidance screen, or None when the id no longer exists (an old button after a content change).
    Back leads where the person came from when that screen still links here, else one level up."""
    page = content.guidance.screens.get(screen_id)
    if page is None:
        return None
    text = t.text(page.text)
    country = content.contacts.country(page.country)
    if country is not None:
        text = f"{text}\n\n{contacts_block(country, t)}"
    rows = [[Button(t.text(content.guidance.screens[link].button), f"{SCREEN}{link}:{screen_id}")]
            for link in page.links if link in content.guidance.screens]  # fmt: skip
    origin = content.guidance.screens.get(came_from or "")
    parent = came_from if origin is not None and screen_id in origin.links else content.guidance.parent(screen_id)
    rows += footer(t, SCREEN + parent if parent else MAIN_MENU)
    return Screen(text[:MAX_MESSAGE], rows)


def language_picker(translators: list[Translator]) -> Screen:
    """The first screen when we cannot tell the language: every language asks in its own words."""
    greeting = "\n".join(t.gettext("Choose your language") for t in translators)
    rows = [[Button(t.language.name, LANGUAGE + t.code)] for t in translators]
    # Hide is on every screen, this one too, in every language at once (each label once: scripts may share one).
    hide = " / ".join(dict.fromkeys(t.gettext("Hide this chat") for t in translators))
    rows.append([Button(hide, HIDE)])
    return Screen(greeting, rows)
