"""Drive the real bot over HTTP through the local Telegram stand-in, the way a person taps through it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.content.bundle import Content, load_content
from bot.paths import CONTENT_DIR
from bot.runner import started, stopped
from bot.services import SERVICES, HelplineApp, Services
from bot.settings import Settings, load_settings
from bot.standin.server import StandIn

GROUP_ID = -1001234567890
OPERATORS = (7001, 7002)
STRANGER = 6666
TOKEN = "123456:TEST-token-for-the-stand-in"
STOP_DEADLINE = 30.0  # seconds; the bot's own deadlines (the dispatcher's 5 s) keep a stop far below it

_content: Content | None = None


def shipped_content() -> Content:
    """The real content, loaded once per test run (it is read-only)."""
    global _content
    if _content is None:
        _content = load_content(CONTENT_DIR)
    return _content


class FakeClock:
    """Real time plus an offset the test moves forward, so timers can be tested without waiting."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)


def make_settings(standin: StandIn, database: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "api_base_url": standin.base_url,
        "database": database,
        "operator_chat_id": GROUP_ID,
        "operator_ids": ",".join(map(str, OPERATORS)),
        "content_dir": CONTENT_DIR,
    }
    values.update(overrides)
    return load_settings(**values)


class RunningBot:
    """The real Application, polling the stand-in."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.app: HelplineApp | None = None

    async def start(self) -> RunningBot:
        self.app = build_application(self.settings, clock=self.clock, content=shipped_content())
        await started(self.app)
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self

    async def stop(self) -> None:
        """Stop within STOP_DEADLINE; past it, fail with where every task still waits (not a silent hang)."""
        if self.app is not None:
            app, self.app = self.app, None
            try:
                await asyncio.wait_for(stopped(app), STOP_DEADLINE)
            except TimeoutError:
                waiting = []
                for task in asyncio.all_tasks():
                    frames = task.get_stack(limit=1)
                    where = f"{frames[0].f_code.co_filename}:{frames[0].f_lineno}" if frames else "?"
                    waiting.append(f"{task.get_name()} at {where}")
                raise AssertionError(f"the bot did not stop within {STOP_DEADLINE} s; waiting: {waiting}") from None

    @property
    def services(self) -> Services:
        assert self.app is not None
        return self.app.bot_data[SERVICES]


def _snapshot(standin: StandIn, chat_id: int) -> list[tuple[int, str, str]]:
    return [(m["message_id"], m.get("text") or m.get("caption") or "", repr(m.get("reply_markup")))
            for m in standin.bot_messages(chat_id)]  # fmt: skip


class Person:
    """A user in a private chat with the bot."""

    def __init__(self, standin: StandIn, user_id: int, language_code: str | None = None) -> None:
        self.standin = standin
        self.id = user_id
        self.queries: list[str] = []
        standin.add_user(user_id, first_name="Test", language_code=language_code)

    async def _answered(self, act: Callable[[], Any], within: float = 5.0) -> dict[str, Any]:
        """Do something, then wait until the bot shows something new (a message or an edit)."""
        before = _snapshot(self.standin, self.id)

        def changed() -> list[dict[str, Any]]:
            return [m for m in self.standin.bot_messages(self.id) if (m["message_id"],
                    m.get("text") or m.get("caption") or "", repr(m.get("reply_markup"))) not in before]  # fmt: skip

        await act()
        await self.standin.wait_until(lambda: _snapshot(self.standin, self.id) != before, timeout=within)
        if not changed():  # deletions came first (Hide, /forget): the answer follows them
            with contextlib.suppress(TimeoutError):
                await self.standin.wait_until(lambda: bool(changed()), timeout=within)
        await asyncio.sleep(0.05)  # let a second message of the same answer land
        new = changed()
        return new[-1] if new else self.standin.bot_messages(self.id)[-1]

    async def send(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return await self._answered(lambda: self.standin.user_sends(self.id, text, **kwargs))

    async def start(self, payload: str = "") -> dict[str, Any]:
        return await self.send(f"/start {payload}".strip())

    async def tap(self, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press the button whose text contains `label` on the given (else the last) message with buttons."""
        message = message or self.with_buttons()
        data = button_data(message, label)

        async def press() -> None:
            self.queries.append(await self.standin.press(self.id, message["message_id"], data))

        return await self._answered(press)

    def with_buttons(self) -> dict[str, Any]:
        for message in reversed(self.standin.bot_messages(self.id)):
            if message.get("reply_markup"):
                return message
        raise AssertionError("no message with buttons")

    def texts(self) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.standin.bot_messages(self.id)]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def button_data(message: dict[str, Any], label: str) -> str:
    found = [data for text, data in buttons(message) if label.casefold() in text.casefold()]
    if not found:
        raise AssertionError(f"no button {label!r} in {buttons(message)}")
    return found[0]
