"""The Dispatcher on its own: a real SQLite file, the test clock, and the Telegram stand-in as the Bot API.
Rows are queued by hand (some in the shape older versions wrote), and what reached which chat is read back
from the stand-in; how each row ended is read from the file."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, TOKEN, FakeClock, shipped_content
from support.rows import peek, poke
from telegram import Bot

from bot.escalation.dispatcher import Dispatcher
from bot.standin.server import StandIn
from bot.storage import Store
from bot.storage.base import iso
from bot.storage.outbox import GroupText, Ping, UserText

USER = 5_550_202
OPERATOR = OPERATORS[0]
SECRET = "меня держат на складе"  # a message's words: they must never reach a log line
pytestmark = pytest.mark.both_backends



@pytest.fixture
async def dispatcher(standin: StandIn, store: Store) -> AsyncIterator[Dispatcher]:
    standin.add_user(USER, first_name="Test", language_code="ru")
    base = standin.base_url
    async with Bot(TOKEN, base_url=base, base_file_url=base.replace("/bot", "/file/bot")) as bot:
        running = Dispatcher(bot, store, shipped_content(), GROUP_ID, {})
        running.start()
        yield running
        await running.stop()


def rows(store: Store) -> list[dict[str, Any]]:
    return peek(store.target, "SELECT * FROM outbox ORDER BY id")


async def eventually(holds: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Wait for the file to show something (the stand-in's wait_until sees only its own changes)."""
    async with asyncio.timeout(timeout):
        while not holds():  # noqa: ASYNC110 - a file changes without an event to wait on
            await asyncio.sleep(0.02)


def texts(standin: StandIn, chat_id: int) -> list[str]:
    return [m.get("text") or "" for m in standin.bot_messages(chat_id)]


async def a_ticket(store: Store) -> int:
    async with store.tx() as tx:
        user = await tx.users.get_or_create(USER)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category=None, lang="ru",
                                         source=None, country=None, pseudonym="Quiet Crane 7")  # fmt: skip
    return ticket.id


