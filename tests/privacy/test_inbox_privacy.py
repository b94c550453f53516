"""The inbox keeps only what the bot needs of an update (an allow-list), on every kind of update the
stand-in can make, and once the updates are handled nothing of them is left in the database file or its
-wal: names never, texts outside tickets neither."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, make_settings

from bot.standin.server import StandIn
from bot.storage.inbox import scrub

NAMES = ["Zarinaxq", "zarina_kx", "Bakhyt Recruiterq", "Aigerim Signsq", "Nurlan Joinerq", "nurlan_jq",
         "Dilnoza Leaverq", "Jobs Abroad Channelq", "Sardor Senderq", "sardor_sq"]  # fmt: skip
MENU_TEXT = "Quokka wants the menu"  # not urgent, no ticket: the bot promises not to keep it


async def every_kind_of_update(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 5501, "ru")
    standin.add_user(5501, first_name="Zarinaxq", language_code="ru", username="zarina_kx")
    standin.add_user(5502, first_name="Nurlan Joinerq", username="nurlan_jq")
    standin.add_user(5503, first_name="Dilnoza Leaverq")
    standin.add_user(5504, first_name="Sardor Senderq", username="sardor_sq")
    channel = {"id": -1009, "type": "channel", "title": "Jobs Abroad Channelq", "username": "jobs_abroad_q"}
    await person.start()
    await person.send(MENU_TEXT)
    await person.send("Работа в Дубае, 3000$ в месяц", forward_from_user="Bakhyt Recruiterq")
    await person.send("Работа в Сеуле, жильё бесплатно", forward_from_user=5504)
    await person.send("Склад в Москве", forward_from_chat=channel, signature="Aigerim Signsq")
    await person._answered(lambda: standin.user_sends(person.id, photo=True, caption="photo"))
    await person._answered(lambda: standin.user_sends(person.id, voice=True))
    await person._answered(lambda: standin.user_sends(person.id, location=(43.2, 76.9)))
    await person._answered(lambda: standin.user_sends(person.id, sticker=True))
    await person.tap("")
    standin.member_changes(GROUP_ID, 5502, joined=True)
    standin.member_changes(GROUP_ID, 5503, joined=False)
    await standin.group_sends(GROUP_ID, OPERATORS[0], "/queue")
    await standin.wait_idle(timeout=10)


def _spy(database: Path) -> None:
    """Copy every row written to the inbox, to read what it held (test instrumentation in the real file)."""
    with sqlite3.connect(database) as connection:
        connection.executescript("CREATE TABLE spy (payload TEXT);"
                                 "CREATE TRIGGER spy AFTER INSERT ON inbox BEGIN INSERT INTO spy VALUES (new.payload); END;")  # noqa: E501


async def test_the_inbox_keeps_no_name_of_any_update(standin: StandIn, database: Path, clock: FakeClock) -> None:
    bot = await RunningBot(make_settings(standin, database), clock).start()
    try:
        _spy(database)
        await every_kind_of_update(standin, bot)
    finally:
        await bot.stop()
    with sqlite3.connect(database) as connection:
        rows = [payload for (payload,) in connection.execute("SELECT payload FROM spy")]
    assert len(rows) >= 12, "every update went through the inbox"
    kept = "\n".join(rows)
    for name in NAMES:
        assert name.casefold() not in kept.casefold(), name


async def test_nothing_of_handled_updates_stays_in_the_file_or_its_wal(standin: StandIn, bot: RunningBot,
                                                                      database: Path) -> None:  # fmt: skip
    await every_kind_of_update(standin, bot)
    wal = Path(f"{database}-wal")
    await standin.wait_until(lambda: not wal.exists() or wal.stat().st_size == 0, timeout=5)
    for path in (database, wal):
        data = path.read_bytes() if path.exists() else b""
        for needle in [*NAMES, MENU_TEXT]:
            assert needle.encode() not in data, (path.name, needle)


def test_every_update_still_reads_after_scrubbing() -> None:
    """The allow-list drops names, not what python-telegram-bot needs to read an update."""
    from telegram import Update

    user = {"id": 1, "is_bot": False, "first_name": "A", "last_name": "B", "username": "c", "language_code": "ru"}
    chat = {"id": 1, "type": "private", "first_name": "A", "username": "c"}
    base = {"message_id": 1, "date": 0, "chat": chat, "from": user}
    updates = [
        {"update_id": 1, "message": base | {"text": "hi", "entities": [{"type": "text_mention", "offset": 0,
                                                                         "length": 2, "user": user}]}},
        {"update_id": 2, "message": base | {"contact": {"phone_number": "+7700", "first_name": "A", "user_id": 1}}},
        {"update_id": 3, "message": base | {"forum_topic_created": {"name": "#1 Quiet Crane", "icon_color": 1}}},
        {"update_id": 4, "message": base | {"document": {"file_id": "f", "file_unique_id": "u",
                                                         "file_name": "Zarina_passport.pdf"}}},
        {"update_id": 5, "message": base | {"new_chat_members": [user], "left_chat_member": user}},
    ]
    for data in updates:
        cleaned = scrub(data)
        assert Update.de_json(cleaned, None) is not None
        text = json.dumps(cleaned)
        assert "Zarina" not in text and '"B"' not in text and "+7700" not in text and '"c"' not in text, text
