"""What operators see: ticket cards, topic titles, the queue. In English, since operators may not
speak the user's language; the user's own words are shown as they wrote them."""

from __future__ import annotations

import datetime as dt
import secrets

from bot.storage.tickets import Label, Ticket, TicketMessage
from bot.ui import LABEL, OPERATOR, Button, Screen

MAX_CARD = 4000  # under Telegram's 4,096, leaving room for the header
STATE_ICONS = {"open": "🔴", "claimed": "🟡", "closed": "✅"}
LABELS: dict[Label, str] = {"real": "Real danger", "noturgent": "Not urgent", "wrongcat": "Wrong category"}
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
