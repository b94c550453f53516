"""What Hide, /forget and /silent show, as plain data: pure functions of the language, tested without Telegram.
The notices for the operators' group are in English, as everything the operators read."""

from __future__ import annotations

from bot.i18n.catalogs import Translator
from bot.screens import footer
from bot.ui import FORGET, HIDE, MAIN_MENU, Button, Screen


def hidden(t: Translator) -> Screen:
    """The one neutral line left after hiding: nothing in it says helpline."""
    return Screen(t.gettext("OK"))


def forget_question(t: Translator, *, export_labels: bool) -> Screen:
    """/forget asks first. `export_labels`: the NGO teaches the bot with operators' labels, which a yes ends."""
    text = t.gettext("Delete everything the helpline keeps about you: your language, your answers, your "
                     "messages to us? This cannot be undone.")  # fmt: skip
    if export_labels:
        text += "\n\n" + t.gettext("To help the bot recognise danger, the helpline may use the words of your messages "
                                   "to a person, without names, numbers and addresses. If you delete everything, "
                                   "it will not.")  # fmt: skip
    rows = [[Button(t.gettext("Yes, delete"), FORGET + "yes"), Button(t.gettext("No"), FORGET + "no")],
            [Button(t.gettext("Hide this chat"), HIDE)]]  # fmt: skip
    return Screen(text, rows)


def forgotten(t: Translator) -> Screen:
    return Screen(t.gettext("Done. We deleted what we kept about you."), [[Button(t.gettext("Main menu"), MAIN_MENU)]])


def silent(t: Translator, *, on: bool) -> Screen:
    """/silent: `on` when messages come without sound from now on."""
    text = t.gettext("Messages will come silently.") if on else t.gettext("Messages will come with sound.")
    return Screen(text, footer(t, None))


def user_hid_chat(ticket_id: int) -> str:
    return f"Ticket #{ticket_id}: the user hid the chat. Write short, neutral messages."


def ticket_forgotten(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is closed: the user asked the helpline to forget them."
