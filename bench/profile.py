"""Where the bot's CPU goes, per kind of update: a /start, a menu button, a free text, an urgent message.

For each kind, a fresh bot is warmed up (100 users choose a language), then py-spy samples it (on-CPU
only, from outside, without pausing it) while the stand-in sends that kind of update at 25 a second (urgent
messages: one a second, each from a new user, each to its card in the operators' group). Prints the CPU per
update read from /proc and how it splits, by the innermost library each sample was in. Needs py-spy
(`pip install py-spy`). A benchmark that prints figures, not a test.

    python bench/profile.py [--seconds 12] [--kinds start,button,text,urgent]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import CHATTER, GROUP, OPERATOR, ROOT, TOKEN, URGENT, USERS, cpu_seconds

from bot.standin.server import StandIn

# Innermost first: a sample belongs to the first of these its stack shows, reading from the leaf up.
LAYERS = [
    ("aiosqlite, on the event loop (statements sent, results awaited)", ("aiosqlite",)),
    ("HTTP (httpx, httpcore, h11)", ("httpx", "httpcore", "h11", "anyio", "ssl.py", "socket.py")),
    ("JSON", ("json/",)),
    ("pydantic", ("pydantic",)),
    ("python-telegram-bot", ("telegram/",)),
    ("the bot's storage layer", ("bot/storage/",)),
    ("the bot's text matching", ("bot/text/", "bot/judgement/", "bot/escalation/triage")),
    ("the bot's other code (handlers, screens, i18n)", ("bot/",)),
    ("asyncio event loop", ("asyncio/", "selectors.py")),
]
KINDS = ("start", "button", "text", "urgent")


def layer(stack: str) -> str:
    frames = stack.split(";")
    if frames[0].startswith("Thread._bootstrap") and "aiosqlite" in stack:
        return "SQLite, in aiosqlite's thread (the statements, and its queue)"
    for frame in reversed(frames):
        for name, marks in LAYERS:
            if any(mark in frame for mark in marks):
                return name
    return "other (threads idle in C, the interpreter)"


def menu_button(standin: StandIn, user: int) -> tuple[int, str]:
    """A button of the user's main menu that opens a screen."""
    for message in reversed(standin.bot_messages(user)):
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for row in rows:
            for button in row:
                if str(button.get("callback_data", "")).startswith(("s:", "l:")):
                    return message["message_id"], button["callback_data"]
    raise RuntimeError(f"no menu button for {user}: {standin.bot_messages(user)}"[:500])


async def profile(kind: str, seconds: float, folder: Path) -> tuple[float, int, Counter[str]]:
    env = {**os.environ, "HELPLINE_BOT_TOKEN": TOKEN, "HELPLINE_LOG_LEVEL": "WARNING",
           "HELPLINE_DATABASE": str(folder / f"{kind}.db"), "HELPLINE_OPERATOR_CHAT_ID": str(GROUP),
           "HELPLINE_OPERATOR_IDS": str(OPERATOR), "HELPLINE_USER_MESSAGES_PER_MINUTE": "1000"}  # fmt: skip
    async with StandIn() as standin:
        standin.add_group(GROUP, "Operators", is_forum=True)
        for user in USERS:
            standin.add_user(user, first_name="U", language_code="ru")
        env["HELPLINE_API_BASE_URL"] = standin.base_url
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT)  # noqa: ASYNC220
        spy = None
        try:
            await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), timeout=60)
            for user in USERS:
                await standin.user_sends(user, "/start ru")
            await standin.wait_until(lambda: all(standin.bot_messages(user) for user in USERS), timeout=120)
            await standin.wait_idle(timeout=30, settle=0.5)
            buttons = {user: menu_button(standin, user) for user in USERS}
            raw = folder / f"{kind}.txt"
            spy = subprocess.Popen([shutil.which("py-spy") or "py-spy", "record", "--pid", str(process.pid),  # noqa: ASYNC220, S603
                                    "--nonblocking", "--rate", "200", "--format", "raw", "--output", str(raw)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            await asyncio.sleep(1.0)  # py-spy attached
            cpu_before = cpu_seconds(process.pid)
            rate = 1.0 if kind == "urgent" else 25.0
            started, count, urgent_user = time.monotonic(), 0, 60_000
            while time.monotonic() - started < seconds:
                user = random.choice(USERS)
                if kind == "start":
                    await standin.user_sends(user, "/start ru-perf")
                elif kind == "button":
                    await standin.press(user, *buttons[user])
                elif kind == "text":
                    await standin.user_sends(user, random.choice(CHATTER))
                else:
                    standin.add_user(urgent_user, first_name="U", language_code="ru")
                    await standin.user_sends(urgent_user, random.choice(URGENT))
                    urgent_user += 1
                count += 1
                await asyncio.sleep(max(0.0, started + count / rate - time.monotonic()))
            await standin.wait_idle(timeout=120, settle=1.0)
            cpu = cpu_seconds(process.pid) - cpu_before
            spy.send_signal(2)  # SIGINT: py-spy writes what it sampled
            await asyncio.to_thread(spy.wait, 30)
            samples: Counter[str] = Counter()
            for line in raw.read_text().splitlines():
                stack, _, number = line.rpartition(" ")
                if number.isdigit():
                    samples[layer(stack)] += int(number)
            return cpu, count, samples
        finally:
            if spy is not None and spy.poll() is None:
                spy.kill()
            process.terminate()
            await asyncio.to_thread(process.wait, 30)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    random.seed(5)
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.kinds.split(","):
            cpu, count, samples = await profile(kind, args.seconds, Path(folder))
            per = cpu / max(1, count) * 1000
            total = max(1, sum(samples.values()))
            print(f"== {kind}: {count} updates, CPU {per:.2f} ms per update ({sum(samples.values())} samples)")
            for name, number in samples.most_common():
                print(f"   {per * number / total:6.2f} ms  {number / total:5.1%}  {name}")


if __name__ == "__main__":
    asyncio.run(main())
