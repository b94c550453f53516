"""What the queue shows, as plain data: pure functions of a ticket, content and language, tested without
Telegram. The operators' side (cards, topic titles, the queue, the answers to their commands, the notices in
their group) is in English, since operators may not speak the user's language; the user's own words are shown
as they wrote them. The user's side (the urgent answer, "are you in danger right now?", a closed ticket) is in
the user's language. Screens other features show too are in bot.screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from babel.dates import format_date, get_timezone_location

from bot.content.bundle import Content
from bot.content.operators import WEEKDAYS
from bot.i18n.catalogs import Translator
from bot.screens import footer, has_ambulance
from bot.storage.outbox import Card, CardRefresh, OutboxMessage, Ping, UserCopy, UserText
from bot.storage.tickets import Label, Ticket, TicketMessage
from bot.ui import CONFIRM, COUNTRY, HIDE, LABEL, OPERATOR, TALK, Button, Screen

MAX_CARD = 4000  # under Telegram's 4,096, leaving room for the header
LONG_CARD_NOTE = "The user's words are too long for one message: they are in the file below."
STATE_ICONS = {"open": "🔴", "claimed": "🟡", "closed": "✅"}
LABELS: dict[Label, str] = {"real": "Real danger", "noturgent": "Not urgent", "wrongcat": "Wrong category"}
REFUSAL = "Only the helpline's operators can do this."
BUTTON_OUT_OF_DATE = "This button is out of date."
NOTE_MISSING = "Write the note after /note."


# -- the user's side --------------------------------------------------------------------------------


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
        if not has_ambulance(known):
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


def _reading(t: Translator) -> str:
    return t.gettext("A person from the helpline is reading your messages. Write here.")


def talk(content: Content, t: Translator, country: str | None, *, live: bool) -> Screen:
    """ "Talk to a person": with a live ticket, that a person reads; else what to write, and whom to call now."""
    text = _reading(t) if live else t.text(content.escalation.talk_intro) + "\n\n" + danger_block(content, t, country)
    return Screen(text, footer(t, None))


def reading(t: Translator) -> Screen:
    """A yes to "are you in danger right now?" inside a ticket that is urgent already."""
    return Screen(_reading(t), [[Button(t.gettext("Hide this chat"), HIDE)]])


def country_numbers(content: Content, t: Translator, country: str) -> Screen:
    """The user said where they are: that country's emergency numbers."""
    return Screen(danger_block(content, t, country), footer(t, None))


def long_wait(content: Content, t: Translator) -> Screen:
    return Screen(t.text(content.escalation.long_wait))


def closed_screen(content: Content, t: Translator) -> Screen:
    """The conversation with the helpline has ended: it says to press Talk to a person, so the button is here."""
    return Screen(t.text(content.escalation.closed), [[Button(t.gettext("Talk to a person"), TALK)], *footer(t, None)])


def question(translators: list[Translator], confirm_id: int) -> Screen:
    """ "Are you in danger right now?": two large buttons (a row each) and Hide; in every language when the
    person has chosen none yet."""
    text = "\n\n".join(t.gettext("Are you in danger right now?") + "\n" +
                       t.gettext("If you do not answer, we will pass your message to a person from the helpline.")
                       for t in translators)  # fmt: skip
    yes = " / ".join(dict.fromkeys(t.gettext("Yes") for t in translators))
    no = " / ".join(dict.fromkeys(t.gettext("No") for t in translators))
    hide = " / ".join(dict.fromkeys(t.gettext("Hide this chat") for t in translators))
    return Screen(text, [[Button(yes, f"{CONFIRM}y:{confirm_id}")], [Button(no, f"{CONFIRM}n:{confirm_id}")],
                         [Button(hide, HIDE)]])  # fmt: skip


# -- the operators' cards ---------------------------------------------------------------------------


def state_label(ticket: Ticket) -> str:
    if ticket.user_blocked:
        return "⛔ user left"
    return f"{STATE_ICONS[ticket.state]} {ticket.state}"


def topic_title(ticket: Ticket) -> str:
    """The forum topic's name shows the ticket's state at a glance (128 characters at most)."""
    unconfirmed = ticket.asked == "unanswered"
    urgency = ("URGENT unconfirmed · " if unconfirmed else "URGENT · ") if ticket.urgent else ""
    return f"#{ticket.id} {state_label(ticket)} · {urgency}{ticket.lang} · {ticket.category or ticket.kind}"[:128]


def _when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %H:%M")


