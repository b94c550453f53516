"""What every repository shares: its connection, the transaction's time, and small query helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import aiosqlite


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


class Repo:
    def __init__(self, conn: aiosqlite.Connection, now: dt.datetime) -> None:
        self.conn = conn
        self.now = now
        self.stamp = iso(now)

    async def one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute; return the new row's id (inserts; 0 when nothing was inserted) or the number of rows changed."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            if sql.lstrip().upper().startswith("INSERT"):
                # lastrowid is the connection's last insert: an INSERT OR IGNORE that inserted nothing leaves
                # the id of some earlier row there. Only a changed row makes it this statement's.
                return (cursor.lastrowid or 0) if cursor.rowcount > 0 else 0
            return cursor.rowcount
