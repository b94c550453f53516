"""A screen that says "press Talk to a person" has that button, and a country with no verified number
says what to do instead (issue 10 item 3, issue 11)."""

from __future__ import annotations

import pytest
from support.harness import GROUP_ID, OPERATORS, Person, RunningBot, buttons, shipped_content

from bot.i18n.transliterate import latin_to_cyrillic
from bot.standin.server import StandIn

TALK = {"kk": "Адаммен сөйлесу", "ru": "Поговорить с человеком", "uz": "Odam bilan gaplashish",
        "uzc": "Одам билан гаплашиш"}  # fmt: skip
INTRO = shipped_content().escalation.talk_intro


def _label(screen_id: str, lang: str) -> str:
    button = shipped_content().guidance.screens[screen_id].button
    return latin_to_cyrillic(button.root["uz"]) if lang == "uzc" else button.root[lang]


@pytest.mark.parametrize("lang", ["kk", "ru", "uz", "uzc"])
async def test_screens_that_say_talk_to_a_person_have_the_button(standin: StandIn, bot: RunningBot, lang: str) -> None:
    person = Person(standin, 1201)
    await person.start(lang)
    for path in (["in_trouble"], ["in_trouble", "passport_taken"], ["rights", "unpaid_wages"],
                 ["rights", "debt_bondage"], ["missing_relative"]):  # fmt: skip
        await person.tap(_label(path[0], lang), await person.send("/start"))
        for screen_id in path[1:]:
            await person.tap(_label(screen_id, lang))
        screen = person.with_buttons()
        assert TALK[lang] in screen["text"], path
        assert "talk" in [data for _, data in buttons(screen)], (path, buttons(screen))
    intro = await person.tap(TALK[lang])
    expected = INTRO.root["uz" if lang == "uzc" else lang]
    assert intro["text"].startswith(latin_to_cyrillic(expected) if lang == "uzc" else expected)


@pytest.mark.parametrize("lang", ["kk", "ru", "uz"])
async def test_a_country_without_a_verified_number_says_what_to_do(
    standin: StandIn, bot: RunningBot, lang: str
) -> None:
    person = Person(standin, 1202)
    await person.start(lang)
    await person.tap(_label("contacts", lang))
    screen = await person.tap(_label("contacts_kg", lang))
    no_number = shipped_content().escalation.no_number.root[lang].split("{country}")[1]
    assert no_number in screen["text"]
    assert "☎" not in screen["text"], "no unverified number is ever shown"


async def test_a_country_without_a_verified_ambulance_says_what_to_do(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1203)
    await person.start("ru")
    await person.tap(_label("contacts", "ru"))
    no_ambulance = shipped_content().escalation.no_ambulance.root["ru"]
    for country in ("contacts_tj", "contacts_ae"):
        screen = await person.tap(_label(country, "ru"))
        assert "☎" in screen["text"] and no_ambulance in screen["text"], country
        await person.tap("Назад")
    assert no_ambulance not in (await person.tap(_label("contacts_kz", "ru")))["text"]


async def test_the_end_of_a_conversation_has_the_talk_button_it_mentions(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1204)
    await person.start("ru")
    await person.send("Помогите, у меня забрали паспорт и не выпускают с работы")
    await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    await standin.group_sends(GROUP_ID, OPERATORS[0], "/close 1")
    closed = shipped_content().escalation.closed.root["ru"]
    await standin.wait_until(lambda: person.texts()[-1].startswith(closed))
    last = standin.bot_messages(person.id)[-1]
    assert TALK["ru"] in last["text"] and "talk" in [data for _, data in buttons(last)]
