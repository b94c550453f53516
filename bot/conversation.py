"""Where a user's private message goes. The order matters, and is written down here once:

1. a live ticket: the message goes to the operator, and menus stay out of the way; a message that signals
   danger makes the ticket urgent, and a job offer the bot asked for is checked for the user as well;
2. the user asked to talk to a person, or the text signals danger: it opens a ticket;
3. the judgement is unsure (the confirm band): the bot asks "Are you in danger right now?" (bot.escalation.confirm),
   before a language is chosen too, and during an offer check; No carries on with the offer's check. A forwarded
   or long pasted ad is not asked about: it is checked (its ticket band still opens a ticket);
4. the user is checking a job offer, or forwarded or pasted one: it is scanned;
5. anything else: the main menu, with one line on how to reach a person.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import screens
from bot.escalation import handlers as escalation
from bot.escalation.judged import Judged
from bot.escalation.service import AWAITING_TICKET
from bot.escalation.triage import TriageResult
from bot.guidance import service as guidance
from bot.guidance.handlers import not_understood
from bot.messaging import session, show
from bot.offers import handlers as offers
from bot.services import Context
from bot.storage.users import User


async def private_message(update: Update, context: Context) -> None:
    svc = context.svc
    message = update.effective_message
    assert message is not None  # noqa: S101 - registered for private messages only
    user, t = await session(context, update)
    live = await svc.escalation.live_ticket(user)
    text = message.text or message.caption or ""
    verdict = context.classify(text, lang_hint=user.lang) if text else None  # once per update, the guard's too
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
    # Unsure: ask "are you in danger right now?" (someone who asked for a person gets one anyway).
    # A forwarded or pasted ad is full of the words of danger without being anyone's danger now (a third of the
    # labelled offers fall in the confirm band): it is checked, not asked about; the ticket band still escalates.
    unsure = (verdict if verdict and verdict.band == "confirm" and user.awaiting != AWAITING_TICKET
              and not offers.looks_like_an_ad(message) else None)  # fmt: skip
    if user.lang is None:
        # Neither chosen nor known from the phone. Someone in danger may write before choosing: take the
        # language they wrote in when the text says so surely; a few words do not, so then ask.
        guessed = verdict.lang if verdict and verdict.lang in svc.content.languages.codes else None
        if guessed is None or verdict is None or not verdict.lang_sure:
            if urgent or user.awaiting == AWAITING_TICKET:
                # Danger, or words for a person: the ticket opens whatever the language, then they choose.
                category = verdict.category if verdict and urgent else None
                await escalation.relay_or_open(update, context, user.model_copy(update={"lang": guessed}),
                                               urgent=urgent, category=category, judged=Judged.of(verdict))  # fmt: skip
            elif unsure is not None:  # asked in every language, with Hide
                await _ask(update, context, user, message, unsure)
                return
            await show(context, user.chat_id, screens.language_picker(svc.translators()))
            return
        await guidance.choose_language(svc.store, user.chat_id, guessed)
        user, t = await session(context, update)
    if user.awaiting == AWAITING_TICKET or urgent:
        await escalation.relay_or_open(update, context, user, urgent=urgent,
                                       category=verdict.category if verdict and urgent else None,
                                       judged=Judged.of(verdict))  # fmt: skip
        return
    if unsure is not None:
        await _ask(update, context, user, message, unsure)
        return
    if await offers.maybe_scan(update, context, user, t):
        return
    await not_understood(update, context, t, svc, silent=user.silent)


async def _ask(update: Update, context: Context, user: User, message: Message, verdict: TriageResult) -> None:
    offer = offers.looks_like_an_offer(message, user.awaiting)  # a "no" then shows the offer's check
    await context.svc.escalation.confirms.ask(user, escalation.incoming(update, message), verdict, offer=offer)

