"""Updates written down before Telegram is told they arrived, so a crash never loses one.

python-telegram-bot's long polling confirms a batch of updates with its next getUpdates call, which it
makes before the batch is handled; Telegram then forgets them. The bot below writes every fetched batch
to the inbox table before returning it, and at start-up the updates still unhandled are handled again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot

from bot.storage import Store

log = logging.getLogger(__name__)


@dataclass
class Inbox:
    """Where fetched updates go; the store is opened after the bot is built (in post_init)."""

    store: Store | None = None

    async def save(self, updates: list[dict[str, Any]]) -> None:
        if self.store is None or not updates:
            return
        async with self.store.tx() as tx:
            await tx.inbox.save(updates)


class DurableBot(ExtBot[None]):
    def __init__(self, *args: Any, inbox: Inbox, **kwargs: Any) -> None:
        self._inbox = inbox  # set before ExtBot freezes its attributes
        super().__init__(*args, **kwargs)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        # Written before returning: the next poll, which confirms them to Telegram, comes after this.
        await self._inbox.save([update.to_dict() for update in updates])
        return updates

    @property
    def inbox(self) -> Inbox:
        return self._inbox


async def replay_unhandled(application: Application, store: Store) -> int:  # type: ignore[type-arg]
    """Queue the updates that were fetched but not handled before the last stop."""
    async with store.read() as tx:
        pending = await tx.inbox.unhandled()
    for data in pending:
        update = Update.de_json(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
    if pending:
        log.warning("handling %s updates left unhandled by the last run", len(pending))
    return len(pending)
