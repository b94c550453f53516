"""After the urgent answer the user taps the country they are in: that country's numbers come, and the
ticket (its card in the operators' group too) knows the country. No test pressed a country button before."""

from __future__ import annotations

import sqlite3

from support.harness import GROUP_ID, Person, RunningBot, buttons, shipped_content

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"


def card_text(standin: StandIn) -> str:
    return next((m["text"] for m in standin.bot_messages(GROUP_ID) if "ticket #1" in (m.get("text") or "")), "")


async def test_a_country_tapped_gives_its_numbers_and_reaches_the_card(standin: StandIn, bot: RunningBot,
                                                                         database) -> None:  # fmt: skip
    person = Person(standin, 3300)
    await person.start("ru")
    await person.send(URGENT)
    await standin.wait_until(lambda: "Country: unknown" in card_text(standin))
    russia = shipped_content().contacts.countries["RU"]
    answer = await person.tap(russia.name.root["ru"])
    numbers = [contact.number for contact in russia.urgent()]
    assert answer["text"].startswith(shipped_content().escalation.danger.root["ru"]) and numbers
    assert all(number in answer["text"] for number in numbers)
    assert [data for _, data in buttons(answer)] == ["m", "hide"], "Main menu and Hide, as on every screen"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT country FROM users").fetchall() == [("RU",)]
        assert connection.execute("SELECT country FROM tickets").fetchall() == [("RU",)]
    await standin.wait_until(lambda: "Country: RU" in card_text(standin))
