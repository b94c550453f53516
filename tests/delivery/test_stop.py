"""A stop never hangs on a send that does not come back (here: Telegram's 429 with a long retry_after on the
operators' group, waited out inside the send). The send is cut short after a deadline, its row stays
pending, and the next start delivers it: nothing is lost."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from support.harness import GROUP_ID, FakeClock, Person, RunningBot, make_settings, shipped_content

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"


def pending_cards(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'card' AND state = 'pending'").fetchone()[0]


async def test_a_stop_cuts_a_stuck_send_short_and_the_next_start_sends_it(standin: StandIn, database: Path,
                                                                           clock: FakeClock) -> None:  # fmt: skip
    shipped_content()
    running = await RunningBot(make_settings(standin, database), clock).start()
    try:
        standin.inject("sendMessage", "retry_after", times=50, retry_after=120, chat_id=GROUP_ID)
        person = Person(standin, 9100)
        await person.start("ru")
        await person.send(URGENT)
        await standin.wait_until(lambda: bool(standin.calls_to("sendMessage", ok=False)), timeout=10)
    finally:
        began = time.monotonic()
        await running.stop()
        took = time.monotonic() - began
    assert took < 15, f"the stop took {took:.0f} s"
    assert pending_cards(database) == 1, "the card cut short is still to be sent"

    standin._faults.clear()  # Telegram lets the bot send again
    running = await RunningBot(make_settings(standin, database), clock).start()
    try:
        await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in
                                             standin.bot_messages(GROUP_ID)), timeout=10)  # fmt: skip
    finally:
        await running.stop()
