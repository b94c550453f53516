"""The job-offer checker, tapped through and forwarded to, through the stand-in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support.harness import GROUP_ID, Person, RunningBot, buttons, shipped_content

from bot.i18n.transliterate import latin_to_cyrillic
from bot.standin.server import StandIn

OFFERS = Path(__file__).resolve().parent.parent / "data" / "offers"


def headline(lang: str, risk: str) -> str:
    source = "uz" if lang == "uzc" else lang
    text = shipped_content().offer_advice.headline[risk].root[source]
    return latin_to_cyrillic(text) if lang == "uzc" else text


def answers_raising_nothing() -> list[str]:
    return ["no" if q.raises_on == "yes" else "yes" for q in shipped_content().offer_questions.questions]


async def answer_all(person: Person, values: list[str]) -> dict:
    last: dict = {}
    for value in values:
        message = person.with_buttons()
        data = next(d for _, d in buttons(message) if d.startswith("o:a:") and d.endswith(":" + value))
        last = await person._answered(lambda m=message, d=data: person.standin.press(person.id, m["message_id"], d))
    return last


async def start_guided(person: Person, lang: str) -> dict:
    await person.start(lang)
    menu = person.with_buttons()
    await person.tap(buttons(menu)[0][0], menu)  # "Check a job offer" is the first button
    return await person.tap(buttons(person.with_buttons())[0][0])  # "Answer questions about the offer"


@pytest.mark.parametrize("lang", ["kk", "ru", "uz", "uzc"])
async def test_a_guided_check_that_ends_high(standin: StandIn, bot: RunningBot, database, lang: str) -> None:
    bot.services.flood.per_minute = 10_000
    person = Person(standin, 4001)
    first = await start_guided(person, lang)
    questions = shipped_content().offer_questions.questions
    source = "uz" if lang == "uzc" else lang
    expected = questions[0].text.root[source]
    assert (latin_to_cyrillic(expected) if lang == "uzc" else expected) in first["text"]
    result = await answer_all(person, [q.raises_on for q in questions])
    assert result["text"].startswith(headline(lang, "high"))
    assert any(d == "talk" for _, d in buttons(result)), "high risk offers a person"
    t = bot.services.i18n[lang]
    counts = {t.ngettext("{count} warning sign found", "{count} warning signs found", n) for n in range(1, 40)}
    assert result["text"].splitlines()[1] in counts, "the number of signs, in the language's plural form"
    events = sqlite3.connect(database).execute("SELECT name, value, count FROM events").fetchall()
    assert events == [("check", "high", 1)]


async def test_a_guided_check_that_ends_low_never_says_safe(standin: StandIn, bot: RunningBot) -> None:
    bot.services.flood.per_minute = 10_000
    person = Person(standin, 4002)
    await start_guided(person, "ru")
    result = await answer_all(person, answers_raising_nothing())
    assert result["text"].startswith(headline("ru", "low"))
    assert "безопасн" not in result["text"].lower().split("\n")[0]
    always = shipped_content().offer_advice.always
    assert all(text.root["ru"] in result["text"] for text in always), "the three checks that always apply"
    assert not any(d == "talk" for _, d in buttons(result))


async def test_back_and_a_restart_in_the_middle_keep_the_answers(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 4003)
    await start_guided(person, "ru")
    questions = shipped_content().offer_questions.questions
    await answer_all(person, ["unsure", "yes", "no"])
    back = await person.tap("Назад")
    assert questions[2].text.root["ru"] in back["text"]
    await bot.stop()
    await bot.start()
    # After the restart the old buttons still work: the state was in the database.
    screen = await answer_all(person, ["no"])
    assert questions[3].text.root["ru"] in screen["text"]
    # An answer button from an earlier question only shows the current one again.
    query = await standin.press(person.id, screen["message_id"], f"o:a:{questions[0].id}:yes")
    await standin.wait_until(lambda: standin.callback_answer(query) is not None)
    assert standin.callback_answer(query)["text"] == bot.services.i18n["ru"].gettext("This menu has changed.")
    assert questions[3].text.root["ru"] in standin.bot_messages(person.id)[-1]["text"]


@pytest.mark.parametrize("lang", ["kk", "ru", "uz"])
async def test_a_forwarded_offer_in_each_language_quotes_its_warning_signs(standin, bot, lang: str) -> None:
    person = Person(standin, 4004)
    await person.start(lang)
    text = (OFFERS / lang / "d02.txt").read_text(encoding="utf-8")
    result = await person.send(text, forward_from_chat={"id": -100777, "type": "channel", "title": "Jobs abroad"})
    assert result["text"].startswith(headline(lang, "high"))
    assert "«" in result["text"], "each warning sign quotes the offer's own words"
    assert any(d == "o:report" for _, d in buttons(result))


async def test_a_legitimate_pasted_offer_is_not_rated_high(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 4005)
    await person.start("ru")
    await person.tap("Проверить предложение работы")
    await person.tap(buttons(person.with_buttons())[1][0])  # "Send me the offer's text"
    result = await person.send((OFFERS / "ru" / "l01.txt").read_text(encoding="utf-8"))
    assert not result["text"].startswith(headline("ru", "high"))


async def test_report_this_recruiter_reaches_the_operators_as_a_non_urgent_ticket(standin, bot, database) -> None:
    person = Person(standin, 4006)
    await person.start("uz")
    text = (OFFERS / "uz" / "d06.txt").read_text(encoding="utf-8")
    result = await person.send(text, forward_from_chat={"id": -100778, "type": "channel", "title": "Ish"})
    await person.tap(next(t for t, d in buttons(result) if d == "o:report"), result)
    await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    card = next(m for m in standin.bot_messages(GROUP_ID) if "ticket #1" in (m.get("text") or ""))
    assert "URGENT" not in card["text"] and text.splitlines()[0] in card["text"]
    row = sqlite3.connect(database).execute("SELECT urgent, kind, category FROM tickets").fetchone()
    assert row == (0, "report", "reported_recruiter")
