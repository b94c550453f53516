"""/forget through the stand-in: after the confirmation, no row of any table of the real SQLite file holds
the user's chat id or anything they (or an operator, to them) wrote; counts and timings stay."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, buttons, make_settings
from support.rows import rows_holding

from bot.standin.server import StandIn

CHAT = 918273645  # no timestamp, count or id of anything else contains these digits
URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы, я в Подольске"
LATER = "Нас здесь пятеро, хозяин Бахтияр"
ANSWER = "Оператор: вы в безопасности? Позвоните 112."
OFFERS = Path(__file__).parents[1] / "data" / "offers"


def query(database: Path, sql: str, *params: object) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, params)]


async def press(person: Person, data: str) -> dict[str, Any]:
    message = person.with_buttons()
    found = [d for _, d in buttons(message) if d.startswith(data)]
    assert found, (data, buttons(message))

    async def act() -> None:
        await person.standin.press(person.id, message["message_id"], found[0])

    return await person._answered(act)


async def test_forget_leaves_no_row_naming_the_user(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, CHAT, language_code="ru")
    await person.start("ru-border7")
    await press(person, "o:menu")
    await press(person, "o:guided")
    await press(person, "o:a:")  # one answer: the check's state is stored
    assert query(database, "SELECT check_state FROM users WHERE chat_id = ?", CHAT)[0]["check_state"]
    await press(person, "o:quit")
    await press(person, "o:menu")
    await press(person, "o:paste")
    offer = (OFFERS / "ru" / "d02.txt").read_text(encoding="utf-8")
    await person.send(offer)
    await person.send("/silent")
    await person.send("/claim 1")  # a user trying an operator's command: refused, audited
    await press(person, "m")
    await press(person, "o:menu")
    await press(person, "o:guided")  # and a check left half-way
    await press(person, "o:a:")
    await person.send(URGENT)
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    thread = next(m["message_thread_id"] for m in standin.bot_messages(GROUP_ID) if m.get("message_thread_id"))
    await standin.group_sends(GROUP_ID, OPERATORS[0], ANSWER, thread_id=thread)
    await standin.wait_until(lambda: any(m.get("text") == ANSWER for m in standin.bot_messages(CHAT)))
    await standin.user_sends(CHAT, LATER)
    await standin.wait_until(lambda: any(m.get("text") == LATER for m in standin.chat_messages(GROUP_ID)))
    await standin.wait_idle(timeout=10)
    needles: list[str | int] = [CHAT, URGENT, LATER, ANSWER, offer[:40], "border7", "Подольске"]
    assert rows_holding(database, needles), "the test would see the user's traces"

    confirm = await person.send("/forget")
    assert {d for _, d in buttons(confirm)} >= {"f:yes", "f:no"}
    done = await press(person, "f:yes")
    await standin.wait_until(lambda: any("forget them" in (m.get("text") or "")
                                         for m in standin.chat_messages(GROUP_ID)))  # fmt: skip
    await standin.wait_idle(timeout=10)

    leftover = rows_holding(database, needles)
    assert leftover == [("start_counts", "source", "border7")], leftover  # the anonymous count of starts
    ticket = query(database, "SELECT * FROM tickets WHERE id = 1")[0]
    assert ticket["state"] == "closed" and ticket["user_id"] is None
    assert all(ticket[k] for k in ("created_at", "shown_at", "claimed_at", "first_answer_at", "closed_at"))
    assert ticket["category"] and ticket["lang"] == "ru"
    assert query(database, "SELECT COUNT(*) AS n FROM ticket_messages WHERE ticket_id = 1")[0]["n"] >= 3
    actions = [row["action"] for row in query(database, "SELECT action FROM audit WHERE ticket_id = 1 ORDER BY id")]
    assert actions[-2:] == ["forgotten", "erased from the operators' group"]
    assert query(database, "SELECT COUNT(*) AS n FROM audit WHERE action = 'refused' AND actor_id IS NULL")[0]["n"] == 1
    assert query(database, "SELECT SUM(count) AS n FROM start_counts")[0]["n"] == 1
    assert query(database, "SELECT COUNT(*) AS n FROM events")[0]["n"] >= 1, "checks and scans stay counted"
    assert query(database, "SELECT COUNT(*) AS n FROM users")[0]["n"] == 0
    # The operators' group keeps nothing of it: the ticket's topic is deleted; the notice is in General.
    assert thread not in [topic["message_thread_id"] for topic in standin.topics(GROUP_ID)]
    group_texts = [m.get("text") or "" for m in standin.chat_messages(GROUP_ID)]
    assert not [t for t in group_texts if any(said in t for said in (URGENT, LATER, ANSWER, "Подольск"))]
    notice = next(m for m in standin.chat_messages(GROUP_ID) if "forget them" in (m.get("text") or ""))
    assert not notice.get("message_thread_id")
    # The chat itself is emptied too (afterwards its message ids would be gone): one plain line is left.
    assert [m["message_id"] for m in standin.chat_messages(CHAT)] == [done["message_id"]]
    # Coming back later is a fresh start: no language, nothing remembered.
    again = await person.send("привет")
    assert any(d.startswith("l:") for _, d in buttons(again)) or "talk" in {d for _, d in buttons(again)}


async def test_no_keeps_everything(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, CHAT + 1)
    await person.start("kk")
    await person.send("/forget")
    menu = await press(person, "f:no")
    assert any(d == "talk" for _, d in buttons(menu))
    assert query(database, "SELECT lang FROM users WHERE chat_id = ?", CHAT + 1)[0]["lang"] == "kk"


async def forgotten_after_a_ticket(standin: StandIn, person: Person, group: int) -> list[str]:
    """Open a ticket, relay one more message, answer it from the group, then /forget: the group's texts."""
    await person.start("ru")
    await person.send(URGENT)
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(group)))
    await standin.user_sends(person.id, LATER)
    await standin.wait_until(lambda: any(m.get("text") == LATER for m in standin.chat_messages(group)))
    relayed = next(m for m in standin.chat_messages(group) if m.get("text") == LATER)
    thread = relayed.get("message_thread_id")
    await standin.group_sends(group, OPERATORS[0], ANSWER, thread_id=thread, reply_to=relayed["message_id"])
    await standin.wait_until(lambda: any(m.get("text") == ANSWER for m in standin.bot_messages(person.id)))
    await person.send("/forget")
    await press(person, "f:yes")
    await standin.wait_until(lambda: any("forget them" in (m.get("text") or "") for m in standin.chat_messages(group)))
    await standin.wait_idle(timeout=10)
    return [m.get("text") or "" for m in standin.chat_messages(group)]


