"""Logging: plain or JSON lines, with levels, and no secrets or personal data.

Handlers log ids and kinds, never message texts or names. As a second line of defence, a filter
removes the bot token from every record (HTTP libraries put it in URLs), including tracebacks, and
python-telegram-bot's own debug lines (which print whole updates and request parameters, so message
texts) are kept out even when the bot runs at DEBUG.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from types import TracebackType
from urllib.parse import quote

REDACTED = "[token]"
# Loggers that print request URLs (with the token) or whole updates, parameters and SQL arguments (with
# texts) below INFO.
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "apscheduler": logging.WARNING,
         "aiohttp.access": logging.WARNING, "telegram": logging.INFO, "hpack": logging.WARNING,
         "aiosqlite": logging.INFO}  # fmt: skip


def _variants(secret: str) -> list[str]:
    """The secret as it may appear: whole, URL-encoded, and a bot token's private half on its own."""
    found = {secret, quote(secret, safe=""), quote(secret)}
    _, _, private = secret.partition(":")
    if len(private) >= 8:
        found.add(private)
    return sorted((v for v in found if v), key=len, reverse=True)


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [variant for secret in secrets if secret for variant in _variants(secret)]

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must not lose the line, nor leak its arguments
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = self.clean(message)
        record.args = None
        if record.exc_info:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}  # fmt: skip
        if record.exc_text:
            line["trace"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def setup_logging(level: str, fmt: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(max(quiet, logging.getLevelName(level)))
    _route_uncaught_exceptions()


def _route_uncaught_exceptions() -> None:
    """An exception nobody caught is printed through logging too, so the filter sees its traceback."""

    def excepthook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        logging.getLogger("bot").critical("uncaught %s", kind.__name__, exc_info=(kind, error, trace))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            logging.getLogger("bot").critical("uncaught %s in a thread", args.exc_type.__name__,
                                              exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]  # fmt: skip

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
