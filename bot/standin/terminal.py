"""`helpline chat`: the whole bot in a terminal, through the stand-in: no token, no network.

Type as the migrant; `:op` becomes an operator in the operators' group (answering the newest ticket's
topic), `:user` goes back. `#N` presses button N of the last message. `:voice` and `:photo` send media.
Content editors use it to preview their changes: it reads HELPLINE_CONTENT_DIR like the real bot.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.runner import started, stopped
from bot.services import SERVICES, HelplineApp
from bot.settings import Settings, load_settings
from bot.standin.server import StandIn

USER_ID = 9000
OPERATOR_ID = 9001
GROUP_ID = -1009000000000
HELP = (
    "Type a message and press Enter. #N presses button N. /start, /help, /hide … work as in Telegram.\n"
    ":op — be an operator in the operators' group (your text goes into the newest ticket's topic)\n"
    ":user — be the migrant again   :voice / :photo — send a voice note / a photo   :quit — leave"
)


class TerminalChat:
    def __init__(self, standin: StandIn, out: Any = sys.stdout) -> None:
        self.standin = standin
        self.out = out
        self.operator = False
        self._shown: dict[int, dict[int, str]] = {USER_ID: {}, GROUP_ID: {}, OPERATOR_ID: {}}
        self._deleted: dict[int, set[int]] = {chat_id: set() for chat_id in self._shown}

    @staticmethod
    def _event(message: dict[str, Any]) -> str | None:
        """A forum topic's service message, in words (it has no text of its own)."""
        if "forum_topic_created" in message:
            return f"[topic opened: {message['forum_topic_created'].get('name', '')}]"
        if "forum_topic_edited" in message:
            return f"[topic renamed: {message['forum_topic_edited'].get('name', '')}]"
        if "forum_topic_closed" in message:
            return "[topic closed]"
        if "forum_topic_reopened" in message:
            return "[topic reopened]"
        return None

    def _render(self, message: dict[str, Any]) -> str:
        text = message.get("text") or message.get("caption") or self._event(message) or ""
        media = next((kind for kind in ("voice", "photo", "document", "location") if kind in message), None)
        if media:
            text = f"[{media}] {text}".strip()
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", [])
        numbered = [button["text"] for row in rows for button in row]
        if numbered:
            text += "\n" + "  ".join(f"[#{i}] {label}" for i, label in enumerate(numbered, 1))
        return text

    def show_new(self) -> None:
        """Print every bot message that is new or changed since the last look, and how many were deleted."""
        where = {USER_ID: "bot → you", GROUP_ID: "bot → operators", OPERATOR_ID: "bot → operator"}
        for chat_id, deleted in self._deleted.items():
            gone = {m["message_id"] for m in self.standin.chat_messages(chat_id, include_deleted=True)
                    if self.standin.is_deleted(chat_id, m["message_id"])} - deleted  # fmt: skip
            if gone:
                deleted |= gone
                print(f"\n── {where[chat_id]}\n[{len(gone)} messages deleted]", file=self.out, flush=True)
        for chat_id, seen in self._shown.items():
            for message in self.standin.bot_messages(chat_id):
                rendered = self._render(message)
                if seen.get(message["message_id"]) != rendered:
                    seen[message["message_id"]] = rendered
                    topic = message.get("message_thread_id")
                    thread = f" (topic {topic})" if topic else ""
                    print(f"\n── {where[chat_id]}{thread}\n{rendered}", file=self.out, flush=True)

    def _last_with_buttons(self) -> dict[str, Any] | None:
        chat = GROUP_ID if self.operator else USER_ID
        for message in reversed(self.standin.bot_messages(chat)):
            if message.get("reply_markup"):
                return message
        return None

    def _newest_topic(self) -> int | None:
        threads = [m.get("message_thread_id") for m in self.standin.bot_messages(GROUP_ID)]
        return next((t for t in reversed(threads) if t), None)

    async def handle(self, line: str) -> bool:
        """Act on one line; False to stop."""
        line = line.strip()
        if line in (":quit", ":q", ":exit"):
            return False
        if line in (":op", ":user"):
            self.operator = line == ":op"
            print("You are now " + ("an operator." if self.operator else "the migrant."), file=self.out)
            return True
        if line == ":help":
            print(HELP, file=self.out)
            return True
        if line.startswith("#") and line[1:].isdigit():
            await self._press(int(line[1:]))
            return True
        if not line:
            return True
        voice, photo = line == ":voice", line == ":photo"
        text = None if voice or photo else line
        if self.operator:
            topic = self._newest_topic()
            await self.standin.group_sends(GROUP_ID, OPERATOR_ID, text, thread_id=topic, voice=voice, photo=photo)
        else:
            await self.standin.user_sends(USER_ID, text, voice=voice, photo=photo)
        return True

    async def _press(self, number: int) -> None:
        message = self._last_with_buttons()
        keyboard = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
        labels = [button for row in keyboard for button in row]
        if message is None or not 1 <= number <= len(labels):
            print("No such button.", file=self.out)
            return
        data = labels[number - 1].get("callback_data", "")
        if self.operator:
            await self.standin.press(GROUP_ID, message["message_id"], data, from_user=OPERATOR_ID)
        else:
            await self.standin.press(USER_ID, message["message_id"], data)