async def test_forget_in_a_group_without_topics_deletes_the_card_copies_and_answers(
    standin: StandIn, database: Path, clock: FakeClock
) -> None:
    standin.add_group(GROUP_ID - 1, "Plain group", is_forum=False)
    running = await RunningBot(make_settings(standin, database, operator_chat_id=GROUP_ID - 1), clock).start()
    try:
        left = await forgotten_after_a_ticket(standin, Person(standin, CHAT + 2), GROUP_ID - 1)
    finally:
        await running.stop()
    assert not [t for t in left if any(said in t for said in (URGENT, LATER, ANSWER, "ticket #1"))], left
    assert any("forget them" in t for t in left)


async def test_a_topic_the_bot_may_not_delete_is_left_to_the_operators(
    standin: StandIn, bot: RunningBot, database: Path
) -> None:
    standin.deny_deleting(GROUP_ID)
    left = await forgotten_after_a_ticket(standin, Person(standin, CHAT + 3), GROUP_ID)
    await standin.wait_until(lambda: any("delete them by hand" in (m.get("text") or "")
                                         for m in standin.chat_messages(GROUP_ID)))  # fmt: skip
    assert any(LATER in t for t in left), "still there: people must delete it"
    assert query(database, "SELECT COUNT(*) AS n FROM ticket_messages WHERE text IS NOT NULL")[0]["n"] == 0


async def test_forget_empties_the_chat_when_batch_deleting_fails(standin: StandIn, bot: RunningBot) -> None:
    """deleteMessages refused (a Bot API without it): the chat is emptied one message at a time."""
    person = Person(standin, CHAT + 4)
    await person.start("ru")
    await person.send("что-то непонятное")
    await person.send("/forget")
    standin.inject("deleteMessages", "not_found", times=10)
    done = await press(person, "f:yes")
    await standin.wait_idle()
    assert [m["message_id"] for m in standin.chat_messages(person.id)] == [done["message_id"]]
