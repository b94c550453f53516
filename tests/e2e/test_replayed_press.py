"""A button press handled just before a crash is handled again after the restart: Telegram refuses the
second answer to its query. That is expected, so it is logged at INFO, and the user sees no apology."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from support.harness import FakeClock, Person, RunningBot, make_settings

from bot.standin.server import StandIn


async def test_a_replayed_press_is_not_an_error(standin: StandIn, database: Path, clock: FakeClock,
                                                caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    caplog.set_level(logging.INFO)
    settings = make_settings(standin, database)
    bot = await RunningBot(settings, clock).start()
    person = Person(standin, 5301, "ru")
    try:
        await person.start()
        await person.tap("")  # the first button of the menu
        query_id = person.queries[-1]
        await standin.wait_until(lambda: standin.callback_answer(query_id) is not None)
        await standin.wait_idle()
    finally:
        await bot.stop()
    delivered = [u for call in standin.calls_to("getUpdates", ok=True) for u in call.result or []]
    pressed = next(u for u in delivered if u.get("callback_query", {}).get("id") == query_id)
    # The crash: handled and answered, but not yet recorded as handled, so it is still in the inbox.
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM processed_updates WHERE update_id = ?", (pressed["update_id"],))
        connection.execute("INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, 'x')",
                           (pressed["update_id"], json.dumps(pressed)))  # fmt: skip
    before = len(standin.bot_messages(person.id))
    caplog.clear()
    bot = await RunningBot(settings, clock).start()
    try:
        await standin.wait_until(lambda: bool(standin.calls_to("answerCallbackQuery", ok=False)), timeout=10)
        await standin.wait_idle()
    finally:
        await bot.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert any("answered before" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)
    assert len(standin.bot_messages(person.id)) == before, "no apology for a press already answered"
