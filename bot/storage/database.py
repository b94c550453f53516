"""Connection, migrations and transactions. Writes happen in `Store.tx()`, or one statement at a time in
`Store.autocommit()`."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import aiosqlite

from bot.clock import Clock, SystemClock
from bot.storage.confirms import ConfirmRepo
from bot.storage.inbox import InboxRepo
from bot.storage.migrations import MIGRATIONS
from bot.storage.operators import OperatorRepo
from bot.storage.outbox import OutboxRepo
from bot.storage.stats import StatsRepo
from bot.storage.tickets import TicketRepo
from bot.storage.users import UserRepo

log = logging.getLogger(__name__)
CHECKPOINT_DELAY = 1.0  # seconds a handled update's bytes may stay in the -wal (DATA.md says so)


class Tx:
    """The repositories, bound to one connection for the length of a transaction (or a read)."""

    def __init__(self, conn: aiosqlite.Connection, now: dt.datetime) -> None:
        self.conn = conn
        self.now = now
        self.users = UserRepo(conn, now)
        self.tickets = TicketRepo(conn, now)
        self.outbox = OutboxRepo(conn, now)
        self.stats = StatsRepo(conn, now)
        self.operators = OperatorRepo(conn, now)
        self.inbox = InboxRepo(conn, now)
        self.confirms = ConfirmRepo(conn, now)


class Store:
    """Owns the SQLite file: WAL mode, numbered migrations, one connection used one transaction at a time."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.path = path
        self.clock = clock or SystemClock()
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._checkpoint: asyncio.TimerHandle | None = None
        self._checkpointing: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL survives any crash of the process; `tx(durable=True)` adds the fsync that
        # makes a ticket survive a power cut too, where it matters, without paying it on every menu tap.
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        # Deleted texts are overwritten, not left in free pages for someone with the file to read.
        await conn.execute("PRAGMA secure_delete=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        self._conn = conn
        await self._migrate(conn)

    async def close(self) -> None:
        if self._checkpoint is not None:
            self._checkpoint.cancel()
            self._checkpoint = None
        for task in list(self._checkpointing):
            await task
        if self._conn is not None:
            await self._conn.close()  # the last connection to close checkpoints and deletes the -wal itself
            self._conn = None

    async def checkpoint(self) -> None:
        """Copy the -wal into the file and empty it. secure_delete overwrites deleted rows in the file, but
        the -wal keeps the frames that wrote them (an update's names and text) until it is emptied."""
        async with self._lock:
            try:
                await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as error:  # busy or locked (a backup reading): the next one will do
                log.info("checkpoint postponed (%s)", error)

    def checkpoint_soon(self, delay: float = CHECKPOINT_DELAY) -> None:
        """A checkpoint `delay` seconds from now, one for all the deletions until then: cheap under load."""
        if self._checkpoint is not None or self._conn is None:
            return
        loop = asyncio.get_running_loop()
        self._checkpoint = loop.call_later(delay, self._start_checkpoint)

    def _start_checkpoint(self) -> None:
        self._checkpoint = None
        if self._conn is not None:
            task = asyncio.get_running_loop().create_task(self.checkpoint())
            self._checkpointing.add(task)
            task.add_done_callback(self._checkpointing.discard)

    @staticmethod
    async def _migrate(conn: aiosqlite.Connection) -> None:
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            raise RuntimeError(f"the database is at schema {version}, newer than this bot ({len(MIGRATIONS)})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits on its own; the version is set in the same script so a step is whole.
            await conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("the store is not open")
        return self._conn

    @asynccontextmanager
    async def tx(self, *, durable: bool = False) -> AsyncIterator[Tx]:
        """A write transaction: all of it is stored, or none of it. `durable`: on disk when it returns."""
        async with self._lock:
            # The level is read at COMMIT and cannot change inside a transaction: set it around one.
            if durable:
                await self.conn.execute("PRAGMA synchronous=FULL")
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield Tx(self.conn, self.clock.now())
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                if durable:
                    await self.conn.execute("PRAGMA synchronous=NORMAL")

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[Tx]:
        """Writes that stand alone: each statement commits on its own, as SQLite does outside a
        transaction. Every statement is a round trip to aiosqlite's thread (about 0.15 ms of CPU), and
        BEGIN and COMMIT are two more: the bookkeeping done on every update goes here. Statements that
        belong together go in `tx()`."""
        async with self._lock:
            yield Tx(self.conn, self.clock.now())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        async with self._lock:
            yield Tx(self.conn, self.clock.now())

    async def backup(self, target: Path) -> None:
        """A consistent copy while the bot runs, through SQLite's online backup API."""
        async with self._lock, aiosqlite.connect(target) as copy:
            await self.conn.backup(copy)


def backup_file(source: Path, target: Path) -> None:
    """Copy a live database from another process (`helpline backup`): SQLite's backup API, page by page."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
