"""Users: the chat to answer, the chosen language and where they are in the bot. Nothing else."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from bot.storage.base import Repo, iso


class User(BaseModel):
    id: int
    chat_id: int
    lang: str | None
    country: str | None
    source: str | None
    silent: bool
    awaiting: str | None
    check_state: str | None


class UserRepo(Repo):
    async def get(self, chat_id: int) -> User | None:
        row = await self.one("SELECT * FROM users WHERE chat_id = ?", (chat_id,))
        return User.model_validate(dict(row)) if row else None

    async def by_id(self, user_id: int) -> User | None:
        row = await self.one("SELECT * FROM users WHERE id = ?", (user_id,))
        return User.model_validate(dict(row)) if row else None

    async def get_or_create(self, chat_id: int) -> User:
        await self.run("INSERT OR IGNORE INTO users (chat_id, created_at) VALUES (?, ?)", (chat_id, self.stamp))
        user = await self.get(chat_id)
        assert user is not None  # noqa: S101 - inserted just above
        return user

    async def update(self, chat_id: int, **values: str | int | None) -> None:
        allowed = {"lang", "country", "source", "silent", "awaiting", "check_state"}
        if not values or not set(values) <= allowed:
            raise ValueError(f"unknown user fields: {set(values) - allowed}")
        # One statement, the row made if need be (it was three: insert, read back, update). Names checked above.
        columns = ", ".join(values)
        assignments = ", ".join(f"{name} = excluded.{name}" for name in values)
        await self.run(
            f"INSERT INTO users (chat_id, created_at, {columns}) VALUES (?, ?{', ?' * len(values)}) "  # noqa: S608
            f"ON CONFLICT (chat_id) DO UPDATE SET {assignments}",
            (chat_id, self.stamp, *values.values()),
        )

    async def first_time(self, update_id: int) -> bool:
        """Record an update as handled (and drop it from the inbox); False when it was handled before.

        Marked first, dropped second: outside a transaction, a crash between the two leaves a handled
        update in the inbox, never an unhandled one out of it (start-up clears such rows)."""
        first = bool(await self.run(
            "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)", (update_id, self.stamp)
        ))  # fmt: skip
        await self.run("DELETE FROM inbox WHERE update_id = ?", (update_id,))
        return first

    async def seen(self, update_id: int) -> bool:
        return await self.one("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)) is not None

    async def prune_updates(self, older_than: dt.timedelta) -> int:
        # Telegram redelivers for about a day; a week of ids is plenty.
        return await self.run("DELETE FROM processed_updates WHERE processed_at < ?", (iso(self.now - older_than),))

    async def remember_message(self, chat_id: int, message_id: int) -> None:
        """Message ids only, so `/hide` can delete them; never their texts."""
        await self.run(
            "INSERT OR IGNORE INTO sent_messages (chat_id, message_id, at) VALUES (?, ?, ?)",
            (chat_id, message_id, self.stamp),
        )

    async def recent_messages(self, chat_id: int, since: dt.datetime) -> list[int]:
        rows = await self.all(
            "SELECT message_id FROM sent_messages WHERE chat_id = ? AND at >= ? ORDER BY message_id",
            (chat_id, iso(since)),
        )
        return [row["message_id"] for row in rows]

    async def forget_messages(self, chat_id: int, message_ids: list[int]) -> None:
        """After /hide: the ids that were deleted (an id remembered meanwhile stays, to be hidden next time)."""
        await self.many("DELETE FROM sent_messages WHERE chat_id = ? AND message_id = ?",
                        [(chat_id, message_id) for message_id in message_ids])  # fmt: skip

    async def prune_messages(self, older_than: dt.timedelta) -> int:
        # Telegram lets a bot delete messages for 48 hours; older ids are of no use.
        return await self.run("DELETE FROM sent_messages WHERE at < ?", (iso(self.now - older_than),))

    async def delete(self, chat_id: int) -> None:
        await self.run("DELETE FROM sent_messages WHERE chat_id = ?", (chat_id,))
        await self.run("DELETE FROM users WHERE chat_id = ?", (chat_id,))
