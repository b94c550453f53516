"""Updates received but not yet handled: written before Telegram is told they arrived, deleted when done."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.storage.base import Repo

# What identifies a person and is never needed to answer them.
_PERSONAL = frozenset({"first_name", "last_name", "username", "phone_number", "vcard", "bio", "photo"})
_PERSON_KEYS = frozenset({"from", "chat", "user", "sender_chat", "forward_from", "contact", "new_chat_member",
                          "old_chat_member", "origin", "sender_user"})  # fmt: skip


def scrub(value: Any, inside_person: bool = False) -> Any:
    """The update without names, usernames and phone numbers (first_name stays, empty: Telegram needs it)."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            if inside_person and key in _PERSONAL:
                if key == "first_name":
                    cleaned[key] = ""
                continue
            cleaned[key] = scrub(item, inside_person=key in _PERSON_KEYS or (inside_person and key == "chat"))
        return cleaned
    if isinstance(value, list):
        return [scrub(item, inside_person) for item in value]
    return value


class InboxRepo(Repo):
    async def save(self, updates: Iterable[dict[str, Any]]) -> None:
        await self.conn.executemany(
            "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
            [(u["update_id"], json.dumps(scrub(u), ensure_ascii=False), self.stamp) for u in updates],
        )

    async def drop_handled(self) -> int:
        """Rows of updates already handled: left by a crash between marking an update and dropping it."""
        return await self.run("DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM processed_updates)")

    async def unhandled(self) -> list[dict[str, Any]]:
        rows = await self.all(
            "SELECT payload FROM inbox WHERE update_id NOT IN (SELECT update_id FROM processed_updates) "
            "ORDER BY update_id"
        )
        return [json.loads(row["payload"]) for row in rows]
