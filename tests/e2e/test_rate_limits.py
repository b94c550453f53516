"""Telegram's 429 on one chat pauses that chat only: everyone else is answered meanwhile, and the
flooded chat gets its message once Telegram's wait is over (bot.ratelimit)."""

from __future__ import annotations

import time

from support.harness import GROUP_ID, Person, RunningBot

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"
WAIT = 12  # seconds of Telegram's flood wait on the one chat: ample for the others on a loaded machine


def sent_at(standin: StandIn, chat_id: int, after: float) -> list[float]:
    """When Telegram accepted a message (or a topic) for `chat_id`, since `after`."""
    return [c.at for c in standin.calls if c.status == 200 and c.at >= after and c.params.get("chat_id") == chat_id
            and c.method in ("sendMessage", "copyMessage", "createForumTopic")]  # fmt: skip


async def test_a_429_on_one_chat_holds_up_no_other_users_answer_or_ticket(standin: StandIn, bot: RunningBot) -> None:
    flooded, other, in_danger = Person(standin, 3001), Person(standin, 3002), Person(standin, 3003)
    for person in (flooded, other, in_danger):
        await person.start("ru")
    began = time.monotonic()
    standin.throttle(flooded.id, WAIT)
    ends = began + WAIT
    await standin.user_sends(flooded.id, "/start")
    await standin.wait_until(lambda: any(c.status == 429 and c.params.get("chat_id") == flooded.id
                                         for c in standin.calls))  # fmt: skip
    await other.send("/start")
    await in_danger.send(URGENT)
    await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)),
                             timeout=WAIT + 10)  # fmt: skip
    assert max(sent_at(standin, other.id, began)) < ends, "another user's answer did not wait for the flooded chat"
    assert max(sent_at(standin, GROUP_ID, began)) < ends, "the ticket's card did not wait for the flooded chat"
    assert not sent_at(standin, flooded.id, began), "the flooded chat waits"

    await standin.wait_until(lambda: bool(sent_at(standin, flooded.id, began)), timeout=WAIT + 10)
    assert min(sent_at(standin, flooded.id, began)) >= ends, "Telegram's wait was honoured"
    assert [c.status for c in standin.calls if c.params.get("chat_id") == flooded.id and c.at >= began] == [429, 200], \
        "asked again only once the wait was over"  # fmt: skip


async def test_a_429_without_a_chat_pauses_only_calls_of_that_kind(standin: StandIn, bot: RunningBot) -> None:
    presser, other = Person(standin, 3011), Person(standin, 3012)
    menu = await presser.start("ru")
    await other.start("ru")
    began = time.monotonic()
    standin.inject("answerCallbackQuery", "retry_after", retry_after=WAIT)
    data = menu["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    query = await standin.press(presser.id, menu["message_id"], data)
    await standin.wait_until(lambda: any(c.status == 429 for c in standin.calls_to("answerCallbackQuery")))
    await other.send("/start")
    assert max(sent_at(standin, other.id, began)) < began + WAIT, "a message did not wait for answering buttons"
    await standin.wait_until(lambda: standin.callback_answer(query) is not None, timeout=WAIT + 10)
    answered = [c.at for c in standin.calls_to("answerCallbackQuery", ok=True)]
    assert answered and min(answered) >= began + WAIT, "the button's answer waited as Telegram asked"
