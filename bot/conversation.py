"""Where a user's private message goes. The order matters, and is written down here once:

1. a live ticket: the message goes to the operator, and menus stay out of the way; a message that signals
   danger makes the ticket urgent, and a job offer the bot asked for is checked for the user as well;
2. the user asked to talk to a person, or the text signals danger: it opens a ticket;
3. the user is checking a job offer, or forwarded or pasted one: it is scanned;
4. anything else: the main menu, with one line on how to reach a person.
"""

from __future__ import annotations

from telegram import Update

from bot import screens
from bot.escalation import handlers as escalation
from bot.guidance.handlers import not_understood
from bot.messaging import session, show
from bot.offers import handlers as offers
from bot.services import Context


async def private_message(update: Update, context: Context) -> None:
    svc = context.svc
    message = update.effective_message
    assert message is not None  # noqa: S101 - registered for private messages only
    user, t = await session(context, update)
    async with svc.store.read() as tx:
        live = await tx.tickets.live_for_user(user.id)
    text = message.text or message.caption or ""
    verdict = svc.triage.classify(text, lang_hint=user.lang) if text else None
    urgent = bool(verdict and verdict.urgent)
    if live is not None:
        if not urgent and user.awaiting == offers.AWAITING_OFFER:
            # The offer the bot asked for: the user gets the verdict, the operators get the offer.
            chosen = svc.i18n.get(user.lang) or svc.i18n[live.lang]
            await offers.maybe_scan(update, context, user, chosen, in_ticket=True)
        category = verdict.category if verdict else None
        await svc.escalation.user_message(user, live, escalation.incoming(update, message),
                                          urgent=urgent, category=category)  # fmt: skip
        return
    if user.lang is None:
        # Someone in danger may write before choosing a language: take the one they wrote in.
        guessed = verdict.lang if verdict and verdict.lang in svc.content.languages.codes else None
        if guessed is None:
            await show(context, user.chat_id, screens.language_picker(svc.translators()))
            return
        async with svc.store.tx() as tx:
            await tx.users.update(user.chat_id, lang=guessed)
        user, t = await session(context, update)
    if user.awaiting == escalation.AWAITING_TICKET or urgent:
        await escalation.relay_or_open(update, context, user, urgent=urgent,
                                       category=verdict.category if verdict and urgent else None)  # fmt: skip
        return
    if await offers.maybe_scan(update, context, user, t):
        return
    await not_understood(update, context, t, svc, silent=user.silent)
