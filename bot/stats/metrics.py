"""Prometheus metrics at GET /metrics: numbers about the bot's work, never about a person.

* helpline_updates_handled_total — Telegram updates the bot handled (counted in this process);
* helpline_tickets_opened_total{category} — tickets ever opened, by category (read from the database, so it
  survives restarts: tickets are never deleted, only their texts);
* helpline_outbox_pending — messages waiting in the outbox (from the database);
* helpline_dispatcher_delivered_total — outbox rows the dispatcher delivered since this process started;
* helpline_outbox_set_aside_total{kind,reason} — outbox rows Telegram refused for good, set aside without a
  retry since this process started (each also logged, and audited on its ticket).

Wiring (the lead's): put a `Metrics` in `bot_data[METRICS]`, register `count_update` as
`TypeHandler(Update, count_update)` in an early group, and mount the route with
`metrics_app_routes(web_app, services_collector(svc, metrics), metrics)` in the webhook server, or
`await serve_metrics(port, collect, metrics)` on its own port (HELPLINE_METRICS_PORT) in polling mode.
The endpoint has no authentication: bind it to a private network, or put it behind the reverse proxy.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter as Tally
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from aiohttp import web  # imported where a server is made: aiohttp takes a third of a second to import

    from bot.services import Services
    from bot.storage import Store

log = logging.getLogger(__name__)

METRICS = "metrics"  # the key of the Metrics object in the Application's bot_data
NO_CATEGORY = "none"
COLLECT_TIMEOUT = 5.0
SET_ASIDE = "helpline_outbox_set_aside"
SET_ASIDE_HELP = "Outbox messages Telegram refused for good, set aside without a retry, since the process started"

Collect = Callable[[], Awaitable[None]]


class _Snapshot(Collector):
    """Counters whose totals live elsewhere (the database, the dispatcher): reported as read by the last collect."""

    def __init__(self) -> None:
        self.tickets: dict[str, int] = {}
        self.delivered: int | None = None
        self.set_aside: dict[tuple[str, str], int] = {}

    def collect(self) -> Iterator[Metric]:
        tickets = CounterMetricFamily("helpline_tickets_opened", "Tickets opened, by category", labels=["category"])
        for category, count in sorted(self.tickets.items()):
            tickets.add_metric([category], count)
        yield tickets
        delivered = CounterMetricFamily(
            "helpline_dispatcher_delivered", "Outbox messages delivered by the dispatcher since the process started"
        )
        if self.delivered is not None:
            delivered.add_metric([], self.delivered)
        yield delivered
        set_aside = CounterMetricFamily(SET_ASIDE, SET_ASIDE_HELP, labels=["kind", "reason"])
        for (kind, reason), count in sorted(self.set_aside.items()):
            set_aside.add_metric([kind, reason], count)
        yield set_aside

    def describe(self) -> Iterator[Metric]:
        # Describe without collecting, so registering does not read a snapshot that is not there yet.
        yield CounterMetricFamily("helpline_tickets_opened", "Tickets opened, by category", labels=["category"])
        yield CounterMetricFamily("helpline_dispatcher_delivered", "Outbox messages delivered by the dispatcher")
        yield CounterMetricFamily(SET_ASIDE, SET_ASIDE_HELP, labels=["kind", "reason"])


class Metrics:
    """The bot's metrics, in a registry of their own (not prometheus-client's global one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter("helpline_updates_handled", "Telegram updates handled", registry=self.registry)
        self.outbox_pending = Gauge("helpline_outbox_pending", "Outbox messages not yet sent", registry=self.registry)
        self._snapshot = _Snapshot()
        self.registry.register(self._snapshot)

    def set_tickets_opened(self, by_category: dict[str, int]) -> None:
        self._snapshot.tickets = dict(by_category)

    def set_delivered(self, delivered: int) -> None:
        self._snapshot.delivered = delivered

    def set_set_aside(self, by_kind_and_reason: dict[tuple[str, str], int]) -> None:
        self._snapshot.set_aside = dict(by_kind_and_reason)

    def render(self) -> bytes:
        return generate_latest(self.registry)


async def read_into(metrics: Metrics, store: Store) -> None:
    """Update the database-backed metrics with one read of the store."""
    async with store.read() as tx:
        pending = await tx.outbox.pending()
        timings = await tx.stats.ticket_timings(dt.date(1970, 1, 1))
    metrics.outbox_pending.set(pending)
    metrics.set_tickets_opened(dict(Tally(category or NO_CATEGORY for category, *_ in timings)))


def store_collector(metrics: Metrics, store: Store, delivered: Callable[[], int] | None = None,
                    set_aside: Callable[[], dict[tuple[str, str], int]] | None = None) -> Collect:  # fmt: skip
    async def collect() -> None:
        await read_into(metrics, store)
        if delivered is not None:
            metrics.set_delivered(delivered())
        if set_aside is not None:
            metrics.set_set_aside(set_aside())

    return collect


def services_collector(svc: Services, metrics: Metrics) -> Collect:
    """The collect function of the running bot: its store, its dispatcher's delivered and set-aside counts."""
    return store_collector(metrics, svc.store, lambda: int(svc.dispatcher.delivered),
                           lambda: dict(svc.dispatcher.set_aside))  # fmt: skip


async def count_update(update: object, context: Any) -> None:
    """A TypeHandler callback: counts every update (register it in a group of its own; it never blocks)."""
    metrics = context.bot_data.get(METRICS)
    if isinstance(metrics, Metrics):
        metrics.updates.inc()


def metrics_app_routes(app: web.Application, collect: Collect | None, metrics: Metrics) -> None:
    """Add GET /metrics to an aiohttp application (the webhook server, or one of its own)."""
    from aiohttp import web

    async def handle(_: web.Request) -> web.Response:
        if collect is not None:
            try:
                await asyncio.wait_for(collect(), COLLECT_TIMEOUT)
            except Exception:
                # Serve what is known rather than nothing; the in-process counters are still right.
                log.exception("metrics: cannot read the current values")
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", handle)


def metrics_app(collect: Collect | None, metrics: Metrics) -> web.Application:
    from aiohttp import web
    app = web.Application()
    metrics_app_routes(app, collect, metrics)
    return app


async def serve_metrics(host: str, port: int, collect: Collect | None, metrics: Metrics) -> web.AppRunner:
    """Serve /metrics on its own port (polling mode); call `await runner.cleanup()` to stop."""
    from aiohttp import web
    runner = web.AppRunner(metrics_app(collect, metrics), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
