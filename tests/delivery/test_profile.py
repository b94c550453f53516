"""The bot's name, descriptions and commands are set in the background after start: a 429 on them
silences nobody, one refused call skips nothing else, and values Telegram has already are not set again."""

from __future__ import annotations

import time
from pathlib import Path

from support.harness import FakeClock, Person, RunningBot, make_settings, shipped_content

from bot.standin.server import StandIn

SETTERS = ("setMyName", "setMyShortDescription", "setMyDescription", "setMyCommands")


def profile_is_set(standin: StandIn) -> bool:
    profile = shipped_content().profile
    for lang in ("kk", "ru", "uz"):
        commands = {c["command"]: c["description"] for c in standin.my_commands(language_code=lang)}
        if commands != {name: text.root[lang] for name, text in profile.commands.items()}:
            return False
        if standin._profile.get(("name", lang)) != profile.name.root[lang]:
            return False
        if standin._profile.get(("description", lang)) != profile.description.root[lang]:
            return False
    return True


async def test_a_429_on_the_profile_silences_nobody_and_is_waited_out(standin: StandIn, database: Path,
                                                                       clock: FakeClock) -> None:  # fmt: skip
    shipped_content()  # loaded before the clock starts: the start is what is timed
    standin.flood_profile(6)
    until = time.monotonic() + 6
    began = time.monotonic()
    running = await RunningBot(make_settings(standin, database), clock).start()
    try:
        person = Person(standin, 8100)
        await person.start("ru")
        assert time.monotonic() - began < 4, "the start did not wait for the profile"
        await standin.wait_until(lambda: profile_is_set(standin), timeout=15)
        refused = [c for c in standin.calls_to("setMyName") if not c.ok]
        accepted = [c for c in standin.calls_to("setMyName") if c.ok]
        assert len(refused) == 1, "one 429, then the wait was honoured"
        assert accepted[0].at >= until - 0.1
    finally:
        await running.stop()


async def test_one_refused_profile_call_skips_nothing_else(standin: StandIn, database: Path, clock: FakeClock) -> None:
    standin.inject("setMyShortDescription", "too_long", times=1)  # for the first language only
    running = await RunningBot(make_settings(standin, database), clock).start()
    try:
        await standin.wait_until(lambda: len(standin.calls_to("setMyCommands", ok=True)) == 3, timeout=10)
    finally:
        await running.stop()
    assert len(standin.calls_to("setMyName", ok=True)) == 3
    assert len(standin.calls_to("setMyDescription", ok=True)) == 3
    assert len(standin.calls_to("setMyShortDescription", ok=True)) == 2


async def test_values_telegram_has_are_not_set_again(standin: StandIn, database: Path, clock: FakeClock) -> None:
    for run in (1, 2):
        running = await RunningBot(make_settings(standin, database), clock).start()
        try:
            await standin.wait_until(lambda r=run: len(standin.calls_to("getMyCommands")) == 3 * r  # type: ignore[misc]
                                     and profile_is_set(standin), timeout=10)  # fmt: skip
            await standin.wait_idle()
        finally:
            await running.stop()
    assert all(len(standin.calls_to(method)) == 3 for method in SETTERS), "set once, by the first start only"
    assert len(standin.calls_to("getMyCommands")) == 6
