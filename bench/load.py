"""Load benchmark: 100 users near Telegram's own ceiling (25 updates a second) plus an urgent message
every 10 seconds, against the local stand-in, with the rate limiter on as in production.

Prints p50 and p99 from an update to its first reply, and from an urgent update to its ticket card; the
bot's CPU seconds per 1,000 updates beside a bare python-telegram-bot echo bot's, driven the same way in
the same run; and the bot's peak memory. A benchmark that prints figures, not a test.

    python bench/load.py [--seconds 40] [--rate 25]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.standin.server import StandIn  # noqa: E402

GROUP = -1001000000077
OPERATOR = 7001
TOKEN = "123456:BENCH"  # noqa: S105 - the stand-in takes any token
USERS = range(50_000, 50_100)
CHATTER = ["Здравствуйте", "Salom", "Сәлеметсіз бе", "Как найти работу в Корее?", "ish bormi", "спасибо",
           "qancha pul kerak", "жұмыс бар ма"]  # fmt: skip
URGENT = ["Помогите, забрали паспорт и не выпускают", "pasportimni olib qoʻyishdi, chiqarishmayapti",
          "паспортымды алып қойды, шығармайды"]  # fmt: skip


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def first_reply_after(standin: StandIn, chat_id: int, since: float, start_index: int) -> float | None:
    for call in standin.calls[start_index:]:
        if call.at >= since and call.ok and call.method in ("sendMessage", "editMessageText", "copyMessage") \
                and int(call.params.get("chat_id", 0)) == chat_id:  # fmt: skip
            return call.at - since
    return None


async def drive(command: list[str], env: dict[str, str], seconds: float, rate: float, urgent: bool) -> dict[str, Any]:
    async with StandIn() as standin:
        standin.add_group(GROUP, "Operators", is_forum=True)
        standin.add_user(OPERATOR, first_name="Operator")
        for user in USERS:
            standin.add_user(user, first_name="U", language_code=random.choice(["ru", "kk", "uz"]))
        env = env | {"HELPLINE_API_BASE_URL": standin.base_url}
        process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603, ASYNC220 - once, before timing
        try:
            await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), timeout=30)
            for user in USERS:  # everyone has chosen a language before the clock starts
                await standin.user_sends(user, "/start ru")
            await standin.wait_idle(timeout=30, settle=0.5)
            cpu_before = cpu_seconds(process.pid)
            sent: list[tuple[int, float, int]] = []
            urgent_sent: list[tuple[float, int]] = []
            started = time.monotonic()
            count = 0
            next_urgent = started
            urgent_user = 60_000
            while (now := time.monotonic()) - started < seconds:
                if urgent and now >= next_urgent:
                    standin.add_user(urgent_user, first_name="U", language_code="ru")
                    urgent_sent.append((time.monotonic(), len(standin.calls)))
                    await standin.user_sends(urgent_user, random.choice(URGENT))
                    urgent_user += 1
                    next_urgent += 10
                user = random.choice(USERS)
                sent.append((user, time.monotonic(), len(standin.calls)))
                await standin.user_sends(user, random.choice(CHATTER))
                count += 1
                await asyncio.sleep(max(0.0, started + count / rate - time.monotonic()))
            await standin.wait_idle(timeout=60, settle=1.0)
            cpu = cpu_seconds(process.pid) - cpu_before
            memory = peak_memory_mb(process.pid)
            process.terminate()
            await asyncio.to_thread(process.wait, 30)
            replies = [
                r for user, at, index in sent if (r := await first_reply_after(standin, user, at, index)) is not None
            ]
            card_times = []
            for number, (at, index) in enumerate(urgent_sent, 1):
                for call in standin.calls[index:]:
                    if call.method == "sendMessage" and call.ok and f"ticket #{number}" in str(call.params.get("text")):
                        card_times.append(call.at - at)
                        break
            return {"updates": count, "answered": len(replies), "reply": replies, "cards": card_times,
                    "urgent": len(urgent_sent), "cpu": cpu, "memory": memory}  # fmt: skip
        finally:
            if process.poll() is None:
                process.kill()


def report(name: str, result: dict[str, Any]) -> None:
    per_thousand = result["cpu"] / max(1, result["updates"]) * 1000
    p50, p99 = (percentile(result["reply"], share) * 1000 for share in (0.5, 0.99))
    print(
        f"{name}: {result['updates']} updates, {result['answered']} answered; reply p50 {p50:.0f} ms, "
        f"p99 {p99:.0f} ms; CPU {per_thousand:.2f} s per 1,000 updates; peak memory {result['memory']:.0f} MB"
    )
    if result["urgent"]:
        cards = result["cards"]
        print(f"{name}: {len(cards)}/{result['urgent']} urgent messages reached the group as cards; "
              f"card p50 {percentile(cards, 0.5) * 1000:.0f} ms, p99 {percentile(cards, 0.99) * 1000:.0f} ms"
              + (f", mean {statistics.mean(cards) * 1000:.0f} ms" if cards else ""))  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    random.seed(7)
    with tempfile.TemporaryDirectory() as folder:
        base = {**os.environ, "HELPLINE_BOT_TOKEN": TOKEN, "HELPLINE_LOG_LEVEL": "WARNING",
                "HELPLINE_DATABASE": str(Path(folder) / "bench.db"), "HELPLINE_OPERATOR_CHAT_ID": str(GROUP),
                "HELPLINE_OPERATOR_IDS": str(OPERATOR), "HELPLINE_USER_MESSAGES_PER_MINUTE": "1000"}  # fmt: skip
        helpline = await drive([sys.executable, "-m", "bot", "run"], base, args.seconds, args.rate, urgent=True)
        echo = await drive([sys.executable, str(ROOT / "bench" / "echo_bot.py")], base, args.seconds, args.rate,
                           urgent=False)  # fmt: skip
    report("helpline", helpline)
    report("echo bot", echo)
    ratio = (helpline["cpu"] / max(1, helpline["updates"])) / max(1e-9, echo["cpu"] / max(1, echo["updates"]))
    print(f"CPU per update, helpline / echo bot: {ratio:.2f} (target at most 2)")
    print("targets: reply p99 < 200 ms, card p99 < 1 s, memory < 150 MB")


if __name__ == "__main__":
    asyncio.run(main())
