"""Operators who switched themselves on call. Operators are staff: their Telegram ids are kept."""

from __future__ import annotations

from bot.storage.base import Repo


class OperatorRepo(Repo):
    async def set_on_call(self, operator_id: int, on_call: bool) -> None:
        await self.run(
            "INSERT INTO operators (user_id, on_call, changed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET on_call = excluded.on_call, changed_at = excluded.changed_at",
            (operator_id, int(on_call), self.stamp),
        )

    async def on_call(self) -> set[int]:
        return {row["user_id"] for row in await self.all("SELECT user_id FROM operators WHERE on_call = 1")}
