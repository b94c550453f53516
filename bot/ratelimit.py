"""Telegram's sending limits, kept per chat: one flooded chat must not silence the whole helpline.

python-telegram-bot's AIORateLimiter keeps the same overall and per-group limits, but a 429 from any
request pauses every request: during Telegram's wait on one user's chat (tens of seconds, at times),
nobody else would be answered. Here a 429 pauses only what it was about: the chat (or group) that
received it, or, for a call without a chat (getUpdates, the bot's profile, answering a button), calls
of that method.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
Key = int | str  # a chat id, a @username, or the name of a method called without a chat
MAX_TRACKED = 512  # idle groups' limiters and ended pauses are forgotten past this many


class PerChatRateLimiter(BaseRateLimiter[int]):
    """At most 30 requests a second to chats, 20 a minute to each group (as AIORateLimiter), and a 429's
    retry_after honoured for the chat, group or method that received it alone.

    `rate_limit_args` (python-telegram-bot's per-call `rate_limit_args`) overrides `max_retries`: how
    often a request refused with 429 is tried again, after the wait Telegram asked for, before the
    RetryAfter reaches the caller.
    """

    def __init__(
        self,
        overall_max_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        overall_time_period: float = 1,
        group_max_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_time_period: float = 60,
        max_retries: int = 0,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, overall_time_period)
        self._group_rate = (group_max_rate, group_time_period)
        self._groups: dict[Key, AsyncLimiter] = {}
        self._paused: dict[Key, float] = {}  # key → loop time until which Telegram asked us to wait
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        chat = _chat(data.get("chat_id"))
        key: Key = endpoint if chat is None else chat
        group = chat is not None and (isinstance(chat, str) or chat < 0)
        attempt = 0
        while True:
            await self._wait_out(key)
            try:
                async with (
                    self._group(key) if group else contextlib.nullcontext(),
                    self._overall if chat is not None else contextlib.nullcontext(),
                ):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = error.retry_after
                seconds = float(wait) if isinstance(wait, int | float) else wait.total_seconds()
                self._pause(key, seconds + 0.1)
                if attempt >= retries:
                    raise
                attempt += 1
                log.info("429 on %s: trying again in %s s (retry %s)", endpoint, seconds, attempt)

    async def _wait_out(self, key: Key) -> None:
        loop = asyncio.get_running_loop()
        while (left := self._paused.get(key, 0.0) - loop.time()) > 0:  # noqa: ASYNC110 - another 429 may lengthen it
            await asyncio.sleep(left)
        self._paused.pop(key, None)

    def _pause(self, key: Key, seconds: float) -> None:
        now = asyncio.get_running_loop().time()
        self._paused[key] = max(self._paused.get(key, 0.0), now + seconds)
        if len(self._paused) > MAX_TRACKED:
            self._paused = {k: until for k, until in self._paused.items() if until > now}

    def _group(self, key: Key) -> AsyncLimiter:
        limiter = self._groups.get(key)
        if limiter is None:
            if len(self._groups) > MAX_TRACKED:  # a full bucket is an idle group's: nothing to remember
                self._groups = {k: lim for k, lim in self._groups.items() if not lim.has_capacity(lim.max_rate)}
            limiter = self._groups[key] = AsyncLimiter(*self._group_rate)
        return limiter


def _chat(value: object) -> Key | None:
    """The chat a request addresses, as Telegram knows it: an id (sent as text at times) or a @username."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    with contextlib.suppress(ValueError):
        return int(text)
    return text
