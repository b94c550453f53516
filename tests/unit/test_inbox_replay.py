"""The inbox across a crash: what was fetched and not handled is handled again; what was handled is not,
and its row (which holds a message) does not stay behind."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bot.durable import replay_unhandled
from bot.storage import Store


def update(update_id: int, text: str) -> dict[str, Any]:
    chat = {"id": 5001, "type": "private"}
    return {"update_id": update_id,
            "message": {"message_id": update_id, "date": 0, "chat": chat, "text": text}}  # fmt: skip


async def test_handled_leftovers_are_dropped_and_the_rest_replayed(tmp_path: Path) -> None:
    store = Store(tmp_path / "helpline.db")
    await store.open()
    try:
        async with store.autocommit() as tx:
            await tx.inbox.save([update(1, "handled, then the crash"), update(2, "never handled")])
        # A crash between marking update 1 handled and dropping it from the inbox:
        with sqlite3.connect(store.path) as connection:
            connection.execute("INSERT INTO processed_updates (update_id, processed_at) VALUES (1, 'x')")
        application = SimpleNamespace(update_queue=asyncio.Queue(), bot=None)
        assert await replay_unhandled(application, store) == 1  # type: ignore[arg-type]
        replayed = application.update_queue.get_nowait()
        assert replayed.update_id == 2 and application.update_queue.empty()
        with sqlite3.connect(store.path) as connection:
            assert [row for (row,) in connection.execute("SELECT update_id FROM inbox")] == [2]
    finally:
        await store.close()


async def test_first_time_marks_then_drops(tmp_path: Path) -> None:
    store = Store(tmp_path / "helpline.db")
    await store.open()
    try:
        async with store.autocommit() as tx:
            await tx.inbox.save([update(7, "hi")])
            assert await tx.users.first_time(7) is True
            assert await tx.users.first_time(7) is False, "a replay is known"
        with sqlite3.connect(store.path) as connection:
            assert connection.execute("SELECT COUNT(*) FROM inbox").fetchone() == (0,)
    finally:
        await store.close()
