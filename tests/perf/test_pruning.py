"""The tables that grow with every update stay bounded: the retention job prunes handled update ids after
7 days, delivered outbox rows after 2 and message ids after 48 hours. Two weeks pass on the test clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from support.harness import FakeClock

from bot.privacy import service
from bot.storage import Store
from bot.storage.outbox import UserText

GROUP = -1001234567890  # the operators' group: purge names it for the topics it deletes
PER_DAY = 60  # updates a day, each answered with one message through the outbox



def count(database: Path, table: str, where: str = "1") -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0])  # noqa: S608
    finally:
        connection.close()


async def test_update_ids_and_sent_rows_are_pruned_as_days_pass(store: Store, clock: FakeClock) -> None:
    update_id = 0
    async with store.tx() as tx:  # a row Telegram keeps refusing to take: pending, it is never pruned
        waiting = await tx.outbox.add(UserText(chat_id=4242, text="still to be sent"))
    for _day in range(14):
        for _ in range(PER_DAY):
            update_id += 1
            async with store.tx() as tx:
                await tx.users.first_time(update_id)
                await tx.users.remember_message(4242, update_id)
                await tx.outbox.mark_sent(await tx.outbox.add(UserText(chat_id=4242, text="answer")))
        clock.advance(days=1)
        await service.purge(store, service.UPDATES_KEPT * 4, GROUP)
    # at most 7 days of ids, 2 of delivered rows and of message ids: what 14 days wrote is mostly gone
    assert 6 * PER_DAY <= count(store.path, "processed_updates") <= 7 * PER_DAY
    assert PER_DAY <= count(store.path, "outbox", "state = 'sent'") <= 2 * PER_DAY
    assert PER_DAY <= count(store.path, "sent_messages") <= 2 * PER_DAY
    assert count(store.path, "outbox", f"id = {waiting}") == 1, "a pending row is never pruned"
    async with store.read() as tx:
        assert await tx.users.seen(update_id), "the last week's ids still stop a replay"
        assert not await tx.users.seen(update_id - 7 * PER_DAY), "older ones are gone"


def test_the_pruning_deletes_through_indexes(tmp_path: Path) -> None:
    """Hourly deletions by time on tables of millions of rows: each finds its rows by an index."""
    import asyncio

    async def opened() -> None:
        store = Store(tmp_path / "helpline.db")
        await store.open()
        await store.close()

    asyncio.run(opened())
    connection = sqlite3.connect(tmp_path / "helpline.db")
    try:
        for statement in ("DELETE FROM processed_updates WHERE processed_at < '2026'",
                          "DELETE FROM sent_messages WHERE at < '2026'",
                          "DELETE FROM outbox WHERE state != 'pending' AND created_at < '2026'"):  # fmt: skip
            plan = " / ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}"))
            assert "USING" in plan and "INDEX" in plan, f"{statement}: {plan}"
    finally:
        connection.close()
