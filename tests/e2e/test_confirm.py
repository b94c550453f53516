"""The confirm band end to end: the judgement is unsure, the bot asks "Are you in danger right now?", and the
answer (yes, no, or none in time) decides; operators mark closed tickets, and the stats count both."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, buttons, make_settings, shipped_content

from bot.escalation.screens import question
from bot.escalation.triage import Triage
from bot.standin.server import StandIn
from bot.stats.service import read_stats

OFFERS = Path(__file__).resolve().parents[1] / "data" / "offers"

OPERATOR = OPERATORS[0]
ALERTED = {lang: shipped_content().escalation.alerted.root[lang] for lang in ("kk", "ru", "uz")}
# Out of hours (nobody on call in these tests) the urgent answer starts with the emergency numbers.
DANGER = {lang: shipped_content().escalation.danger.root[lang] for lang in ("kk", "ru", "uz")}
# Messages the shipped model really puts in the confirm band (a rule or the model sees danger, the model doubts
# it): past or hypothetical framing, and vaguer words. The first of each language in the band is used.
CANDIDATES = {
    "ru": ["Мне страшно здесь оставаться", "Год назад у меня забрали паспорт, сейчас всё хорошо",
           "Можно ли работодателю забрать паспорт? Я еду в следующем месяце"],
    "kk": ["Маған мұнда қалу қорқынышты", "Бір жыл бұрын паспортымды алып қойды, қазір бәрі жақсы",
           "Жұмыс беруші паспортты алып қойса не істеу керек?"],
    "uz": ["Yordam kerak", "Bu yerda qolish qo'rqinchli",
           "O'tgan yili pasportimni olib qo'yishdi, hozir hammasi yaxshi"],
}  # fmt: skip
QUESTION = {"kk": "Сізге дәл қазір қауіп төніп тұр ма?", "ru": "Вам опасно прямо сейчас?",
            "uz": "Hozir xavf ostidamisiz?"}
YES = {"kk": "Иә", "ru": "Да", "uz": "Ha"}
NO = {"kk": "Жоқ", "ru": "Нет", "uz": "Yoʻq"}


def in_confirm_band(bot: RunningBot, lang: str) -> str:
    triage: Triage = bot.services.triage
    for text in CANDIDATES[lang]:
        verdict = triage.classify(text)
        if verdict.band == "confirm" and verdict.lang == lang:
            return text
    scores = {text: (triage.classify(text).band, triage.classify(text).score) for text in CANDIDATES[lang]}
    pytest.fail(f"no {lang} candidate is in the confirm band any more; pick new ones: {scores}")


def rows(database: Path, sql: str, *params: object) -> list[dict[str, Any]]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    return [dict(row) for row in connection.execute(sql, params).fetchall()]


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "")]


def ticket_row(database: Path, ticket_id: int = 1) -> dict[str, Any]:
    found = rows(database, "SELECT * FROM tickets WHERE id = ?", ticket_id)
    return found[0] if found else {}


def confirms(database: Path) -> list[dict[str, Any]]:
    return rows(database, "SELECT * FROM confirms ORDER BY id")


async def asked(person: Person, text: str, lang: str) -> dict[str, Any]:
    question = await person.send(text)
    assert question["text"].startswith(QUESTION[lang])
    # Two large buttons, a row each, and Hide.
    rows_ = question["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows_] == [[YES[lang]], [NO[lang]], [rows_[2][0]["text"]]]
    assert rows_[2][0]["callback_data"] == "hide"
    return question


async def test_yes_opens_an_urgent_ticket_with_the_message(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3001)
    await person.start("ru")
    text = in_confirm_band(bot, "ru")
    await asked(person, text, "ru")
    # Written down before anything was asked: the message, with its update id handled in the same transaction.
    [pending] = confirms(database)
    assert pending["text"] == text and pending["answer"] is None and pending["lang"] == "ru"
    assert not cards(standin), "no ticket before the answer"

    ack = await person.tap(YES["ru"])
    assert ack["text"].startswith(DANGER["ru"])
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    card = cards(standin)[0]["text"]
    assert "URGENT" in card and "unconfirmed" not in card and text in card
    assert "Judged: confirm band · score 0." in card and "answered yes" in card
    assert "Why: " in card and "«" in card, "the words that decided are quoted"
    ticket = ticket_row(database)
    assert ticket["urgent"] == 1 and ticket["band"] == "confirm" and ticket["asked"] == "yes"
    [answered] = confirms(database)
    assert answered["answer"] == "yes" and answered["ticket_id"] == ticket["id"]
    assert answered["text"] is None, "the ticket holds the message now"


async def test_no_goes_back_to_the_menu_and_keeps_no_text(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3002)
    await person.start("kk")
    await asked(person, in_confirm_band(bot, "kk"), "kk")
    menu = await person.tap(NO["kk"])
    assert shipped_content().guidance.welcome.root["kk"] in menu["text"]
    assert "talk" in [data for _, data in buttons(menu)]
    [answered] = confirms(database)
    assert answered["answer"] == "no" and answered["answered_at"] and answered["ticket_id"] is None
    assert answered["text"] is None and answered["matched"] is None and answered["evidence"] is None
    assert not rows(database, "SELECT id FROM tickets")


async def test_unanswered_opens_an_unconfirmed_ticket_even_after_a_restart(
    standin: StandIn, database: Path, clock: FakeClock
) -> None:
    settings = make_settings(standin, database)
    bot = await RunningBot(settings, clock).start()
    person = Person(standin, 3003)
    await person.start("uz")
    text = in_confirm_band(bot, "uz")
    await asked(person, text, "uz")
    clock.advance(minutes=settings.confirm_minutes - 1)
    await bot.services.escalation.ladder()
    assert not rows(database, "SELECT id FROM tickets"), "still waiting for an answer"
    await bot.stop()  # the question survives a restart: it is in the database, the clock job reads it there

    bot = await RunningBot(settings, clock).start()
    try:
        clock.advance(minutes=1)
        before = len(standin.bot_messages(person.id))
        await bot.services.escalation.ladder()
        await standin.wait_until(lambda: len(cards(standin)) == 1)
        card = cards(standin)[0]["text"]
        assert "URGENT (unconfirmed)" in card and "UNCONFIRMED: no answer" in card and text in card
        assert "unconfirmed" in standin.calls_to("createForumTopic")[-1].params["name"]
        await standin.wait_until(lambda: len(standin.bot_messages(person.id)) > before)
        assert standin.bot_messages(person.id)[-1]["text"].startswith(DANGER["uz"])
        ticket = ticket_row(database)
        assert ticket["urgent"] == 1 and ticket["asked"] == "unanswered"
        [answered] = confirms(database)
        assert answered["answer"] == "unanswered" and answered["ticket_id"] == ticket["id"]
        await bot.services.escalation.ladder()
        assert len(rows(database, "SELECT id FROM tickets")) == 1, "opened once"
        # A late yes joins the ticket: no second one.
        await person.tap(YES["uz"], standin.bot_messages(person.id)[-2])
        assert len(rows(database, "SELECT id FROM tickets")) == 1
    finally:
        await bot.stop()


async def test_before_a_language_is_chosen(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3004, language_code="en")  # no /start, no language of the bot's
    await asked(person, in_confirm_band(bot, "ru"), "ru")  # asked in the language written in
    ack = await person.tap(YES["ru"])
    assert ack["text"].startswith(DANGER["ru"])
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    assert ticket_row(database)["lang"] == "ru"


async def test_during_a_pasted_offer_check_no_shows_the_check(standin: StandIn, bot: RunningBot, database) -> None:
    person = Person(standin, 3005)
    await person.start("ru")
    await person.send("/check")
    await person.tap("Отправить текст")
    await asked(person, in_confirm_band(bot, "ru"), "ru")
    result = await person.tap(NO["ru"])
    assert "o:report" in [data for _, data in buttons(result)], "the offer's check, not the menu"
    assert rows(database, "SELECT awaiting FROM users WHERE chat_id = ?", person.id) == [{"awaiting": None}]
    assert confirms(database)[0]["answer"] == "no"


async def test_a_pasted_ad_in_the_confirm_band_is_checked_not_asked_about(standin: StandIn, bot: RunningBot,
                                                                       database: Path) -> None:  # fmt: skip
    triage: Triage = bot.services.triage
    ads = [path.read_text(encoding="utf-8") for path in sorted(OFFERS.glob("ru/*.txt"))]
    ad = next((text for text in ads if triage.classify(text).band == "confirm"), None)
    assert ad is not None, "no Russian sample offer is in the confirm band any more: add one to tests/data/offers/ru"
    person = Person(standin, 3007)
    await person.start("ru")
    await person.send("/check")
    await person.tap("Отправить текст")
    result = await person.send(ad)
    assert not result["text"].startswith(QUESTION["ru"])
    assert "o:report" in [data for _, data in buttons(result)], "the offer's check"
    assert confirms(database) == []


async def test_during_a_guided_offer_check(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3006)
    await person.start("kk")
    await person.send("/check")
    await person.tap("Сұрақтарға жауап беру")
    await asked(person, in_confirm_band(bot, "kk"), "kk")
    await person.tap(YES["kk"])
    await standin.wait_until(lambda: len(cards(standin)) == 1)


async def test_closed_as_not_urgent_is_stored_and_counted(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3007)
    await person.start("ru")
    await asked(person, in_confirm_band(bot, "ru"), "ru")
    await person.tap(YES["ru"])
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    card = cards(standin)[0]
    await standin.press(OPERATOR, card["message_id"], f"t:close:{ticket_row(database)['id']}", chat_id=GROUP_ID)
    await standin.wait_until(lambda: ticket_row(database)["state"] == "closed")

    def card_now() -> dict[str, Any]:
        return next(m for m in standin.bot_messages(GROUP_ID) if m["message_id"] == card["message_id"])

    await standin.wait_until(lambda: "Not urgent" in [text for text, _ in buttons(card_now())])
    assert [text for text, _ in buttons(card_now())] == ["Real danger", "Not urgent", "Wrong category"]
    query = await standin.press(OPERATOR, card["message_id"], dict(buttons(card_now()))["Not urgent"],
                                chat_id=GROUP_ID)  # fmt: skip
    await standin.wait_until(lambda: standin.callback_answer(query) is not None)
    assert "marked" in standin.callback_answer(query)["text"]
    assert ticket_row(database)["label"] == "noturgent"
    await standin.wait_until(lambda: "Marked: Not urgent" in card_now()["text"] and not buttons(card_now()))

    # The command does it in one go: /close noturgent
    other = Person(standin, 3008)
    await other.start("ru")
    await asked(other, in_confirm_band(bot, "ru"), "ru")
    await other.tap(YES["ru"])
    await standin.wait_until(lambda: len(rows(database, "SELECT id FROM tickets")) == 2)
    await standin.group_sends(GROUP_ID, OPERATOR, "/close 2 noturgent false alarm")
    await standin.wait_until(lambda: ticket_row(database, 2)["state"] == "closed")
    assert ticket_row(database, 2)["label"] == "noturgent" and ticket_row(database, 2)["close_reason"] == "false alarm"

    stats = await read_stats(bot.services.store, bot.clock.now().date())
    assert stats.labels == {"ru": {"noturgent": 2}}
    assert stats.confirms == {"ru": {"yes": 2}}


async def test_hiding_the_chat_instead_of_answering(standin: StandIn, bot: RunningBot, database: Path) -> None:
    """Someone may be looking at the phone: the unconfirmed ticket opens at once, and the user is told nothing."""
    person = Person(standin, 3009)
    await person.start("ru")
    text = in_confirm_band(bot, "ru")
    await asked(person, text, "ru")
    await person.tap("Скрыть чат")
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    assert "URGENT (unconfirmed)" in cards(standin)[0]["text"] and text in cards(standin)[0]["text"]
    await standin.wait_until(lambda: any("hid the chat instead of answering" in (m.get("text") or "")
                                         for m in standin.bot_messages(GROUP_ID)))  # fmt: skip
    assert ticket_row(database)["asked"] == "unanswered"
    assert [m.get("text") for m in standin.chat_messages(person.id) if m["from"]["is_bot"]] == ["Хорошо"]
    assert not any(t.startswith((ALERTED["ru"], DANGER["ru"])) for t in person.texts())


def test_the_question_in_every_language_when_none_is_chosen(bot: RunningBot) -> None:
    i18n = bot.services.i18n
    screen = question([i18n[code] for code in ("kk", "ru", "uz")], 7)
    for lang in ("kk", "ru", "uz"):
        assert QUESTION[lang] in screen.text
    assert [[b.text for b in row] for row in screen.rows][:2] == [["Иә / Да / Ha"], ["Жоқ / Нет / Yoʻq"]]
    assert [b.data for row in screen.rows for b in row] == ["cf:y:7", "cf:n:7", "hide"]