def chat_settings(base: Settings, standin: StandIn, database: Path) -> Settings:
    values = base.model_dump() | {
        "bot_token": "1:LOCAL-CHAT",
        "api_base_url": standin.base_url,
        "operator_chat_id": GROUP_ID,
        "operator_ids": [OPERATOR_ID],
        "database": database,
    }
    return load_settings(**values)


async def _settle(standin: StandIn, chat: TerminalChat) -> None:
    """Wait for the bot's answer before reading the next line (typed ahead or piped in)."""
    try:
        await standin.wait_idle(timeout=10, settle=0.3)
    except TimeoutError:
        pass  # a slow answer is shown when it comes
    chat.show_new()


async def _drain(application: HelplineApp, standin: StandIn, chat: TerminalChat) -> None:
    """Before leaving, let the outbox deliver what is still on its way (relays are paced)."""
    store = application.bot_data[SERVICES].store
    for _ in range(100):
        async with store.read() as tx:
            if not await tx.outbox.pending():
                break
        await asyncio.sleep(0.1)
    await _settle(standin, chat)


async def _watch(chat: TerminalChat) -> None:
    while True:
        chat.show_new()
        await asyncio.sleep(0.1)


async def _readline() -> str:
    """A line of input, read in a daemon thread: at Ctrl-C the chat leaves at once instead of waiting,
    as `asyncio.to_thread` would, for a line that never comes."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def deliver(text: str) -> None:
        if not line.done():
            line.set_result(text)

    def read() -> None:
        loop.call_soon_threadsafe(deliver, sys.stdin.readline())

    threading.Thread(target=read, daemon=True).start()
    return await line


async def run_terminal_chat(settings: Settings, *, lang: str | None, payload: str, operator: bool) -> int:
    async with StandIn() as standin:
        standin.add_group(GROUP_ID, "Helpline operators", is_forum=True)
        standin.add_user(USER_ID, first_name="Migrant", language_code=lang)
        standin.add_user(OPERATOR_ID, first_name="Operator", language_code="ru")
        with tempfile.TemporaryDirectory(prefix="helpline-chat-") as folder:
            application = build_application(chat_settings(settings, standin, Path(folder) / "chat.db"))
            await started(application)
            assert application.updater is not None  # noqa: S101
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            chat = TerminalChat(standin)
            chat.operator = operator
            print(HELP, flush=True)
            watcher = asyncio.create_task(_watch(chat))
            try:
                await standin.user_sends(USER_ID, f"/start {payload}".strip())
                await _settle(standin, chat)
                while True:
                    line = await _readline()
                    if not line or not await chat.handle(line):
                        break
                    await _settle(standin, chat)
                await _drain(application, standin, chat)  # not at Ctrl-C: that means leave now
            finally:
                watcher.cancel()
                await stopped(application)
    return 0
