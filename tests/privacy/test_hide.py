""""Hide this chat" through the stand-in: after a whole session in each language — menus, a job offer,
an urgent message and an operator's answer — nothing of the helpline is left in the chat but one
neutral line, and the ticket stays open with the operators told. Every message is remembered for it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, Person, RunningBot, buttons, shipped_content

from bot.standin.server import StandIn

URGENT = {
    "ru": "Помогите, у меня забрали паспорт и не выпускают с работы",
    "kk": "Көмектесіңіз, паспортымды алып қойды, үйден шығармайды",
    "uz": "Yordam bering, pasportimni olib qoʻyishdi, ishdan chiqarishmayapti",
}
NEUTRAL = {"ru": "Хорошо"}  # the others are read from the catalog below
OFFERS = Path(__file__).parents[1] / "data" / "offers"
OPERATOR = OPERATORS[0]


def neutral_line(bot: RunningBot, lang: str) -> str:
    return bot.services.i18n[lang].gettext("OK")


def remembered(database: Path, chat_id: int) -> set[int]:
    with sqlite3.connect(database) as connection:
        return {m for (m,) in connection.execute("SELECT message_id FROM sent_messages WHERE chat_id = ?", (chat_id,))}


def ticket(database: Path, ticket_id: int = 1) -> dict[str, Any]:
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return dict(row) if row else {}


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "").lower()
            and any(d.startswith("t:") for _, d in buttons(m))]  # fmt: skip


async def press(person: Person, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
    """Press the button with this callback data (or data prefix) on the message (else the last with buttons)."""
    message = message or person.with_buttons()
    found = [d for _, d in buttons(message) if d == data] or [d for _, d in buttons(message) if d.startswith(data)]
    assert found, f"no button {data!r} in {buttons(message)}"

    async def act() -> None:
        person.queries.append(await person.standin.press(person.id, message["message_id"], found[0]))

    return await person._answered(act)


async def a_whole_session(standin: StandIn, bot: RunningBot, person: Person, lang: str) -> None:
    """Menus, a guidance screen, a job offer checked, /silent, a sticker, an urgent message, an answer."""
    guidance = shipped_content().guidance
    await person.start(lang)
    await press(person, "s:" + guidance.main_menu[0])
    await press(person, "m")
    await press(person, "o:menu")
    await press(person, "o:paste")
    offer = (OFFERS / lang / "d01.txt").read_text(encoding="utf-8")
    result = await person.send(offer)
    assert any(d == "o:report" for _, d in buttons(result)), "the offer was scanned"
    await person.send("/silent")
    await person._answered(lambda: standin.user_sends(person.id, sticker=True))
    await person.send(URGENT[lang])
    await standin.wait_until(lambda: len(cards(standin)) == 1, timeout=5)
    thread = cards(standin)[0]["message_thread_id"]
    before = len(standin.bot_messages(person.id))
    await standin.group_sends(GROUP_ID, OPERATOR, "Operator here: are you safe? Call 112.", thread_id=thread)
    await standin.wait_until(lambda: len(standin.bot_messages(person.id)) > before)
    await standin.user_sends(person.id, "Да, я в хостеле / ha, xavfsizman")
    await standin.wait_until(lambda: any("хостеле" in (m.get("text") or "") for m in standin.chat_messages(GROUP_ID)
                                         if m.get("message_thread_id") == thread))  # fmt: skip
    await standin.wait_idle(timeout=10)


async def hide_and_wait(standin: StandIn, person: Person, how: str) -> None:
    deletes = len(standin.calls_to("deleteMessages"))
    if how == "command":
        await standin.user_sends(person.id, "/hide")
    else:
        message = person.with_buttons()
        await standin.press(person.id, message["message_id"], "hide")
    await standin.wait_until(lambda: len(standin.calls_to("deleteMessages")) > deletes, timeout=5)
    await standin.wait_idle(timeout=10)


def assert_only_the_neutral_line(standin: StandIn, bot: RunningBot, person: Person, lang: str) -> None:
    left = standin.chat_messages(person.id)
    assert len(left) <= 1, [m.get("text") or m.get("caption") or sorted(m) for m in left]
    for message in left:
        assert message.get("text") == neutral_line(bot, lang)
        assert not message.get("reply_markup")
        assert message["from"]["is_bot"]


@pytest.mark.parametrize(("lang", "how"), [("kk", "command"), ("ru", "button"), ("uz", "command")])
async def test_hide_leaves_nothing_of_the_helpline(standin: StandIn, bot: RunningBot, database: Path,
                                                   lang: str, how: str) -> None:  # fmt: skip
    person = Person(standin, 3100 + ["kk", "ru", "uz"].index(lang))
    await a_whole_session(standin, bot, person, lang)
    everything = {m["message_id"] for m in standin.chat_messages(person.id)}
    missing = everything - remembered(database, person.id)
    assert not missing, f"not remembered for /hide: {[m for m in standin.chat_messages(person.id) if m['message_id'] in missing]}"  # noqa: E501
    group_before = len(standin.chat_messages(GROUP_ID))

    await hide_and_wait(standin, person, how)

    assert_only_the_neutral_line(standin, bot, person, lang)
    for call in standin.calls_to("deleteMessages"):
        assert 1 <= len(call.params["message_ids"]) <= 100
    assert ticket(database)["state"] in ("open", "claimed"), "hiding is not giving up: the ticket stays open"
    await standin.wait_until(lambda: any("hid the chat" in (m.get("text") or "")  # told through the outbox
                                         for m in standin.chat_messages(GROUP_ID)[group_before:]))  # fmt: skip
    # Texts of the chat are never kept outside the ticket; the ids of the deleted ones are forgotten.
    assert remembered(database, person.id) == {standin.chat_messages(person.id)[0]["message_id"]}

    # The operator writes on: the chat fills again, and hiding again still leaves one line.
    thread = cards(standin)[0]["message_thread_id"]
    await standin.group_sends(GROUP_ID, OPERATOR, "Short and neutral.", thread_id=thread)
    await standin.wait_until(lambda: any(m.get("text") == "Short and neutral."
                                         for m in standin.chat_messages(person.id)))  # fmt: skip
    await hide_and_wait(standin, person, "command")
    assert_only_the_neutral_line(standin, bot, person, lang)


async def test_a_flood_is_hidden_too_in_batches_of_100(standin: StandIn, bot: RunningBot, database: Path) -> None:
    person = Person(standin, 3200)
    await person.start("ru")
    for i in range(150):
        await standin.user_sends(person.id, f"сообщение {i}")
    await standin.wait_idle(timeout=20)
    assert len(standin.chat_messages(person.id)) > 150
    await hide_and_wait(standin, person, "button")
    assert_only_the_neutral_line(standin, bot, person, "ru")
    sizes = [len(call.params["message_ids"]) for call in standin.calls_to("deleteMessages")]
    assert sum(sizes) >= 150 and max(sizes) == 100


async def test_hide_goes_through_a_flood_and_an_outage(standin: StandIn, bot: RunningBot, database: Path) -> None:
    """Even past the flood limit, and when a batch delete fails, nothing of the helpline comes back."""
    person = Person(standin, 3300)
    await person.start("uz")
    for i in range(30):
        await standin.user_sends(person.id, f"xabar {i}")
    standin.inject("deleteMessages", "server_error")
    standin.inject("deleteMessage", "server_error")  # one at a time fails too: an outage
    await standin.user_sends(person.id, "/hide")
    await standin.wait_until(lambda: any(m.get("text") == neutral_line(bot, "uz")
                                         for m in standin.bot_messages(person.id)), timeout=10)  # fmt: skip
    await standin.wait_idle(timeout=10)
    left = [m for m in standin.chat_messages(person.id) if m.get("text") != neutral_line(bot, "uz")]
    assert left, "the outage kept some messages"
    assert all(m["message_id"] in remembered(database, person.id) for m in left), "kept for the next hide"
    sorry = bot.services.i18n["uz"].gettext("Sorry, something went wrong on our side. Here is the main menu.")
    assert not any(sorry in (m.get("text") or "") for m in standin.chat_messages(person.id)), "no apology with a menu"
    await hide_and_wait(standin, person, "command")
    assert_only_the_neutral_line(standin, bot, person, "uz")


@pytest.mark.parametrize("fault", ["server_error", "not_found"])
async def test_a_failed_batch_delete_falls_back_to_one_at_a_time(standin: StandIn, bot: RunningBot, fault: str) -> None:
    """deleteMessages fails (a server error, or a Bot API without the method): Hide still deletes everything."""
    person = Person(standin, 3350)
    await person.start("ru")
    for i in range(5):
        await standin.user_sends(person.id, f"сообщение {i}")
    await standin.wait_idle(timeout=10)
    standin.inject("deleteMessages", fault, times=10)  # type: ignore[arg-type]
    await hide_and_wait(standin, person, "button")
    assert_only_the_neutral_line(standin, bot, person, "ru")
    assert standin.calls_to("deleteMessage", ok=True)


async def test_the_hide_button_is_on_every_screen(standin: StandIn, bot: RunningBot) -> None:
    """Every screen the bot draws once a language is chosen: guidance, offers, talk, /silent, /forget."""
    person = Person(standin, 3400)
    await person.start("kk")
    shown = [person.with_buttons()]
    for data in ["s:" + screen_id for screen_id in shipped_content().guidance.screens] + \
            ["o:menu", "o:guided", "o:paste", "talk", "m"]:  # fmt: skip
        query = await standin.press(person.id, person.with_buttons()["message_id"], data)
        await standin.wait_until(lambda q=query: standin.callback_answer(q) is not None)
        await standin.wait_idle()
        shown.append(person.with_buttons())
    for command in ("/silent", "/forget", "/check", "/help"):
        shown.append(await person.send(command))
    for screen in shown:
        assert any(d == "hide" for _, d in buttons(screen)), (screen.get("text", "")[:60], buttons(screen))
