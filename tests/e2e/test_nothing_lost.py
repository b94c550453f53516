"""Nothing is lost, nothing doubles: SIGKILL the bot at several points of an escalation, and make the
stand-in throttle (429) and fail (5xx); after a restart or recovery, one card and every relay once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.harness import GROUP_ID, OPERATORS, TOKEN, Person, RunningBot, shipped_content

from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают"
LATER = ["Я в Казани, на складе", "Нас тут пятеро"]
pytestmark = pytest.mark.both_backends


class BotProcess:
    """The bot as its own process, as in production, so it can be killed for real."""

    def __init__(self, standin: StandIn, database: Path, database_url: str | None = None) -> None:
        self.env = {
            **os.environ,
            "HELPLINE_BOT_TOKEN": TOKEN,
            "HELPLINE_API_BASE_URL": standin.base_url,
            "HELPLINE_DATABASE": str(database),
            "HELPLINE_OPERATOR_CHAT_ID": str(GROUP_ID),
            "HELPLINE_OPERATOR_IDS": ",".join(map(str, OPERATORS)),
            "HELPLINE_LOG_LEVEL": "WARNING",
        } | ({"HELPLINE_DATABASE_URL": database_url} if database_url else {})
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=self.env)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)

    async def wait_dead(self) -> None:
        while self.process is not None and self.process.poll() is None:  # noqa: ASYNC110 - a process has no event
            await asyncio.sleep(0.02)

    async def terminate(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(200):
            if self.process.poll() is not None:
                return self.process.returncode
            await asyncio.sleep(0.05)
        self.process.kill()
        return -9


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "")]


def group_texts(standin: StandIn) -> list[str]:
    return [m.get("text") or "" for m in standin.chat_messages(GROUP_ID)]


def delivered_once(standin: StandIn, person: Person) -> None:
    assert len(cards(standin)) == 1, [c["text"][:40] for c in cards(standin)]
    assert len(standin.calls_to("createForumTopic", ok=True)) == 1
    texts = group_texts(standin)
    for text in LATER:
        assert texts.count(text) == 1, (text, texts)
    # The user's answer is never lost. It may come twice when the kill falls while Telegram had already
    # accepted it in another lane (the Bot API has no idempotency key); operators' messages never double,
    # because the group's lane is sent one row at a time and the kill falls on that lane's request.
    danger = shipped_content().escalation.danger.root["ru"]  # the first words of the answer out of hours
    assert sum(t.startswith(danger) for t in person.texts()) >= 1


def kill_on(standin: StandIn, bot: BotProcess, method: str, *, nth: int = 1,
            when: Any = lambda params: True) -> None:  # fmt: skip
    """Kill the bot the nth time it calls `method` (matching `when`), before the stand-in acts on it."""
    seen = 0

    def hook(params: dict[str, Any]) -> bool:
        nonlocal seen
        if not when(params):
            return False
        seen += 1
        if seen == nth:
            bot.kill()
            return True  # the request is dropped, as if the process died while sending it
        return False

    standin.hook(method, hook)


KILL_POINTS = {
    # the update was fetched and handled, but not yet confirmed: Telegram delivers it again
    "before confirming the update": ("getUpdates", 1, lambda p: True),
    "while answering the user": ("sendMessage", 1, lambda p: int(p["chat_id"]) > 0 and p["chat_id"] != GROUP_ID),
    "while opening the topic": ("createForumTopic", 1, lambda p: True),
    "while sending the card": ("sendMessage", 1, lambda p: int(p["chat_id"]) == GROUP_ID),
    "while relaying the second message": ("copyMessage", 2, lambda p: int(p["chat_id"]) == GROUP_ID),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
async def test_sigkill_at_any_point_loses_nothing_and_doubles_nothing(standin: StandIn, database, database_url,
                                                                      point: str) -> None:  # fmt: skip
    bot = BotProcess(standin, database, database_url)
    bot.start()
    try:
        person = Person(standin, 3001)
        await person.start("ru")
        method, nth, when = KILL_POINTS[point]
        kill_on(standin, bot, method, nth=nth, when=when)
        await standin.user_sends(person.id, URGENT)
        for text in LATER:
            await standin.user_sends(person.id, text)
        await asyncio.wait_for(bot.wait_dead(), timeout=15)
        standin.unhook(method)
        bot.start()
        await standin.wait_until(lambda: len(cards(standin)) >= 1
                                 and all(t in group_texts(standin) for t in LATER), timeout=20)  # fmt: skip
        await asyncio.sleep(0.5)  # anything doubled would show by now
        delivered_once(standin, person)
        assert await bot.terminate() == 0, "SIGTERM shuts down cleanly"
    finally:
        bot.kill()


async def test_throttling_and_outages_delay_but_lose_nothing(standin: StandIn, bot: RunningBot) -> None:
    standin.inject("sendMessage", "retry_after", times=2, retry_after=1, chat_id=GROUP_ID)
    standin.inject("createForumTopic", "server_error", times=3)
    standin.inject("copyMessage", "drop", times=1)
    person = Person(standin, 3002)
    await person.start("ru")
    await standin.user_sends(person.id, URGENT)
    for text in LATER:
        await standin.user_sends(person.id, text)
    await standin.wait_until(lambda: len(cards(standin)) == 1 and all(t in group_texts(standin) for t in LATER),
                             timeout=30)  # fmt: skip
    await asyncio.sleep(0.5)
    delivered_once(standin, person)
    assert [t for t in group_texts(standin) if t in LATER] == LATER, "relays keep their order"


async def test_a_user_who_blocked_the_bot_is_shown_to_operators(standin: StandIn, bot: RunningBot, database) -> None:
    person = Person(standin, 3003)
    await person.start("ru")
    await standin.user_sends(person.id, URGENT)
    await standin.wait_until(lambda: len(cards(standin)) == 1)
    standin.block(person.id)
    thread = cards(standin)[0]["message_thread_id"]
    await standin.group_sends(GROUP_ID, OPERATORS[0], "Вы здесь?", thread_id=thread)
    await standin.wait_until(lambda: any("blocked the bot" in t for t in group_texts(standin)))
    await standin.wait_until(
        lambda: any("user left" in c.params.get("name", "") for c in standin.calls_to("editForumTopic"))
    )
