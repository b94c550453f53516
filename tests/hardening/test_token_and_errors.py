"""The token never reaches the logs (even httpx's URL lines at DEBUG, even through network errors), and
when a handler fails the user gets a short apology with the main menu while the log keeps a trace id and
the update's kind — never the text."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterator

import pytest
from support.harness import TOKEN, Person, RunningBot, buttons

from bot.logs import setup_logging
from bot.standin.server import StandIn

# An ordinary question (the judgement leaves it alone, so the menu answers it) naming a place: never to be logged.
SECRET_TEXT = "сколько стоит патент в Подольске, склад 7"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    names = ("httpx", "httpcore", "telegram", "apscheduler")
    saved = (root.handlers[:], root.level, sys.excepthook, {n: logging.getLogger(n).level for n in names})
    buffer = io.StringIO()
    setup_logging("DEBUG", "plain", [TOKEN])
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # as if someone turned it up: the filter still holds
    yield buffer
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    sys.excepthook = saved[2]
    for name, level in saved[3].items():
        logging.getLogger(name).setLevel(level)


async def test_the_token_never_reaches_the_logs(standin: StandIn, bot: RunningBot, logs: io.StringIO) -> None:
    person = Person(standin, 8201)
    await person.start("ru")
    for kind in ("server_error", "drop", "retry_after"):
        standin.inject("getUpdates", kind)
        standin.inject("sendMessage", kind, chat_id=person.id)
        await standin.user_sends(person.id, SECRET_TEXT)
        await standin.wait_idle(timeout=10)
    text = logs.getvalue()
    assert "getUpdates" in text, "httpx's URL lines were logged (redacted)"
    assert TOKEN not in text and TOKEN.split(":", 1)[1] not in text
    assert SECRET_TEXT not in text, "no message text in the logs, even at DEBUG"


async def test_a_failing_handler_apologises_with_the_menu(standin: StandIn, bot: RunningBot, logs: io.StringIO) -> None:
    person = Person(standin, 8202)
    await person.start("kk")
    standin.inject("sendMessage", "server_error", chat_id=person.id)  # the answer fails once
    reply = await person.send(SECRET_TEXT)
    sorry = bot.services.i18n["kk"].gettext("Sorry, something went wrong on our side. Here is the main menu.")
    assert reply["text"].startswith(sorry)
    assert any(d == "talk" for _, d in buttons(reply)) and any(d == "hide" for _, d in buttons(reply))
    line = next(line for line in logs.getvalue().splitlines() if "trace " in line)
    assert re.search(r"trace [0-9a-f]{12}: NetworkError while handling message", line), line
    assert SECRET_TEXT not in logs.getvalue() and TOKEN not in logs.getvalue()
