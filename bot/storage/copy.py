"""`helpline migrate --from sqlite:///helpline.db`: a SQLite database copied into an empty PostgreSQL one.

Both are first brought to this version's schema, so that their tables match column for column; the copy is
one transaction (all of it or nothing), and the id counters go on after the highest copied id.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from bot.dburl import StoreError
from bot.storage.database import Store

# Parents before children (foreign keys).
TABLES = ("users", "start_counts", "processed_updates", "tickets", "ticket_messages", "relayed", "audit", "outbox",
          "operators", "sent_messages", "events", "inbox", "confirms")  # fmt: skip
_ID_TABLES = ("users", "tickets", "ticket_messages", "audit", "outbox", "confirms")
_CASTS: dict[str, Any] = {"bigint": int, "integer": int, "double precision": float, "text": str}


async def copy_database(source: Path, url: str) -> dict[str, int]:
    """Rows copied per table. Refuses a target that holds any row already (nothing is merged or overwritten)."""
    for target in (Store(source), Store(url)):
        await target.migrate()
    store = Store(url)
    await store.open()
    try:
        async with store.pool.acquire() as conn, conn.transaction():
            for table in TABLES:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):  # noqa: S608 - names above
                    raise StoreError(f"the PostgreSQL database is not empty ({table} has rows): nothing copied")
            counts = {}
            with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as lite:
                for table in TABLES:
                    types = {row["column_name"]: row["data_type"] for row in await conn.fetch(
                        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1", table)}
                    cursor = lite.execute(f"SELECT * FROM {table}")  # noqa: S608 - names above
                    columns = [d[0] for d in cursor.description]
                    casts = [_CASTS.get(types[name], str) for name in columns]
                    records = [tuple(None if value is None else cast(value) for cast, value in zip(casts, row,
                                                                                                    strict=True))
                               for row in cursor]  # fmt: skip
                    if records:
                        await conn.copy_records_to_table(table, records=records, columns=columns)
                    counts[table] = len(records)
            for table in _ID_TABLES:
                await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                   f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")  # fmt: skip
    finally:
        await store.close()
    return counts
