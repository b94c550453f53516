"""The project's rate limiter with python-telegram-bot's ExtBot against the stand-in: Telegram's limits
kept, and a 429 honoured only where it was received."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.ratelimit import PerChatRateLimiter
from bot.standin.server import StandIn

TOKEN = "123456:TEST"
USER, GROUP, OTHER_GROUP = 42, -1001, -1002


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        server.add_user(USER, "Aida")
        server.add_group(GROUP, "One", is_forum=False)
        server.add_group(OTHER_GROUP, "Two", is_forum=False)
        yield server


def limited(standin: StandIn, limiter: PerChatRateLimiter) -> ExtBot[int]:
    return ExtBot(TOKEN, base_url=standin.base_url, rate_limiter=limiter)


async def test_a_group_gets_its_budget_and_no_more_while_private_chats_go_on(standin: StandIn) -> None:
    limiter = PerChatRateLimiter(group_max_rate=3, group_time_period=1.0)
    async with limited(standin, limiter) as bot:
        began = time.monotonic()
        group = asyncio.gather(*(bot.send_message(GROUP, f"g{n}") for n in range(6)))
        await bot.send_message(USER, "private")
        private_done = time.monotonic()
        await group
        assert private_done - began < 1.0, "a private chat does not queue behind a group's budget"
        times = sorted(c.at for c in standin.calls_to("sendMessage") if c.params["chat_id"] == GROUP)
        assert times[5] - times[0] >= 0.9, "three a second into one group"


async def test_retry_after_is_honoured_for_its_group_only_and_retried(standin: StandIn) -> None:
    async with limited(standin, PerChatRateLimiter(max_retries=1)) as bot:
        standin.throttle(GROUP, 2)
        began = time.monotonic()
        held = asyncio.create_task(bot.send_message(GROUP, "after the wait"))
        await standin.wait_until(lambda: bool(standin.calls_to("sendMessage", ok=False)))
        await bot.send_message(OTHER_GROUP, "at once")
        assert time.monotonic() - began < 2, "another group is not paused"
        assert (await held).text == "after the wait"
        assert time.monotonic() - began >= 2


async def test_past_its_retries_the_429_reaches_the_caller_and_the_next_call_waits(standin: StandIn) -> None:
    async with limited(standin, PerChatRateLimiter(max_retries=0)) as bot:
        standin.throttle(USER, 1)
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "too soon")
        assert (await bot.send_message(USER, "later")).text == "later"
        assert [c.status for c in standin.calls_to("sendMessage")] == [429, 200], "Telegram not asked in the wait"
