"""`helpline backup PATH` copies the live database while the bot runs and writes; the copy restores."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from support.harness import GROUP_ID, FakeClock, Person, RunningBot, make_settings

from bot.standin.server import StandIn

ROOT = Path(__file__).parents[2]
URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"


async def test_backup_while_running_then_restore(standin: StandIn, bot: RunningBot, database: Path, tmp_path: Path,
                                                 clock: FakeClock) -> None:  # fmt: skip
    person = Person(standin, 8001)
    await person.start("kk")
    await person.send(URGENT)
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))

    async def keep_writing() -> None:
        for i in range(40):
            await standin.user_sends(8100 + i, "/start ru")
            await asyncio.sleep(0.01)

    target = tmp_path / "backup" / "copy.db"
    target.parent.mkdir()
    env = {**os.environ, "HELPLINE_DATABASE": str(database), "PYTHONPATH": str(ROOT)}
    writing = asyncio.create_task(keep_writing())
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "backup", str(target), env=env,
                                                   cwd=tmp_path, stderr=subprocess.PIPE)  # fmt: skip
    _, err = await process.communicate()
    await writing
    assert process.returncode == 0, err.decode()
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT lang FROM users WHERE chat_id = 8001").fetchone() == ("kk",)
        assert copy.execute("SELECT state FROM tickets WHERE id = 1").fetchone()[0] in ("open", "claimed")
        assert copy.execute("SELECT COUNT(*) FROM ticket_messages WHERE text = ?", (URGENT,)).fetchone() == (1,)
    again = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "backup", str(target), env=env,
                                                 cwd=tmp_path, stderr=subprocess.PIPE)  # fmt: skip
    await again.communicate()
    assert again.returncode == 2, "an existing file is never overwritten"

    # Restore: stop the bot, replace the file (and drop any write-ahead log of the old one), start again.
    await bot.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)  # noqa: ASYNC240 - the bot is stopped
    shutil.copy(target, database)
    restored = await RunningBot(make_settings(standin, database), clock).start()
    try:
        before = len(standin.chat_messages(GROUP_ID))
        await standin.user_sends(8001, "Я всё ещё здесь")
        await standin.wait_until(lambda: any(m.get("text") == "Я всё ещё здесь"
                                             for m in standin.chat_messages(GROUP_ID)[before:]), timeout=5)  # fmt: skip
        reply = await Person(standin, 8001).send("/start")
        assert reply["text"] == standin.bot_messages(8001)[1]["text"] or reply["text"], "answered in kk, no picker"
        rows = (reply.get("reply_markup") or {}).get("inline_keyboard", [])
        assert not any(b.get("callback_data", "").startswith("l:") for row in rows for b in row)
    finally:
        await restored.stop()
