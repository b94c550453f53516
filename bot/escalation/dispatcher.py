"""Delivers the outbox: each lane (a chat) in order, lanes side by side, with retries that survive restarts.

A row is marked sent in the same transaction that records what sending produced (the card's message id,
a relay's id), right after Telegram accepted it. Flood limits are the rate limiter's job.

A failure is either transient or permanent (`classify`). Transient ones (an outage, a 5xx, a 429) only move
the row's next attempt later, honouring Telegram's retry_after, and nothing is dropped. A permanent one
(Telegram refuses this message for good: too long, its chat or the message to copy is gone, the bot is
blocked) is never retried: the row's fallback is sent where it has one (a card too long for a message
becomes a short card and the user's words as a file; a copy Telegram refuses becomes the stored text),
else the row is set aside, the operators are told once in the ticket's topic, and its lane moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, MessageId
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.content.bundle import Content
from bot.escalation import screens
from bot.escalation.screens import LONG_CARD_NOTE, MAX_CARD, card, topic_title, transcript
from bot.storage import Store, Tx
from bot.storage.outbox import (
    Card,
    CardRefresh,
    GroupCopy,
    GroupErase,
    GroupText,
    OutboxItem,
    OutboxMessage,
    Ping,
    Transcript,
    UserCopy,
    UserText,
)
from bot.storage.tickets import Direction, Ticket
from bot.ui import DELETE_BATCH, Screen

log = logging.getLogger(__name__)

After = Callable[[Tx], Awaitable[None]]
MAX_BACKOFF = 60.0
PRIVATE_SPACING = 1.0  # seconds between two sends into one private chat: Telegram's own pace
UNEXPECTED_ATTEMPTS = 5  # a failure we do not know (a bug, most likely) is tried this often, then set aside
STOP_DEADLINE = 5.0  # seconds the sends under way get at a stop; a row cut short is sent again next start
TEXT_LIMIT = 4096  # Telegram's, in UTF-16 code units
# A lane's head is claimed for this long, renewed while it is sent: the survivors take a dead replica's lanes
# over within it (the replica test's target is 30 s).
LEASE = dt.timedelta(seconds=10)
RENEW_EVERY = 3.0  # seconds


@dataclass(frozen=True)
class Failure:
    """What a failed send means for its row."""

    permanent: bool
    reason: str  # a short key for logs, the audit and metrics; never a text
    retry_after: float | None = None


# Telegram's wording of a permanent refusal → the reason's key (the first match wins).
_REFUSALS = (
    ("too long", "too_long"),
    ("chat not found", "chat_not_found"),
    ("message to copy not found", "source_gone"),
    ("message to forward not found", "source_gone"),
    ("can't be copied", "not_copyable"),
    ("thread not found", "topic_gone"),
    ("topic_deleted", "topic_gone"),
    ("message to edit not found", "card_gone"),
    ("replied not found", "reply_gone"),
    ("not enough rights", "no_rights"),
)


def classify(error: BaseException) -> Failure:
    """Transient (retried later, after retry_after when Telegram gives one) or permanent (never retried)."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return Failure(False, "retry_after", float(wait if isinstance(wait, int | float) else wait.total_seconds()))
    if isinstance(error, Forbidden):
        return Failure(True, "forbidden")
    if isinstance(error, ChatMigrated):
        return Failure(True, "chat_migrated")
    if isinstance(error, BadRequest):
        message = error.message.lower()
        return Failure(True, next((key for words, key in _REFUSALS if words in message), "bad_request"))
    if isinstance(error, InvalidToken):
        # 404: this Bot API server lacks the method. 401: the token is refused, for every row alike: wait.
        missing = "not found" in error.message.lower()
        return Failure(True, "unknown_method") if missing else Failure(False, "unauthorized")
    if isinstance(error, NetworkError | TimeoutError | OSError):  # outages, 5xx, dropped connections, timeouts
        return Failure(False, "network")
    if isinstance(error, LookupError):  # the row names a ticket that is no longer there
        return Failure(True, "missing_ticket")
    if isinstance(error, TelegramError):
        return Failure(False, "telegram")
    return Failure(False, "unexpected")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Dispatcher:
    def __init__(self, bot: Bot, store: Store, content: Content, group: int,
                 category_labels: dict[str, str]) -> None:  # fmt: skip
        self.bot = bot
        self.store = store
        self.content = content
        self.group = group
        self.category_labels = category_labels
        self._event = asyncio.Event()
        self._busy: dict[int, int] = {}  # lane → the row being sent in it
        # Rows this sender finished while a claim was under way: the claim may come back with one of them (it
        # read it pending a moment before) and must not send it again. Emptied before each claim (SQLite gives
        # a deleted row's id to the next row).
        self._finished: set[int] = set()
        self._last_sent: dict[int, float] = {}  # lane → loop time of its last send
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._is_forum: bool | None = None
        self.holder = uuid.uuid4().hex  # this sender's name on the rows it claims
        self.delivered = 0
        self.set_aside: Counter[tuple[str, str]] = Counter()  # (kind, reason) → rows set aside by this process
        store.on_outbox(self.wake)  # a commit that queued rows wakes the loop

    def wake(self) -> None:
        self._event.set()

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def _release(self, item_id: int | None = None) -> None:
        try:
            async with self.store.autocommit() as tx:
                await tx.outbox.release(self.holder, item_id)
        except Exception as error:  # the claims run out on their own
            log.warning("the dispatcher could not give up its claims (%s)", type(error).__name__)

    async def stop(self, deadline: float = STOP_DEADLINE) -> None:
        """No new sends; the sends under way get `deadline` seconds, then are cut short (a row cut short stays
        pending and is sent again at the next start). Without the deadline a send that never returns would
        hold the stop for ever."""
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
            self._loop = None
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=deadline)
        if late:
            log.warning("%s outbox sends cut short at stop; they are sent again at the next start", len(late))
            for task in late:
                task.cancel()
            await asyncio.wait(late, timeout=1.0)
        try:  # what is left is another replica's (or the next start's) at once; else when the claims run out
            await asyncio.wait_for(self._release(), timeout=2.0)
        except TimeoutError:
            log.warning("the dispatcher's claims are left to run out")

    async def _run(self) -> None:
        if not self.store.postgres:
            # SQLite has one process: a claim still there is a dead run's, and nobody else's to wait for.
            async with self.store.autocommit() as tx:
                await tx.outbox.release()
        renewed = asyncio.get_running_loop().time()
        while True:
            self._event.clear()
            try:
                if self._tasks and asyncio.get_running_loop().time() - renewed > RENEW_EVERY:
                    async with self.store.autocommit() as tx:
                        await tx.outbox.renew(self.holder, tx.now + LEASE)
                    renewed = asyncio.get_running_loop().time()
                self._finished.clear()
                async with self.store.autocommit() as tx:  # one statement: claimed whole, or not at all
                    heads = await tx.outbox.claim(self.holder, tx.now + LEASE)
                async with self.store.read() as tx:
                    due = await tx.outbox.next_due()
                    now = tx.now
            except Exception:
                log.exception("the dispatcher cannot read the outbox")
                await asyncio.sleep(1)
                continue
            for item in heads:
                if item.id in self._finished or self._busy.get(item.lane) == item.id:
                    continue  # sent, or being sent: its claim ends with it
                if item.lane not in self._busy:
                    self._busy[item.lane] = item.id
                    task = asyncio.create_task(self._deliver(item))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                else:  # claimed as its lane's last send was being recorded: given back, taken next round
                    await self._release(item.id)
            wait = 1.0 if due is None else min(1.0, max(0.01, (due - now).total_seconds()))
            # asyncio.timeout, not wait_for: Python 3.11's wait_for can swallow the stop's cancel when it comes
            # as the wait ends, and the loop would then never stop (seen in the tests, now and then).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._event.wait()

    async def _deliver(self, item: OutboxItem) -> None:
        try:
            if item.message is None:  # an unknown kind or a bad payload: retrying cannot help
                await self._set_aside(item, Failure(True, "undecodable"))
                return
            await self._pace(item.lane)
            try:
                after = await self._attempt(item, item.message)
            except Exception as error:
                await self._failed(item, error)
                return
            async with self.store.tx() as tx:
                if after is not None:
                    await after(tx)
                await tx.outbox.mark_sent(item.id)
            self._finish(item.id)
            self.delivered += 1
        except Exception:  # the store failed under us: the row stays pending and is tried again
            log.exception("outbox row %s (%s): could not record its delivery", item.id, item.kind)
        finally:
            self._busy.pop(item.lane, None)
            self.wake()

    def _finish(self, item_id: int) -> None:
        """The row is sent or set aside: never again (a row to retry is not finished)."""
        self._finished.add(item_id)

    async def _attempt(self, item: OutboxItem, message: OutboxMessage) -> After | None:
        """Send the row; when Telegram refuses it for good and the row has a fallback, send that instead."""
        try:
            return await self._send(item, message)
        except Exception as error:
            failure = classify(error)
            fallback = self._fallback(item, message, failure)
            if fallback is None:
                raise
            log.info("outbox row %s (%s) refused (%s): sending its fallback", item.id, item.kind, failure.reason)
            try:
                return await fallback()
            except Exception as second:
                if classify(second).permanent:  # no help there either: the row goes aside for the first reason
                    raise error from second
                raise

    async def _failed(self, item: OutboxItem, error: Exception) -> None:
        failure = classify(error)
        if failure.reason == "unexpected":
            log.error("outbox row %s (%s) failed: %s", item.id, item.kind, type(error).__name__, exc_info=error)
            if item.attempts + 1 >= UNEXPECTED_ATTEMPTS:
                failure = Failure(True, "unexpected")
        if failure.permanent:
            await self._set_aside(item, failure)
        else:
            wait = failure.retry_after if failure.retry_after is not None else min(MAX_BACKOFF, 2.0**item.attempts)
            async with self.store.tx() as tx:
                await tx.outbox.retry_later(item.id, tx.now + dt.timedelta(seconds=wait), failure.reason)

    async def _pace(self, lane: int) -> None:
        """About one message a second into a private chat (groups are paced by the rate limiter)."""
        loop = asyncio.get_running_loop()
        if lane > 0:
            wait = self._last_sent.get(lane, -PRIVATE_SPACING) + PRIVATE_SPACING - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_sent[lane] = loop.time()
            if len(self._last_sent) > 10_000:
                self._last_sent = {k: v for k, v in self._last_sent.items() if loop.time() - v < PRIVATE_SPACING}

    # -- permanent failures ---------------------------------------------------------------------------

    def _fallback(self, item: OutboxItem, message: OutboxMessage,
                  failure: Failure) -> Callable[[], Awaitable[After | None]] | None:  # fmt: skip
        if not failure.permanent:
            return None
        match message:
            case Card() if failure.reason == "too_long":
                return lambda: self._card(item, message, short=True)
            case CardRefresh() if failure.reason == "too_long":
                return lambda: self._card_refresh(item, message, short=True)
            case UserCopy() | GroupCopy() if failure.reason in ("source_gone", "not_copyable", "unknown_method"):
                return lambda: self._stored_text(item, message)
            case GroupErase() if failure.reason == "unknown_method" and not message.thread_id:
                return lambda: self._erase_one_by_one(item, message)
        return None

    async def _set_aside(self, item: OutboxItem, failure: Failure) -> None:
        """Never retried: the lane moves on. The operators hear of it once per ticket, kind and reason."""
        detail = f"{item.kind}: {failure.reason}"
        async with self.store.tx() as tx:
            await tx.outbox.set_aside(item.id, failure.reason)
            message = item.message
            if isinstance(message, UserText | UserCopy) and failure.reason == "forbidden":
                await self._user_blocked(tx, item)
            elif isinstance(message, GroupErase):
                await self._erase_left_to_people(tx, item, failure)
            elif item.ticket_id is not None and not (isinstance(message, GroupText) and message.notice):
                ticket = await tx.tickets.get(item.ticket_id)
                if ticket is not None and not await tx.tickets.audited(ticket.id, "set aside", detail):
                    text = screens.not_delivered(ticket.id, message, failure.reason)
                    await tx.outbox.add(GroupText(chat_id=self.group, text=text, notice=True), ticket.id)
            if item.ticket_id is not None:
                await tx.tickets.audit(item.ticket_id, None, "set aside", detail)
        self._finish(item.id)
        self.set_aside[item.kind, failure.reason] += 1
        log.warning("outbox row %s (%s, ticket %s) set aside: %s%s", item.id, item.kind, item.ticket_id,
                    failure.reason, f" ({item.problem})" if item.problem else "")  # fmt: skip

    async def _user_blocked(self, tx: Tx, item: OutboxItem) -> None:
        """The user blocked the bot: the ticket says so, and the operators are told."""
        ticket = await tx.tickets.get(item.ticket_id) if item.ticket_id is not None else None
        if ticket is None or ticket.user_blocked or item.ticket_id is None:  # told already
            return
        await tx.tickets.set_fields(item.ticket_id, user_blocked=1)
        await tx.tickets.audit(item.ticket_id, None, "user blocked the bot")
        text = screens.user_blocked(item.ticket_id)
        await tx.outbox.add(GroupText(chat_id=self.group, text=text, notice=True), item.ticket_id)
        await tx.outbox.add(CardRefresh(chat_id=self.group), item.ticket_id)

    async def _erase_left_to_people(self, tx: Tx, item: OutboxItem, failure: Failure) -> None:
        text = screens.erase_left_to_people(item.ticket_id, failure.reason)
        await tx.outbox.add(GroupText(chat_id=self.group, text=text, notice=True))

    async def _stored_text(self, item: OutboxItem, message: UserCopy | GroupCopy) -> After:
        """A copy Telegram refuses (the message is gone, or cannot be copied): its stored text instead."""
        ticket = await self._ticket(item)
        direction: Direction = "operator" if isinstance(message, UserCopy) else "user"
        async with self.store.read() as tx:
            stored = [m for m in await tx.tickets.messages(ticket.id, direction)
                      if m.message_id == message.message_id]  # fmt: skip
        text = stored[0].text if stored else None
        if isinstance(message, UserCopy):
            if not text:
                raise LookupError("nothing stored to send instead of the copy")  # set aside: operators told
            sent = await self.bot.send_message(message.chat_id, text, disable_notification=message.silent)
            return _remember(message.chat_id, sent.message_id)
        # The user's message is gone (hidden): what was stored of it still reaches the operators.
        shown = text or f"({stored[0].kind if stored else 'message'})"
        thread, reply_to = self._place(ticket)
        relayed = await self.bot.send_message(message.chat_id, screens.copy_unavailable(shown),
                                              message_thread_id=thread, reply_to_message_id=reply_to)  # fmt: skip
        return _relayed(relayed.message_id, ticket.id)

    # -- one method per kind of row -----------------------------------------------------------------

    async def _send(self, item: OutboxItem, message: OutboxMessage) -> After | None:
        match message:
            case UserText():
                return await self._user_text(message)
            case UserCopy():
                return await self._user_copy(message)
            case Ping():
                await self.bot.send_message(message.chat_id, message.text)
                return None
            case Card():
                return await self._card(item, message)
            case CardRefresh():
                await self._card_refresh(item, message)
                return None
            case Transcript():
                return await self._transcript(item, message)
            case GroupCopy():
                return await self._group_copy(item, message)
            case GroupText():
                return await self._group_text(item, message)
            case GroupErase():
                return await self._group_erase(item, message)

    async def _user_text(self, message: UserText) -> After:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                       for row in message.rows]) if message.rows else None  # fmt: skip
        sent = await self.bot.send_message(message.chat_id, message.text, reply_markup=markup,
                                           disable_notification=message.silent)  # fmt: skip
        return _remember(message.chat_id, sent.message_id)

    async def _user_copy(self, message: UserCopy) -> After:
        copied = await self.bot.copy_message(message.chat_id, message.from_chat_id, message.message_id,
                                             disable_notification=message.silent)  # fmt: skip
        return _remember(message.chat_id, copied.message_id)

    async def _ticket(self, item: OutboxItem) -> Ticket:
        async with self.store.read() as tx:
            ticket = await tx.tickets.get(item.ticket_id or 0)
        if ticket is None:
            raise LookupError(f"outbox row {item.id} names a missing ticket")
        return ticket

    async def _forum(self, group: int) -> bool:
        if self._is_forum is None:
            chat = await self.bot.get_chat(group)
            self._is_forum = bool(chat.is_forum)
        return self._is_forum

    async def _card(self, item: OutboxItem, message: Card, *, short: bool = False) -> After:
        """The ticket's card, in a topic of its own in a forum. When the user's words do not fit in one
        message (or Telegram says so: `short`), a short card, and the words follow as a file."""
        ticket = await self._ticket(item)
        group = message.chat_id
        if await self._forum(group) and ticket.thread_id is None:
            topic = await self.bot.create_forum_topic(group, topic_title(ticket))
            # Stored at once: if the card fails now, its retry goes into this topic, not a new one.
            async with self.store.tx() as tx:
                await tx.tickets.set_fields(ticket.id, thread_id=topic.message_thread_id)
            ticket = ticket.model_copy(update={"thread_id": topic.message_thread_id})
        screen = await self._card_screen(ticket)
        short = short or not _fits(screen)
        text = _short(screen) if short else screen.text
        sent = await self.bot.send_message(group, text, reply_markup=screen.markup(),
                                           message_thread_id=ticket.thread_id)  # fmt: skip

        async def after(tx: Tx) -> None:
            await tx.tickets.set_fields(ticket.id, card_message_id=sent.message_id)
            await tx.tickets.mark_shown(ticket.id)
            if short:  # a row of its own, so that a failed file never sends the card twice
                await tx.outbox.add(Transcript(chat_id=group), ticket.id)

        return after

    async def _card_screen(self, ticket: Ticket) -> Screen:
        async with self.store.read() as tx:
            messages = await tx.tickets.messages(ticket.id)
        return card(ticket, messages, self.content.rota.zone, self.category_labels.get(ticket.category or ""))

    async def _transcript(self, item: OutboxItem, message: Transcript) -> After:
        """The user's words in full, as a text file under a card too short to hold them."""
        ticket = await self._ticket(item)
        async with self.store.read() as tx:
            messages = await tx.tickets.messages(ticket.id, "user")
        words = transcript(ticket, messages, self.content.rota.zone).encode("utf-8")
        thread, reply_to = self._place(ticket)
        sent = await self.bot.send_document(message.chat_id, InputFile(words, filename=f"ticket-{ticket.id}.txt"),
                                            caption=screens.transcript_caption(ticket.id),
                                            message_thread_id=thread, reply_to_message_id=reply_to)  # fmt: skip
        return _relayed(sent.message_id, ticket.id)

    async def _card_refresh(self, item: OutboxItem, message: CardRefresh, *, short: bool = False) -> None:
        ticket = await self._ticket(item)
        group = message.chat_id
        if ticket.card_message_id is not None:
            screen = await self._card_screen(ticket)
            text = _short(screen) if short or not _fits(screen) else screen.text
            try:
                await self.bot.edit_message_text(text, group, ticket.card_message_id,
                                                 reply_markup=screen.markup())  # fmt: skip
            except BadRequest as error:
                if "not modified" not in error.message.lower().replace("_", " "):  # also TOPIC_NOT_MODIFIED
                    raise
        if ticket.thread_id is not None:
            try:
                await self.bot.edit_forum_topic(group, ticket.thread_id, name=topic_title(ticket))
            except BadRequest as error:
                if "not modified" not in error.message.lower().replace("_", " "):  # also TOPIC_NOT_MODIFIED
                    raise
            if ticket.state == "closed":
                await self.bot.close_forum_topic(group, ticket.thread_id)

    async def _group_copy(self, item: OutboxItem, message: GroupCopy) -> After:
        ticket = await self._ticket(item)
        thread, reply_to = self._place(ticket)
        copied: MessageId = await self.bot.copy_message(
            message.chat_id,
            message.from_chat_id,
            message.message_id,
            message_thread_id=thread,
            reply_to_message_id=reply_to,
        )
        return _relayed(copied.message_id, ticket.id)

    async def _group_text(self, item: OutboxItem, message: GroupText) -> After | None:
        # A ticket's row goes to its topic (or card); an answer to an operator where they wrote.
        thread, reply_to = (self._place(await self._ticket(item)) if item.ticket_id is not None
                            else (message.thread_id, message.reply_to))  # fmt: skip
        sent: Message = await self.bot.send_message(message.chat_id, message.text, message_thread_id=thread,
                                                    reply_to_message_id=reply_to, allow_sending_without_reply=True,
                                                    parse_mode=message.parse_mode)  # fmt: skip
        return _relayed(sent.message_id, item.ticket_id) if item.ticket_id is not None else None

    async def _group_erase(self, item: OutboxItem, message: GroupErase) -> After:
        """A forgotten or purged ticket leaves the group: its topic with everything in it, or its messages."""
        if message.thread_id is not None:
            await self.bot.delete_forum_topic(message.chat_id, message.thread_id)
        ids = message.message_ids
        for start in range(0, len(ids), DELETE_BATCH):
            await self.bot.delete_messages(message.chat_id, ids[start : start + DELETE_BATCH])
        return self._erased(item.ticket_id)

    async def _erase_one_by_one(self, item: OutboxItem, message: GroupErase) -> After:
        """A Bot API without deleteMessages: the messages one at a time (a topic needs no batch)."""
        for message_id in message.message_ids:
            try:
                await self.bot.delete_message(message.chat_id, message_id)
            except BadRequest:
                pass  # gone already
        return self._erased(item.ticket_id)

    @staticmethod
    def _erased(ticket_id: int | None) -> After:
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


def _fits(screen: Screen) -> bool:
    """Whether a card holds all the user's words within Telegram's limit (card() cuts what is past MAX_CARD)."""
    cut = len(screen.text) >= MAX_CARD and screen.text.endswith("…")
    return not cut and utf16_len(screen.text) <= TEXT_LIMIT


def _short(screen: Screen) -> str:
    """The card's head, without the user's words (they go in a file)."""
    head = screen.text.split("\n\n", 1)[0]
    return f"{head}\n\n{LONG_CARD_NOTE}"
