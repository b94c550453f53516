"""Load benchmark: 100 users near Telegram's own ceiling (25 updates a second), against the local stand-in,
with the rate limiter on as in production, in two loads:

- mixed: the users chat (greetings, questions, thanks) and an urgent message comes every 10 seconds;
- start: every update is `/start LANG-perf`, which the echo bot answers with one message too.

For each load it prints p50 and p99 from an update to its first reply, and from an urgent update to its
ticket card; the bot's CPU seconds per 1,000 updates beside a bare python-telegram-bot echo bot's, driven
the same way in the same run; the bot's peak memory; and its start-up time, from process start to its
first getUpdates. `--grown` runs the helpline a second time on a database filled first as a year of use
would leave it (100,000 users, 10,000 closed tickets with messages and audit rows, 1,000,000 handled update
ids, the outbox's history), so the two can be compared in one run. A benchmark that prints figures, not a test.

`--database-url postgresql://…/postgres` runs the helpline on PostgreSQL instead (a fresh database on that
server for each run, made and dropped by the benchmark: the user needs CREATEDB), and `--replicas N` as N
`helpline run --webhook` processes behind a round-robin balancer, as a load balancer would hand Telegram's
webhooks to them; CPU is then all replicas' together.

    python bench/load.py [--seconds 40] [--rate 25] [--grown] [--loads mixed,start]
    python bench/load.py --database-url postgresql:///postgres?host=/run/postgresql --replicas 3
"""

# ruff: noqa: S608 - the grown database's SQL is built from the benchmark's own numbers

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.standin.balancer import start_balancer  # noqa: E402
from bot.standin.server import StandIn  # noqa: E402
from bot.storage import Store  # noqa: E402

GROUP = -1001000000077
OPERATOR = 7001
TOKEN = "123456:BENCH"  # noqa: S105 - the stand-in takes any token
USERS = range(50_000, 50_100)
LANGS = ("ru", "kk", "uz")
CHATTER = ["Здравствуйте", "Salom", "Сәлеметсіз бе", "Как найти работу в Корее?", "ish bormi", "спасибо",
           "qancha pul kerak", "жұмыс бар ма"]  # fmt: skip
URGENT = ["Помогите, забрали паспорт и не выпускают", "pasportimni olib qoʻyishdi, chiqarishmayapti",
          "паспортымды алып қойды, шығармайды"]  # fmt: skip
