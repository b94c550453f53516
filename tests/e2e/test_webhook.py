"""`helpline run --webhook URL`: Telegram pushes updates with its secret header; /healthz and /metrics answer."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
from support.harness import FakeClock, Person, make_settings, shipped_content

from bot.app import build_application
from bot.runner import run_webhook
from bot.standin.server import StandIn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_checks_the_secret_and_answers_health(standin: StandIn, database) -> None:
    port = free_port()
    settings = make_settings(standin, database, webhook_secret="s3cret-Token_1", webhook_port=port)
    application = build_application(settings, clock=FakeClock(), content=shipped_content())
    stop = asyncio.Event()
    url = f"http://127.0.0.1:{port}/telegram"
    server = asyncio.create_task(run_webhook(application, settings, url, stop))
    try:
        await standin.wait_until(lambda: bool(standin.calls_to("setWebhook", ok=True)), timeout=10)
        assert standin.calls_to("setWebhook")[0].params["secret_token"] == "s3cret-Token_1"
        person = Person(standin, 5001)
        reply = await person.start("kk")
        assert reply["text"] == shipped_content().guidance.welcome.root["kk"]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200 and await health.text() == "ok"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 5002, "type": "private"},
                    "from": {"id": 5002, "is_bot": False, "first_name": "X"},
                    "text": "hi",
                },
            }
            async with http.post(url, json=update) as missing:
                assert missing.status == 403
            async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as wrong:
                assert wrong.status == 403
            secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            async with http.post(url, data="{not json", headers=secret) as junk:
                assert junk.status == 400
            deep = '{"update_id": 3, "message": ' + "[" * 100_000 + "]" * 100_000 + "}"
            async with http.post(url, data=deep, headers=secret) as nested:
                assert nested.status == 400, "a body nested too deep to read is refused, not a server error"
            unreadable = {"update_id": 10_000_000, "message": update["message"] | {"chat": "not a chat"}}
            async with http.post(url, json=unreadable, headers=secret) as accepted:
                assert accepted.status == 200, "accepted, cut to its id: Telegram would retry it and hold up the rest"
            async with http.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                body = await metrics.text()
                assert metrics.status == 200 and "helpline_updates_handled_total" in body
        standin.add_user(5002)
        await asyncio.sleep(0.3)
        assert not standin.bot_messages(5002), "a forged update is never handled"
    finally:
        stop.set()
        await asyncio.wait_for(server, timeout=15)
    assert server.exception() is None
