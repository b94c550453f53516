"""PostgreSQL through asyncpg: the repositories' SQLite dialect translated, once per statement.

The repositories write `?` placeholders, `INSERT OR IGNORE` and `IS ?`; here they become `$1…`,
`ON CONFLICT DO NOTHING` and `IS NOT DISTINCT FROM`, and an insert into a table with an `id` returns it.
Timestamps stay ISO text (UTC, milliseconds), as in SQLite, so that every comparison reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import asyncpg

# Tables whose rows have an `id` of their own: an insert into one of them returns the new id.
_ID_TABLES = frozenset({"users", "tickets", "ticket_messages", "audit", "outbox", "confirms"})
_INSERT = re.compile(r"^\s*INSERT\s+(OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


@lru_cache(maxsize=512)
def translate(sql: str) -> tuple[str, bool]:
    """(PostgreSQL's statement, whether it returns the inserted id)."""
    returns_id = False
    insert = _INSERT.match(sql)
    if insert is not None:
        if insert.group(1):
            sql = _INSERT.sub(lambda m: f"INSERT INTO {m.group(2)}", sql, count=1) + " ON CONFLICT DO NOTHING"
        if insert.group(2) in _ID_TABLES:
            sql, returns_id = sql + " RETURNING id", True
    sql = sql.replace(" IS ?", " IS NOT DISTINCT FROM ?")
    parts = sql.split("?")
    out = parts[0]
    for number, part in enumerate(parts[1:], start=1):
        out += f"${number}{part}"
    return out, returns_id


def _params(params: Sequence[Any]) -> tuple[Any, ...]:
    # Flags are INTEGER columns (0/1) on both backends; asyncpg takes no bool for an integer.
    return tuple(int(value) if isinstance(value, bool) else value for value in params)


def _count(status: str) -> int:
    """The rows a command changed, from its status ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PgDb:
    postgres = True

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def one(self, sql: str, params: Sequence[Any]) -> asyncpg.Record | None:
        return await self.conn.fetchrow(translate(sql)[0], *_params(params))

    async def all(self, sql: str, params: Sequence[Any]) -> list[asyncpg.Record]:
        return list(await self.conn.fetch(translate(sql)[0], *_params(params)))

    async def run(self, sql: str, params: Sequence[Any]) -> int:
        statement, returns_id = translate(sql)
        if returns_id:
            return int(await self.conn.fetchval(statement, *_params(params)) or 0)
        return _count(await self.conn.execute(statement, *_params(params)))

    async def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        statement, _ = translate(sql)
        if rows:
            await self.conn.executemany(statement.removesuffix(" RETURNING id"), [_params(row) for row in rows])
