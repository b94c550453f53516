"""Running the Application: long polling, or a webhook server with /healthz; clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import signal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram import Update

from bot.durable import DurableBot, read_update
from bot.services import SERVICES, HelplineApp
from bot.settings import Settings
from bot.stats.metrics import METRICS, Collect, Metrics, metrics_app_routes, serve_metrics, services_collector

if TYPE_CHECKING:
    from aiohttp import web  # imported by the webhook server only: polling never needs it

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def started(application: HelplineApp) -> None:
    """initialize + post_init + start (post_init runs by itself only under run_polling/run_webhook)."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()


async def stopped(application: HelplineApp) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop is not None:  # as run_polling does: before the bot's connections close
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def _metrics(application: HelplineApp) -> tuple[Metrics, Collect]:
    metrics = application.bot_data[METRICS]
    return metrics, services_collector(application.bot_data[SERVICES], metrics)


async def run_polling(application: HelplineApp, settings: Settings, stop: asyncio.Event, *,
                      poll_timeout: int = 30) -> None:  # fmt: skip
    await started(application)
    metrics_runner = None
    try:
        if settings.metrics_port is not None:
            metrics, collect = _metrics(application)
            metrics_runner = await serve_metrics(settings.webhook_listen, settings.metrics_port, collect, metrics)
        assert application.updater is not None  # noqa: S101 - built with an updater
        await application.updater.start_polling(timeout=poll_timeout, drop_pending_updates=False,
                                                allowed_updates=Update.ALL_TYPES)  # fmt: skip
        log.info("polling for updates")
        await stop.wait()
    finally:
        if metrics_runner is not None:
            await metrics_runner.cleanup()
        await stopped(application)


def webhook_app(application: HelplineApp, path: str, secret: str) -> web.Application:
    """The webhook endpoint checks Telegram's secret header on every request; /healthz says we are up."""
    from aiohttp import web

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's parser can go
            return web.Response(status=400, text="bad update")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="bad update")
        # One Telegram cannot deliver is retried and holds up the ones behind it: it is accepted, cut to its id.
        data, update = read_update(data, application.bot)
        # Written down before Telegram hears "ok": it will not send the update again.
        bot = application.bot
        if isinstance(bot, DurableBot):
            await bot.inbox.save([data])
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.Response(
            text="ok" if application.running else "starting", status=200 if application.running else 503
        )

    app = web.Application(client_max_size=1_000_000)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    metrics, collect = _metrics(application)
    metrics_app_routes(app, collect, metrics)
    return app


async def run_webhook(application: HelplineApp, settings: Settings, url: str, stop: asyncio.Event) -> None:
    from aiohttp import web
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    path = urlsplit(url).path or "/"
    await started(application)
    runner = web.AppRunner(webhook_app(application, path, secret), access_log=None)
    try:
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        log.info("webhook server on %s:%s", settings.webhook_listen, settings.webhook_port)
        await stop.wait()
    finally:
        await runner.cleanup()
        await stopped(application)
