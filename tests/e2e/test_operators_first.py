"""An operator's action is answered at once, whatever waits in the operators' group's queue; strangers
are refused without spending the group's sending budget (about 20 messages a minute), which cards and
relays need."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, STRANGER, FakeClock, Person, RunningBot, button_data

from bot.escalation.screens import REFUSAL
from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"
OPERATOR = OPERATORS[0]
WAIT = 15  # seconds of a flood wait Telegram imposes on the group: ample for the presses on a loaded machine


def query(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute(sql, params))


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "")
            and (m.get("reply_markup") or {}).get("inline_keyboard")]  # fmt: skip


def group_pending(database: Path) -> int:
    return query(database, "SELECT COUNT(*) FROM outbox WHERE lane = ? AND state = 'pending'", GROUP_ID)[0][0]


def refusal_rows(database: Path) -> int:
    return query(database, "SELECT COUNT(*) FROM outbox WHERE lane = ? AND payload LIKE ?", GROUP_ID,
                 f"%{REFUSAL[:20]}%")[0][0]  # fmt: skip


def answered_at(standin: StandIn, query_id: str) -> int:
    """The position of the press's answer among every call the bot made."""
    return next(i for i, c in enumerate(standin.calls)
                if c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id)  # fmt: skip


async def fill_the_groups_queue(standin: StandIn, users: int) -> None:
    """Tickets and relays enough for minutes of the group's budget: each ticket a topic and a card, and
    each user's later messages a copy each."""
    people = [Person(standin, 8100 + n) for n in range(users)]
    for person in people:
        await person.start("ru")
        await person.send(URGENT)
    for person in people:
        for n in range(2):
            await standin.user_sends(person.id, f"я здесь {n}")
    await standin.wait_until(lambda: bool(cards(standin)), timeout=10)


@pytest.mark.parametrize("commands", [12, 30])
async def test_a_strangers_commands_never_hold_up_an_operators_claim(standin: StandIn, bot: RunningBot,
                                                                     database: Path, clock: FakeClock,
                                                                     commands: int) -> None:  # fmt: skip
    await fill_the_groups_queue(standin, 12)
    card = cards(standin)[0]
    standin.add_user(STRANGER, first_name="Stranger")
    for _ in range(commands):
        await standin.group_sends(GROUP_ID, STRANGER, "/claim 1", thread_id=card["message_thread_id"])
    press = await standin.press(OPERATOR, card["message_id"], button_data(card, "Claim"), chat_id=GROUP_ID)
    await standin.wait_until(lambda: standin.callback_answer(press) is not None, timeout=20)
    still_queued = group_pending(database)

    assert "is yours" in (standin.callback_answer(press) or {}).get("text", "")
    refusals_before = [c for c in standin.calls[: answered_at(standin, press)]
                       if c.method == "sendMessage" and c.params.get("text") == REFUSAL]  # fmt: skip
    assert len(refusals_before) <= 1, "the operator did not wait behind the strangers' refusals"
    assert still_queued > 0, "answered while the group's queue still waits: whatever is queued"
    await standin.wait_until(lambda: len(query(database, "SELECT 1 FROM audit WHERE actor_id = ? AND action = "
                                                         "'refused'", STRANGER)) == commands)  # fmt: skip
    assert refusal_rows(database) == 1, "one refusal a minute for a stranger, however many commands"
    assert query(database, "SELECT state, operator_id FROM tickets WHERE id = 1") == [("claimed", OPERATOR)]

    clock.advance(minutes=1, seconds=1)
    await standin.group_sends(GROUP_ID, STRANGER, "/claim 1")
    await standin.wait_until(lambda: refusal_rows(database) == 2)


async def test_a_burst_of_presses_is_answered_while_telegram_makes_the_group_wait(standin: StandIn, bot: RunningBot,
                                                                                  database: Path) -> None:  # fmt: skip
    await fill_the_groups_queue(standin, 6)
    standin.add_user(STRANGER, first_name="Stranger")
    began = time.monotonic()
    standin.throttle(GROUP_ID, WAIT)  # Telegram's flood wait on the group: nothing can be sent there
    presses = []
    for _ in range(2):
        for card in cards(standin):
            await standin.group_sends(GROUP_ID, STRANGER, "/claim")
            for label in ("Claim", "Transfer"):
                presses.append(await standin.press(OPERATORS[1], card["message_id"], button_data(card, label),
                                                   chat_id=GROUP_ID))  # fmt: skip
    await standin.wait_until(lambda: all(standin.callback_answer(p) is not None for p in presses), timeout=WAIT + 10)
    answers = [c.at for c in standin.calls_to("answerCallbackQuery", ok=True)]
    assert len(answers) == len(presses) and max(answers) < began + WAIT, "all answered during the group's wait"
    assert group_pending(database) > 0
    assert refusal_rows(database) == 1


async def test_a_stranger_pressing_a_button_gets_an_alert_and_the_group_nothing(standin: StandIn, bot: RunningBot,
                                                                                database: Path) -> None:  # fmt: skip
    person = Person(standin, 8201)
    await person.start("ru")
    await person.send(URGENT)
    await standin.wait_until(lambda: bool(cards(standin)))
    await standin.wait_idle()
    card, before = cards(standin)[0], len(standin.bot_messages(GROUP_ID))
    standin.add_user(STRANGER, first_name="Stranger")
    presses = [await standin.press(STRANGER, card["message_id"], button_data(card, label), chat_id=GROUP_ID)
               for label in ("Claim", "Close", "Claim")]  # fmt: skip
    await standin.wait_until(lambda: all(standin.callback_answer(p) is not None for p in presses))
    await standin.wait_idle()
    for press in presses:
        answer = standin.callback_answer(press) or {}
        assert answer.get("show_alert") and answer.get("text") == REFUSAL
    assert len(standin.bot_messages(GROUP_ID)) == before, "no group message for a stranger's press"
    assert refusal_rows(database) == 0
    assert len(query(database, "SELECT 1 FROM audit WHERE actor_id = ? AND action = 'refused'", STRANGER)) == 3
    assert query(database, "SELECT state FROM tickets WHERE id = 1") == [("open",)]


async def test_stats_in_the_group_for_operators_and_one_refusal_for_a_stranger(standin: StandIn, bot: RunningBot,
                                                                               database: Path) -> None:  # fmt: skip
    standin.add_user(STRANGER, first_name="Stranger")
    for _ in range(3):
        await standin.group_sends(GROUP_ID, STRANGER, "/stats")
    await standin.group_sends(GROUP_ID, OPERATOR, "/stats 7")
    await standin.wait_until(lambda: any("Tickets" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    await standin.wait_idle()
    texts = [m.get("text") for m in standin.bot_messages(GROUP_ID)]
    assert texts.count(REFUSAL) == 1
    report = standin.calls_to("sendMessage", ok=True)[-1]
    assert report.params.get("parse_mode") == "HTML" and report.params["text"].startswith("<pre>")
    assert len(query(database, "SELECT 1 FROM audit WHERE actor_id = ? AND action = 'refused'", STRANGER)) == 3
