"""Urgent messages reach the operators' group as one ticket; operators claim, answer and close it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, STRANGER, FakeClock, Person, RunningBot, button_data, shipped_content
from support.rows import peek

from bot.standin.server import StandIn

URGENT = {
    "ru": "Помогите, у меня забрали паспорт и не выпускают с работы",
    "kk": "Көмектесіңіз, паспортымды алып қойды, үйден шығармайды",
    "uz": "Yordam bering, pasportimni olib qoʻyishdi, ishdan chiqarishmayapti",
}
ALERTED = {lang: shipped_content().escalation.alerted.root[lang] for lang in ("kk", "ru", "uz")}
# Out of hours (nobody on call in these tests) the answer starts with the emergency numbers.
DANGER = {lang: shipped_content().escalation.danger.root[lang] for lang in ("kk", "ru", "uz")}
OPERATOR = OPERATORS[0]
pytestmark = pytest.mark.both_backends


def group_messages(standin: StandIn, thread_id: int | None = None) -> list[dict[str, Any]]:
    return [m for m in standin.chat_messages(GROUP_ID) if thread_id is None or m.get("message_thread_id") == thread_id]


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "")
            and any("claim" in d or "close" in d for _, d in _buttons(m))]  # fmt: skip


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture
def db(database: Path, database_url: str | None) -> Path | str:
    return database_url or database


def ticket_row(db: Path | str, ticket_id: int = 1) -> dict[str, Any]:
    rows = peek(db, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return rows[0] if rows else {}


async def open_ticket(standin: StandIn, person: Person, lang: str) -> dict[str, Any]:
    await person.start(lang)
    ack = await person.send(URGENT[lang])
    await standin.wait_until(lambda: len(cards(standin)) == 1, timeout=3)
    return ack


@pytest.mark.parametrize("lang", ["kk", "ru", "uz"])
async def test_an_urgent_message_opens_one_ticket_within_a_second(standin: StandIn, bot: RunningBot, lang: str) -> None:
    person = Person(standin, 2001)
    await person.start(lang)
    started = asyncio.get_running_loop().time()
    ack = await person.send(URGENT[lang])
    await standin.wait_until(lambda: len(cards(standin)) == 1, timeout=1.0)
    assert asyncio.get_running_loop().time() - started < 1.0
    assert ack["text"].startswith(DANGER[lang])
    assert "112" in ack["text"]
    card = cards(standin)[0]
    assert "URGENT" in card["text"] and "#1" in card["text"] and f"Language: {lang}" in card["text"]
    assert URGENT[lang] in card["text"]
    topics = standin.calls_to("createForumTopic")
    assert len(topics) == 1 and card.get("message_thread_id")
    assert "Test" not in card["text"], "the user's name is never shown"


async def test_claim_answer_with_text_and_voice_then_close(standin: StandIn, bot: RunningBot, db) -> None:
    person = Person(standin, 2002)
    await open_ticket(standin, person, "ru")
    card = cards(standin)[0]
    thread = card["message_thread_id"]
    query = await standin.press(OPERATOR, card["message_id"], button_data(card, "Claim"), chat_id=GROUP_ID)
    await standin.wait_until(lambda: ticket_row(db)["state"] == "claimed")
    assert standin.callback_answer(query) is not None
    await standin.wait_until(lambda: "claimed" in standin.calls_to("editForumTopic")[-1].params["name"]
                             if standin.calls_to("editForumTopic") else False)  # fmt: skip

    before = len(standin.bot_messages(person.id))
    await standin.group_sends(GROUP_ID, OPERATOR, "Здравствуйте. Вы сейчас в безопасном месте?", thread_id=thread)
    await standin.wait_until(lambda: len(standin.bot_messages(person.id)) == before + 1)
    assert standin.bot_messages(person.id)[-1]["text"] == "Здравствуйте. Вы сейчас в безопасном месте?"
    await standin.group_sends(GROUP_ID, OPERATOR, None, thread_id=thread, voice=True)
    await standin.wait_until(lambda: "voice" in standin.bot_messages(person.id)[-1])

    await standin.user_sends(person.id, "Да, я в хостеле")
    await standin.wait_until(lambda: any(m.get("text") == "Да, я в хостеле" for m in group_messages(standin, thread)))

    await standin.group_sends(GROUP_ID, OPERATOR, "/close helped", thread_id=thread)
    await standin.wait_until(lambda: ticket_row(db)["state"] == "closed")
    closed_text = shipped_content().escalation.closed.root["ru"]
    await standin.wait_until(lambda: standin.bot_messages(person.id)[-1].get("text", "").startswith(closed_text))
    await standin.wait_until(lambda: bool(standin.calls_to("closeForumTopic")))
    row = ticket_row(db)
    assert row["claimed_at"] and row["first_answer_at"] and row["closed_at"] and row["shown_at"]
    audit = peek(db, "SELECT action FROM audit WHERE ticket_id = 1 ORDER BY id")
    assert [a["action"] for a in audit] == ["opened", "claim", "answered", "answered", "close"]
    # after closing, the menus are back for the user
    reply = await person.send("что-то непонятное")
    assert "talk" in [d for _, d in _buttons(reply)]


async def test_notes_stay_internal_and_canned_answers_speak_the_users_language(standin, bot, db) -> None:
    person = Person(standin, 2003)
    await open_ticket(standin, person, "kk")
    thread = cards(standin)[0]["message_thread_id"]
    count = len(standin.bot_messages(person.id))
    await standin.group_sends(
        GROUP_ID, OPERATOR, "/note she works at the Dordoi bazaar, call back at 18:00", thread_id=thread
    )
    await standin.wait_until(lambda: any("Note kept" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    await standin.group_sends(GROUP_ID, OPERATOR, "/say passport", thread_id=thread)
    canned = shipped_content().canned.answers["passport"].text.root["kk"]
    await standin.wait_until(lambda: standin.bot_messages(person.id)[-1].get("text") == canned)
    assert len(standin.bot_messages(person.id)) == count + 1, "the note never reached the user"
    assert all("Dordoi" not in (m.get("text") or "") for m in standin.bot_messages(person.id))


async def test_strangers_are_refused_and_audited(standin: StandIn, bot: RunningBot, db) -> None:
    person = Person(standin, 2004)
    await open_ticket(standin, person, "uz")
    card = cards(standin)[0]
    standin.add_user(STRANGER, first_name="Stranger")
    query = await standin.press(STRANGER, card["message_id"], button_data(card, "Claim"), chat_id=GROUP_ID)
    await standin.wait_until(lambda: standin.callback_answer(query) is not None)
    assert "operators" in standin.callback_answer(query)["text"]
    count = len(standin.bot_messages(person.id))
    await standin.group_sends(
        GROUP_ID, STRANGER, "I will help you, give me your address", thread_id=card["message_thread_id"]
    )
    await standin.group_sends(GROUP_ID, STRANGER, "/claim 1")
    await standin.wait_until(lambda: len(peek(db, "SELECT * FROM audit WHERE action = 'refused'")) == 3)
    assert ticket_row(db)["state"] == "open"
    assert len(standin.bot_messages(person.id)) == count


async def test_queue_and_on_call_pings(standin: StandIn, bot: RunningBot) -> None:
    await standin.group_sends(GROUP_ID, OPERATOR, "/oncall")
    await standin.wait_until(lambda: any("on call" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    person = Person(standin, 2005)
    ack = await open_ticket(standin, person, "ru")
    await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(OPERATOR)))
    nobody = shipped_content().escalation.nobody_on_duty.root["ru"].split("{when}")[0]
    assert nobody not in ack["text"], "someone is on call"
    await standin.group_sends(GROUP_ID, OPERATORS[1], "/queue")
    await standin.wait_until(
        lambda: any("Open tickets" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID))
    )


async def test_nobody_on_duty_still_opens_the_ticket_and_says_when(standin, bot) -> None:
    person = Person(standin, 2006)
    ack = await open_ticket(standin, person, "ru")
    nobody = shipped_content().escalation.nobody_on_duty.root["ru"].split("{when}")[0]
    on_duty = bot.services.content.rota.on_duty(bot.clock.now())
    assert not on_duty
    assert nobody in ack["text"]


async def test_talk_to_a_person_opens_a_ticket_with_the_next_message(
    standin: StandIn, bot: RunningBot, db
) -> None:
    person = Person(standin, 2007)
    await person.start("uz")
    intro = await person.tap("Odam bilan gaplashish")
    assert intro["text"].startswith(shipped_content().escalation.talk_intro.root["uz"])
    assert not cards(standin), "a tap alone opens no topic"
    await person.send("Akam Rossiyaga ketgan edi, nima qilsam boʻladi")
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    assert ticket_row(db)["urgent"] == 0


async def test_a_group_without_topics_uses_reply_threads(standin: StandIn, database, database_url,
                                                         clock: FakeClock) -> None:  # fmt: skip
    from support.harness import make_settings

    standin.add_group(GROUP_ID - 1, "Plain group", is_forum=False)
    settings = make_settings(standin, database, database_url=database_url, operator_chat_id=GROUP_ID - 1)
    running = await RunningBot(settings, clock).start()
    try:
        person = Person(standin, 2008)
        await person.start("ru")
        await person.send(URGENT["ru"])
        await standin.wait_until(
            lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID - 1))
        )
        card = next(m for m in standin.bot_messages(GROUP_ID - 1) if "ticket #1" in (m.get("text") or ""))
        assert not standin.calls_to("createForumTopic")
        await standin.user_sends(person.id, "я в подвале")
        await standin.wait_until(
            lambda: any(m.get("text") == "я в подвале" for m in standin.chat_messages(GROUP_ID - 1))
        )
        relayed = next(m for m in standin.chat_messages(GROUP_ID - 1) if m.get("text") == "я в подвале")
        # Recorded just after Telegram accepted it; an operator's answer takes longer than that to write.
        async with asyncio.timeout(5):
            while not peek(database_url or database, "SELECT 1 FROM relayed"):  # noqa: ASYNC110 - a row has no event
                await asyncio.sleep(0.02)
        assert relayed["reply_to_message"]["message_id"] == card["message_id"]
        await standin.group_sends(GROUP_ID - 1, OPERATOR, "Мы рядом с вами на связи", reply_to=relayed["message_id"])
        await standin.wait_until(lambda: standin.bot_messages(person.id)[-1].get("text") == "Мы рядом с вами на связи")
    finally:
        await running.stop()


async def test_the_ladder_announces_pings_everyone_and_returns_silent_tickets(standin, bot, clock, db) -> None:
    person = Person(standin, 2009)
    await open_ticket(standin, person, "ru")
    ladder = bot.services.escalation.ladder
    clock.advance(minutes=2)
    await ladder()
    await standin.wait_until(
        lambda: any("waited 2 min" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID))
    )
    clock.advance(minutes=3)
    await ladder()
    long_wait = shipped_content().escalation.long_wait.root["ru"]
    await standin.wait_until(lambda: standin.bot_messages(person.id)[-1].get("text") == long_wait)
    clock.advance(minutes=5)
    await ladder()
    for operator in OPERATORS:
        await standin.wait_until(
            lambda op=operator: any("#1" in (m.get("text") or "") for m in standin.bot_messages(op))
        )
    await ladder()  # nothing new at the same step
    await asyncio.sleep(0.2)
    assert sum("waited" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)) == 3

    card = cards(standin)[0]
    await standin.press(OPERATOR, card["message_id"], button_data(card, "Claim"), chat_id=GROUP_ID)
    await standin.wait_until(lambda: ticket_row(db)["state"] == "claimed")
    clock.advance(minutes=bot.settings.claimed_silence_minutes + 1)
    await ladder()
    assert ticket_row(db)["state"] == "open"
    await standin.wait_until(
        lambda: any("back in the queue" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID))
    )


async def test_transfer_carries_notes_and_tells_the_user_nothing(standin, bot, db) -> None:
    person = Person(standin, 2010)
    await open_ticket(standin, person, "ru")
    thread = cards(standin)[0]["message_thread_id"]
    await standin.group_sends(GROUP_ID, OPERATOR, "/claim", thread_id=thread)
    await standin.group_sends(GROUP_ID, OPERATOR, "/note works at a market in Kazan", thread_id=thread)
    await standin.wait_until(lambda: any("Note kept" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    count = len(standin.bot_messages(person.id))
    await standin.group_sends(GROUP_ID, OPERATOR, "/transfer", thread_id=thread)
    await standin.wait_until(lambda: any("handed over" in (m.get("text") or "") and "Kazan" in m.get("text", "")
                                         for m in group_messages(standin, thread)))  # fmt: skip
    assert ticket_row(db)["state"] == "open"
    assert len(standin.bot_messages(person.id)) == count


async def test_media_from_the_user_reach_the_topic(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 2011)
    await open_ticket(standin, person, "ru")
    thread = cards(standin)[0]["message_thread_id"]
    await standin.user_sends(person.id, photo=True, caption="вот договор")
    await standin.user_sends(person.id, voice=True)
    await standin.user_sends(person.id, document=True)
    await standin.user_sends(person.id, location=(55.79, 49.12))
    kinds = ("photo", "voice", "document", "location")
    await standin.wait_until(lambda: all(any(k in m for m in group_messages(standin, thread)) for k in kinds))
    copied = [c for c in standin.calls_to("copyMessage", ok=True) if int(c.params["chat_id"]) == GROUP_ID]
    assert len(copied) == 4
    assert any(m.get("caption") == "вот договор" for m in group_messages(standin, thread))
