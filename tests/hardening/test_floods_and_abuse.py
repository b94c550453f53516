"""Floods and abuse through the stand-in: a flooding user gets one slow-down message and does not slow
anyone else; odd update kinds are answered or ignored without errors; buttons are checked before use;
operators' commands work only for operators, in their places."""

from __future__ import annotations

import asyncio
import copy
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, STRANGER, Person, RunningBot, buttons

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Every ERROR or worse logged while the test runs: the error handler's "trace …" lines among them."""
    caplog.set_level(logging.INFO)
    return caplog.records  # read at the end: filtered by level there


def errors_in(records: list[logging.LogRecord]) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in records if r.levelno >= logging.ERROR]


def query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute(sql, params))


def sends_to(standin: StandIn, chat_id: int) -> int:
    return len([m for m in standin.bot_messages(chat_id)])


def user_message(standin: StandIn, user_id: int, content: dict[str, Any], *, edited: bool = False) -> dict[str, Any]:
    """A private message of any kind the stand-in does not model (animation, poll, contact, dice …)."""
    chat = standin._chat(user_id)
    stored = standin._store(chat, standin._user(user_id), copy.deepcopy(content))
    return standin._enqueue_message("edited_message" if edited else "message", stored)


async def test_a_flood_gets_one_slow_down_and_nothing_twice(standin: StandIn, bot: RunningBot, database: Path,
                                                            errors: list[logging.LogRecord]) -> None:  # fmt: skip
    person = Person(standin, 5001)
    await person.start("ru")
    before = sends_to(standin, person.id)
    ids = [(await standin.user_sends(person.id, f"привет {i}"))["message_id"] for i in range(60)]
    await standin.user_sends(person.id, URGENT)  # past the limit, danger still opens a ticket
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)), 10)
    await standin.wait_idle(timeout=20)
    slow = bot.services.i18n["ru"].gettext("You are writing very fast. Please wait a minute.")
    texts = [m.get("text") or "" for m in standin.bot_messages(person.id)][before:]
    assert texts.count(slow) == 1
    assert len(texts) <= 20 + 1 + 1, "the first twenty answered (the start counts), then one warning, then the ack"
    assert query(database, "SELECT COUNT(*) FROM tickets") == [(1,)]
    assert query(database, "SELECT COUNT(*) FROM processed_updates")[0][0] == 62, "each update recorded once"
    remembered = {m for (m,) in query(database, "SELECT message_id FROM sent_messages WHERE chat_id = ?", person.id)}
    assert set(ids) <= remembered, "flooded messages are remembered for /hide"
    assert not errors_in(errors)


async def test_a_flood_from_one_user_does_not_slow_another(standin: StandIn, bot: RunningBot,
                                                           errors: list[logging.LogRecord]) -> None:  # fmt: skip
    flooder, other = Person(standin, 5002), Person(standin, 5003)
    await flooder.start("kk")
    await other.start("ru")
    latencies: list[float] = []

    async def flood() -> None:
        for i in range(200):
            await standin.user_sends(flooder.id, f"spam {i} " + "x" * (i % 50))
            if i % 100 == 99:
                await asyncio.sleep(0)

    async def ask() -> None:
        for _ in range(5):
            await asyncio.sleep(0.05)
            started = time.monotonic()
            await other.send("/start")
            latencies.append(time.monotonic() - started)

    await asyncio.gather(flood(), ask())
    await standin.wait_idle(timeout=30)
    assert max(latencies) < 2.0, latencies
    assert not errors_in(errors)


@pytest.mark.parametrize("kind", ["sticker", "animation", "poll", "contact", "dice", "location", "venue", "story",
                                  "video_note", "document", "empty_text_caption"])  # fmt: skip
