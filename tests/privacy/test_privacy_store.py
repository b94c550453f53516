"""Hide, forget and purge over a real SQLite file, without Telegram: what is deleted, what stays."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from support.harness import FakeClock
from support.rows import rows_holding

from bot.privacy import service
from bot.storage import Store
from bot.storage.outbox import GroupCopy, GroupText, UserText

CHAT = 918273645  # a chat id no timestamp or count could contain by chance
GROUP = -1001234567890
SAID = "меня держат на складе в Подольске, паспорт забрали"
ANSWERED = "Hello, are you safe now? Call 112 if you can."


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()



async def a_user_with_a_ticket(store: Store) -> int:
    async with store.tx() as tx:
        user = await tx.users.get_or_create(CHAT)
        await tx.users.update(CHAT, lang="ru", source="border1", country="RU", check_state='{"index": 2}')
        for message_id in range(1, 6):
            await tx.users.remember_message(CHAT, message_id)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category="documents", lang="ru",
                                         source="border1", country="RU", pseudonym="Quiet Crane 42")  # fmt: skip
        await tx.tickets.add_message(ticket.id, "user", "text", SAID, chat_id=CHAT, message_id=3)
        await tx.tickets.add_message(ticket.id, "operator", "text", ANSWERED, message_id=77, operator_id=7001)
        await tx.outbox.add(GroupCopy(chat_id=GROUP, from_chat_id=CHAT, message_id=3), ticket.id)
        await tx.outbox.add(GroupText(chat_id=GROUP, text=f"(user, copy unavailable) {SAID}"), ticket.id)
        await tx.outbox.add(UserText(chat_id=CHAT, text="ack"), ticket.id)
        await tx.tickets.audit(None, CHAT, "refused", "claim")  # once tried /claim
        await tx.stats.count_start("border1", "ru")
    return ticket.id


async def test_hide_lists_the_last_48_hours_in_batches_of_100(store: Store, clock: FakeClock) -> None:
    async with store.tx() as tx:
        await tx.users.remember_message(CHAT, 1)
    clock.advance(hours=49)
    async with store.tx() as tx:
        for message_id in range(2, 252):
            await tx.users.remember_message(CHAT, message_id)
    batches = await service.messages_to_hide(store, CHAT)
    assert [len(b) for b in batches] == [100, 100, 50]
    assert 1 not in batches[0], "older than 48 hours: Telegram would refuse it"
    assert await service.hidden(store, CHAT, [m for b in batches for m in b], GROUP) is None
    assert await service.messages_to_hide(store, CHAT) == []


async def test_hide_keeps_the_ticket_and_tells_the_operators(store: Store) -> None:
    ticket_id = await a_user_with_a_ticket(store)
    assert await service.hidden(store, CHAT, [1, 2, 3], GROUP) == ticket_id
    assert await service.messages_to_hide(store, CHAT) == [[4, 5]], "ids not deleted stay for the next hide"
    async with store.read() as tx:
        ticket = await tx.tickets.get(ticket_id)
    assert ticket is not None and ticket.state == "open"
    with sqlite3.connect(store.path) as connection:
        payloads = [p for (p,) in connection.execute("SELECT payload FROM outbox WHERE lane = ?", (GROUP,))]
    assert any("the user hid the chat" in payload for payload in payloads)


async def test_forget_leaves_no_trace_of_the_user_but_keeps_counts_and_times(store: Store) -> None:
    ticket_id = await a_user_with_a_ticket(store)
    closed = await service.forget(store, CHAT, GROUP)
    assert closed == [ticket_id]
    assert rows_holding(store.path, [CHAT, SAID, ANSWERED, "border1"]) == [("start_counts", "source", "border1")], \
        "only the anonymous count of starts per leaflet source names the source"  # fmt: skip
    with sqlite3.connect(store.path) as connection:
        connection.row_factory = sqlite3.Row
        ticket = dict(connection.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone())
        messages = connection.execute("SELECT direction, kind, text FROM ticket_messages").fetchall()
        audit = [a for (a,) in connection.execute("SELECT action FROM audit WHERE ticket_id = ? ORDER BY id",
                                                  (ticket_id,))]  # fmt: skip
        notices = [json.loads(p)["text"] for (p,) in connection.execute(
            "SELECT payload FROM outbox WHERE kind = 'group_text'")]  # fmt: skip
    assert ticket["state"] == "closed" and ticket["user_id"] is None and ticket["created_at"] and ticket["closed_at"]
    assert ticket["category"] == "documents" and ticket["lang"] == "ru"
    assert [(d, k, t) for d, k, t in messages] == [("user", "text", None), ("operator", "text", None)]
    assert audit[-1] == "forgotten"
    assert notices == [f"Ticket #{ticket_id} is closed: the user asked the helpline to forget them."]


async def test_forget_of_someone_unknown_is_harmless(store: Store) -> None:
    assert await service.forget(store, CHAT, GROUP) == []


async def test_retention_purges_texts_of_tickets_closed_long_ago(store: Store, clock: FakeClock) -> None:
    ticket_id = await a_user_with_a_ticket(store)
    async with store.tx() as tx:
        await tx.tickets.close(ticket_id, "helped")
        await tx.tickets.set_fields(ticket_id, thread_id=77)  # its topic in the operators' group
        user = await tx.users.get(CHAT)
        assert user is not None
        other = await tx.tickets.create(user_id=user.id, urgent=False, kind="help", category=None, lang="ru",
                                        source=None, country=None, pseudonym="Calm Heron 7")  # fmt: skip
        await tx.tickets.add_message(other.id, "user", "text", "still open, still needed", chat_id=CHAT, message_id=9)
    clock.advance(days=29)
    assert await service.purge(store, dt.timedelta(days=30), GROUP) == 0
    assert rows_holding(store.path, [SAID])
    clock.advance(days=2)
    assert await service.purge(store, dt.timedelta(days=30), GROUP) == 1
    assert rows_holding(store.path, [SAID, ANSWERED]) == []
    assert rows_holding(store.path, ["still open, still needed"]), "an open ticket keeps its texts"
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM sent_messages").fetchone() == (0,), "ids older than 48 h"
        row = connection.execute("SELECT created_at, closed_at, category FROM tickets WHERE id = ?", (ticket_id,))
        assert all(row.fetchone())
        erase = connection.execute("SELECT lane, payload FROM outbox WHERE kind = 'group_erase'").fetchall()
    assert [(lane, json.loads(payload)["thread_id"]) for lane, payload in erase] == [(GROUP, 77)], "topic goes too"
    assert await service.purge(store, dt.timedelta(days=30), GROUP) == 0, "purged once"
