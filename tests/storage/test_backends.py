"""The store on both backends: one setting chooses, the repositories read the same, the schema is versioned,
a bad URL or an unreachable server is one line, and a SQLite database moves into PostgreSQL whole."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.harness import GROUP_ID, TOKEN, FakeClock
from support.postgres import database_url
from support.rows import peek, poke

from bot.dburl import database_target, describe
from bot.settings import SettingsError, load_settings
from bot.standin.server import StandIn
from bot.storage import Store, StoreError
from bot.storage.migrations import MIGRATIONS, PG_MIGRATIONS
from bot.storage.outbox import GroupText, UserText

GROUP = GROUP_ID
CHAT = 5_550_303


def helpline(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | env
    command = [sys.executable, "-m", "bot.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment, check=False)  # noqa: S603


def test_the_setting_chooses_the_backend(tmp_path: Path) -> None:
    assert database_target("sqlite:///helpline.db") == Path("helpline.db")
    assert database_target("sqlite:////var/lib/helpline/helpline.db") == Path("/var/lib/helpline/helpline.db")
    assert database_target("data/helpline.db") == Path("data/helpline.db")
    assert database_target("postgresql://bot:secret@db/helpline") == "postgresql://bot:secret@db/helpline"
    assert load_settings(database=tmp_path / "h.db").store_target() == tmp_path / "h.db", "the default: SQLite"
    settings = load_settings(database_url="postgres://bot@db:5433/helpline")
    assert settings.store_target() == "postgres://bot@db:5433/helpline"
    assert describe("postgresql://bot:secret@db:5433/helpline") == "PostgreSQL at db:5433/helpline"
    with pytest.raises(SettingsError) as raised:
        load_settings(database_url="mysql://bot:secret@db/helpline")
    assert str(raised.value).startswith("HELPLINE_DATABASE_URL:") and "secret" not in str(raised.value)


@pytest.mark.both_backends
async def test_the_repositories_read_the_same_on_both(store: Store) -> None:
    async with store.tx(durable=True) as tx:
        user = await tx.users.get_or_create(CHAT)
        again = await tx.users.get_or_create(CHAT)
        await tx.users.update(CHAT, lang="kk", silent=True)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category="passport", lang="kk",
                                         source=None, country="KZ", pseudonym="Quiet Crane 7", score=0.75,
                                         evidence=("паспорт",))  # fmt: skip
        await tx.tickets.set_fields(ticket.id, urgent=False, thread_id=77)
        message = await tx.tickets.add_message(ticket.id, "user", "text", "паспорт забрали")
        first = await tx.users.first_time(1001)
        second = await tx.users.first_time(1001)
        await tx.stats.count_event("ticket", "kk", "urgent")
        await tx.stats.count_event("ticket", "kk", "urgent")
        await tx.outbox.add(UserText(chat_id=CHAT, text="first"))
        await tx.outbox.add(GroupText(chat_id=GROUP, text="card"), ticket.id)
        await tx.outbox.add(UserText(chat_id=CHAT, text="second"))
        await tx.operators.set_on_call(7001, True)
    assert again.id == user.id and message > 0 and (first, second) == (True, False)
    async with store.read() as tx:
        stored = await tx.users.get(CHAT)
        got = await tx.tickets.by_thread(77)
        audited = await tx.tickets.audited(ticket.id, "opened", "help")
        nothing = await tx.tickets.audited(ticket.id, "opened", None)
        events = await tx.stats.events(tx.now.date())
        on_call = await tx.operators.on_call()
    assert stored is not None and stored.lang == "kk" and stored.silent
    assert got is not None and got.id == ticket.id and not got.urgent and got.evidence == ("паспорт",)
    assert got.score == 0.75 and (audited, nothing) == (True, False)
    assert events == [("ticket", "kk", "urgent", 2)] and on_call == {7001}
    async with store.autocommit() as tx:
        claimed = await tx.outbox.claim("one", tx.now.replace(year=tx.now.year + 1))
        none_left = await tx.outbox.claim("two", tx.now.replace(year=tx.now.year + 1))
    assert [(item.lane, item.kind) for item in claimed] == [(CHAT, "user_text"), (GROUP, "group_text")]
    assert none_left == [], "a claimed head is nobody else's"
    with pytest.raises(RuntimeError):
        async with store.tx() as tx:
            await tx.users.update(CHAT, lang="ru")
            raise RuntimeError("rolled back")
    async with store.read() as tx:
        assert (await tx.users.get(CHAT)).lang == "kk"  # type: ignore[union-attr]


@pytest.mark.both_backends
async def test_a_schema_newer_than_the_code_stops_the_start_in_one_line(database: Path,
                                                                       database_url: str | None) -> None:  # fmt: skip
    target = database_url or database
    await Store(target).migrate()
    if database_url:
        poke(database_url, "INSERT INTO schema_version (version) VALUES (?)", (len(PG_MIGRATIONS) + 1,))
    else:
        poke(database, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this bot"):
        await Store(target, FakeClock()).open()
    env = {"HELPLINE_DATABASE_URL": database_url} if database_url else {"HELPLINE_DATABASE": str(database)}
    done = helpline("migrate", **env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "newer than this bot" in done.stderr


def test_a_bad_url_or_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    unreachable = helpline("migrate", HELPLINE_DATABASE_URL=f"postgresql://bot:hunter2@/helpline?host={tmp_path}")
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
    assert unreachable.stderr.startswith("helpline: cannot open PostgreSQL at") and "hunter2" not in unreachable.stderr
    assert unreachable.stderr.count("\n") == 1
    bad = helpline("migrate", HELPLINE_DATABASE_URL="mongodb://bot:hunter2@db/helpline")
    assert bad.returncode == 2 and bad.stderr.startswith("helpline: HELPLINE_DATABASE_URL:")
    assert "hunter2" not in bad.stderr and bad.stderr.count("\n") == 1


def test_migrate_applies_every_step_and_says_the_version(tmp_path: Path) -> None:
    done = helpline("migrate", HELPLINE_DATABASE=str(tmp_path / "new.db"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"schema {len(MIGRATIONS)}")
    assert peek(tmp_path / "new.db", "PRAGMA user_version")[0]["user_version"] == len(MIGRATIONS)
    assert len(MIGRATIONS) == len(PG_MIGRATIONS), "a step is added to both backends"


async def test_a_sqlite_database_moves_into_postgresql_whole(tmp_path: Path, postgres_server: str) -> None:
    source = tmp_path / "helpline.db"
    store = Store(source, FakeClock())
    await store.open()
    async with store.tx() as tx:
        user = await tx.users.get_or_create(CHAT)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category=None, lang="ru",
                                         source="kk-border1", country=None, pseudonym="Quiet Crane 7", score=0.5)
        await tx.tickets.add_message(ticket.id, "user", "text", "меня держат")
        await tx.outbox.add(UserText(chat_id=CHAT, text="pending"))
        await tx.stats.count_start("kk-border1", "ru")
    await store.close()
    url = database_url(postgres_server, f"moved_{os.getpid()}")
    poke(postgres_server, f"CREATE DATABASE moved_{os.getpid()}")
    try:
        done = helpline("migrate", "--from", f"sqlite:///{source}", HELPLINE_DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        assert "tickets 1" in done.stdout and "outbox 1" in done.stdout
        moved = Store(url, FakeClock())
        await moved.open()
        async with moved.tx() as tx:
            got = await tx.tickets.get(ticket.id)
            messages = await tx.tickets.messages(ticket.id)
            newer = await tx.users.get_or_create(CHAT + 1)
            pending = await tx.outbox.pending()
        await moved.close()
        assert got is not None and got.pseudonym == "Quiet Crane 7" and got.score == 0.5 and got.urgent
        assert [m.text for m in messages] == ["меня держат"] and pending == 1
        assert newer.id == user.id + 1, "the ids go on after the copied ones"
        again = helpline("migrate", "--from", f"sqlite:///{source}", HELPLINE_DATABASE_URL=url)
        assert again.returncode == 2 and "not empty" in again.stderr, "nothing is copied over data"
    finally:
        poke(postgres_server, f"DROP DATABASE IF EXISTS moved_{os.getpid()} WITH (FORCE)")


async def test_the_bot_does_not_start_on_an_unreachable_server_and_says_so_in_one_line(standin: StandIn,
                                                                                      tmp_path: Path) -> None:
    env = {"HELPLINE_BOT_TOKEN": TOKEN, "HELPLINE_API_BASE_URL": standin.base_url,
           "HELPLINE_OPERATOR_CHAT_ID": str(GROUP_ID), "HELPLINE_DATABASE": str(tmp_path / "unused.db"),
           "HELPLINE_DATABASE_URL": f"postgresql://bot:hunter2@/helpline?host={tmp_path}"}  # fmt: skip
    done = await asyncio.to_thread(helpline, "run", **env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("helpline: cannot open PostgreSQL at") and done.stderr.count("\n") == 1
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
