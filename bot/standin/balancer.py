"""A round-robin load balancer in front of webhook replicas, as nginx or Caddy would be: each webhook goes to
the next live replica in turn, to the next again if that one fails, and is a 502 when none takes it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import aiohttp
from aiohttp import web


async def start_balancer(
    live_ports: Callable[[], Sequence[int]], http: aiohttp.ClientSession, secret: str
) -> tuple[web.AppRunner, str]:
    """Listen on a free port of 127.0.0.1; `live_ports()` names the replicas up at each webhook. Returns the
    runner (to clean up) and the URL to point the stand-in's webhook at."""
    turn = itertools.count()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        ports = live_ports()
        first = next(turn)
        for step in range(len(ports)):
            port = ports[(first + step) % len(ports)]
            try:
                async with http.post(f"http://127.0.0.1:{port}/telegram", data=body, headers=headers) as answer:
                    if answer.status < 300:
                        return web.Response(text=await answer.text())
            except (aiohttp.ClientError, TimeoutError):
                continue
        return web.Response(status=502, text="no replica")

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/telegram"
