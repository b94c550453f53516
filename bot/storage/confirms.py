"""Confirms: a message the judgement was unsure of, while the bot asks "are you in danger right now?".

The row holds the message (text, ids) only while the question is open: once answered (yes, no, or no
answer in time) the text and the words quoted from it go, and the answer stays for the statistics.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from pydantic import BaseModel, field_validator

from bot.storage.base import Repo, iso

Answer = Literal["yes", "no", "unanswered", "overtaken", "forgotten"]  # overtaken: a ticket opened before an answer


class Confirm(BaseModel):
    id: int
    user_id: int | None
    lang: str
    kind: str
    text: str | None
    chat_id: int | None
    message_id: int | None
    offer: bool  # the message was also a job offer to check (a "no" shows its check)
    category: str | None
    score: float
    matched: str | None  # the rule's words, quoted from the text
    evidence: tuple[str, ...]  # the model's strongest words, quoted from the text
    asked_at: dt.datetime
    answer: Answer | None
    answered_at: dt.datetime | None
    ticket_id: int | None

    @field_validator("evidence", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return tuple(json.loads(value)) if isinstance(value, str) else (value or ())


class ConfirmRepo(Repo):
    async def add(
        self, *, user_id: int, lang: str, kind: str, text: str | None, chat_id: int, message_id: int, offer: bool,
        category: str | None, score: float, matched: str | None, evidence: tuple[str, ...],
    ) -> int:  # fmt: skip
        return await self.run(
            "INSERT INTO confirms (user_id, lang, kind, text, chat_id, message_id, offer, category, score, matched, "
            "evidence, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, lang, kind, text, chat_id, message_id, int(offer), category, score, matched,
             json.dumps(list(evidence), ensure_ascii=False), self.stamp),
        )  # fmt: skip

    async def get(self, confirm_id: int) -> Confirm | None:
        row = await self.one("SELECT * FROM confirms WHERE id = ?", (confirm_id,))
        return Confirm.model_validate(dict(row)) if row else None

    async def pending(self, user_id: int) -> list[Confirm]:
        rows = await self.all("SELECT * FROM confirms WHERE user_id = ? AND answer IS NULL ORDER BY id", (user_id,))
        return [Confirm.model_validate(dict(row)) for row in rows]

    async def due(self, asked_before: dt.datetime) -> list[int]:
        """Users with a question left unanswered since before the moment, the longest waiting first."""
        rows = await self.all(
            "SELECT user_id, MIN(asked_at) AS first FROM confirms WHERE answer IS NULL AND user_id IS NOT NULL "
            "AND asked_at <= ? GROUP BY user_id ORDER BY first",
            (iso(asked_before),),
        )
        return [row["user_id"] for row in rows]

    async def resolve(self, confirm_id: int, answer: Answer, ticket_id: int | None = None) -> None:
        """Record the answer; the message's text and ids go (a ticket, if any, holds the message now)."""
        await self.run(
            "UPDATE confirms SET answer = ?, answered_at = ?, ticket_id = ?, text = NULL, chat_id = NULL, "
            "message_id = NULL, matched = NULL, evidence = NULL WHERE id = ? AND answer IS NULL",
            (answer, self.stamp, ticket_id, confirm_id),
        )

    async def forget_user(self, user_id: int) -> None:
        """For /forget: open questions are closed unanswered, and no row names the user or holds their words."""
        await self.run(
            "UPDATE confirms SET answer = COALESCE(answer, 'forgotten'), answered_at = COALESCE(answered_at, ?), "
            "user_id = NULL, text = NULL, chat_id = NULL, message_id = NULL, matched = NULL, evidence = NULL "
            "WHERE user_id = ?",
            (self.stamp, user_id),
        )
