"""The outbox: every message the queue must deliver, written in the same transaction as its cause.

A row is sent by the dispatcher, in order within its lane (the target chat), with retries, and marked
sent only after Telegram accepted it. After a crash the dispatcher starts again where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from bot.storage.base import Repo, iso


class UserText(BaseModel):
    """A text (with buttons) to a user."""

    kind: Literal["user_text"] = "user_text"
    chat_id: int
    text: str
    silent: bool = False
    rows: list[list[tuple[str, str]]] = []  # buttons: (label, callback data)


class UserCopy(BaseModel):
    """An operator's message, copied to the user."""

    kind: Literal["user_copy"] = "user_copy"
    chat_id: int
    from_chat_id: int
    message_id: int
    silent: bool = False


class Ping(BaseModel):
    """A line to an operator's private chat."""

    kind: Literal["ping"] = "ping"
    chat_id: int
    text: str


class Card(BaseModel):
    """A ticket's card (and its topic, in a forum), drawn from the ticket when sent."""

    kind: Literal["card"] = "card"
    chat_id: int


class CardRefresh(BaseModel):
    """The card's text and buttons and the topic's title follow the ticket's state."""

    kind: Literal["card_refresh"] = "card_refresh"
    chat_id: int


class Transcript(BaseModel):
    """The user's words in full, as a file under a card too short to hold them."""

    kind: Literal["transcript"] = "transcript"
    chat_id: int


class GroupCopy(BaseModel):
    """A user's message, copied into the ticket's topic (or under its card)."""

    kind: Literal["group_copy"] = "group_copy"
    chat_id: int
    from_chat_id: int
    message_id: int


class GroupText(BaseModel):
    """A line in the operators' group: into the ticket's place, or (without a ticket) where
    `thread_id`/`reply_to` say. A `notice` tells of a failure, and is not reported again if it fails."""

    kind: Literal["group_text"] = "group_text"
    chat_id: int
    text: str
    notice: bool = False
    thread_id: int | None = None
    reply_to: int | None = None
    parse_mode: Literal["HTML"] | None = None


class GroupErase(BaseModel):
    """A ticket's conversation leaves the group: its topic, or its messages."""

    kind: Literal["group_erase"] = "group_erase"
    chat_id: int
    thread_id: int | None = None
    message_ids: list[int] = []


OutboxMessage = Annotated[
    UserText | UserCopy | Ping | Card | CardRefresh | Transcript | GroupCopy | GroupText | GroupErase,
    Field(discriminator="kind"),
]
_MESSAGE: TypeAdapter[OutboxMessage] = TypeAdapter(OutboxMessage)


class Undecodable(ValueError):
    """A row this version cannot read (an unknown kind, a bad payload). Its text names fields, never values."""


def decode(kind: str, lane: int, payload: str) -> OutboxMessage:
    """A stored row as its message. Rows of the operators' group written before messages were typed carry
    no `chat_id`: their lane is it."""
    try:
        values = json.loads(payload)
        if not isinstance(values, dict):
            raise Undecodable("the payload is not an object")
        return _MESSAGE.validate_python({"chat_id": lane} | values | {"kind": kind})
    except ValidationError as error:  # its own text quotes the values: a message's words
        problems = error.errors(include_input=False, include_url=False)
        if any(problem["type"] == "union_tag_invalid" for problem in problems):
            raise Undecodable("an unknown kind") from None
        # Each place starts with the kind (the union's tag), then the field.
        fields = sorted({".".join(str(part) for part in problem["loc"][1:]) for problem in problems})
        raise Undecodable(f"bad fields: {', '.join(fields)}") from None
    except json.JSONDecodeError:
        raise Undecodable("the payload is not JSON") from None


class OutboxItem(BaseModel):
    id: int
    lane: int
    kind: str
    ticket_id: int | None
    message: OutboxMessage | None  # None: undecodable, see `problem`
    problem: str | None = None
    attempts: int
    not_before: dt.datetime


_CLAIM = (
    "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE state = 'pending' AND (claimed_until IS NULL OR "
    "claimed_until < ?) AND id IN (SELECT o.id FROM outbox o JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE "
    "state = 'pending' GROUP BY lane) h ON o.id = h.id WHERE o.not_before <= ? AND (o.claimed_until IS NULL OR "
    "o.claimed_until < ?) ORDER BY o.id LIMIT ?) RETURNING *"
)
# The state and the claim are checked twice on purpose: when another transaction changed a row meanwhile (a send
# just recorded), PostgreSQL checks the UPDATE's own conditions again on the row as it is now, not the subquery's.
_CLAIM_PG = _CLAIM.replace("LIMIT ?)", "LIMIT ? FOR UPDATE OF o SKIP LOCKED)")


