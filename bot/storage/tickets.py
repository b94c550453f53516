"""Tickets: a person asking for a person. Their messages, and an audit trail of every operator action."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, field_validator

from bot.storage.base import Repo, iso

TicketState = Literal["open", "claimed", "closed"]
Direction = Literal["user", "operator", "note", "canned"]
# The operator's word on a closed ticket: real danger, not urgent, wrong category.
Label = Literal["real", "noturgent", "wrongcat"]


class Ticket(BaseModel):
    id: int
    user_id: int | None
    state: TicketState
    urgent: bool
    kind: str
    category: str | None
    lang: str
    source: str | None
    country: str | None
    pseudonym: str
    operator_id: int | None
    thread_id: int | None
    card_message_id: int | None
    user_blocked: bool
    ladder_step: int
    created_at: dt.datetime
    queued_at: dt.datetime  # when it last entered the queue: the ladder counts from here
    shown_at: dt.datetime | None
    claimed_at: dt.datetime | None
    first_answer_at: dt.datetime | None
    last_operator_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_reason: str | None
    # How the judgement saw the message that opened it (None for tickets from before it, or asked for):
    band: str | None = None  # "ticket", or "confirm" when the person was asked first
    score: float | None = None
    matched: str | None = None  # the rule's words, quoted from the user's text
    evidence: tuple[str, ...] = ()  # the model's strongest words, quoted from the user's text
    # Asked "are you in danger right now?": "yes", or "unanswered" (no answer in time: an unconfirmed ticket).
    asked: Literal["yes", "unanswered"] | None = None
    label: Label | None = None
    label_category: str | None = None  # with "wrongcat": the category the operator named, if any

    @field_validator("evidence", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return tuple(json.loads(value)) if isinstance(value, str) else (value or ())


class TicketMessage(BaseModel):
    id: int
    direction: Direction
    kind: str
    text: str | None
    chat_id: int | None
    message_id: int | None
    operator_id: int | None
    created_at: dt.datetime


class TicketRepo(Repo):
    async def create(
        self, *, user_id: int, urgent: bool, kind: str, category: str | None, lang: str,
        source: str | None, country: str | None, pseudonym: str, band: str | None = None, score: float | None = None,
        matched: str | None = None, evidence: tuple[str, ...] = (), asked: str | None = None,
    ) -> Ticket:  # fmt: skip
        ticket_id = await self.run(
            "INSERT INTO tickets (user_id, state, urgent, kind, category, lang, source, country, pseudonym, created_at,"
            " queued_at, band, score, matched, evidence, asked)"
            " VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, int(urgent), kind, category, lang, source, country, pseudonym, self.stamp, self.stamp,
             band, score, matched, json.dumps(list(evidence), ensure_ascii=False) if evidence else None,
             asked),
        )  # fmt: skip
        await self.audit(ticket_id, None, "opened", kind)
        ticket = await self.get(ticket_id)
        assert ticket is not None  # noqa: S101 - inserted just above
        return ticket

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self.one("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        return Ticket.model_validate(dict(row)) if row else None

    async def live_for_user(self, user_id: int) -> Ticket | None:
        row = await self.one("SELECT * FROM tickets WHERE user_id = ? AND state != 'closed'", (user_id,))
        return Ticket.model_validate(dict(row)) if row else None

    async def by_thread(self, thread_id: int) -> Ticket | None:
        row = await self.one("SELECT * FROM tickets WHERE thread_id = ?", (thread_id,))
        return Ticket.model_validate(dict(row)) if row else None

    async def by_group_message(self, message_id: int) -> Ticket | None:
        """The ticket a message in the operators' group belongs to (its card, or a relayed message)."""
        row = await self.one(
            "SELECT t.* FROM tickets t WHERE t.card_message_id = ? "
            "UNION SELECT t.* FROM tickets t JOIN relayed r ON r.ticket_id = t.id WHERE r.group_message_id = ?",
            (message_id, message_id),
        )
        return Ticket.model_validate(dict(row)) if row else None

    async def live(self) -> list[Ticket]:
        """Open and claimed tickets, oldest first."""
        rows = await self.all("SELECT * FROM tickets WHERE state != 'closed' ORDER BY created_at, id")
        return [Ticket.model_validate(dict(row)) for row in rows]

    async def set_fields(self, ticket_id: int, **values: object) -> None:
        allowed = {"thread_id", "card_message_id", "user_blocked", "ladder_step", "country", "category", "urgent"}
        if not values or not set(values) <= allowed:
            raise ValueError(f"unknown ticket fields: {set(values) - allowed}")
        assignments = ", ".join(f"{name} = ?" for name in values)  # names checked against `allowed`
        await self.run(f"UPDATE tickets SET {assignments} WHERE id = ?", (*values.values(), ticket_id))  # noqa: S608

    async def mark_shown(self, ticket_id: int) -> None:
        await self.run("UPDATE tickets SET shown_at = COALESCE(shown_at, ?) WHERE id = ?", (self.stamp, ticket_id))

    async def remember_relay(self, group_message_id: int, ticket_id: int) -> None:
        await self.run(
            "INSERT OR IGNORE INTO relayed (group_message_id, ticket_id) VALUES (?, ?)", (group_message_id, ticket_id)
        )

    async def claim(self, ticket_id: int, operator_id: int) -> None:
        await self.run(
            "UPDATE tickets SET state = 'claimed', operator_id = ?, claimed_at = COALESCE(claimed_at, ?), "
            "last_operator_at = ? WHERE id = ? AND state != 'closed'",
            (operator_id, self.stamp, self.stamp, ticket_id),
        )

    async def unclaim(self, ticket_id: int) -> None:
        await self.run(
            "UPDATE tickets SET state = 'open', operator_id = NULL, ladder_step = 0, queued_at = ? "
            "WHERE id = ? AND state = 'claimed'",
            (self.stamp, ticket_id),
        )

    async def requeue(self, ticket_id: int) -> None:
        """An open ticket's ladder starts again from now (it became urgent)."""
        await self.run("UPDATE tickets SET ladder_step = 0, queued_at = ? WHERE id = ? AND state = 'open'",
                       (self.stamp, ticket_id))  # fmt: skip

    async def close(self, ticket_id: int, reason: str | None) -> None:
        await self.run(
            "UPDATE tickets SET state = 'closed', closed_at = ?, close_reason = ? WHERE id = ? AND state != 'closed'",
            (self.stamp, reason, ticket_id),
        )

    async def set_label(self, ticket_id: int, label: Label, category: str | None = None) -> None:
        await self.run("UPDATE tickets SET label = ?, label_category = ? WHERE id = ?", (label, category, ticket_id))

    async def labelled(self, closed_since: dt.datetime) -> list[tuple[Ticket, str]]:
        """Requests for help an operator marked on closing, closed since the moment, of users who never asked
        to be forgotten (/forget detaches them), each with the first text its user wrote."""
        rows = await self.all(
            "SELECT t.*, (SELECT m.text FROM ticket_messages m WHERE m.ticket_id = t.id AND m.direction = 'user' "
            "AND m.text IS NOT NULL ORDER BY m.id LIMIT 1) AS first_text FROM tickets t "
            "WHERE t.label IS NOT NULL AND t.kind = 'help' AND t.state = 'closed' AND t.user_id IS NOT NULL "
            "AND t.closed_at >= ? ORDER BY t.lang, t.id",
            (iso(closed_since),),
        )
        return [(Ticket.model_validate(dict(row)), row["first_text"]) for row in rows if row["first_text"]]

    async def operator_answered(self, ticket_id: int) -> None:
        await self.run(
            "UPDATE tickets SET first_answer_at = COALESCE(first_answer_at, ?), last_operator_at = ? WHERE id = ?",
            (self.stamp, self.stamp, ticket_id),
        )

    async def add_message(
        self, ticket_id: int, direction: Direction, kind: str, text: str | None, *,
        chat_id: int | None = None, message_id: int | None = None, operator_id: int | None = None,
    ) -> int:  # fmt: skip
        return await self.run(
            "INSERT INTO ticket_messages (ticket_id, direction, kind, text, chat_id, message_id, operator_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, direction, kind, text, chat_id, message_id, operator_id, self.stamp),
        )

    async def messages(self, ticket_id: int, direction: Direction | None = None) -> list[TicketMessage]:
        sql = "SELECT * FROM ticket_messages WHERE ticket_id = ?"
        params: tuple[object, ...] = (ticket_id,)
        if direction is not None:
            sql, params = sql + " AND direction = ?", (*params, direction)
        rows = await self.all(sql + " ORDER BY id", params)
        return [TicketMessage.model_validate(dict(row)) for row in rows]

    async def audit(self, ticket_id: int | None, actor_id: int | None, action: str, detail: str | None = None) -> None:
        await self.run(
            "INSERT INTO audit (ticket_id, actor_id, action, detail, at) VALUES (?, ?, ?, ?, ?)",
            (ticket_id, actor_id, action, detail, self.stamp),
        )

    async def audited(self, ticket_id: int, action: str, detail: str | None) -> bool:
        """Whether the audit holds this action already (so that operators are told of something once)."""
        row = await self.one("SELECT 1 FROM audit WHERE ticket_id = ? AND action = ? AND detail IS ? LIMIT 1",
                             (ticket_id, action, detail))  # fmt: skip
        return row is not None

    async def ids_for_user(self, user_id: int) -> list[int]:
        return [row["id"] for row in await self.all("SELECT id FROM tickets WHERE user_id = ? ORDER BY id", (user_id,))]

    async def forget_actor(self, actor_id: int) -> None:
        """For /forget: a user who once tried an operator's command is no longer named in the audit."""
        await self.run("UPDATE audit SET actor_id = NULL WHERE actor_id = ? AND action = 'refused'", (actor_id,))

    async def group_presence(self, ticket_id: int) -> tuple[int | None, list[int]]:
        """Where a ticket stands in the operators' group: its topic, which holds everything of it; or, in a
        group without topics, its messages there (the card, what the bot relayed, the operators' answers)."""
        ticket = await self.one("SELECT thread_id, card_message_id FROM tickets WHERE id = ?", (ticket_id,))
        if ticket is None:
            return None, []
        if ticket["thread_id"] is not None:
            return ticket["thread_id"], []
        relayed = await self.all("SELECT group_message_id FROM relayed WHERE ticket_id = ?", (ticket_id,))
        answers = await self.all(
            "SELECT message_id FROM ticket_messages WHERE ticket_id = ? AND direction = 'operator' "
            "AND message_id IS NOT NULL",
            (ticket_id,),
        )
        ids = [ticket["card_message_id"]] if ticket["card_message_id"] is not None else []
        ids += [row["group_message_id"] for row in relayed] + [row["message_id"] for row in answers]
        return ticket["thread_id"], sorted(set(ids))

    async def erase_texts(self, ticket_id: int) -> None:
        """Remove what was said, keep that something was said (for counts and timings)."""
        await self.run("UPDATE ticket_messages SET text = NULL, chat_id = NULL WHERE ticket_id = ?", (ticket_id,))
        await self.run("UPDATE tickets SET matched = NULL, evidence = NULL WHERE id = ?", (ticket_id,))  # quoted words

    async def closed_before(self, moment: dt.datetime) -> list[int]:
        rows = await self.all(
            "SELECT DISTINCT t.id FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id "
            "WHERE t.state = 'closed' AND t.closed_at < ? AND (m.text IS NOT NULL OR m.chat_id IS NOT NULL)",
            (iso(moment),),
        )
        return [row["id"] for row in rows]

    async def detach_user(self, user_id: int) -> list[int]:
        """For /forget: close the user's tickets, erase their texts, keep an anonymous record."""
        rows = await self.all("SELECT id, state FROM tickets WHERE user_id = ?", (user_id,))
        for row in rows:
            if row["state"] != "closed":
                await self.close(row["id"], "user asked to forget")
            await self.erase_texts(row["id"])
            await self.audit(row["id"], None, "forgotten")
        await self.run("UPDATE tickets SET user_id = NULL, source = NULL, country = NULL WHERE user_id = ?", (user_id,))
        return [row["id"] for row in rows if row["state"] != "closed"]
