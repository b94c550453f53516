"""GET /metrics over HTTP, with aiohttp's test server and a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.stats.metrics import METRICS, Metrics, count_update, metrics_app_routes, serve_metrics, store_collector
from bot.storage import Store
from bot.storage.outbox import GroupText


class Clock:
    def now(self) -> dt.datetime:
        return dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)


async def test_metrics_endpoint(tmp_path: Path) -> None:
    store = Store(tmp_path / "helpline.db", Clock())
    await store.open()
    async with store.tx() as tx:
        for chat_id, category in [(1, "documents"), (2, "documents"), (3, None)]:
            user = await tx.users.get_or_create(chat_id)
            await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category=category, lang="ru",
                                    source=None, country=None, pseudonym=f"P{chat_id}")  # fmt: skip
        await tx.outbox.add(GroupText(chat_id=-100, text="x"))
        await tx.outbox.add(GroupText(chat_id=-100, text="y"))
    metrics = Metrics()
    context = SimpleNamespace(bot_data={METRICS: metrics})
    for _ in range(3):
        await count_update(object(), context)
    delivered = 41

    app = web.Application()
    metrics_app_routes(app, store_collector(metrics, store, lambda: delivered), metrics)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        body = await response.text()
    await store.close()
    assert "helpline_updates_handled_total 3.0" in body
    assert 'helpline_tickets_opened_total{category="documents"} 2.0' in body
    assert 'helpline_tickets_opened_total{category="none"} 1.0' in body
    assert "helpline_outbox_pending 2.0" in body
    assert "helpline_dispatcher_delivered_total 41.0" in body


async def test_metrics_survive_a_failing_collect() -> None:
    metrics = Metrics()
    metrics.updates.inc()

    async def broken() -> None:
        raise RuntimeError("database is locked")

    app = web.Application()
    metrics_app_routes(app, broken, metrics)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert "helpline_updates_handled_total 1.0" in await response.text()


async def test_own_port() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    metrics = Metrics()
    runner = await serve_metrics("127.0.0.1", port, None, metrics)
    try:
        from aiohttp import ClientSession

        async with ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
            assert response.status == 200
            assert "helpline_outbox_pending" in await response.text()
    finally:
        await runner.cleanup()
