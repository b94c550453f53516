"""Telegram refuses some messages for good. Such a row is never retried for hours: its fallback goes out
(a short card and the user's words as a file; the stored text instead of a refused copy), or it is set
aside, the operators are told once in the ticket's topic, and the messages behind it still arrive."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, Person, RunningBot

from bot.escalation.dispatcher import LONG_CARD_NOTE
from bot.standin.server import StandIn
from bot.stats.metrics import services_collector

OPERATOR = OPERATORS[0]
SOS = "🆘" * 2065  # 2,065 characters but 4,130 UTF-16 units: over Telegram's 4,096


def in_topic(standin: StandIn, thread: int) -> list[dict[str, Any]]:
    return [m for m in standin.chat_messages(GROUP_ID) if m.get("message_thread_id") == thread]


def card(standin: StandIn) -> dict[str, Any] | None:
    found = [m for m in standin.bot_messages(GROUP_ID) if "ticket #1" in (m.get("text") or "")
             and (m.get("reply_markup") or {}).get("inline_keyboard")]  # fmt: skip
    return found[0] if found else None


def outbox(database: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT kind, state, last_error FROM outbox ORDER BY id").fetchall()


async def open_by_talking(standin: StandIn, person: Person, text: str) -> int:
    await person.start("ru")
    await person.send("/help")
    await standin.user_sends(person.id, text)
    await standin.wait_until(lambda: card(standin) is not None, timeout=10)
    found = card(standin)
    assert found is not None
    return int(found["message_thread_id"])


def test_the_standin_counts_length_as_telegram_does() -> None:
    assert len(SOS) == 2065 and len(SOS.encode("utf-16-le")) // 2 == 4130


async def test_a_card_too_long_for_telegram_is_a_short_card_and_a_file(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 6100)
    thread = await open_by_talking(standin, person, SOS)
    shown = card(standin)
    assert shown is not None and LONG_CARD_NOTE in shown["text"] and "ticket #1" in shown["text"]
    await standin.wait_until(lambda: any("document" in m for m in in_topic(standin, thread)))
    document = next(m for m in in_topic(standin, thread) if "document" in m)
    assert document["document"]["file_name"] == "ticket-1.txt"
    assert document["document"]["file_size"] > len(SOS.encode())  # every emoji is there
    # The lane moved on: the user's next message reaches the topic.
    await standin.user_sends(person.id, "Я в Казани")
    await standin.wait_until(lambda: any(m.get("text") == "Я в Казани" for m in in_topic(standin, thread)))


async def test_a_card_telegram_refuses_as_too_long_falls_back_to_the_short_card(standin: StandIn,
                                                                                 bot: RunningBot) -> None:  # fmt: skip
    standin.inject("sendMessage", "too_long", chat_id=GROUP_ID)  # Telegram counts otherwise than we do
    person = Person(standin, 6150)
    thread = await open_by_talking(standin, person, "Помогите, у меня забрали паспорт")
    shown = card(standin)
    assert shown is not None and LONG_CARD_NOTE in shown["text"]
    await standin.wait_until(lambda: any("document" in m for m in in_topic(standin, thread)))


async def test_a_copy_telegram_refuses_reaches_the_user_as_its_stored_text(standin: StandIn, bot: RunningBot) -> None:
    """A Bot API without copyMessage (404), then an operator's message deleted before it was copied."""
    person = Person(standin, 6200)
    thread = await open_by_talking(standin, person, "Помогите, у меня забрали паспорт")
    standin.inject("copyMessage", "not_found", chat_id=person.id)
    await standin.group_sends(GROUP_ID, OPERATOR, "Где вы сейчас?", thread_id=thread)
    await standin.wait_until(lambda: "Где вы сейчас?" in person.texts(), timeout=10)

    def delete_first(params: dict[str, Any]) -> bool:  # the operator deletes it as the bot copies it
        standin._chat(GROUP_ID).messages[int(params["message_id"])].deleted = True
        standin.unhook("copyMessage")
        return False

    standin.hook("copyMessage", delete_first)
    await standin.group_sends(GROUP_ID, OPERATOR, "Вы можете говорить?", thread_id=thread)
    await standin.wait_until(lambda: "Вы можете говорить?" in person.texts(), timeout=10)
    assert not [row for row in outbox(bot.settings.database) if row[1] == "dead"], "nothing set aside"


async def test_a_refused_row_is_set_aside_the_operators_told_once_and_the_lane_moves_on(
    standin: StandIn, bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    person = Person(standin, 6300)
    thread = await open_by_talking(standin, person, "Помогите, у меня забрали паспорт")
    caplog.set_level(logging.WARNING, logger="bot.escalation.dispatcher")
    started = asyncio.get_running_loop().time()
    for _ in range(2):  # two voice notes, each gone before it could be copied: nothing stored to send instead
        standin.inject("copyMessage", "not_found", chat_id=person.id)
        standin.inject("copyMessage", "not_found", chat_id=person.id)
        await standin.group_sends(GROUP_ID, OPERATOR, None, thread_id=thread, voice=True)
    await standin.group_sends(GROUP_ID, OPERATOR, "Вы меня слышите?", thread_id=thread)
    await standin.wait_until(lambda: "Вы меня слышите?" in person.texts(), timeout=10)
    assert asyncio.get_running_loop().time() - started < 8, "no retries for hours"

    notices = [m for m in in_topic(standin, thread) if "could not be delivered" in (m.get("text") or "")]
    assert len(notices) == 1, "told once"
    set_aside = [row for row in outbox(bot.settings.database) if row[1] == "dead"]
    assert [(kind, reason) for kind, _, reason in set_aside] == [("user_copy", "unknown_method")] * 2
    lines = [r.getMessage() for r in caplog.records if "set aside" in r.getMessage()]
    assert len(lines) == 2 and all("user_copy" in line and "unknown_method" in line for line in lines)
    metrics = bot.app.bot_data["metrics"] if bot.app else None
    await services_collector(bot.services, metrics)()
    assert 'helpline_outbox_set_aside_total{kind="user_copy",reason="unknown_method"} 2.0' in metrics.render().decode()


async def test_an_outage_is_retried_and_delivers_once(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 6400)
    thread = await open_by_talking(standin, person, "Помогите, у меня забрали паспорт")
    standin.inject("copyMessage", "server_error", times=2, chat_id=GROUP_ID)
    await standin.user_sends(person.id, "Я на складе")
    await standin.wait_until(lambda: any(m.get("text") == "Я на складе" for m in in_topic(standin, thread)), timeout=10)
    await standin.wait_idle()
    assert [m.get("text") for m in in_topic(standin, thread)].count("Я на складе") == 1
    assert len(standin.calls_to("copyMessage", ok=False)) == 2
