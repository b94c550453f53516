"""What operators see: ticket cards, topic titles, the queue. In English, since operators may not
speak the user's language; the user's own words are shown as they wrote them."""

from __future__ import annotations

import datetime as dt
import secrets

from bot.storage.tickets import Ticket, TicketMessage
from bot.ui import OPERATOR, Button, Screen

MAX_CARD = 4000  # under Telegram's 4,096, leaving room for the header
STATE_ICONS = {"open": "🔴", "claimed": "🟡", "closed": "✅"}
_ADJECTIVES = ("Amber", "Blue", "Calm", "Green", "Quiet", "Silver", "Swift", "Warm", "Bright", "Gentle")
_NOUNS = ("Falcon", "Poplar", "River", "Steppe", "Cedar", "Crane", "Meadow", "Apricot", "Lark", "Willow")


def new_pseudonym() -> str:
    """A name for operators to use instead of the user's: random, so it links nothing."""
    return f"{secrets.choice(_ADJECTIVES)} {secrets.choice(_NOUNS)} {secrets.randbelow(90) + 10}"


def state_label(ticket: Ticket) -> str:
    if ticket.user_blocked:
        return "⛔ user left"
    return f"{STATE_ICONS[ticket.state]} {ticket.state}"


def topic_title(ticket: Ticket) -> str:
    """The forum topic's name shows the ticket's state at a glance (128 characters at most)."""
    urgency = "URGENT · " if ticket.urgent else ""
    return f"#{ticket.id} {state_label(ticket)} · {urgency}{ticket.lang} · {ticket.category or ticket.kind}"[:128]


def _when(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %H:%M")


def card(ticket: Ticket, messages: list[TicketMessage], zone: dt.tzinfo, category_label: str | None) -> Screen:
    header = [
        f"{'🆘 URGENT' if ticket.urgent else '💬 Request'} · ticket #{ticket.id} · {state_label(ticket)}",
        f"Category: {category_label or ticket.category or ticket.kind}",
        f"Language: {ticket.lang} · Source: {ticket.source or 'direct'} · Country: {ticket.country or 'unknown'}",
        f"Opened: {_when(ticket.created_at, zone)} · User: {ticket.pseudonym}",
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
        return []
    first = Button("Claim", f"{OPERATOR}claim:{ticket.id}") if ticket.state == "open" else None
    row = [b for b in (first, Button("Close", f"{OPERATOR}close:{ticket.id}"),
                       Button("Transfer", f"{OPERATOR}transfer:{ticket.id}")) if b]  # fmt: skip
    return [row]


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


def transcript(ticket: Ticket, messages: list[TicketMessage], zone: dt.tzinfo) -> str:
    """Every word the user wrote in a ticket, for a file when the card cannot hold them."""
    lines = [f"Ticket #{ticket.id} · {ticket.pseudonym}", ""]
    lines += [f"[{_when(m.created_at, zone)}] {m.text or '(' + m.kind + ')'}"
              for m in messages if m.direction == "user"]  # fmt: skip
    return "\n".join(lines) + "\n"
