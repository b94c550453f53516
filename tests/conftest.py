"""Shared fixtures: the local Telegram stand-in, a controllable clock, a store on a real SQLite file (or, in the
tests marked `both_backends`, on a real PostgreSQL database too), and the real bot polling the stand-in."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from support import postgres
from support.harness import GROUP_ID, OPERATORS, FakeClock, RunningBot, make_settings

from bot.standin.server import StandIn
from bot.storage import Store

BACKENDS = ("sqlite", "postgres")
REQUIRE = "HELPLINE_TEST_REQUIRE_POSTGRES"  # CI sets it: there, a missing PostgreSQL fails
_databases = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run on SQLite and on PostgreSQL (the `backend` fixture)")


def pytest_report_header(config: pytest.Config) -> str:
    """Said at the top of every run: whether the PostgreSQL half runs, and if not, why."""
    why = postgres.missing()
    if why:
        return f"postgresql: the tests marked both_backends run on SQLite only: {why}"
    where = "the server of " + postgres.ENV_URL if os.environ.get(postgres.ENV_URL) else "a throwaway cluster"
    return f"postgresql: the tests marked both_backends run on SQLite and on {where}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Said at the end too, even with -q: a PostgreSQL half that did not run is never silent."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "PostgreSQL:" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(f"postgresql: {len(skipped)} tests skipped: {postgres.missing()}", yellow=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the session, started on first use; the test skips (saying why) without one."""
    why = postgres.missing()
    if why and os.environ.get(REQUIRE):
        pytest.fail(f"PostgreSQL is required ({REQUIRE}) but {why}")
    if why:
        pytest.skip(f"PostgreSQL: {why}")
    with postgres.cluster() as url:
        yield url


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
async def database_url(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """A fresh, empty PostgreSQL database for a test on PostgreSQL; None on SQLite."""
    if backend != "postgres":
        yield None
        return
    server = request.getfixturevalue("postgres_server")
    name = f"helpline_test_{os.getpid()}_{next(_databases)}"
    admin: Any = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield postgres.database_url(server, name)
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


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
async def store(database: Path, database_url: str | None, clock: FakeClock) -> AsyncIterator[Store]:
    opened = Store(database_url or database, clock)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def bot(standin: StandIn, database: Path, database_url: str | None,
              clock: FakeClock) -> AsyncIterator[RunningBot]:  # fmt: skip
    running = await RunningBot(make_settings(standin, database, database_url=database_url), clock).start()
    yield running
    await running.stop()