class OutboxRepo(Repo):
    added = 0  # rows added through this repository: the store tells its listeners once they are committed

    async def add(self, message: OutboxMessage, ticket_id: int | None = None) -> int:
        """Queue a message; its lane is the chat it goes to."""
        payload = message.model_dump_json(exclude={"kind"})
        row = await self.run(
            "INSERT INTO outbox (lane, kind, ticket_id, payload, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (message.chat_id, message.kind, ticket_id, payload, self.stamp, self.stamp),
        )
        self.added += 1
        return row

    async def heads(self, limit: int = 50) -> list[OutboxItem]:
        """The oldest pending row of each lane that is due now: lanes never overtake themselves."""
        rows = await self.all(
            "SELECT o.* FROM outbox o JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE state = 'pending' "
            "GROUP BY lane) h ON o.id = h.id WHERE o.not_before <= ? ORDER BY o.id LIMIT ?",
            (self.stamp, limit),
        )
        return [_item(row) for row in rows]

    async def claim(self, holder: str, until: dt.datetime, limit: int = 50) -> list[OutboxItem]:
        """Heads (as `heads`) that no other sender holds, held by `holder` until the moment: one sender a lane
        at a time, across processes. On PostgreSQL a head another replica is claiming right now is skipped,
        not waited for; the claim of a sender that died runs out."""
        params = (holder, iso(until), self.stamp, self.stamp, self.stamp, limit)
        rows = await self.all(_CLAIM_PG if self.db.postgres else _CLAIM, params)
        return sorted((_item(row) for row in rows), key=lambda item: item.id)

    async def renew(self, holder: str, until: dt.datetime) -> None:
        """The rows `holder` is sending stay its own (a send waiting out a flood limit may take long)."""
        await self.run("UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND state = 'pending' "
                       "AND claimed_until IS NOT NULL", (iso(until), holder))  # fmt: skip

    async def release(self, holder: str | None = None, item_id: int | None = None) -> None:
        """Claims given up (a stop, or one row): another sender may take them at once. No holder: every claim
        (SQLite's one process, at its start: the claims left are a dead run's)."""
        if holder is None:
            await self.run("UPDATE outbox SET claimed_until = NULL WHERE claimed_until IS NOT NULL")
        elif item_id is None:
            await self.run("UPDATE outbox SET claimed_until = NULL WHERE claimed_by = ? AND state = 'pending'",
                           (holder,))  # fmt: skip
        else:
            await self.run("UPDATE outbox SET claimed_until = NULL WHERE claimed_by = ? AND id = ?",
                           (holder, item_id))  # fmt: skip

    async def next_due(self) -> dt.datetime | None:
        row = await self.one("SELECT MIN(not_before) AS due FROM outbox WHERE state = 'pending'")
        return dt.datetime.fromisoformat(row["due"]) if row and row["due"] else None

    async def mark_sent(self, item_id: int) -> None:
        await self.run("UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                       (self.stamp, item_id))  # fmt: skip

    async def retry_later(self, item_id: int, when: dt.datetime, error: str) -> None:
        await self.run(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ?, claimed_until = NULL "
            "WHERE id = ?",
            (iso(when), error, item_id),
        )

    async def set_aside(self, item_id: int, reason: str) -> None:
        """Telegram refused the row for good: never retried, and its lane moves on (state 'dead')."""
        await self.run("UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
                       (reason, item_id))  # fmt: skip

    async def pending(self) -> int:
        row = await self.one("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
        return int(row["n"]) if row else 0

    async def prune(self, older_than: dt.timedelta) -> int:
        # Sent rows carry message texts; keep them no longer than needed to debug a delivery.
        return await self.run("DELETE FROM outbox WHERE state != 'pending' AND created_at < ?",
                              (iso(self.now - older_than),))  # fmt: skip

    async def drop_lane(self, lane: int) -> None:
        """For /forget: what was still to be sent to this chat is not sent."""
        await self.run("DELETE FROM outbox WHERE lane = ?", (lane,))

    async def drop_ticket(self, ticket_id: int) -> None:
        """For /forget: nothing of a forgotten user's ticket is delivered any more, and no row names them."""
        await self.run("DELETE FROM outbox WHERE ticket_id = ?", (ticket_id,))


def _item(row: Any) -> OutboxItem:
    values = dict(row)
    try:
        values["message"] = decode(values["kind"], values["lane"], values.pop("payload"))
    except Undecodable as error:
        values["message"], values["problem"] = None, str(error)
    return OutboxItem.model_validate(values)