async def test_odd_message_kinds_are_answered_without_errors(standin: StandIn, bot: RunningBot, kind: str,
                                                             errors: list[logging.LogRecord]) -> None:  # fmt: skip
    person = Person(standin, 5100)
    await person.start("uz")
    contents: dict[str, dict[str, Any]] = {
        "sticker": {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                                "is_animated": False, "is_video": False}},
        "animation": {"animation": {"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1, "duration": 1},
                      "document": {"file_id": "a", "file_unique_id": "a"}},
        "poll": {"poll": {"id": "p", "question": "?",
                          "options": [{"text": "a", "voter_count": 0, "persistent_id": "1"},
                                      {"text": "b", "voter_count": 0, "persistent_id": "2"}],
                          "total_voter_count": 0, "is_closed": False,
                          "is_anonymous": True, "type": "regular", "allows_multiple_answers": False,
                          "allows_revoting": False, "members_only": False}},
        "contact": {"contact": {"phone_number": "+70000000000", "first_name": "Boss"}},
        "dice": {"dice": {"emoji": "🎲", "value": 3}},
        "location": {"location": {"latitude": 55.7, "longitude": 37.6}},
        "venue": {"venue": {"location": {"latitude": 55.7, "longitude": 37.6}, "title": "x", "address": "y"},
                  "location": {"latitude": 55.7, "longitude": 37.6}},
        "story": {"story": {"chat": {"id": 1, "type": "private"}, "id": 1}},
        "video_note": {"video_note": {"file_id": "v", "file_unique_id": "v", "length": 1, "duration": 1}},
        "document": {"document": {"file_id": "d", "file_unique_id": "d", "file_size": 2_000_000_000}},
        "empty_text_caption": {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
                               "caption": ""},
    }  # fmt: skip
    before = sends_to(standin, person.id)
    user_message(standin, person.id, contents[kind])
    await standin.wait_until(lambda: sends_to(standin, person.id) > before)
    await standin.wait_idle()
    assert not errors_in(errors)


async def test_other_update_kinds_are_ignored_without_errors(standin: StandIn, bot: RunningBot, database: Path,
                                                             errors: list[logging.LogRecord]) -> None:  # fmt: skip
    person = Person(standin, 5200)
    menu = await person.start("ru")
    sent = await standin.user_sends(person.id, "что-то")
    await standin.wait_idle()
    user = standin._user(person.id)
    channel = {"id": -100777, "type": "channel", "title": "News"}
    member = {"user": standin.bot_user, "status": "kicked", "until_date": 0}
    now = int(time.time())
    standin.raw_update({"channel_post": {"message_id": 1, "chat": channel, "date": now, "text": "/start"}})
    standin.raw_update({"edited_channel_post": {"message_id": 1, "chat": channel, "date": now, "text": "x",
                                                "edit_date": now}})  # fmt: skip
    standin.raw_update({"my_chat_member": {"chat": standin._chat(person.id).chat, "from": user, "date": now,
                                           "old_chat_member": {"user": standin.bot_user, "status": "member"},
                                           "new_chat_member": member}})  # fmt: skip
    standin.raw_update({"poll_answer": {"poll_id": "p", "user": user, "option_ids": [0],
                                        "option_persistent_ids": ["1"]}})  # fmt: skip
    standin.raw_update({"inline_query": {"id": "1", "from": user, "query": "help", "offset": ""}})
    standin.raw_update({"something_new_from_telegram": {"id": 1, "whatever": [1, 2]}})
    standin.raw_update({"callback_query": {"id": "77", "from": user, "chat_instance": "1", "data": "m",
                                           "inline_message_id": "abc"}})  # fmt: skip
    standin.raw_update({"callback_query": {"id": "78", "from": user, "chat_instance": "1", "game_short_name": "g",
                                           "message": menu}})  # fmt: skip
    await standin.wait_idle()
    before = sends_to(standin, person.id)
    await standin.user_sends(person.id, "исправлено", edited_of=sent["message_id"])
    await standin.wait_until(lambda: sends_to(standin, person.id) > before)
    await standin.wait_idle()
    assert standin.pending_updates() == 0
    assert not errors_in(errors)


@pytest.mark.parametrize("data", ["zzz", "s:no_such_screen", "l:xx", "c:ZZ", "o:a:", "o:a:q:maybe", "o:nope",
                                  "m:extra", "hide2", "f:maybe", "x" * 64, "лучше", "t:claim:1"])  # fmt: skip
