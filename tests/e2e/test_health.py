"""The container's health check in polling mode: healthy while polls are answered, unhealthy when they stop
(a stuck bot with a readable database used to look healthy). It runs the Dockerfile's own command."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from support.harness import RunningBot

from bot.durable import heartbeat_file
from bot.standin.server import StandIn

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


def health_check(database: Path) -> int:
    """The HEALTHCHECK's CMD of the Dockerfile, run here with this test's database."""
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK"))
    command = json.loads(next(line for line in lines[start:] if line.strip().startswith("CMD")).strip()[4:])
    assert command[0] == "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | {"HELPLINE_DATABASE": str(database)}
    return subprocess.run([sys.executable, *command[1:]], env=env, timeout=30).returncode  # noqa: S603


def age(path: Path) -> float:
    return time.time() - path.stat().st_mtime


async def test_health_follows_the_polls(standin: StandIn, bot: RunningBot, database: Path) -> None:
    alive = heartbeat_file(database)
    await standin.wait_until(alive.exists, timeout=10)
    os.utime(alive, (time.time() - 1000, time.time() - 1000))
    await standin.wait_until(lambda: age(alive) < 10, timeout=10)  # the next answered poll
    assert await asyncio.to_thread(health_check, database) == 0

    standin.inject("getUpdates", "server_error", times=10_000)  # Telegram stops answering the polls
    await asyncio.sleep(1.5)  # the poll in flight ends
    os.utime(alive, (time.time() - 1000, time.time() - 1000))
    await asyncio.sleep(2.5)
    assert age(alive) > 900, "a failed poll is no sign of life"
    assert await asyncio.to_thread(health_check, database) == 1, "a bot that cannot poll is unhealthy"
