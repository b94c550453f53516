"""Shared fixtures: the local Telegram stand-in, a controllable clock, a store on a real SQLite file, and the real
bot polling the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from support.harness import GROUP_ID, OPERATORS, FakeClock, RunningBot, make_settings

from bot.standin.server import StandIn
from bot.storage import Store


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        server.add_group(GROUP_ID, "Helpline operators", is_forum=True)
        for operator in OPERATORS:
            server.add_user(operator, first_name="Operator", language_code="ru")
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "helpline.db"


@pytest.fixture
async def store(database: Path, clock: FakeClock) -> AsyncIterator[Store]:
    opened = Store(database, clock)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def bot(standin: StandIn, database: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    running = await RunningBot(make_settings(standin, database), clock).start()
    yield running
    await running.stop()
