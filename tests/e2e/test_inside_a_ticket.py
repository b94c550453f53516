"""What a user writes while a ticket of theirs is open still gets its answer: danger makes the ticket urgent
(operators pinged, the user told whom to call), and a job offer the bot asked for gets its verdict."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, Person, RunningBot, buttons, shipped_content

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"
QUESTION = "Здравствуйте, у меня вопрос про документы для работы"
OFFERS = Path(__file__).resolve().parent.parent / "data" / "offers"
OPERATOR = OPERATORS[0]


def ticket_row(database: Path) -> dict[str, Any]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    row = connection.execute("SELECT * FROM tickets WHERE id = 1").fetchone()
    return dict(row) if row else {}


def card(standin: StandIn) -> dict[str, Any]:
    found = [m for m in standin.bot_messages(GROUP_ID) if "ticket #1" in (m.get("text") or "")
             and any(b.get("callback_data", "").startswith("t:") for row in
                     (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row)]  # fmt: skip
    assert found, "no card"
    return found[0]


async def open_a_calm_ticket(standin: StandIn, person: Person, how: str) -> None:
    await person.start("ru")
    if how == "report":  # a recruiter reported from a forwarded offer: a non-urgent ticket
        text = (OFFERS / "ru" / "d06.txt").read_text(encoding="utf-8")
        result = await person.send(text, forward_from_chat={"id": -100778, "type": "channel", "title": "Работа"})
        await person.tap(next(t for t, d in buttons(result) if d == "o:report"), result)
    else:  # "Talk to a person", then a question
        await person.send("/help")
        await person.send(QUESTION)
    await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))


@pytest.mark.parametrize("how", ["report", "talk"])
async def test_danger_written_inside_a_calm_ticket_makes_it_urgent(standin: StandIn, bot: RunningBot, database: Path,
                                                                   how: str) -> None:  # fmt: skip
    await standin.group_sends(GROUP_ID, OPERATOR, "/oncall")
    await standin.wait_until(lambda: any("on call" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    person = Person(standin, 5100 + len(how))
    await open_a_calm_ticket(standin, person, how)
    assert not ticket_row(database)["urgent"] and "URGENT" not in card(standin)["text"]
    pings_before = len(standin.bot_messages(OPERATOR))
    alerted = shipped_content().escalation.alerted.root["ru"]
    answers_before = len([m for m in person.texts() if m.startswith(alerted)])

    answer = await person.send(URGENT)

    assert answer["text"].startswith(alerted) and "112" in answer["text"], answer["text"][:80]
    row = ticket_row(database)
    assert row["urgent"] == 1 and row["category"] not in (None, "reported_recruiter")
    await standin.wait_until(lambda: "URGENT" in card(standin)["text"])
    thread = card(standin)["message_thread_id"]
    await standin.wait_until(lambda: "URGENT" in standin.topics(GROUP_ID)[0]["name"])
    await standin.wait_until(lambda: any(URGENT == m.get("text") for m in standin.chat_messages(GROUP_ID)
                                         if m.get("message_thread_id") == thread))  # fmt: skip
    await standin.wait_until(lambda: len(standin.bot_messages(OPERATOR)) > pings_before)
    assert "URGENT ticket #1" in standin.bot_messages(OPERATOR)[-1]["text"]
    await standin.wait_idle()
    assert len([m for m in person.texts() if m.startswith(alerted)]) == answers_before + 1


async def test_an_offer_pasted_inside_a_ticket_gets_its_verdict_and_reaches_the_operators(
    standin: StandIn, bot: RunningBot
) -> None:
    person = Person(standin, 5200)
    await open_a_calm_ticket(standin, person, "talk")
    await person.send("/check")
    await person.tap(buttons(person.with_buttons())[1][0])  # "Send me the offer's text"
    offer = (OFFERS / "ru" / "d06.txt").read_text(encoding="utf-8")
    verdict = await person.send(offer)
    high = shipped_content().offer_advice.headline["high"].root["ru"]
    assert verdict["text"].startswith(high), verdict["text"][:80]
    assert "o:report" not in [d for _, d in buttons(verdict)], "the operators have it already"
    thread = card(standin)["message_thread_id"]

    def in_topic() -> list[str]:
        return [(m.get("text") or "").strip() for m in standin.chat_messages(GROUP_ID)
                if m.get("message_thread_id") == thread]  # fmt: skip

    await standin.wait_until(lambda: offer.strip() in in_topic())
