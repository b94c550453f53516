"""Never silent: thousands of random updates through the real Application and the stand-in.

Random Unicode (zero-width, right-to-left, 4,096 characters), missing optional fields, unknown and stale
buttons, edited messages, strangers in groups. Every private message gets an answer (a message, an edit,
or its place in a ticket), every button press is answered, and the error handler is never called.
One bot runs for all examples; hypothesis draws batches of updates that are pushed and then checked.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.harness import GROUP_ID, OPERATORS, FakeClock, RunningBot, make_settings

from bot.standin.server import StandIn

BATCHES = int(os.environ.get("NEVER_SILENT_BATCHES", "45"))
# Every batch holds at least this many updates, so the default run pushes 45 × 45 = 2,025 or more whatever
# sizes hypothesis draws (it favours short lists, and a run once fell short of 2,000 that way).
MIN_BATCH = 45
SPECIAL = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u200f\u200e\u0600\u05d0\u0627\U0001f600\u0301\x00\n\t"
PREFIXES = ["m", "lp", "l:", "s:", "o:", "o:a:", "c:", "f:", "t:claim:", "hide", "talk", "", "zz:"]
COMMANDS = ["/start", "/start ru", "/start kk-border1", "/start ??", "/help", "/check", "/silent", "/language",
            "/unknown", "/start@helpline_test_bot", "/claim 1", "/queue", "/forget"]  # fmt: skip

texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(SPECIAL + "abcабвәқүoʻ "), min_size=1, max_size=40),
    st.builds(lambda c, n: (c * n)[:4096], st.sampled_from(["я", "a ", "\u200b", "👩‍👩‍👧", "ع"]), st.integers(1, 4096)),
    st.sampled_from(COMMANDS),
    st.sampled_from(["Помогите, забрали паспорт", "Yordam bering, pasportimni olib qoʻyishdi", "hello"]),
)
callback_data = st.builds(lambda p, s: (p + s).encode()[:64].decode(errors="ignore") or "m",
                          st.sampled_from(PREFIXES), st.text(max_size=20))  # fmt: skip

action = st.one_of(
    st.tuples(st.just("text"), st.integers(0, 7), texts),
    st.tuples(st.just("edit"), st.integers(0, 7), texts),
    st.tuples(st.just("press"), st.integers(0, 7), callback_data),
    st.tuples(st.just("media"), st.integers(0, 7),
              st.sampled_from(["sticker", "photo", "voice", "caption_only", "no_text", "location"])),
    st.tuples(st.just("group"), st.integers(0, 3), texts),
)


class World:
    """The stand-in and one running bot, shared by every example; counts calls to the error handler."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.errors: list[str] = []
        self.next_user = 900_000
        self.pushed = 0

    async def start(self) -> None:
        self.standin = StandIn()
        await self.standin.start()
        self.standin.add_group(GROUP_ID, "Helpline operators", is_forum=True)
        for operator in OPERATORS:
            self.standin.add_user(operator, first_name="Operator")
        self.standin.add_user(6666, first_name="Stranger")
        # On tmpfs when there is one: the bot commits (and syncs) a few times an update, and the point here
        # is the variety of updates, not the disk.
        shm = Path("/dev/shm")  # noqa: S108
        self.database = (Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else self.tmp) / "helpline.db"  # noqa: ASYNC240
        self.bot = await RunningBot(make_settings(self.standin, self.database, user_messages_per_minute=10_000),
                                    FakeClock()).start()  # fmt: skip
        assert self.bot.app is not None
        handler = logging.Handler(logging.ERROR)
        handler.emit = lambda record: self.errors.append(f"{record.name}: {record.getMessage()}")  # type: ignore[method-assign]
        logging.getLogger().addHandler(handler)
        self.handler = handler

    async def stop(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        await self.bot.stop()
        await self.standin.stop()
        if self.database.parent != self.tmp:
            shutil.rmtree(self.database.parent, ignore_errors=True)

    def answers(self, chat_id: int) -> int:
        """What the bot did in a chat: messages sent there, edits, and the user's messages kept in a ticket."""
        calls = [c for c in self.standin.calls if c.ok and c.params.get("chat_id") == chat_id
                 and c.method in ("sendMessage", "editMessageText", "copyMessage")]  # fmt: skip
        with sqlite3.connect(self.database) as connection:
            relayed = connection.execute(
                "SELECT COUNT(*) FROM ticket_messages WHERE chat_id = ? AND direction = 'user'", (chat_id,)
            ).fetchone()[0]
        return len(calls) + relayed

    async def drive(self, batch: list[tuple[str, int, Any]]) -> None:
        self.errors.clear()  # each example answers for its own errors
        users = [self.next_user + i for i in range(8)]
        self.next_user += 8
        for user in users:
            self.standin.add_user(user, first_name="Rnd", language_code=["ru", "kk", "uz", None, "en"][user % 5])
        messages: dict[int, int] = {}
        sent: dict[int, list[int]] = {}
        presses: list[str] = []
        for kind, who, value in batch:
            user = users[who]
            if kind == "group":
                sender = [6666, OPERATORS[0], 6666, OPERATORS[1]][who]
                await self.standin.group_sends(GROUP_ID, sender, value or "…")
            elif kind == "press":
                target = self.standin.last_bot_message(user) or await self.standin.user_sends(user, "hi")
                presses.append(await self.standin.press(user, target["message_id"], value))
            elif kind == "edit" and sent.get(user):
                await self.standin.user_sends(user, value or ".", edited_of=sent[user][-1])
                messages[user] = messages.get(user, 0) + 1
            else:
                message = await self._send(user, "text" if kind == "edit" else kind, value)
                sent.setdefault(user, []).append(message["message_id"])
                messages[user] = messages.get(user, 0) + 1
            self.pushed += 1

        def everyone_answered() -> bool:
            return all(self.answers(user) >= 1 for user in messages) and \
                all(self.standin.callback_answer(query_id) is not None for query_id in presses)  # fmt: skip

        try:
            await self.standin.wait_until(everyone_answered, timeout=20)
        except TimeoutError:
            silent = [user for user in messages if self.answers(user) < 1]
            unanswered = [q for q in presses if self.standin.callback_answer(q) is None]
            raise AssertionError(f"no answer for users {silent} or presses {unanswered}") from None
        await self.standin.wait_idle(timeout=30, settle=0.1)
        assert not self.errors, self.errors

    async def _send(self, user: int, kind: str, value: Any) -> dict[str, Any]:
        if kind == "text":
            return await self.standin.user_sends(user, value if value.strip() else value + ".")
        media = {"sticker": {"sticker": True}, "photo": {"photo": True}, "voice": {"voice": True},
                 "caption_only": {"photo": True, "caption": "Помогите"}, "no_text": {"document": True},
                 "location": {"location": (55.75, 37.61)}}[value]  # fmt: skip
        return await self.standin.user_sends(user, None, **media)


def test_never_silent(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    world = World(tmp_path)
    loop.run_until_complete(world.start())
    started = time.monotonic()

    @settings(max_examples=BATCHES, deadline=None, database=None, derandomize=False,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(st.lists(action, min_size=MIN_BATCH, max_size=55))
    def run(batch: list[tuple[str, int, Any]]) -> None:
        loop.run_until_complete(world.drive(batch))

    try:
        run()
    finally:
        loop.run_until_complete(world.stop())
        loop.close()
    print(f"never silent: {world.pushed} updates in {time.monotonic() - started:.1f} s")
    assert world.pushed >= BATCHES * MIN_BATCH  # every drawn batch really ran
