"""Several processes on one database (PostgreSQL's replicas), played by several Stores in this process, each with
its own pool of connections, as separate processes have: every outbox row delivered once, each lane in order
and by one sender at a time, a dead sender's lanes taken over; one replica runs the jobs, and another takes
over when it stops renewing; updates are marked handled once whichever replica marks them."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from support.harness import GROUP_ID, TOKEN, FakeClock, shipped_content
from support.rows import peek
from telegram import Bot

from bot.escalation.dispatcher import LEASE, Dispatcher
from bot.standin.server import StandIn
from bot.storage import Store
from bot.storage.outbox import GroupText, UserText

USERS = [5_550_400 + n for n in range(6)]
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture
async def replicas(store: Store, database_url: str | None) -> AsyncIterator[list[Store]]:
    others = [Store(database_url or "", store.clock) for _ in range(2)]
    for other in others:
        await other.open()
    yield [store, *others]
    for other in others:
        await other.close()


async def test_every_replica_delivers_the_outbox_once_each_lane_in_order(standin: StandIn,
                                                                        replicas: list[Store]) -> None:  # fmt: skip
    for user in USERS:
        standin.add_user(user, first_name="Test", language_code="ru")
    base = standin.base_url
    dispatchers: list[Dispatcher] = []
    async with Bot(TOKEN, base_url=base, base_file_url=base.replace("/bot", "/file/bot")) as bot:
        for replica in replicas:
            dispatchers.append(Dispatcher(bot, replica, shipped_content(), GROUP_ID, {}))
            dispatchers[-1].start()
        try:
            for n in range(4):  # queued by whichever replica handled the update
                async with replicas[n % 3].tx() as tx:
                    for user in USERS:
                        await tx.outbox.add(UserText(chat_id=user, text=f"{user} {n}"))
                    await tx.outbox.add(GroupText(chat_id=GROUP_ID, text=f"group {n}"))
            await standin.wait_until(lambda: len(standin.bot_messages(GROUP_ID)) == 4
                                     and all(len(standin.bot_messages(u)) == 4 for u in USERS), timeout=30)  # fmt: skip
            await asyncio.sleep(0.5)  # a double would show by now
        finally:
            for dispatcher in dispatchers:
                await dispatcher.stop()
    for user in USERS:
        assert [m["text"] for m in standin.bot_messages(user)] == [f"{user} {n}" for n in range(4)]
    assert [m["text"] for m in standin.bot_messages(GROUP_ID)] == [f"group {n}" for n in range(4)]
    assert sum(d.delivered for d in dispatchers) == 28


async def test_a_dead_senders_lane_is_taken_over_when_its_claim_runs_out(standin: StandIn,
                                                                        replicas: list[Store]) -> None:  # fmt: skip
    dead, alive = replicas[0], replicas[1]
    async with dead.tx() as tx:
        await tx.outbox.add(GroupText(chat_id=GROUP_ID, text="left by the dead one"))
    async with dead.autocommit() as tx:  # claimed, then the process died without sending
        assert len(await tx.outbox.claim("dead", tx.now + LEASE)) == 1
    base = standin.base_url
    async with Bot(TOKEN, base_url=base, base_file_url=base.replace("/bot", "/file/bot")) as bot:
        survivor = Dispatcher(bot, alive, shipped_content(), GROUP_ID, {})
        survivor.start()
        try:
            await asyncio.sleep(1.5)
            assert standin.bot_messages(GROUP_ID) == [], "not while the claim runs"
            assert isinstance(alive.clock, FakeClock)
            alive.clock.advance(seconds=LEASE.total_seconds())
            await standin.wait_until(lambda: len(standin.bot_messages(GROUP_ID)) == 1, timeout=5)
        finally:
            await survivor.stop()
    assert standin.bot_messages(GROUP_ID)[0]["text"] == "left by the dead one"


async def test_one_replica_runs_the_jobs_and_another_takes_over(replicas: list[Store]) -> None:
    first, second = replicas[0], replicas[1]
    clock = first.clock
    assert isinstance(clock, FakeClock)
    lease = dt.timedelta(seconds=75)

    async def take(store: Store, holder: str) -> bool:
        async with store.autocommit() as tx:
            return await tx.leases.take("jobs", holder, tx.now + lease)

    assert await take(first, "a") and await take(first, "a"), "the holder renews"
    assert not await take(second, "b"), "nobody else while it runs"
    clock.advance(seconds=70)
    assert await take(first, "a")
    clock.advance(seconds=70)
    assert not await take(second, "b"), "renewed: still a's"
    clock.advance(seconds=80)  # a stopped renewing (it died)
    assert await take(second, "b") and not await take(first, "a")


async def test_an_update_is_marked_handled_once_whichever_replica_marks_it(replicas: list[Store],
                                                                          database_url: str) -> None:  # fmt: skip
    async def mark(store: Store, update_id: int) -> bool:
        async with store.autocommit() as tx:
            return await tx.users.first_time(update_id)

    results: list[Any] = await asyncio.gather(*(mark(replicas[n % 3], 9000 + n // 3) for n in range(30)))
    assert sum(results) == 10, "each of the ten updates is first once, wherever it went"
    assert len(peek(database_url, "SELECT * FROM processed_updates")) == 10


async def test_a_chats_updates_take_turns_across_replicas_and_other_chats_do_not_wait(replicas: list[Store]) -> None:
    order: list[str] = []
    inside = asyncio.Event()

    async def handle(store: Store, chat: int, name: str, hold: float) -> None:
        async with store.chat_lock(chat):
            order.append(f"{name} in")
            inside.set()
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(handle(replicas[0], USERS[0], "first", 0.5))
    await inside.wait()
    await asyncio.gather(handle(replicas[1], USERS[0], "same chat", 0), handle(replicas[2], USERS[1], "other", 0))
    await first
    assert order.index("first out") < order.index("same chat in"), "the same chat waits on another replica"
    assert order.index("other out") < order.index("first out"), "another chat does not"


async def test_on_call_is_the_same_on_every_replica(replicas: list[Store]) -> None:
    async with replicas[0].tx() as tx:
        await tx.operators.set_on_call(7001, True)
    async with replicas[1].tx() as tx:
        await tx.operators.set_on_call(7002, True)
        await tx.operators.set_on_call(7001, False)
    for replica in replicas:
        async with replica.read() as tx:
            assert await tx.operators.on_call() == {7002}