async def test_unknown_buttons_say_the_menu_has_changed(standin: StandIn, bot: RunningBot, data: str,
                                                        errors: list[logging.LogRecord]) -> None:  # fmt: skip
    person = Person(standin, 5300)
    menu = await person.start("kk")
    query_id = await standin.press(person.id, menu["message_id"], data)
    await standin.wait_until(lambda: standin.callback_answer(query_id) is not None)
    await standin.wait_idle()
    answer = standin.callback_answer(query_id) or {}
    if data.startswith("t:"):
        assert answer.get("show_alert"), "an operator's button pressed by a user: refused"
    elif data.startswith("o:a:"):
        assert person.with_buttons()  # a stale answer shows the current question again
    else:
        last = person.with_buttons()
        assert any(d == "talk" for _, d in buttons(last)), "the main menu"
    assert not errors_in(errors)


async def test_operators_commands_only_for_operators_in_their_places(standin: StandIn, bot: RunningBot,
                                                                     database: Path) -> None:  # fmt: skip
    person = Person(standin, 5400)
    await person.start("ru")
    await person.send(URGENT)
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    for command in ("/claim 1", "/close 1", "/queue", "/stats", "/oncall", "/note 1 hi", "/say 1 passport"):
        reply = await person.send(command)
        assert "operators" in reply["text"].lower(), (command, reply["text"])
    refused = query(database, "SELECT actor_id, detail FROM audit WHERE action = 'refused'")
    assert len(refused) >= 6 and all(actor == person.id for actor, _ in refused)
    state = query(database, "SELECT state FROM tickets WHERE id = 1")[0][0]
    assert state == "open"
    # A stranger in the operators' group is refused too.
    standin.add_user(STRANGER)
    await standin.group_sends(GROUP_ID, STRANGER, "/claim 1")
    await standin.wait_until(lambda: len(query(database, "SELECT 1 FROM audit WHERE actor_id = ?", STRANGER)) >= 1)
    # An operator in some other group: not a place for operators' commands.
    standin.add_group(-100555, "Elsewhere", is_forum=False)
    before = len(standin.calls)
    await standin.group_sends(-100555, OPERATORS[0], "/claim 1")
    await standin.wait_idle()
    assert not [c for c in standin.calls[before:] if c.params.get("chat_id") == -100555]
    assert query(database, "SELECT state FROM tickets WHERE id = 1")[0][0] == "open"
    # In the operator's own private chat, it works.
    standin.add_user(OPERATORS[0])
    await standin.user_sends(OPERATORS[0], "/claim 1")
    await standin.wait_until(lambda: query(database, "SELECT state FROM tickets WHERE id = 1")[0][0] == "claimed")


async def test_an_update_nobody_can_read_stalls_nothing(standin: StandIn, bot: RunningBot, database: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    """Telegram adds fields, and a proxy may mangle one: an update python-telegram-bot cannot parse must not
    stop the polling (it would fail the same batch for ever), nor land in a log with its text."""
    caplog.set_level(logging.INFO)
    person, other = Person(standin, 5300), Person(standin, 5301)
    await person.start("ru")
    await other.start("kk")
    chat, user = standin._chat(person.id).chat, standin._user(person.id)
    standin.raw_update({"message": {"message_id": 9_999, "chat": chat, "from": user, "date": "yesterday",
                                    "text": "тайна Помогите"}})  # fmt: skip
    standin.raw_update({"message": {"message_id": 9_998, "chat": "not a chat", "date": 0, "text": "тайна"}})
    before = sends_to(standin, other.id)
    await standin.user_sends(other.id, URGENT)
    await standin.wait_until(lambda: sends_to(standin, other.id) > before, 10)
    await standin.wait_idle()
    assert standin.pending_updates() == 0
    assert query(database, "SELECT COUNT(*) FROM inbox") == [(0,)], "handled, so gone from the inbox"
    assert not [r for r in caplog.records if "тайна" in r.getMessage() or "тайна" in (r.exc_text or "")]
    assert [r for r in caplog.records if "could not be read" in r.getMessage()], "each is logged, by id and kind"