def judgement_lines(ticket: Ticket) -> list[str]:
    """How the bot judged the message, and the words that decided, quoted as the user wrote them."""
    lines = []
    if ticket.band is not None:
        asked = {"unanswered": " · UNCONFIRMED: no answer to “Are you in danger right now?”",
                 "yes": " · the user answered yes to “Are you in danger right now?”"}.get(ticket.asked or "", "")
        lines.append(f"Judged: {ticket.band} band · score {ticket.score or 0:.2f}{asked}")
    words = [f"rule «{ticket.matched}»"] if ticket.matched else []
    if ticket.evidence:
        words.append("model " + ", ".join(f"«{word}»" for word in ticket.evidence))
    if words:
        lines.append("Why: " + " · ".join(words))
    if ticket.label is not None:
        named = f" ({ticket.label_category})" if ticket.label_category else ""
        lines.append(f"Marked: {LABELS[ticket.label]}{named}")
    return lines


def card(ticket: Ticket, messages: list[TicketMessage], zone: dt.tzinfo, category_label: str | None) -> Screen:
    unconfirmed = " (unconfirmed)" if ticket.asked == "unanswered" else ""
    header = [
        f"{'🆘 URGENT' + unconfirmed if ticket.urgent else '💬 Request'} · ticket #{ticket.id} · {state_label(ticket)}",
        f"Category: {category_label or ticket.category or ticket.kind}",
        f"Language: {ticket.lang} · Source: {ticket.source or 'direct'} · Country: {ticket.country or 'unknown'}",
        f"Opened: {_when(ticket.created_at, zone)} · User: {ticket.pseudonym}",
        *judgement_lines(ticket),
    ]
    if ticket.operator_id:
        header.append(f"Claimed by operator {ticket.operator_id}")
    body = []
    for message in messages:
        if message.direction == "user":
            body.append(f"[{_when(message.created_at, zone)}] {message.text or '(' + message.kind + ')'}")
    text = "\n".join(header) + "\n\n" + ("\n".join(body) if body else "(no text)")
    if len(text) > MAX_CARD:
        text = text[: MAX_CARD - 1] + "…"
    return Screen(text, card_buttons(ticket))


def card_buttons(ticket: Ticket) -> list[list[Button]]:
    if ticket.state == "closed":
        # Operators teach the judgement: one word on what the ticket was (helpline export-labels, stats).
        if ticket.label is not None or ticket.kind != "help" or ticket.user_id is None:
            return []
        return [[Button(text, f"{LABEL}{label}:{ticket.id}") for label, text in LABELS.items()]]
    first = Button("Claim", f"{OPERATOR}claim:{ticket.id}") if ticket.state == "open" else None
    row = [b for b in (first, Button("Close", f"{OPERATOR}close:{ticket.id}"),
                       Button("Transfer", f"{OPERATOR}transfer:{ticket.id}")) if b]  # fmt: skip
    return [row]


def transcript(ticket: Ticket, messages: list[TicketMessage], zone: dt.tzinfo) -> str:
    """Every word the user wrote in a ticket, for a file when the card cannot hold them."""
    lines = [f"Ticket #{ticket.id} · {ticket.pseudonym}", ""]
    lines += [f"[{_when(m.created_at, zone)}] {m.text or '(' + m.kind + ')'}"
              for m in messages if m.direction == "user"]  # fmt: skip
    return "\n".join(lines) + "\n"


def transcript_caption(ticket_id: int) -> str:
    return f"Ticket #{ticket_id}: the user's words in full."


