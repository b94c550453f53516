"""Before any handler: drop replayed updates, slow down floods. After all: record the update as done."""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.services import Context, services

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds


class FloodGate:
    """A sliding window of each user's recent updates, in memory: it protects, it records nothing."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._times: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def admit(self, user_id: int, now: float) -> tuple[bool, bool]:
        """(let it through, warn the user now): one polite warning per window, then silence."""
        times = self._times[user_id]
        while times and now - times[0] > WINDOW:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            if len(self._times) > 10_000:
                self._forget_idle(now)
            return True, False
        warn = now - self._warned.get(user_id, 0.0) > WINDOW
        if warn:
            self._warned[user_id] = now
        return False, warn

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, times in self._times.items() if not times or now - times[-1] > WINDOW]:
            self._times.pop(user_id, None)
            self._warned.pop(user_id, None)


async def before(update: Update, context: Context) -> None:
    svc = services(context)
    async with svc.store.read() as tx:
        replay = await tx.users.seen(update.update_id)
    if replay:
        log.info("update %s was handled before; skipped", update.update_id)
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is None or chat.type != "private" or update.effective_user is None:
        return
    gate: FloodGate = svc.flood
    admitted, warn = gate.admit(update.effective_user.id, time.monotonic())
    if admitted or _urgent(update, context):
        return  # an urgent message always goes through, flood or not
    if warn:
        t = svc.i18n.get(await _lang(context, chat.id)) or svc.i18n[svc.content.languages.codes[0]]
        await context.bot.send_message(chat.id, t.gettext("You are writing very fast. Please wait a minute."))
    await _done(context, update.update_id)
    raise ApplicationHandlerStop


def _urgent(update: Update, context: Context) -> bool:
    message = update.effective_message
    text = message.text or message.caption if message else None
    return bool(text) and services(context).triage.classify(text or "").urgent


async def _lang(context: Context, chat_id: int) -> str | None:
    async with services(context).store.read() as tx:
        user = await tx.users.get(chat_id)
    return user.lang if user else None


async def _done(context: Context, update_id: int) -> None:
    async with services(context).store.tx() as tx:
        await tx.users.first_time(update_id)


async def after(update: Update, context: Context) -> None:
    await _done(context, update.update_id)
