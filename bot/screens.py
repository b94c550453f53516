"""The screens several features show, as plain data: pure functions of content and language, tested without
Telegram. Below every feature, so that none of them reaches into another for a menu or an urgent answer."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, get_timezone_location

from bot.content.bundle import Content
from bot.content.contacts import Country
from bot.content.operators import WEEKDAYS
from bot.i18n.catalogs import Translator
from bot.ui import COUNTRY, HIDE, LANGUAGE, LANGUAGES, MAIN_MENU, OFFER, SCREEN, TALK, Button, Screen

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
    elif not _has_ambulance(country):
        lines.append(t.text(content.escalation.no_ambulance))
    return "\n".join(lines)


def _has_ambulance(country: Country) -> bool:
    return any(contact.kind in ("emergency", "ambulance") for contact in country.shown())


def language_picker(translators: list[Translator]) -> Screen:
    """The first screen when we cannot tell the language: every language asks in its own words."""
    greeting = "\n".join(t.gettext("Choose your language") for t in translators)
    rows = [[Button(t.language.name, LANGUAGE + t.code)] for t in translators]
    # Hide is on every screen, this one too, in every language at once (each label once: scripts may share one).
    hide = " / ".join(dict.fromkeys(t.gettext("Hide this chat") for t in translators))
    rows.append([Button(hide, HIDE)])
    return Screen(greeting, rows)


# -- an urgent message: what the person reads first -----------------------------------------------


def danger_block(content: Content, t: Translator, country: str | None) -> str:
    """If in danger now, whom to call: the user's country when known, else every country we cover.
    A country with no verified number gets what to do instead: never a number nobody has checked."""
    texts = content.escalation
    known = content.contacts.country(country)
    if known is not None:
        urgent = known.urgent()
        if not urgent:
            return t.text(texts.no_number).format(country=t.text(known.name))
        numbers = ", ".join(f"{c.number} ({t.text(c.label)})" for c in urgent)
        text = f"{t.text(texts.danger)}\n{numbers}"
        if not _has_ambulance(known):
            text += "\n" + t.text(texts.no_ambulance)
        return text
    lines = []
    for place in content.contacts.countries.values():
        numbers = ", ".join(contact.number for contact in place.urgent())
        name = t.text(place.name)
        lines.append(f"• {name}: {numbers}" if numbers else "• " + t.text(texts.no_number).format(country=name))
    return t.text(texts.danger) + "\n" + "\n".join(lines)


def opening_words(content: Content, t: Translator, now: dt.datetime) -> str:
    """When someone will be on the line again, as a person says it: "tomorrow after 09:00 Almaty time"."""
    rota, texts = content.rota, content.escalation
    opening = rota.next_opening(now)
    if opening is None:
        return t.gettext("as soon as someone is free")
    today = now.astimezone(rota.zone).date()
    day = opening.date()
    if day == today:
        words = t.text(texts.days.today)
    elif day == today + dt.timedelta(days=1):
        words = t.text(texts.days.tomorrow)
    else:  # a weekday, with its date so that nobody counts days: "on Monday, 7 December,"
        date = format_date(day, "d MMMM", locale=t.locale)
        words = f"{t.text(texts.days.weekday(WEEKDAYS[day.weekday()]))}, {date},"
    city = t.text(rota.city) if rota.city else get_timezone_location(rota.zone.key, t.locale, return_city=True)
    return t.text(texts.opening).format(day=words, time=t.time(opening, rota.zone), city=city)


def urgent_answer(content: Content, t: Translator, country: str | None, anyone_on_duty: bool,
                  now: dt.datetime) -> Screen:  # fmt: skip
    """The answer to an urgent message. On duty: a person has been told. Out of hours: the emergency
    numbers first, then that nobody is on the line, when someone will be, and that the message is kept."""
    texts = content.escalation
    danger = danger_block(content, t, country)
    if anyone_on_duty:
        parts = [t.text(texts.alerted), danger]
    else:
        parts = [danger, t.text(texts.nobody_on_duty).format(when=opening_words(content, t, now))]
    parts += [t.text(texts.meanwhile), t.text(texts.can_hide)]
    rows: list[list[Button]] = []
    if country is None:  # every country we cover, those without a verified number too
        buttons = [Button(t.text(c.name), COUNTRY + code) for code, c in content.contacts.countries.items()]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([Button(t.gettext("Hide this chat"), HIDE)])
    return Screen("\n\n".join(parts), rows)


def closed_screen(content: Content, t: Translator) -> Screen:
    """The conversation with the helpline has ended: it says to press Talk to a person, so the button is here."""
    return Screen(t.text(content.escalation.closed), [[Button(t.gettext("Talk to a person"), TALK)], *footer(t, None)])
