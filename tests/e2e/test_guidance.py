"""A person taps through the menus in each language, through the stand-in, over HTTP."""

from __future__ import annotations

import sqlite3

import pytest
from support.harness import Person, RunningBot, button_data, buttons, shipped_content

from bot.i18n.transliterate import latin_to_cyrillic
from bot.standin.server import StandIn

CONTENT_LANGS = ["kk", "ru", "uz"]


def welcome(lang: str) -> str:
    text = shipped_content().guidance.welcome
    return latin_to_cyrillic(text.root["uz"]) if lang == "uzc" else text.root[lang]


@pytest.mark.parametrize("lang", ["kk", "ru", "uz", "uzc"])
async def test_a_leaflet_link_opens_the_bot_in_its_language(standin: StandIn, bot: RunningBot, lang: str) -> None:
    person = Person(standin, 1001)
    menu = await person.start(f"{lang}-border_post1")
    assert menu["text"] == welcome(lang)
    guidance = shipped_content().guidance
    first = guidance.main_menu[0]
    source = "uz" if lang == "uzc" else lang
    label = guidance.screens[first].button.root[source]
    label = latin_to_cyrillic(label) if lang == "uzc" else label
    screen = await person.tap(label)
    expected = guidance.screens[first].text.root[source]
    assert screen["text"].startswith(latin_to_cyrillic(expected) if lang == "uzc" else expected)
    # Back, Main menu and Hide this chat on every screen
    assert any(data == "m" for _, data in buttons(screen))
    assert any(data == "hide" for _, data in buttons(screen))


async def test_every_screen_is_reachable_within_three_taps_with_back(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1002)
    # A robot taps faster than anyone reads: lift the flood limit (tested on its own elsewhere).
    bot.services.flood.per_minute = 10_000
    await person.start("ru")
    guidance = shipped_content().guidance
    visited: set[str] = set()
    for top in guidance.main_menu:
        screen = await person.tap(guidance.screens[top].button.root["ru"], person.with_buttons())
        visited.add(top)
        for link in guidance.screens[top].links:
            inner = await person.tap(guidance.screens[link].button.root["ru"], screen)
            visited.add(link)
            for deeper in guidance.screens[link].links:
                visited.add(deeper)
            back = await person.tap("«", inner)
            assert back["text"] == screen["text"], f"Back from {link} leads to {top}, where we came from"
        await person.tap("Главное меню", screen)
    assert visited == set(guidance.screens)
    assert person.queries
    for query_id in person.queries:
        assert standin.callback_answer(query_id) is not None, "every callback query is answered"


async def test_language_from_telegram_then_picker_then_language_command(standin: StandIn, bot: RunningBot) -> None:
    russian = Person(standin, 1003, language_code="ru-RU")
    assert (await russian.start())["text"] == welcome("ru")
    stranger = Person(standin, 1004, language_code="en")
    picker = await stranger.start()
    assert {text for text, _ in buttons(picker)} >= {"Қазақша", "Русский", "Oʻzbekcha", "Ўзбекча"}
    chosen = await stranger.tap("Қазақша", picker)
    assert chosen["text"] == welcome("kk")
    again = await stranger.send("/language")
    assert (await stranger.tap("Ўзбекча", again))["text"] == welcome("uzc")
    hidden = Person(standin, 1007, language_code="en")
    picker = await hidden.start()
    hide = [text for text, data in buttons(picker) if data == "hide"]
    assert hide == ["Чатты жасыру / Скрыть чат / Chatni yashirish / Чатни яшириш"], "Hide on the picker too"
    await hidden.tap(hide[0], picker)
    await standin.wait_idle()
    neutral = bot.services.default_translator().gettext("OK")
    assert [m.get("text") for m in standin.chat_messages(hidden.id)] == [neutral], "picker and /start gone, one line"


async def test_an_unknown_payload_falls_back_gracefully(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1005, language_code="uz")
    assert (await person.start("xx-../../etc"))["text"] == welcome("uz")
    nobody = Person(standin, 1006)
    picker = await nobody.start("kk-" + "a" * 41)
    assert "Қазақша" in [text for text, _ in buttons(picker)]


async def test_the_language_survives_a_restart(standin: StandIn, bot: RunningBot, database, clock) -> None:
    person = Person(standin, 1007)
    await person.start("kk")
    await bot.stop()
    await bot.start()
    reply = await person.send("/start")
    assert reply["text"] == welcome("kk")


async def test_starts_are_counted_per_source_and_day_without_the_user(
    standin: StandIn, bot: RunningBot, database
) -> None:
    for user_id, payload in [(1010, "kk-border1"), (1011, "kk-border1"), (1012, "ru-border2"), (1013, "")]:
        await Person(standin, user_id, language_code="ru").start(payload)
    rows = sqlite3.connect(database).execute("SELECT source, lang, count FROM start_counts ORDER BY source").fetchall()
    assert rows == [("border1", "kk", 2), ("border2", "ru", 1), ("direct", "ru", 1)]
    columns = [row[1] for row in sqlite3.connect(database).execute("PRAGMA table_info(start_counts)")]
    assert columns == ["day", "source", "lang", "count"]


async def test_an_old_button_says_the_menu_changed(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1020)
    menu = await person.start("ru")
    before = len(person.texts())
    query = await standin.press(person.id, menu["message_id"], "s:a_screen_that_was_removed")
    await standin.wait_until(lambda: len(person.texts()) > before)
    answer = standin.callback_answer(query)
    assert answer is not None and answer.get("text") == bot.services.i18n["ru"].gettext("This menu has changed.")
    assert person.texts()[-1].endswith(welcome("ru"))
    garbage = await standin.press(person.id, menu["message_id"], "zz:\u202e\u0000")
    await standin.wait_until(lambda: standin.callback_answer(garbage) is not None)


async def test_text_the_bot_does_not_understand_gets_the_menu(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 1030)
    await person.start("uz")
    reply = await person.send("qwerty 12345")
    assert reply["text"].endswith(welcome("uz"))
    assert button_data(reply, "Odam bilan gaplashish") == "talk"
