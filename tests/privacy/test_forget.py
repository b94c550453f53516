"""/forget through the stand-in: after the confirmation, no row of any table of the real SQLite file holds
the user's chat id or anything they (or an operator, to them) wrote; counts and timings stay."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from support.harness import GROUP_ID, OPERATORS, Person, RunningBot, buttons
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
    assert query(database, "SELECT action FROM audit WHERE ticket_id = 1 ORDER BY id")[-1]["action"] == "forgotten"
    assert query(database, "SELECT COUNT(*) AS n FROM audit WHERE action = 'refused' AND actor_id IS NULL")[0]["n"] == 1
    assert query(database, "SELECT SUM(count) AS n FROM start_counts")[0]["n"] == 1
    assert query(database, "SELECT COUNT(*) AS n FROM events")[0]["n"] >= 1, "checks and scans stay counted"
    assert query(database, "SELECT COUNT(*) AS n FROM users")[0]["n"] == 0
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
