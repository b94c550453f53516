"""Updates written down before Telegram is told they arrived, so a crash never loses one.

python-telegram-bot's long polling confirms a batch of updates with its next getUpdates call, which it
makes before the batch is handled; Telegram then forgets them. The bot below writes every fetched batch
to the inbox table before returning it, and at start-up the updates still unhandled are handled again.

One update python-telegram-bot cannot read would fail its whole batch, which is then fetched and fails
again for ever: the bot would go silent for everyone. Such an update is cut to its id on arrival.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.storage import Store

if TYPE_CHECKING:
    from bot.services import HelplineApp

log = logging.getLogger(__name__)


def read_update(data: dict[str, Any], bot: ExtBot[None] | None) -> tuple[dict[str, Any], Update]:
    """The update as it came and as python-telegram-bot reads it; when it cannot, only its id, so that
    polling moves on.

    The content of an unreadable update is dropped unread (nothing could handle it) and never logged:
    the warning names its id, its kind and the error's type only.
    """
    try:
        return data, Update.de_json(data, bot)  # de_json copies what it reads: `data` is left as it is
    except Exception as error:  # whatever the failure, the update cannot be handled
        kinds = sorted(key for key in data if key != "update_id")
        log.warning("update %s could not be read (%s, %s); its content is dropped",
                    data.get("update_id"), "/".join(kinds), type(error).__name__)  # fmt: skip
        bare = {"update_id": data["update_id"]}
        return bare, Update.de_json(bare, bot)


class ReadableUpdatesRequest(HTTPXRequest):
    """The connection getUpdates goes through: every update of a batch passes `read_update`."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        try:
            body = json.loads(payload)
            updates = body["result"]
        except (ValueError, TypeError, KeyError):
            return code, payload  # not a batch of updates: python-telegram-bot reports it as it should
        if not isinstance(updates, list):
            return code, payload
        read = [read_update(item, None)[0] if isinstance(item, dict) and "update_id" in item else item
                for item in updates]  # fmt: skip
        if read == updates:
            return code, payload
        return code, json.dumps(body | {"result": read}).encode()


@dataclass
class Inbox:
    """Where fetched updates go; the store is opened after the bot is built (in post_init)."""

    store: Store | None = None

    async def save(self, updates: list[dict[str, Any]]) -> None:
        if self.store is None or not updates:
            return
        # One statement: each row is whole on its own, and a batch cut short by a crash was never
        # confirmed to Telegram, which sends it again.
        async with self.store.autocommit() as tx:
            await tx.inbox.save(updates)


def heartbeat_file(database: Path) -> Path:
    """Touched after every successful poll: the container's health check reads its age (see the Dockerfile)."""
    return database.with_name(database.name + ".alive")


class DurableBot(ExtBot[None]):
    def __init__(self, *args: Any, inbox: Inbox, heartbeat: Path | None = None, **kwargs: Any) -> None:
        self._inbox = inbox  # set before ExtBot freezes its attributes
        self._heartbeat = heartbeat
        super().__init__(*args, **kwargs)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        # Written before returning: the next poll, which confirms them to Telegram, comes after this.
        await self._inbox.save([update.to_dict() for update in updates])
        if self._heartbeat is not None:
            # A poll answered and its updates written down: the bot is alive, not merely its database.
            try:
                self._heartbeat.touch()
            except OSError as error:
                log.warning("could not touch the health file (%s)", type(error).__name__)
        return updates

    @property
    def inbox(self) -> Inbox:
        return self._inbox


async def replay_unhandled(application: HelplineApp, store: Store) -> int:
    """Queue the updates that were fetched but not handled before the last stop."""
    async with store.autocommit() as tx:
        await tx.inbox.drop_handled()
        pending = await tx.inbox.unhandled()
    for data in pending:
        _, update = read_update(data, application.bot)  # a row python-telegram-bot cannot read is cut to its id
        if update is not None:
            await application.update_queue.put(update)
    if pending:
        log.warning("handling %s updates left unhandled by the last run", len(pending))
    return len(pending)
