"""The log filter removes the bot token from messages, arguments, tracebacks and stack traces."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, JsonFormatter, RedactingFilter, setup_logging

TOKEN = "987654:AAH-secret_Part-of-the-token-xyz"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    """setup_logging's handler, writing into a buffer; the root logger and hooks restored afterwards."""
    root = logging.getLogger()
    levels = {n: logging.getLogger(n).level for n in ("telegram", "httpx")}
    saved = (root.handlers[:], root.level, sys.excepthook, levels)
    buffer = io.StringIO()
    setup_logging("DEBUG", "plain", [TOKEN])
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:], _, sys.excepthook = saved[0], root.setLevel(saved[1]), saved[2]
    for name, level in saved[3].items():
        logging.getLogger(name).setLevel(level)


def test_token_in_message_args_and_url_forms_is_replaced(stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.warning("POST http://x/bot%s/getUpdates", TOKEN)
    log.warning("encoded %s", TOKEN.replace(":", "%3A"))
    log.warning("private half only: %s", TOKEN.split(":", 1)[1])
    log.warning("bad args %s %s", TOKEN)  # a malformed call still loses the token
    text = stream.getvalue()
    assert TOKEN not in text and TOKEN.split(":", 1)[1] not in text
    assert text.count(REDACTED) >= 3


def test_token_in_tracebacks_and_stacks_is_replaced(stream: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    try:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        log.exception("failed")
    log.warning("here", stack_info=True, extra={})
    text = stream.getvalue()
    assert "RuntimeError" in text and TOKEN not in text


def test_telegram_and_httpx_debug_lines_stay_out_at_debug(stream: io.StringIO) -> None:
    logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint `sendMessage` with {'text': 'secret words'}")
    logging.getLogger("telegram.ext.Application").debug("Processing update {'text': 'secret words'}")
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/bot%s/getUpdates", TOKEN)
    logging.getLogger("bot.anything").debug("our own debug line")
    text = stream.getvalue()
    assert "secret words" not in text and "getUpdates" not in text
    assert "our own debug line" in text


def test_json_lines_are_redacted_too() -> None:
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "token %s", (TOKEN,), None)
    try:
        raise ValueError(TOKEN)
    except ValueError:
        record.exc_info = sys.exc_info()
    RedactingFilter([TOKEN]).filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert TOKEN not in json.dumps(line) and line["message"] == f"token {REDACTED}" and "ValueError" in line["trace"]


def test_uncaught_exceptions_go_through_the_filter(stream: io.StringIO) -> None:
    try:
        raise ConnectionError(f"https://api.telegram.org/bot{TOKEN}/getMe")
    except ConnectionError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    text = stream.getvalue()
    assert "ConnectionError" in text and TOKEN not in text