def queue_text(tickets: list[Ticket], now: dt.datetime) -> str:
    if not tickets:
        return "The queue is empty."
    lines = ["Open tickets, oldest first:"]
    for ticket in tickets:
        waited = int((now - ticket.queued_at).total_seconds() // 60)
        owner = f" · operator {ticket.operator_id}" if ticket.operator_id else ""
        lines.append(f"#{ticket.id} {state_label(ticket)} · {ticket.lang} · {ticket.category or ticket.kind} · "
                     f"{waited} min{owner}")  # fmt: skip
    return "\n".join(lines)


# -- notices in the operators' group and pings --------------------------------------------------------


def ping(what: str, ticket: Ticket) -> str:
    """A private message to an operator: `what` is "New", "Now", "Handed over", "Still waiting (5 min):"."""
    urgency = "URGENT " if ticket.urgent else ""
    return (f"{what} {urgency}ticket #{ticket.id} · {ticket.lang} · {ticket.category or ticket.kind}. "
            f"Open the operators' group to claim it.")  # fmt: skip


def raised_to_urgent(ticket: Ticket) -> str:
    return (f"🆘 Ticket #{ticket.id} is now URGENT ({ticket.category or ticket.kind}): "
            f"the user's last message signals danger.")  # fmt: skip


def answered_yes(ticket_id: int) -> str:
    return f"🆘 Ticket #{ticket_id}: the user answered yes to “Are you in danger right now?”."


def hid_instead_of_answering(ticket_id: int) -> str:
    return (f"Ticket #{ticket_id}: the user hid the chat instead of answering “Are you in danger right "
            f"now?”. They were not told of this ticket. Write short, neutral messages.")  # fmt: skip


def handed_over(ticket_id: int, operator_id: int, notes: Iterable[str | None]) -> str:
    """A transfer: the internal notes carried across to whoever takes the ticket next."""
    summary = "\n".join(f"• {note}" for note in notes if note) or "(no notes)"
    return f"Ticket #{ticket_id} was handed over by operator {operator_id}. Notes so far:\n{summary}"


def returned_for_silence(ticket_id: int, minutes: int) -> str:
    return f"Ticket #{ticket_id} is back in the queue: no answer for {minutes} min. /claim {ticket_id}"


def still_waiting(ticket_id: int, minutes: int, *, everyone: bool) -> str:
    who = "every operator" if everyone else "on-call operators"
    return f"⏰ Ticket #{ticket_id} has waited {minutes} min. Pinging {who}. /claim {ticket_id}"


# -- answers to the operators' commands and buttons ---------------------------------------------------


def which_ticket(command: str) -> str:
    return f"Which ticket? Use /{command} in its topic, as a reply to its card, or /{command} NUMBER."


def no_ticket(ticket_id: int) -> str:
    return f"There is no ticket #{ticket_id}."


def closed_already(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is closed already."


def claimed_by_another(ticket_id: int, operator_id: int | None) -> str:
    return f"Ticket #{ticket_id} is claimed by operator {operator_id}; /transfer it first."


def claimed(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is yours. Write here to answer; /note for notes; /say KEY for answers."


def closed(ticket_id: int, *, ask_label: bool) -> str:
    """`ask_label`: closed without a word on what it was, so the operator is asked for one."""
    ask = " Was it real danger? Mark it with the buttons on its card." if ask_label else ""
    return f"Ticket #{ticket_id} is closed.{ask}"


def back_in_queue(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is back in the queue."


def not_closed(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is not closed; close it first."


def marked(ticket_id: int, label: Label) -> str:
    return f"Ticket #{ticket_id} is marked: {LABELS[label]}."


def note_kept(ticket_id: int) -> str:
    return f"Note kept on ticket #{ticket_id}; the user does not see it."


def which_answer(key: str, keys: Iterable[str]) -> str:
    """/say without a KEY, or with one that names no prepared answer."""
    known = ", ".join(sorted(keys))
    if not key:
        return f"Which answer? Write /say KEY, KEY one of: {known}"
    return f"No answer called {key!r}. Answers: {known}"


def not_open(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} is not open."


def no_user(ticket_id: int) -> str:
    return f"Ticket #{ticket_id} has no user any more."


def said(title: str, ticket_id: int, lang: str) -> str:
    return f"Sent “{title}” to ticket #{ticket_id} in {lang}."


def on_call(going_on: bool) -> str:
    return "You are on call: new tickets will ping you here." if going_on else "You are off call."


def not_relayed(ticket_id: int) -> str:
    """An operator wrote in a closed ticket's topic."""
    return f"Ticket #{ticket_id} is closed; the user will not get this."


# -- the dispatcher's notices about its own failed deliveries -----------------------------------------


def not_delivered(ticket_id: int, message: OutboxMessage | None, reason: str) -> str:
    """A row set aside (never retried): what failed, and why in Telegram's words."""
    return f"Ticket #{ticket_id}: {_what_failed(message)} ({reason.replace('_', ' ')})."


def _what_failed(message: OutboxMessage | None) -> str:
    match message:
        case None:
            return "a queued message of an older version could not be read; /queue lists the ticket"
        case UserText() | UserCopy():
            return "a message to the user could not be delivered; please send it again in another form"
        case Ping():
            return (f"operator {message.chat_id} could not be pinged: they need to open a private "
                    f"chat with the bot and press Start")  # fmt: skip
        case Card():
            return "its card could not be shown; /queue lists the ticket"
        case CardRefresh():
            return "its card could not be updated"
    return "a message for the operators could not be shown here"


def user_blocked(ticket_id: int) -> str:
    return f"Ticket #{ticket_id}: the user has blocked the bot; messages cannot reach them."


def erase_left_to_people(ticket_id: int | None, reason: str) -> str:
    """No right to delete topics or messages, or they are older than Telegram allows: people must."""
    return (f"Ticket #{ticket_id}: the bot could not delete its topic or messages here "
            f"({reason.replace('_', ' ')}). Please delete them by hand.")  # fmt: skip


def copy_unavailable(shown: str) -> str:
    """A user's message Telegram no longer copies (they hid it): what was stored of it."""
    return f"(user, copy unavailable) {shown}"
