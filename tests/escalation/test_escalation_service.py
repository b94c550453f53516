"""Escalation on its own: a real SQLite file (and a PostgreSQL database), the real content and catalogs, the test
clock, no Telegram. What each step must cause is read back from the outbox, decoded into its typed messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.harness import GROUP_ID, OPERATORS, TOKEN, FakeClock, shipped_content
from support.rows import peek

from bot.escalation.service import Escalation, Incoming
from bot.escalation.triage import TriageResult
from bot.i18n.catalogs import I18n
from bot.paths import CONTENT_DIR, LOCALES_DIR
from bot.settings import load_settings
from bot.storage import Store
from bot.storage.outbox import Card, CardRefresh, GroupCopy, GroupText, OutboxMessage, Ping, UserText, decode
from bot.storage.tickets import Ticket
from bot.storage.users import User

CHAT = 5_550_101
ON_CALL, OTHER = OPERATORS
pytestmark = pytest.mark.both_backends



@pytest.fixture
def esc(store: Store, clock: FakeClock, tmp_path: Path) -> Escalation:
    content = shipped_content()
    settings = load_settings(bot_token=TOKEN, database=tmp_path / "helpline.db", operator_chat_id=GROUP_ID,
                             operator_ids=",".join(map(str, OPERATORS)), content_dir=CONTENT_DIR)  # fmt: skip
    assert settings.unclaimed_minutes == (2, 5, 10) and settings.claimed_silence_minutes == 15
    return Escalation(store, content, I18n(content.languages, LOCALES_DIR), settings, clock)


class Outbox:
    """The rows written so far, read straight from the file, and which of them are new."""

    def __init__(self, store: Store) -> None:
        self.target = store.target
        self.seen = 0

    def new(self) -> list[tuple[int | None, OutboxMessage]]:
        rows = peek(self.target, "SELECT id, lane, kind, ticket_id, payload FROM outbox WHERE id > ? ORDER BY id",
                    (self.seen,))  # fmt: skip
        if rows:
            self.seen = rows[-1]["id"]
        return [(row["ticket_id"], decode(row["kind"], row["lane"], row["payload"])) for row in rows]


async def a_user(store: Store, lang: str = "ru") -> User:
    async with store.tx() as tx:
        await tx.users.get_or_create(CHAT)
        await tx.users.update(CHAT, lang=lang)
        user = await tx.users.get(CHAT)
    assert user is not None
    return user


async def on_call(esc: Escalation, operator: int = ON_CALL) -> None:
    await esc.set_on_call(operator, True)


async def opened(esc: Escalation, user: User, update_id: int = 1, *, urgent: bool = True) -> Ticket:
    incoming = Incoming(update_id=update_id, chat_id=CHAT, message_id=10 + update_id, kind="text", text="help me")
    ticket = await esc.open_ticket(user, incoming, update_id=update_id, urgent=urgent, category="documents")
    assert ticket is not None
    return ticket


def kinds(rows: list[tuple[int | None, OutboxMessage]]) -> list[tuple[type, int]]:
    return [(type(message), message.chat_id) for _, message in rows]


async def test_a_ticket_writes_its_answer_card_and_pings_in_one_go(esc: Escalation, store: Store) -> None:
    await on_call(esc)
    outbox = Outbox(store)
    user = await a_user(store)
    ticket = await opened(esc, user)
    rows = outbox.new()
    assert kinds(rows) == [(UserText, CHAT), (Card, GROUP_ID), (Ping, ON_CALL)]
    assert all(ticket_id == ticket.id for ticket_id, _ in rows)
    ping = rows[2][1]
    assert isinstance(ping, Ping) and f"URGENT ticket #{ticket.id}" in ping.text
    assert await esc.open_ticket(user, None, update_id=1, urgent=True, category=None) is None, "a replay"
    assert outbox.new() == [], "a replayed update writes nothing"


async def test_a_later_message_is_copied_to_the_topic(esc: Escalation, store: Store) -> None:
    user = await a_user(store)
    ticket = await opened(esc, user)
    outbox = Outbox(store)
    outbox.new()
    again = await esc.open_ticket(user, Incoming(2, CHAT, 12, "text", "still here"), update_id=2, urgent=True,
                                  category=None)  # fmt: skip
    assert again is not None and again.id == ticket.id, "the live ticket, not a second one"
    assert [message for _, message in outbox.new()] == [GroupCopy(chat_id=GROUP_ID, from_chat_id=CHAT, message_id=12)]


async def test_the_ladder_grows_louder_once_per_step(esc: Escalation, store: Store, clock: FakeClock) -> None:
    await on_call(esc)
    user = await a_user(store)
    ticket = await opened(esc, user)
    outbox = Outbox(store)
    outbox.new()

    clock.advance(minutes=1)
    await esc.ladder()
    assert outbox.new() == [], "nothing before the first step"

    clock.advance(minutes=1, seconds=1)
    await esc.ladder()
    rows = outbox.new()
    assert kinds(rows) == [(GroupText, GROUP_ID), (Ping, ON_CALL)], "first step: the on-call operator only"
    assert "waited 2 min" in rows[0][1].text and "on-call operators" in rows[0][1].text  # type: ignore[union-attr]
    await esc.ladder()
    assert outbox.new() == [], "a step is announced once"

    clock.advance(minutes=3)
    await esc.ladder()
    rows = outbox.new()
    assert kinds(rows) == [(GroupText, GROUP_ID), (Ping, ON_CALL), (UserText, CHAT)], "second step: the user hears"
    assert rows[2][1].text == esc.i18n["ru"].text(esc.content.escalation.long_wait)  # type: ignore[union-attr]

    clock.advance(minutes=5)
    await esc.ladder()
    rows = outbox.new()
    assert kinds(rows) == [(GroupText, GROUP_ID), (Ping, ON_CALL), (Ping, OTHER)], "last step: every operator"
    async with store.read() as tx:
        current = await tx.tickets.get(ticket.id)
        assert current is not None and current.ladder_step == 3
        assert await tx.tickets.audited(ticket.id, "announced", "10 min")


async def test_a_late_ladder_announces_every_step_it_missed(esc: Escalation, store: Store, clock: FakeClock) -> None:
    user = await a_user(store)
    await opened(esc, user)
    outbox = Outbox(store)
    outbox.new()
    clock.advance(minutes=11)
    await esc.ladder()
    texts = [message.text for _, message in outbox.new() if isinstance(message, GroupText)]
    assert [text.split(" has waited ")[1].split(".")[0] for text in texts] == ["2 min", "5 min", "10 min"]


async def test_claim_is_one_operators_and_a_silent_claim_goes_back(esc: Escalation, store: Store,
                                                                    clock: FakeClock) -> None:  # fmt: skip
    user = await a_user(store)
    ticket = await opened(esc, user)
    outbox = Outbox(store)
    outbox.new()
    assert (await esc.act(ticket.id, ON_CALL, "claim")).startswith(f"Ticket #{ticket.id} is yours")
    assert [message for _, message in outbox.new()] == [CardRefresh(chat_id=GROUP_ID)]
    refused = await esc.act(ticket.id, OTHER, "claim")
    assert refused == f"Ticket #{ticket.id} is claimed by operator {ON_CALL}; /transfer it first."
    assert outbox.new() == []

    clock.advance(minutes=14)
    await esc.ladder()
    assert outbox.new() == [], "claimed: no ladder, and not silent long enough"
    clock.advance(minutes=1, seconds=1)
    await esc.ladder()
    rows = outbox.new()
    assert kinds(rows) == [(GroupText, GROUP_ID), (CardRefresh, GROUP_ID)]
    assert "back in the queue: no answer for 15 min" in rows[0][1].text  # type: ignore[union-attr]
    async with store.read() as tx:
        current = await tx.tickets.get(ticket.id)
    assert current is not None and current.state == "open" and current.operator_id is None


async def test_transfer_carries_the_notes_and_pings_the_others(esc: Escalation, store: Store) -> None:
    await on_call(esc, ON_CALL)
    await on_call(esc, OTHER)
    user = await a_user(store)
    ticket = await opened(esc, user)
    await esc.act(ticket.id, ON_CALL, "claim")
    await esc.note(ticket.id, ON_CALL, "works at the warehouse, no passport")
    outbox = Outbox(store)
    outbox.new()
    assert await esc.act(ticket.id, ON_CALL, "transfer") == f"Ticket #{ticket.id} is back in the queue."
    rows = outbox.new()
    assert kinds(rows) == [(GroupText, GROUP_ID), (Ping, OTHER), (CardRefresh, GROUP_ID)], "not the one handing over"
    handed = rows[0][1]
    assert isinstance(handed, GroupText) and "• works at the warehouse, no passport" in handed.text
    assert not any(isinstance(message, UserText) for _, message in rows), "the user is told nothing"


async def test_say_sends_the_prepared_answer_in_the_users_language(esc: Escalation, store: Store) -> None:
    user = await a_user(store, "uz")
    ticket = await opened(esc, user)
    outbox = Outbox(store)
    outbox.new()
    key = next(iter(esc.content.canned.answers))
    reply = await esc.say(ticket.id, ON_CALL, key)
    assert reply.startswith("Sent “") and reply.endswith(f"to ticket #{ticket.id} in uz.")
    rows = outbox.new()
    assert kinds(rows) == [(CardRefresh, GROUP_ID), (UserText, CHAT)], "an open ticket is claimed by the answer"
    said = rows[1][1]
    assert isinstance(said, UserText) and said.text == esc.i18n["uz"].text(esc.content.canned.answers[key].text)
    async with store.read() as tx:
        current = await tx.tickets.get(ticket.id)
    assert current is not None and current.state == "claimed" and current.operator_id == ON_CALL

    assert (await esc.say(ticket.id, ON_CALL, "no-such-answer")).startswith("No answer called 'no-such-answer'")
    await esc.act(ticket.id, ON_CALL, "close")
    outbox.new()
    assert await esc.say(ticket.id, ON_CALL, key) == f"Ticket #{ticket.id} is not open."
    assert outbox.new() == []


async def test_an_unanswered_question_opens_an_unconfirmed_ticket(esc: Escalation, store: Store,
                                                                   clock: FakeClock) -> None:  # fmt: skip
    user = await a_user(store)
    verdict = TriageResult(urgent=False, category="documents", lang="ru", matched="паспорт", band="confirm",
                           score=0.6)  # fmt: skip
    asked = await esc.confirms.ask(user, Incoming(7, CHAT, 70, "text", "забрали паспорт"), verdict, offer=False)
    assert asked
    outbox = Outbox(store)
    rows = outbox.new()
    assert kinds(rows) == [(UserText, CHAT)], "the question, with its buttons"
    question = rows[0][1]
    assert isinstance(question, UserText) and len(question.rows) == 3

    clock.advance(minutes=2, seconds=50)
    await esc.ladder()
    assert outbox.new() == [], "still time to answer"
    async with store.read() as tx:
        assert await tx.tickets.live_for_user(user.id) is None

    clock.advance(seconds=11)
    await esc.ladder()
    async with store.read() as tx:
        ticket = await tx.tickets.live_for_user(user.id)
        assert ticket is not None and ticket.urgent and ticket.asked == "unanswered"
        words = [message.text for message in await tx.tickets.messages(ticket.id, "user")]
    assert words == ["забрали паспорт"], "the message the bot asked about is the ticket's first"
    assert [type(message) for _, message in outbox.new()] == [UserText, Card]


async def test_the_store_wakes_its_listeners_after_a_commit_that_queued_rows(store: Store) -> None:
    woken: list[int] = []
    store.on_outbox(lambda: woken.append(1))
    async with store.tx() as tx:
        await tx.users.get_or_create(CHAT)
    assert woken == [], "no outbox row, no wake"
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            await tx.outbox.add(Ping(chat_id=ON_CALL, text="x"))
            raise RuntimeError("rolled back")
    assert woken == [], "a rolled-back row is not there to send"
    async with store.tx() as tx:
        await tx.outbox.add(Ping(chat_id=ON_CALL, text="x"))
        await tx.outbox.add(Ping(chat_id=OTHER, text="y"))
        assert woken == [], "not before COMMIT"
    assert woken == [1], "once per transaction"
    async with store.read() as tx:
        assert await tx.outbox.pending() == 2
