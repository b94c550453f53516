"""Connection, migrations and transactions. Writes happen in `Store.tx()`, or one statement at a time in
`Store.autocommit()`. The store is SQLite's file (the default) or a PostgreSQL server (`postgresql://…`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite

from bot.clock import Clock, SystemClock
from bot.dburl import StoreError, database_target, describe
from bot.storage.base import Db, SqliteDb
from bot.storage.confirms import ConfirmRepo
from bot.storage.inbox import InboxRepo
from bot.storage.leases import LeaseRepo
from bot.storage.migrations import MIGRATIONS, PG_MIGRATIONS
from bot.storage.operators import OperatorRepo
from bot.storage.outbox import OutboxRepo
from bot.storage.stats import StatsRepo
from bot.storage.tickets import TicketRepo
from bot.storage.users import UserRepo

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)
CHECKPOINT_DELAY = 1.0  # seconds a handled update's bytes may stay in the -wal (DATA.md says so)
PG_CONNECT_TIMEOUT = 10.0  # seconds: an unreachable server is said, not waited on
# PostgreSQL's advisory locks: the two-number keys are the bot's own (HELP, n); a chat's lock is its id, a
# one-number key (the two kinds of key never meet).
LOCKS = 0x48454C50
WRITER_LOCK = 1  # one write transaction at a time, across every replica: SQLite's own rule
MIGRATE_LOCK = 2  # one replica migrates; the others wait and find it done
POOL_CLOSE_DEADLINE = 5.0  # seconds
ACQUIRE_TIMEOUT = 10.0  # seconds a statement waits for a free connection before it fails (never for ever)
CHAT_LOCKS = 16  # connections a replica keeps for the chats it is handling an update of


class SchemaTooNew(StoreError):
    pass


class Tx:
    """The repositories, bound to one connection for the length of a transaction (or a read)."""

    def __init__(self, db: Db, now: dt.datetime) -> None:
        self.db = db
        self.now = now
        self.users = UserRepo(db, now)
        self.tickets = TicketRepo(db, now)
        self.outbox = OutboxRepo(db, now)
        self.stats = StatsRepo(db, now)
        self.operators = OperatorRepo(db, now)
        self.inbox = InboxRepo(db, now)
        self.confirms = ConfirmRepo(db, now)
        self.leases = LeaseRepo(db, now)


class Store:
    """Owns the database. SQLite: WAL mode, one connection used one transaction at a time. PostgreSQL: a pool
    of connections, one write transaction at a time across every process (an advisory lock, as SQLite's
    own write lock), reads and single statements side by side. Numbered migrations on both."""

    def __init__(self, target: Path | str, clock: Clock | None = None) -> None:
        self.target = database_target(target)
        self.clock = clock or SystemClock()
        self._conn: aiosqlite.Connection | None = None
        self._pool: asyncpg.Pool | None = None
        self._chat_pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._checkpoint: asyncio.TimerHandle | None = None
        self._checkpointing: set[asyncio.Task[None]] = set()
        self._outbox_listeners: list[Callable[[], None]] = []

    @property
    def postgres(self) -> bool:
        return isinstance(self.target, str)

    @property
    def path(self) -> Path:
        """The SQLite file (what a PostgreSQL store has none of)."""
        if not isinstance(self.target, Path):
            raise RuntimeError("a PostgreSQL store has no file")
        return self.target

    def on_outbox(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that added outbox rows (the dispatcher: to send them now)."""
        self._outbox_listeners.append(listener)

    def _committed(self, tx: Tx) -> None:
        if tx.outbox.added:
            for listener in self._outbox_listeners:
                listener()

    async def open(self) -> None:
        if isinstance(self.target, str):
            await self._open_postgres(self.target)
            return
        conn = await aiosqlite.connect(self.target, isolation_level=None)
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
        try:
            await self._migrate(conn)
        except BaseException:
            await conn.close()
            self._conn = None
            raise

    async def _open_postgres(self, url: str) -> None:
        import asyncpg  # only a PostgreSQL set-up needs the driver loaded

        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=8, timeout=PG_CONNECT_TIMEOUT,
                                             command_timeout=60)  # fmt: skip
            # Apart, so that chats waiting on their locks never take the connections their handlers need.
            chat_pool = await asyncpg.create_pool(url, min_size=0, max_size=CHAT_LOCKS, timeout=PG_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as error:
            # The error's own text may quote the URL, and with it the password: only its type is said.
            raise StoreError(f"cannot open {describe(url)} ({type(error).__name__})") from None
        try:
            async with pool.acquire() as conn:
                await _migrate_postgres(conn)
        except BaseException:
            await pool.close()
            await chat_pool.close()
            raise
        self._pool, self._chat_pool = pool, chat_pool

    async def migrate(self) -> int:
        """Open (which applies the steps this code knows), close, and say the schema's version."""
        await self.open()
        try:
            async with self.read() as tx:
                if self.postgres:
                    row = await tx.db.one("SELECT MAX(version) AS v FROM schema_version", ())
                    return int(row["v"] or 0)
                row = await tx.db.one("PRAGMA user_version", ())
                return int(row[0]) if row else 0
        finally:
            await self.close()

    async def close(self) -> None:
        if self._checkpoint is not None:
            self._checkpoint.cancel()
            self._checkpoint = None
        for task in list(self._checkpointing):
            await task
        if self._conn is not None:
            await self._conn.close()  # the last connection to close checkpoints and deletes the -wal itself
            self._conn = None
        for pool in (self._pool, self._chat_pool):
            if pool is not None:
                try:  # waits for the connections in use to come back: not for ever
                    await asyncio.wait_for(pool.close(), POOL_CLOSE_DEADLINE)
                except TimeoutError:
                    log.warning("PostgreSQL connections still in use at stop; closed")
                    pool.terminate()
        self._pool = self._chat_pool = None

    async def checkpoint(self) -> None:
        """Copy the -wal into the file and empty it. secure_delete overwrites deleted rows in the file, but
        the -wal keeps the frames that wrote them (an update's names and text) until it is emptied.
        (PostgreSQL's write-ahead log is the server's, out of the bot's reach: DATA.md says what it keeps.)"""
        if self._conn is None:
            return
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
            raise SchemaTooNew(f"the database is at schema {version}, newer than this bot ({len(MIGRATIONS)}): "
                               "run the newer version, or restore a backup")  # fmt: skip
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits on its own; the version is set in the same script so a step is whole.
            await conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("the store is not open")
        return self._conn

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the store is not open")
        return self._pool

    @asynccontextmanager
    async def tx(self, *, durable: bool = False) -> AsyncIterator[Tx]:
        """A write transaction: all of it is stored, or none of it. `durable`: on disk when it returns
        (PostgreSQL's every commit is)."""
        if self._pool is not None:
            async with self._lock, self._pool.acquire(timeout=ACQUIRE_TIMEOUT) as conn, conn.transaction():
                from bot.storage.postgres import PgDb

                await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", LOCKS, WRITER_LOCK)
                tx = Tx(PgDb(conn), self.clock.now())
                yield tx
            self._committed(tx)
            return
        async with self._lock:
            # The level is read at COMMIT and cannot change inside a transaction: set it around one.
            if durable:
                await self.conn.execute("PRAGMA synchronous=FULL")
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                tx = Tx(SqliteDb(self.conn), self.clock.now())
                try:
                    yield tx
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                if durable:
                    await self.conn.execute("PRAGMA synchronous=NORMAL")
        self._committed(tx)

    @asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """One update of a chat at a time across every process: on PostgreSQL, a transaction-scoped advisory
        lock on the chat's id, held while the update is handled and let go when it is done, or when the
        process holding it dies. (SQLite has one process, whose update processor keeps each chat in order.)"""
        if self._chat_pool is None:
            yield
            return
        async with self._chat_pool.acquire(timeout=ACQUIRE_TIMEOUT) as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1::bigint)", chat_id)
            yield

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[Tx]:
        """Writes that stand alone: each statement commits on its own, as SQLite does outside a
        transaction. Every statement is a round trip to aiosqlite's thread (about 0.15 ms of CPU), and
        BEGIN and COMMIT are two more: the bookkeeping done on every update goes here. Statements that
        belong together go in `tx()`."""
        async with self._connection() as db:
            tx = Tx(db, self.clock.now())
            yield tx
        self._committed(tx)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        async with self._connection() as db:
            yield Tx(db, self.clock.now())

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Db]:
        """SQLite's one connection, in turn; or one of PostgreSQL's, side by side with the others."""
        if self._pool is not None:
            from bot.storage.postgres import PgDb

            async with self._pool.acquire(timeout=ACQUIRE_TIMEOUT) as conn:
                yield PgDb(conn)
            return
        async with self._lock:
            yield SqliteDb(self.conn)

    async def backup(self, target: Path) -> None:
        """A consistent copy while the bot runs, through SQLite's online backup API."""
        async with self._lock, aiosqlite.connect(target) as copy:
            await self.conn.backup(copy)


async def _migrate_postgres(conn: asyncpg.Connection) -> None:
    """Each step and its version in one transaction; replicas starting together take turns."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, $2)", LOCKS, MIGRATE_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT)")
        version = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        if version > len(PG_MIGRATIONS):
            raise SchemaTooNew(f"the database is at schema {version}, newer than this bot ({len(PG_MIGRATIONS)}): "
                               "run the newer version, or restore a backup")  # fmt: skip
        for number, script in enumerate(PG_MIGRATIONS[version:], start=version + 1):
            await conn.execute(script)
            await conn.execute("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
                               number, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))  # fmt: skip


def backup_file(source: Path, target: Path) -> None:
    """Copy a live database from another process (`helpline backup`): SQLite's backup API, page by page."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
