"""What every repository shares: its connection, the transaction's time, and small query helpers.

The repositories write SQLite's dialect (`?` placeholders, `INSERT OR IGNORE`, `IS ?`); a `Db` runs it on
its backend: `SqliteDb` as it is, `bot.storage.postgres.PgDb` translated once per statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import aiosqlite


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


class Db(Protocol):
    postgres: bool

    async def one(self, sql: str, params: Sequence[Any]) -> Any: ...
    async def all(self, sql: str, params: Sequence[Any]) -> list[Any]: ...
    async def run(self, sql: str, params: Sequence[Any]) -> int: ...
    async def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None: ...


class SqliteDb:
    postgres = False

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def one(self, sql: str, params: Sequence[Any]) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, params: Sequence[Any]) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def run(self, sql: str, params: Sequence[Any]) -> int:
        async with self.conn.execute(sql, params) as cursor:
            if sql.lstrip().upper().startswith("INSERT"):
                # lastrowid is the connection's last insert: an INSERT OR IGNORE that inserted nothing leaves
                # the id of some earlier row there. Only a changed row makes it this statement's.
                return (cursor.lastrowid or 0) if cursor.rowcount > 0 else 0
            return cursor.rowcount

    async def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        await self.conn.executemany(sql, rows)


class Repo:
    def __init__(self, db: Db, now: dt.datetime) -> None:
        self.db = db
        self.now = now
        self.stamp = iso(now)

    async def one(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return await self.db.one(sql, tuple(params))

    async def all(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return await self.db.all(sql, tuple(params))

    async def run(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Execute; return the new row's id (inserts; 0 when nothing was inserted) or the number of rows changed."""
        return await self.db.run(sql, tuple(params))

    async def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        await self.db.many(sql, rows)
