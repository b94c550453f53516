"""Delivers the outbox: each lane (a chat) in order, lanes side by side, with retries that survive restarts.

A row is marked sent in the same transaction that records what sending produced (the card's message id,
a relay's id), right after Telegram accepted it. Flood limits are python-telegram-bot's AIORateLimiter's
job; a RetryAfter or an outage only moves the row's next attempt later, and nothing is dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageId
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.content.bundle import Content
from bot.escalation.cards import card, topic_title
from bot.privacy.service import BATCH as DELETE_BATCH
from bot.storage import Store, Tx
from bot.storage.outbox import OutboxItem
from bot.storage.tickets import Ticket
from bot.ui import Screen

log = logging.getLogger(__name__)

After = Callable[[Tx], Awaitable[None]]
MAX_BACKOFF = 60.0
PRIVATE_SPACING = 1.0  # seconds between two sends into one private chat: Telegram's own pace
MAX_ATTEMPTS = 200  # about three hours of outage at the longest backoff, then a dead letter to look at


class Dispatcher:
    def __init__(self, bot: Bot, store: Store, content: Content, group: int | None,
                 category_labels: dict[str, str]) -> None:  # fmt: skip
        self.bot = bot
        self.store = store
        self.content = content
        self.group = group
        self.category_labels = category_labels
        self._event = asyncio.Event()
        self._busy: set[int] = set()
        self._last_sent: dict[int, float] = {}  # lane → loop time of its last send
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._is_forum: bool | None = None
        self.delivered = 0

    def wake(self) -> None:
        self._event.set()

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        # Let sends under way finish: a row cut short stays pending and is sent again next start.
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            self._event.clear()
            try:
                async with self.store.read() as tx:
                    heads = await tx.outbox.heads()
                    due = await tx.outbox.next_due()
                    now = tx.now
            except Exception:
                log.exception("the dispatcher cannot read the outbox")
                await asyncio.sleep(1)
                continue
            for item in heads:
                if item.lane not in self._busy:
                    self._busy.add(item.lane)
                    task = asyncio.create_task(self._deliver(item))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            wait = 1.0 if due is None else min(1.0, max(0.01, (due - now).total_seconds()))
            try:
                await asyncio.wait_for(self._event.wait(), timeout=wait)
            except TimeoutError:
                pass

    async def _deliver(self, item: OutboxItem) -> None:
        try:
            await self._pace(item.lane)
            after = await self._send(item)
            async with self.store.tx() as tx:
                if after is not None:
                    await after(tx)
                await tx.outbox.mark_sent(item.id)
            self.delivered += 1
        except RetryAfter as error:
            seconds = error.retry_after if isinstance(error.retry_after, int | float) else error.retry_after.seconds
            await self._later(item, float(seconds), "retry after")
        except Forbidden:
            await self._forbidden(item)
        except BadRequest as error:
            await self._bad_request(item, error)
        except (NetworkError, TimeoutError) as error:  # outages, 5xx, dropped connections
            await self._later(item, min(MAX_BACKOFF, 2.0**item.attempts), type(error).__name__)
        except (TelegramError, Exception):
            log.exception("outbox row %s (%s) failed", item.id, item.kind)
            await self._later(item, min(MAX_BACKOFF, 2.0**item.attempts), "unexpected error")
        finally:
            self._busy.discard(item.lane)
            self.wake()

    async def _pace(self, lane: int) -> None:
        """About one message a second into a private chat (groups are paced by AIORateLimiter)."""
        loop = asyncio.get_running_loop()
        if lane > 0:
            wait = self._last_sent.get(lane, -PRIVATE_SPACING) + PRIVATE_SPACING - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_sent[lane] = loop.time()
            if len(self._last_sent) > 10_000:
                self._last_sent = {k: v for k, v in self._last_sent.items() if loop.time() - v < PRIVATE_SPACING}

    async def _later(self, item: OutboxItem, seconds: float, reason: str) -> None:
        async with self.store.tx() as tx:
            if item.attempts + 1 >= MAX_ATTEMPTS:
                log.error("outbox row %s (%s) given up after %s attempts", item.id, item.kind, item.attempts + 1)
                await tx.outbox.give_up(item.id, reason)
            else:
                await tx.outbox.retry_later(item.id, tx.now + dt.timedelta(seconds=seconds), reason)

    async def _forbidden(self, item: OutboxItem) -> None:
        """The user blocked the bot (or an operator never started it): no retry; the operators are told."""
        async with self.store.tx() as tx:
            await tx.outbox.give_up(item.id, "forbidden")
            if item.kind in ("user_text", "user_copy") and item.ticket_id is not None:
                await tx.tickets.set_fields(item.ticket_id, user_blocked=1)
                await tx.tickets.audit(item.ticket_id, None, "user blocked the bot")
                if self.group is not None:
                    text = f"Ticket #{item.ticket_id}: the user has blocked the bot; messages cannot reach them."
                    await tx.outbox.add(self.group, "group_text", {"text": text}, item.ticket_id)
                    await tx.outbox.add(self.group, "card_refresh", {}, item.ticket_id)
        log.warning("outbox row %s (%s): forbidden", item.id, item.kind)

    async def _bad_request(self, item: OutboxItem, error: BadRequest) -> None:
        async with self.store.tx() as tx:
            await tx.outbox.give_up(item.id, f"bad request: {error.message}"[:200])
            if item.kind == "group_copy" and item.ticket_id is not None and self.group is not None:
                # The user's message is gone (hidden); its stored text still reaches the operators.
                stored = [m for m in await tx.tickets.messages(item.ticket_id, "user")
                          if m.message_id == item.payload.get("message_id")]  # fmt: skip
                text = stored[0].text if stored and stored[0].text else f"({stored[0].kind if stored else 'message'})"
                await tx.outbox.add(self.group, "group_text", {"text": f"(user, copy unavailable) {text}"},
                                    item.ticket_id)  # fmt: skip
            if item.kind == "group_erase" and self.group is not None:
                # No right to delete topics or messages, or they are older than Telegram allows: people must.
                text = (f"Ticket #{item.ticket_id}: the bot could not delete its topic or messages here "
                        f"({error.message}). Please delete them by hand.")  # fmt: skip
                await tx.outbox.add(self.group, "group_text", {"text": text})
        # A copy of a message the user has since hidden, or an erasure left to people, is handled above.
        level = logging.WARNING if item.kind in ("group_copy", "group_erase") else logging.ERROR
        log.log(level, "outbox row %s (%s): %s", item.id, item.kind, error.message)

    # -- one method per kind of row -----------------------------------------------------------------

    async def _send(self, item: OutboxItem) -> After | None:
        senders = {"user_text": self._user_text, "user_copy": self._user_copy, "ping": self._ping,
                   "card": self._card, "card_refresh": self._card_refresh, "group_copy": self._group_copy,
                   "group_text": self._group_text, "group_erase": self._group_erase}  # fmt: skip
        return await senders[item.kind](item)

    async def _user_text(self, item: OutboxItem) -> After:
        payload = item.payload
        rows = payload.get("rows") or []
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                       for row in rows]) if rows else None  # fmt: skip
        sent = await self.bot.send_message(payload["chat_id"], payload["text"], reply_markup=markup,
                                           disable_notification=bool(payload.get("silent")))  # fmt: skip
        return _remember(payload["chat_id"], sent.message_id)

    async def _user_copy(self, item: OutboxItem) -> After:
        payload = item.payload
        copied = await self.bot.copy_message(payload["chat_id"], payload["from_chat_id"], payload["message_id"],
                                             disable_notification=bool(payload.get("silent")))  # fmt: skip
        return _remember(payload["chat_id"], copied.message_id)

    async def _ping(self, item: OutboxItem) -> None:
        await self.bot.send_message(item.payload["chat_id"], item.payload["text"])

    async def _ticket(self, item: OutboxItem) -> Ticket:
        async with self.store.read() as tx:
            ticket = await tx.tickets.get(item.ticket_id or 0)
        if ticket is None:
            raise LookupError(f"outbox row {item.id} names a missing ticket")
        return ticket

    async def _forum(self) -> bool:
        if self._is_forum is None and self.group is not None:
            chat = await self.bot.get_chat(self.group)
            self._is_forum = bool(chat.is_forum)
        return bool(self._is_forum)

    async def _card(self, item: OutboxItem) -> After:
        ticket = await self._ticket(item)
        assert self.group is not None  # noqa: S101 - card rows are only written with a group
        if await self._forum() and ticket.thread_id is None:
            topic = await self.bot.create_forum_topic(self.group, topic_title(ticket))
            # Stored at once: if the card fails now, its retry goes into this topic, not a new one.
            async with self.store.tx() as tx:
                await tx.tickets.set_fields(ticket.id, thread_id=topic.message_thread_id)
            ticket = ticket.model_copy(update={"thread_id": topic.message_thread_id})
        screen = await self._card_screen(ticket)
        sent = await self.bot.send_message(self.group, screen.text, reply_markup=screen.markup(),
                                           message_thread_id=ticket.thread_id)  # fmt: skip

        async def after(tx: Tx) -> None:
            await tx.tickets.set_fields(ticket.id, card_message_id=sent.message_id)
            await tx.tickets.mark_shown(ticket.id)

        return after

    async def _card_screen(self, ticket: Ticket) -> Screen:
        async with self.store.read() as tx:
            messages = await tx.tickets.messages(ticket.id)
        return card(ticket, messages, self.content.rota.zone, self.category_labels.get(ticket.category or ""))

    async def _card_refresh(self, item: OutboxItem) -> None:
        ticket = await self._ticket(item)
        assert self.group is not None  # noqa: S101
        if ticket.card_message_id is not None:
            screen = await self._card_screen(ticket)
            try:
                await self.bot.edit_message_text(screen.text, self.group, ticket.card_message_id,
                                                 reply_markup=screen.markup())  # fmt: skip
            except BadRequest as error:
                if "not modified" not in error.message.lower().replace("_", " "):  # also TOPIC_NOT_MODIFIED
                    raise
        if ticket.thread_id is not None:
            try:
                await self.bot.edit_forum_topic(self.group, ticket.thread_id, name=topic_title(ticket))
            except BadRequest as error:
                if "not modified" not in error.message.lower().replace("_", " "):  # also TOPIC_NOT_MODIFIED
                    raise
            if ticket.state == "closed":
                await self.bot.close_forum_topic(self.group, ticket.thread_id)

    async def _group_copy(self, item: OutboxItem) -> After:
        ticket = await self._ticket(item)
        assert self.group is not None  # noqa: S101
        thread, reply_to = self._place(ticket)
        copied: MessageId = await self.bot.copy_message(
            self.group,
            item.payload["from_chat_id"],
            item.payload["message_id"],
            message_thread_id=thread,
            reply_to_message_id=reply_to,
        )
        return _relayed(copied.message_id, ticket.id)

    async def _group_text(self, item: OutboxItem) -> After | None:
        assert self.group is not None  # noqa: S101
        payload = item.payload
        # A ticket's row goes to its topic (or card); an answer to an operator where they wrote.
        thread, reply_to = (self._place(await self._ticket(item)) if item.ticket_id is not None
                            else (payload.get("thread_id"), payload.get("reply_to")))  # fmt: skip
        sent: Message = await self.bot.send_message(self.group, payload["text"], message_thread_id=thread,
                                                    reply_to_message_id=reply_to, allow_sending_without_reply=True,
                                                    parse_mode=payload.get("parse_mode"))  # fmt: skip
        return _relayed(sent.message_id, item.ticket_id) if item.ticket_id is not None else None

    async def _group_erase(self, item: OutboxItem) -> After:
        """A forgotten or purged ticket leaves the group: its topic with everything in it, or its messages."""
        assert self.group is not None  # noqa: S101
        if item.payload.get("thread_id") is not None:
            await self.bot.delete_forum_topic(self.group, item.payload["thread_id"])
        ids = item.payload.get("message_ids") or []
        for start in range(0, len(ids), DELETE_BATCH):
            await self.bot.delete_messages(self.group, ids[start : start + DELETE_BATCH])
        ticket_id = item.ticket_id

        async def after(tx: Tx) -> None:
            if ticket_id is not None:  # nothing left to edit or write into
                await tx.tickets.set_fields(ticket_id, thread_id=None, card_message_id=None)
                await tx.tickets.audit(ticket_id, None, "erased from the operators' group")

        return after

    @staticmethod
    def _place(ticket: Ticket) -> tuple[int | None, int | None]:
        """(topic, message to reply to): into the ticket's topic in a forum; else as a reply to its card,
        so that operators' replies find the ticket."""
        if ticket.thread_id is not None:
            return ticket.thread_id, None
        return None, ticket.card_message_id


def _remember(chat_id: int, message_id: int) -> After:
    async def after(tx: Tx) -> None:
        await tx.users.remember_message(chat_id, message_id)

    return after


def _relayed(message_id: int, ticket_id: int) -> After:
    async def after(tx: Tx) -> None:
        await tx.tickets.remember_relay(message_id, ticket_id)

    return after
