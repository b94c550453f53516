"""The screens several features show, as plain data: pure functions of content and language, tested without
Telegram. Below every feature, so that none of them reaches into another for a menu, the footer or the language
picker. What only one feature shows is in that feature's own screens module."""

from __future__ import annotations

from bot.content.bundle import Content
from bot.content.contacts import Country
from bot.i18n.catalogs import Translator
from bot.ui import HIDE, LANGUAGE, LANGUAGES, MAIN_MENU, OFFER, SCREEN, TALK, Button, Screen

MAX_MESSAGE = 4096  # Telegram's limit for one message


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


def has_ambulance(country: Country) -> bool:
    """An emergency or ambulance number among the verified ones (else the screen says how to get help)."""
    return any(contact.kind in ("emergency", "ambulance") for contact in country.shown())


def language_picker(translators: list[Translator]) -> Screen:
    """The first screen when we cannot tell the language: every language asks in its own words."""
    greeting = "\n".join(t.gettext("Choose your language") for t in translators)
    rows = [[Button(t.language.name, LANGUAGE + t.code)] for t in translators]
    # Hide is on every screen, this one too, in every language at once (each label once: scripts may share one).
    hide = " / ".join(dict.fromkeys(t.gettext("Hide this chat") for t in translators))
    rows.append([Button(hide, HIDE)])
    return Screen(greeting, rows)


def menu_changed(t: Translator) -> str:
    """The answer to a button the bot can no longer use (from before a restart or a content change)."""
    return t.gettext("This menu has changed.")


def stale_menu(content: Content, t: Translator) -> Screen:
    return main_menu(content, t, notice=t.gettext("This menu has changed. Here is the main menu."))


def slow_down(t: Translator) -> str:
    """Once to someone writing faster than the flood gate lets through (as a message, or a button's answer)."""
    return t.gettext("You are writing very fast. Please wait a minute.")


def apology(content: Content, t: Translator) -> Screen:
    """After an error on the bot's side: sorry, and the main menu."""
    return main_menu(content, t, notice=t.gettext("Sorry, something went wrong on our side. Here is the main menu."))
