"""The outbox: every message the queue must deliver, written in the same transaction as its cause.

A row is sent by the dispatcher, in order within its lane (the target chat), with retries, and marked
sent only after Telegram accepted it. After a crash the dispatcher starts again where it stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel

from bot.storage.base import Repo, iso


class OutboxItem(BaseModel):
    id: int
    lane: int
    kind: str
    ticket_id: int | None
    payload: dict[str, Any]
    attempts: int
    not_before: dt.datetime


class OutboxRepo(Repo):
    async def add(self, lane: int, kind: str, payload: dict[str, Any], ticket_id: int | None = None) -> int:
        return await self.run(
            "INSERT INTO outbox (lane, kind, ticket_id, payload, not_before, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (lane, kind, ticket_id, json.dumps(payload, ensure_ascii=False), self.stamp, self.stamp),
        )

    async def heads(self, limit: int = 50) -> list[OutboxItem]:
        """The oldest pending row of each lane that is due now: lanes never overtake themselves."""
        rows = await self.all(
            "SELECT o.* FROM outbox o JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE state = 'pending' "
            "GROUP BY lane) h ON o.id = h.id WHERE o.not_before <= ? ORDER BY o.id LIMIT ?",
            (self.stamp, limit),
        )
        return [_item(row) for row in rows]

    async def next_due(self) -> dt.datetime | None:
        row = await self.one("SELECT MIN(not_before) AS due FROM outbox WHERE state = 'pending'")
        return dt.datetime.fromisoformat(row["due"]) if row and row["due"] else None

    async def mark_sent(self, item_id: int) -> None:
        await self.run("UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                       (self.stamp, item_id))  # fmt: skip

    async def retry_later(self, item_id: int, when: dt.datetime, error: str) -> None:
        await self.run(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ?",
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
    values["payload"] = json.loads(values["payload"])
    return OutboxItem.model_validate(values)
