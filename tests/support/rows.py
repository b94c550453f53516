"""Looking into a real database (a SQLite file, or PostgreSQL) for traces of a person, or for how rows ended."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import asyncpg

from bot.storage.postgres import translate


def rows_holding(database: Path | str, needles: list[str | int]) -> list[tuple[str, str, object]]:
    """Every (table, column, value) of the database where a needle appears: equal to it, or inside a text."""
    if isinstance(database, str):
        tables = [row["table_name"] for row in peek(database, "SELECT table_name FROM information_schema.tables "
                                                              "WHERE table_schema = 'public'")]  # fmt: skip
        every = {table: peek(database, f'SELECT * FROM "{table}"') for table in tables}  # noqa: S608 - the catalog's
        return [(table, column, value) for table, rows in every.items() for row in rows
                for column, value in row.items() for needle in needles
                if value == needle or (isinstance(value, str | bytes) and str(needle) in str(value))]  # fmt: skip
    found = []
    with sqlite3.connect(database) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from sqlite_master
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    for needle in needles:
                        if value == needle or (isinstance(value, str | bytes) and str(needle) in str(value)):
                            found.append((table, column, value))
    return found


def peek(target: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows of a statement (SQLite's dialect) straight from the database, beside the bot's own connections:
    the SQLite file, or a PostgreSQL URL (through asyncpg, on a thread of its own: callers are synchronous)."""
    if isinstance(target, Path):
        with closing(sqlite3.connect(target)) as connection:
            connection.row_factory = sqlite3.Row
            rows = [dict(row) for row in connection.execute(sql, params)]
            connection.commit()
            return rows
    return _on_thread(_pg(target, sql, params))


def poke(target: Path | str, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Write behind the bot's back (a row as an older version wrote it, test instrumentation). Without
    parameters, PostgreSQL takes several statements at once."""
    if isinstance(target, str) and not params:
        _on_thread(_pg_script(target, sql))
    else:
        peek(target, sql, params)


async def _pg_script(url: str, sql: str) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
        return []
    finally:
        await connection.close()


async def _pg(url: str, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(url)
    try:
        return [dict(row) for row in await connection.fetch(translate(sql)[0], *params)]
    finally:
        await connection.close()


def _on_thread(work: Coroutine[Any, Any, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()