def old_row(store: Store, lane: int, kind: str, payload: dict[str, Any] | str, ticket_id: int | None = None) -> None:
    """A row as an older version wrote it (its shape, or a kind this version no longer knows)."""
    payload = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    stamp = iso(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    poke(store.target, "INSERT INTO outbox (lane, kind, ticket_id, payload, not_before, created_at) "
         "VALUES (?, ?, ?, ?, ?, ?)", (lane, kind, ticket_id, payload, stamp, stamp))


async def test_each_lane_in_order_and_lanes_side_by_side(standin: StandIn, store: Store,
                                                         dispatcher: Dispatcher) -> None:  # fmt: skip
    standin.throttle(USER, 2)  # the user's chat is held up by a flood wait; the group's lane is not
    async with store.tx() as tx:
        for n in range(3):
            await tx.outbox.add(UserText(chat_id=USER, text=f"to the user {n}"))
        for n in range(6):
            await tx.outbox.add(GroupText(chat_id=GROUP_ID, text=f"to the group {n}"))
    await standin.wait_until(lambda: len(texts(standin, GROUP_ID)) == 6, timeout=1.5)
    assert texts(standin, GROUP_ID) == [f"to the group {n}" for n in range(6)]
    assert texts(standin, USER) == [], "still held up"
    await standin.wait_until(lambda: len(texts(standin, USER)) == 3, timeout=10)
    assert texts(standin, USER) == [f"to the user {n}" for n in range(3)], "in order, nothing overtaken"
    await eventually(lambda: {row["state"] for row in rows(store)} == {"sent"})


async def test_rows_written_before_messages_were_typed_still_go(standin: StandIn, store: Store,
                                                               dispatcher: Dispatcher) -> None:  # fmt: skip
    ticket_id = await a_ticket(store)
    old_row(store, GROUP_ID, "group_text", {"text": "an old line", "notice": True})
    old_row(store, USER, "user_text", {"chat_id": USER, "text": "old, with a button", "silent": True,
                                       "rows": [[["Hide this chat", "hide"]]]}, ticket_id)  # fmt: skip
    old_row(store, OPERATOR, "ping", {"chat_id": OPERATOR, "text": "an old ping"}, ticket_id)
    dispatcher.wake()
    await standin.wait_until(lambda: len(texts(standin, OPERATOR)) == 1 and len(texts(standin, USER)) == 1)
    await standin.wait_until(lambda: len(texts(standin, GROUP_ID)) == 1)
    assert texts(standin, GROUP_ID) == ["an old line"] and texts(standin, OPERATOR) == ["an old ping"]
    sent = standin.bot_messages(USER)[0]
    assert sent["text"] == "old, with a button"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "hide"


async def test_a_transient_failure_waits_longer_each_time(standin: StandIn, store: Store, clock: FakeClock,
                                                          dispatcher: Dispatcher) -> None:  # fmt: skip
    standin.inject("sendMessage", "server_error", times=3, chat_id=GROUP_ID)
    async with store.tx() as tx:
        await tx.outbox.add(GroupText(chat_id=GROUP_ID, text="through the outage"))
    waits = []
    for attempts in (1, 2, 3):
        await eventually(lambda n=attempts: rows(store)[0]["attempts"] == n)
        row = rows(store)[0]
        assert row["state"] == "pending" and row["last_error"] == "network"
        waits.append((dt.datetime.fromisoformat(row["not_before"]) - clock.now()).total_seconds())
        clock.advance(seconds=2**attempts)  # the backoff passes at once
        dispatcher.wake()
    assert [round(wait) for wait in waits] == [1, 2, 4], "1 s, 2 s, 4 s: doubling"
    await standin.wait_until(lambda: texts(standin, GROUP_ID) == ["through the outage"])
    await eventually(lambda: rows(store)[0]["state"] == "sent")
    assert rows(store)[0]["attempts"] == 4


async def test_retry_after_is_honoured(standin: StandIn, store: Store, clock: FakeClock,
                                       dispatcher: Dispatcher) -> None:  # fmt: skip
    standin.inject("sendMessage", "retry_after", retry_after=30, chat_id=GROUP_ID)
    async with store.tx() as tx:
        await tx.outbox.add(GroupText(chat_id=GROUP_ID, text="after the flood wait"))
    await eventually(lambda: rows(store)[0]["attempts"] == 1)
    row = rows(store)[0]
    assert row["last_error"] == "retry_after"
    wait = (dt.datetime.fromisoformat(row["not_before"]) - clock.now()).total_seconds()
    assert 28 < wait <= 30, "Telegram's 30 s, not the backoff's 1 s"
    dispatcher.wake()
    with pytest.raises(TimeoutError):
        await standin.wait_until(lambda: bool(texts(standin, GROUP_ID)), timeout=1.5)
    clock.advance(seconds=30)
    dispatcher.wake()
    await standin.wait_until(lambda: texts(standin, GROUP_ID) == ["after the flood wait"])


async def test_a_refused_row_is_set_aside_once_and_its_lane_moves_on(standin: StandIn, store: Store,
                                                                    dispatcher: Dispatcher) -> None:  # fmt: skip
    ticket_id = await a_ticket(store)
    standin.inject("sendMessage", "forbidden", chat_id=OPERATOR)  # the operator never pressed Start
    async with store.tx() as tx:
        await tx.outbox.add(Ping(chat_id=OPERATOR, text="first ping"), ticket_id)
        await tx.outbox.add(Ping(chat_id=OPERATOR, text="second ping"), ticket_id)
    await standin.wait_until(lambda: texts(standin, OPERATOR) == ["second ping"])
    await standin.wait_until(lambda: any("could not be pinged" in text for text in texts(standin, GROUP_ID)))
    first = rows(store)[0]
    assert (first["state"], first["last_error"], first["attempts"]) == ("dead", "forbidden", 1)
    assert dispatcher.set_aside == {("ping", "forbidden"): 1}
    told = [text for text in texts(standin, GROUP_ID) if "could not be pinged" in text]
    assert told == [f"Ticket #{ticket_id}: operator {OPERATOR} could not be pinged: they need to open a private "
                    "chat with the bot and press Start (forbidden)."]  # fmt: skip


async def test_a_row_that_cannot_be_read_is_set_aside_not_retried(standin: StandIn, store: Store,
                                                                 dispatcher: Dispatcher,
                                                                 caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    caplog.set_level(logging.INFO)
    ticket_id = await a_ticket(store)
    old_row(store, GROUP_ID, "carrier_pigeon", {"text": SECRET}, ticket_id)  # a kind no longer known
    old_row(store, GROUP_ID, "group_text", {"text": [SECRET]})  # a payload of the wrong shape
    old_row(store, GROUP_ID, "group_text", "{not json")
    old_row(store, GROUP_ID, "group_text", {"text": "the lane moves on"})
    dispatcher.wake()
    await standin.wait_until(lambda: "the lane moves on" in texts(standin, GROUP_ID))
    await standin.wait_until(lambda: len(texts(standin, GROUP_ID)) == 2)
    await eventually(lambda: rows(store)[3]["state"] == "sent")
    states = [(row["kind"], row["state"], row["last_error"], row["attempts"]) for row in rows(store)]
    assert states[:4] == [("carrier_pigeon", "dead", "undecodable", 1), ("group_text", "dead", "undecodable", 1),
                          ("group_text", "dead", "undecodable", 1), ("group_text", "sent", None, 1)]  # fmt: skip
    assert dispatcher.set_aside == {("carrier_pigeon", "undecodable"): 1, ("group_text", "undecodable"): 2}
    told = [text for text in texts(standin, GROUP_ID) if text != "the lane moves on"]
    assert told == [f"Ticket #{ticket_id}: a queued message of an older version could not be read; /queue lists "
                    "the ticket (undecodable)."], "the ticket's operators hear of it once"  # fmt: skip
    reported = [r.getMessage() for r in caplog.records if "set aside" in r.getMessage()]
    assert len(reported) == 3, reported
    assert "bad fields: text" in reported[1] and "not JSON" in reported[2]
    assert not [r for r in caplog.records if SECRET in r.getMessage() or (r.exc_text and SECRET in r.exc_text)]
    assert len(rows(store)) == 5, "nothing queued again"
