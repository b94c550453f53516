"""Privacy holds on PostgreSQL too: the inbox keeps no name of an update, and nothing the bot keeps names anyone
(the same scrubbing as on SQLite; the inbox's new `chat_id` is the chat the update already carried)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, make_settings
from support.rows import peek, poke, rows_holding

from bot.standin.server import StandIn

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
NAMES = ["Zarinaxq", "zarina_kx", "Bakhyt Recruiterq", "Nurlan Joinerq", "nurlan_jq", "Aigerim Signsq",
         "Jobs Abroad Channelq", "jobs_abroad_q"]  # fmt: skip
SPY = ("CREATE TABLE spy (payload TEXT); CREATE FUNCTION spy() RETURNS trigger AS $$ BEGIN INSERT INTO spy "
       "VALUES (NEW.payload); RETURN NEW; END $$ LANGUAGE plpgsql; "
       "CREATE TRIGGER spy AFTER INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION spy()")  # fmt: skip


async def test_no_name_reaches_postgresql(standin: StandIn, database: Path, database_url: str,
                                          clock: FakeClock) -> None:  # fmt: skip
    bot = await RunningBot(make_settings(standin, database, database_url=database_url), clock).start()
    try:
        poke(database_url, SPY)  # test instrumentation: a copy of every inbox row as written
        person = Person(standin, 5601, "ru")
        standin.add_user(5601, first_name="Zarinaxq", language_code="ru", username="zarina_kx")
        standin.add_user(5602, first_name="Nurlan Joinerq", username="nurlan_jq")
        channel = {"id": -1009, "type": "channel", "title": "Jobs Abroad Channelq", "username": "jobs_abroad_q"}
        await person.start()
        await person.send("Работа в Дубае, 3000$ в месяц", forward_from_user="Bakhyt Recruiterq")
        await person.send("Склад в Москве", forward_from_chat=channel, signature="Aigerim Signsq")
        await person._answered(lambda: standin.user_sends(person.id, location=(43.2, 76.9)))
        standin.member_changes(GROUP_ID, 5602, joined=True)
        await standin.group_sends(GROUP_ID, OPERATORS[0], "/queue")
        await standin.wait_idle(timeout=10)
    finally:
        await bot.stop()
    written = [row["payload"] for row in peek(database_url, "SELECT payload FROM spy")]
    assert len(written) >= 5, "the updates went through the inbox"
    kept = "\n".join(written).casefold()
    assert [name for name in NAMES if name.casefold() in kept] == []
    poke(database_url, "DROP TABLE spy")
    assert rows_holding(database_url, NAMES) == []