GROWN = {"users": 100_000, "tickets": 10_000, "updates": 1_000_000, "outbox": 20_000, "message_ids": 500_000}
FIRST_UPDATE = 2_000_000  # the stand-in's update ids, above the grown database's handled ones


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """VmHWM: the peak resident memory; VmRSS: now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ago(seconds: str) -> str:
    """SQL for the time `seconds` (an SQL expression) ago, written as the bot writes times."""
    return f"strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-' || ({seconds}) || ' seconds')"


async def grow(database: Path, scale: float = 1.0) -> dict[str, int]:
    """Fill a new database as the retention settings leave it after long use, in bulk SQL (seconds, not
    minutes): users; closed tickets over 90 days, the texts of those closed more than 30 days ago erased;
    their messages, relays and audit rows; 7 days of handled update ids; 2 days of delivered outbox rows
    and of message ids."""
    n = {key: max(1, int(value * scale)) for key, value in GROWN.items()}

    store = Store(database)  # the bot's own schema, all migrations
    await store.open()
    await store.close()
    connection = sqlite3.connect(database)

    def fill(count: int, sql: str) -> None:  # numbers i = 1..count, each made into a row by `sql`
        connection.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) {sql}")

    users, tickets, updates, outbox, ids = (n[key] for key in ("users", "tickets", "updates", "outbox", "message_ids"))
    day = 86_400
    age = f"(90 * {day} * ({tickets} - i) / {tickets})"  # tickets over 90 days, oldest first
    old = f"(SELECT closed_at < {ago(str(30 * day))} FROM tickets WHERE id = 1 + (i - 1) / 5)"  # texts erased
    of_ticket = "(SELECT created_at FROM tickets WHERE id = 1 + (i - 1) / {})"
    payload = '{"text": "Ticket: the user wrote again. Меня держат на складе, паспорт забрали."}'
    try:
        connection.execute("PRAGMA synchronous=OFF")
        fill(users, "INSERT INTO users (chat_id, lang, created_at) SELECT 10000000 + i, "
             f"CASE i % 3 WHEN 0 THEN 'ru' WHEN 1 THEN 'kk' ELSE 'uz' END, {ago('i * 300')} FROM n")
        fill(tickets, "INSERT INTO tickets (user_id, state, urgent, kind, lang, pseudonym, thread_id, "
             "card_message_id, created_at, queued_at, shown_at, claimed_at, first_answer_at, last_operator_at, "
             f"closed_at, close_reason) SELECT 1 + (i * 7) % {users}, 'closed', i % 2, 'help', 'ru', 'Quiet Crane', "
             f"900000000 + i, 800000000 + i, {ago(age)}, {ago(age)}, {ago(age + ' - 30')}, {ago(age + ' - 60')}, "
             f"{ago(age + ' - 90')}, {ago(age + ' - 90')}, {ago(age + ' - 3600')}, 'helped' FROM n")
        fill(tickets * 5, "INSERT INTO ticket_messages (ticket_id, direction, kind, text, chat_id, message_id, "
             "created_at) SELECT 1 + (i - 1) / 5, CASE i % 2 WHEN 0 THEN 'user' ELSE 'operator' END, 'text', "
             f"CASE WHEN {old} THEN NULL ELSE 'меня держат на складе, паспорт забрали' END, "
             f"CASE WHEN {old} THEN NULL ELSE 10000000 + i END, i, {of_ticket.format(5)} FROM n")
        fill(tickets * 2, "INSERT INTO relayed (group_message_id, ticket_id) SELECT 700000000 + i, "
             "1 + (i - 1) / 2 FROM n")
        fill(tickets * 4, "INSERT INTO audit (ticket_id, actor_id, action, detail, at) SELECT 1 + (i - 1) / 4, "
             f"{OPERATOR}, CASE i % 4 WHEN 1 THEN 'opened' WHEN 2 THEN 'claimed' WHEN 3 THEN 'answered' "
             f"ELSE 'closed' END, NULL, {of_ticket.format(4)} FROM n")
        spaced = f"({updates} - i) * {7 * day / updates}"  # a week of ids, the retention job's
        fill(updates, "INSERT INTO processed_updates (update_id, processed_at) "
             f"SELECT {FIRST_UPDATE - updates - 1} + i, {ago(spaced)} FROM n")
        spaced = f"({outbox} - i) * {2 * day / outbox}"  # two days of delivered rows
        fill(outbox, "INSERT INTO outbox (lane, kind, ticket_id, payload, state, attempts, not_before, created_at, "
             f"sent_at) SELECT {GROUP}, 'group_text', 1 + i % {tickets}, '{payload}', 'sent', 1, {ago(spaced)}, "
             f"{ago(spaced)}, {ago(spaced)} FROM n")
        spaced = f"({ids} - i) * {2 * day / ids}"  # 48 hours of message ids
        fill(ids, f"INSERT INTO sent_messages (chat_id, message_id, at) SELECT 10000000 + i % {users}, i, "
             f"{ago(spaced)} FROM n")
        connection.commit()
    finally:
        connection.close()
    return n


async def first_reply_after(standin: StandIn, chat_id: int, since: float, start_index: int) -> float | None:
    for call in standin.calls[start_index:]:
        if call.at >= since and call.ok and call.method in ("sendMessage", "editMessageText", "copyMessage") \
                and int(call.params.get("chat_id", 0)) == chat_id:  # fmt: skip
            return call.at - since
    return None


SECRET = "bench-secret"  # noqa: S105 - the replicas' webhook secret, for the stand-in only


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def fresh_postgres(server: str, name: str, *, drop: bool = False) -> str:
    """A new database `name` on the server of `server` (dropped first if it is there); its URL."""
    import asyncpg

    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, query = server.partition("?")
    return base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")


async def drive(command: list[str], env: dict[str, str], seconds: float, rate: float, load: str,
                urgent: bool, tickets_before: int = 0, replicas: int = 0) -> dict[str, Any]:  # fmt: skip
    """Drive the bot (`replicas` > 0: that many webhook processes behind a balancer) and measure it."""
    if replicas:
        async with aiohttp.ClientSession() as http:
            ports = [free_port() for _ in range(replicas)]
            runner, url = await start_balancer(lambda: ports, http, SECRET)
            try:
                return await _drive(command, env, seconds, rate, load, urgent, tickets_before, (ports, url))
            finally:
                await runner.cleanup()
    return await _drive(command, env, seconds, rate, load, urgent, tickets_before, None)


async def _drive(command: list[str], env: dict[str, str], seconds: float, rate: float, load: str, urgent: bool,
                 tickets_before: int, webhook: tuple[list[int], str] | None) -> dict[str, Any]:  # fmt: skip
    async with StandIn() as standin:
        standin._update_ids = itertools.count(FIRST_UPDATE)  # past the grown database's handled ids
        standin.add_group(GROUP, "Operators", is_forum=True)
        standin.add_user(OPERATOR, first_name="Operator")
        for user in USERS:
            standin.add_user(user, first_name="U", language_code=random.choice(LANGS))
        env = env | {"HELPLINE_API_BASE_URL": standin.base_url}
        launched = time.monotonic()
        if webhook is None:
            processes = [subprocess.Popen(command, env=env, cwd=ROOT)]  # noqa: S603, ASYNC220 - once, before timing
        else:
            processes = [subprocess.Popen([*command, "--webhook", webhook[1]], cwd=ROOT,  # noqa: S603, ASYNC220
                                          env=env | {"HELPLINE_WEBHOOK_PORT": str(port), "HELPLINE_WEBHOOK_SECRET":
                                                     SECRET}) for port in webhook[0]]  # fmt: skip
        try:
            first = "getUpdates" if webhook is None else "setWebhook"
            await standin.wait_until(lambda: len(standin.calls_to(first)) >= len(processes), timeout=60)
            start_up = standin.calls_to(first)[-1].at - launched
            for user in USERS:  # everyone has chosen a language before the clock starts
                await standin.user_sends(user, "/start ru")
            await standin.wait_until(lambda: all(standin.bot_messages(user) for user in USERS), timeout=120)
            await standin.wait_idle(timeout=30, settle=0.5)
            cpu_before = sum(cpu_seconds(p.pid) for p in processes)
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
                text = f"/start {random.choice(LANGS)}-perf" if load == "start" else random.choice(CHATTER)
                await standin.user_sends(user, text)
                count += 1
                await asyncio.sleep(max(0.0, started + count / rate - time.monotonic()))
            await standin.wait_idle(timeout=60, settle=1.0)
            cpu = sum(cpu_seconds(p.pid) for p in processes) - cpu_before
            memory = max(memory_mb(p.pid) for p in processes)
            for each in processes:
                each.terminate()
            for each in processes:
                await asyncio.to_thread(each.wait, 30)
            replies = [
                r for user, at, index in sent if (r := await first_reply_after(standin, user, at, index)) is not None
            ]
            card_times = []
            for number, (at, index) in enumerate(urgent_sent, tickets_before + 1):
                for call in standin.calls[index:]:
                    if call.method == "sendMessage" and call.ok and f"ticket #{number}" in str(call.params.get("text")):
                        card_times.append(call.at - at)
                        break
            return {"updates": count, "answered": len(replies), "reply": replies, "cards": card_times,
                    "urgent": len(urgent_sent), "cpu": cpu, "memory": memory, "start_up": start_up,
                    "started": "the first getUpdates" if webhook is None else "every replica's setWebhook"}  # fmt: skip
        finally:
            for each in processes:
                if each.poll() is None:
                    each.kill()


def per_update(result: dict[str, Any]) -> float:
    return float(result["cpu"]) / max(1, int(result["updates"]))


def report(name: str, result: dict[str, Any], echo: dict[str, Any] | None = None) -> None:
    p50, p99 = (percentile(result["reply"], share) * 1000 for share in (0.5, 0.99))
    ratio = f" ({per_update(result) / max(1e-9, per_update(echo)):.2f}× the echo bot)" if echo else ""
    print(
        f"{name}: {result['updates']} updates, {result['answered']} answered; reply p50 {p50:.0f} ms, "
        f"p99 {p99:.0f} ms; CPU {per_update(result) * 1000:.2f} ms per update{ratio}; "
        f"peak memory {result['memory']:.0f} MB; start-up to {result['started']} {result['start_up']:.2f} s"
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
    parser.add_argument("--loads", default="mixed,start", help="which loads: mixed, start or both")
    parser.add_argument("--grown", action="store_true", help="also run the helpline on a grown database")
    parser.add_argument("--grown-scale", type=float, default=1.0, help="a smaller grown database (CI smoke)")
    parser.add_argument("--database-url", help="run the helpline on this PostgreSQL server (a fresh database each run)")
    parser.add_argument("--replicas", type=int, default=0, help="that many webhook replicas behind a balancer")
    args = parser.parse_args()
    if args.grown and args.database_url:
        parser.error("--grown fills a SQLite database: leave out --database-url")
    random.seed(7)
    helpline = [sys.executable, "-m", "bot", "run"]
    echo_bot = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
    with tempfile.TemporaryDirectory() as folder:
        base = {**os.environ, "HELPLINE_BOT_TOKEN": TOKEN, "HELPLINE_LOG_LEVEL": "WARNING",
                "HELPLINE_OPERATOR_CHAT_ID": str(GROUP), "HELPLINE_OPERATOR_IDS": str(OPERATOR),
                "HELPLINE_USER_MESSAGES_PER_MINUTE": "1000"}  # fmt: skip
        grown_db = Path(folder) / "grown.db"
        tickets_before = 0
        if args.grown:
            began = time.monotonic()
            filled = await grow(grown_db, args.grown_scale)
            tickets_before = filled["tickets"]
            size = grown_db.stat().st_size / 2**20
            print(f"grown database: {', '.join(f'{v:,} {k}' for k, v in filled.items())}; {size:.0f} MB, "
                  f"filled in {time.monotonic() - began:.1f} s")  # fmt: skip
        for run, load in enumerate(args.loads.split(",")):
            urgent = load == "mixed"
            env = base | {"HELPLINE_DATABASE": str(Path(folder) / f"fresh{run}.db")}
            name = f"helpline_bench_{os.getpid()}_{run}"
            if args.database_url:
                env["HELPLINE_DATABASE_URL"] = await fresh_postgres(args.database_url, name)
            try:
                fresh = await drive(helpline, env, args.seconds, args.rate, load, urgent, replicas=args.replicas)
            finally:
                if args.database_url:
                    await fresh_postgres(args.database_url, name, drop=True)
            echo = await drive(echo_bot, base, args.seconds, args.rate, load, urgent=False)
            grown = None
            if args.grown:
                copy = Path(folder) / f"grown{run}.db"  # each load on the same grown state
                with sqlite3.connect(grown_db) as source, sqlite3.connect(copy) as target:
                    source.backup(target)
                grown = await drive(helpline, base | {"HELPLINE_DATABASE": str(copy)}, args.seconds, args.rate,
                                    load, urgent, tickets_before)  # fmt: skip
            print(f"== load {load!r}: {args.rate:g} updates/s for {args.seconds:g} s"
                  + (", an urgent message every 10 s" if urgent else ""))  # fmt: skip
            where = (" on PostgreSQL" if args.database_url else "") + (
                f", {args.replicas} webhook replicas" if args.replicas else "")
            report(f"helpline{where}", fresh, echo)
            if grown is not None:
                report("helpline, grown database", grown, echo)
            report("echo bot", echo)
    print("targets: CPU per update ≤ 1.5× the echo bot's; reply p99 ≤ 100 ms; card p99 ≤ 500 ms; the grown "
          "database's within 10%; peak memory ≤ 80 MB; start-up ≤ 1 s")


if __name__ == "__main__":
    asyncio.run(main())
