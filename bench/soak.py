"""Soak benchmark: an hour's worth of updates at 25 a second (90,000) from 50,000 distinct users, each new
user starting with `/start LANG` and chatting after, against the local stand-in; prints the bot's resident
memory after the first minute's worth and at the end, and samples between, so that a map growing with users
shows. A benchmark that prints figures, not a test.

`--pace` sends faster than `--rate` to compress the hour (the bot cannot be given a test clock from outside
its process: the clock it keeps its own maps by is the event loop's). A faster pace is the harder case for
memory: more distinct users fall within each of the flood gate's 60-second windows.

`--tracemalloc` runs the bot under tracemalloc (bench/traced_bot.py) from the first minute's worth on, and
prints what was allocated since and is still held at the end, the largest first, by traceback (tracemalloc sees
Python's allocations only: what grows outside them, SQLite's page cache or the allocator's fragmentation, shows
as the gap between the resident growth and the traced one).

    python bench/soak.py [--minutes 60] [--rate 25] [--pace 25] [--users 50000] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import CHATTER, GROUP, LANGS, OPERATOR, ROOT, TOKEN, cpu_seconds, memory_mb

from bot.standin.server import StandIn

FIRST_USER = 100_000


async def snapshot(process: subprocess.Popen[bytes], folder: Path, number: int) -> tracemalloc.Snapshot:
    """Ask the traced bot for its snapshot number `number` and wait for the file."""
    process.send_signal(signal.SIGUSR1)
    path = folder / f"snapshot-{number}.pickle"
    while not path.exists():  # noqa: ASYNC110 - another process writes it
        await asyncio.sleep(0.2)
    return tracemalloc.Snapshot.load(str(path))


def print_growth(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot, new_users: int, top: int = 12) -> None:
    noise = [tracemalloc.Filter(False, tracemalloc.__file__),
             tracemalloc.Filter(False, "<frozen importlib._bootstrap>")]  # fmt: skip
    first, last = first.filter_traces(noise), last.filter_traces(noise)
    total = sum(s.size for s in last.statistics("filename")) - sum(s.size for s in first.statistics("filename"))
    print(f"traced Python memory grew {total / 2**20:+.1f} MB ({total / max(1, new_users):.0f} bytes per new user); "
          "the largest growths, by traceback (innermost frame of the bot or a library last):")
    for stat in last.compare_to(first, "traceback")[:top]:
        print(f"  {stat.size_diff / 2**20:+.2f} MB in {stat.count_diff:+,} blocks "
              f"({stat.size_diff / max(1, new_users):.0f} bytes per new user)")
        for line in stat.traceback.format(limit=8)[-16:]:
            print("    " + line.strip())


async def soak(minutes: float, rate: float, pace: float, users: int, traced: bool = False) -> None:
    total = int(minutes * 60 * rate)
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HELPLINE_BOT_TOKEN": TOKEN, "HELPLINE_LOG_LEVEL": "WARNING",
               "HELPLINE_DATABASE": str(Path(folder) / "soak.db"), "HELPLINE_OPERATOR_CHAT_ID": str(GROUP),
               "HELPLINE_OPERATOR_IDS": str(OPERATOR)}  # fmt: skip
        async with StandIn() as standin:
            standin.add_group(GROUP, "Operators", is_forum=True)
            for user in range(FIRST_USER, FIRST_USER + users):
                standin.add_user(user, first_name="U", language_code=random.choice(LANGS))
            env["HELPLINE_API_BASE_URL"] = standin.base_url
            command = [sys.executable, "-m", "bot", "run"]
            if traced:
                command = [sys.executable, str(ROOT / "bench" / "traced_bot.py"), folder]
            process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603, ASYNC220 - once, before timing
            snapshots: list[tracemalloc.Snapshot] = []
            try:
                await standin.wait_until(lambda: bool(standin.calls_to("getUpdates")), timeout=60)
                started = time.monotonic()
                warm = max(1, min(int(60 * rate), total // 4))  # a minute's worth: caches and pools filled
                samples: list[tuple[int, float]] = []
                first_seen: set[int] = set()
                seen_at_warm = 0
                for count in range(total):
                    user = FIRST_USER + (count * 7919) % users  # every user in turn, in a scrambled order
                    text = random.choice(CHATTER) if user in first_seen else f"/start {random.choice(LANGS)}"
                    first_seen.add(user)
                    await standin.user_sends(user, text)
                    if count + 1 == warm or (count + 1) % max(1, total // 10) == 0:
                        samples.append((count + 1, memory_mb(process.pid, "VmRSS")))
                    if traced and count + 1 == warm:
                        paused = time.monotonic()
                        await standin.wait_idle(timeout=120, settle=1.0)
                        snapshots.append(await snapshot(process, Path(folder), 1))
                        seen_at_warm = len(first_seen)
                        started += time.monotonic() - paused  # the pace resumes, without a burst to catch up
                    if count % 500 == 0:
                        standin.calls.clear()  # the stand-in's record of calls: the driver's memory, not the bot's
                    await asyncio.sleep(max(0.0, started + (count + 1) / pace - time.monotonic()))
                await standin.wait_idle(timeout=120, settle=5.0 if traced else 1.0)  # traced, the bot lags
                end = memory_mb(process.pid, "VmRSS")
                cpu = cpu_seconds(process.pid)
                peak = memory_mb(process.pid)
                if traced:
                    snapshots.append(await snapshot(process, Path(folder), 2))
            finally:
                process.terminate()
                await asyncio.to_thread(process.wait, 30)
    at_start = next(mb for count, mb in samples if count >= warm)
    elapsed = time.monotonic() - started
    print(f"soak: {total:,} updates ({minutes:g} minutes at {rate:g}/s, sent at {pace:g}/s in {elapsed:.0f} s) "
          f"from {min(users, total):,} distinct users")  # fmt: skip
    print("memory (resident) by updates sent: " + ", ".join(f"{count:,}: {mb:.0f} MB" for count, mb in samples))
    print(f"memory after the first {warm:,} updates {at_start:.1f} MB, at the end {end:.1f} MB, growth "
          f"{end - at_start:+.1f} MB; peak {peak:.0f} MB; CPU {cpu / max(1, total) * 1000:.2f} ms per update")
    if len(snapshots) == 2:
        print_growth(*snapshots, len(first_seen) - seen_at_warm)
    print("targets: growth over the soak ≤ 10 MB; peak memory ≤ 80 MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="how long at --rate the soak stands for")
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--pace", type=float, default=None, help="updates sent a second (default: --rate)")
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--tracemalloc", action="store_true", help="print what grew, by traceback (slower)")
    args = parser.parse_args()
    random.seed(11)
    asyncio.run(soak(args.minutes, args.rate, args.pace or args.rate, args.users, args.tracemalloc))


if __name__ == "__main__":
    main()
