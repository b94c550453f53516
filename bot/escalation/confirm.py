"""The confirm band: the judgement is unsure, so the bot asks "Are you in danger right now?".

Plain Python over the store, like the rest of the queue. The message is written down first, in the same
transaction as its update id and the question (in the outbox), so nothing said is lost. Yes opens an urgent
ticket at once, with the message; No goes back to the menu (or to the check of the offer the message was);
no answer within `confirm_minutes` opens an urgent ticket marked unconfirmed, from the ladder's clock job,
so that it survives a restart: someone in danger may not be able to tap. Every answer is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Literal

from bot.escalation import screens
from bot.escalation.judged import Judged
from bot.escalation.triage import TriageResult
from bot.storage.confirms import Confirm
from bot.storage.outbox import GroupCopy, GroupText
from bot.storage.users import User

if TYPE_CHECKING:
    from bot.escalation.service import Escalation, Incoming
    from bot.storage import Tx
    from bot.storage.tickets import Ticket

log = logging.getLogger(__name__)


class Confirms:
    def __init__(self, escalation: Escalation) -> None:
        self.esc = escalation

    async def ask(self, user: User, incoming: Incoming, verdict: TriageResult, *, offer: bool) -> bool:
        """Write the message down and ask; False for a replayed update. `offer`: it is also a job offer to check."""
        esc = self.esc
        lang = user.lang or esc.content.languages.codes[0]
        codes = [user.lang] if user.lang else list(esc.content.languages.content_codes)
        async with esc.store.tx(durable=True) as tx:
            if not await tx.users.first_time(incoming.update_id):
                return False
            confirm_id = await tx.confirms.add(
                user_id=user.id, lang=lang, kind=incoming.kind, text=incoming.text, chat_id=incoming.chat_id,
                message_id=incoming.message_id, offer=offer, category=verdict.category, score=verdict.score,
                matched=verdict.matched, evidence=verdict.evidence,
            )  # fmt: skip
            await esc._to_user(tx, user, screens.question([esc.i18n[code] for code in codes], confirm_id), None)
        log.info("confirm %s asked (score %.2f)", confirm_id, verdict.score)
        return True

    async def yes(self, user: User, confirm_id: int, update_id: int) -> bool:
        """An urgent ticket at once, with every message the bot was asking about; False for a replayed update.

        A yes to a question answered before (a "no" earlier, or a ticket since) still means danger now."""
        esc = self.esc
        async with esc.store.tx(durable=True) as tx:
            if not await tx.users.first_time(update_id):
                return False
            confirm = await tx.confirms.get(confirm_id)
            if confirm is not None and confirm.user_id != user.id:
                confirm = None  # not this person's question: their yes still counts, its message does not
            live = await tx.tickets.live_for_user(user.id)
            if live is not None:  # the question's ticket opened meanwhile (no answer in time), or another one
                if confirm is not None and confirm.answer == "yes" and confirm.ticket_id == live.id:
                    return True  # pressed twice: the operators know already
                if confirm is not None:
                    await tx.confirms.resolve(confirm_id, "yes", live.id)
                await tx.outbox.add(GroupText(chat_id=esc.group, text=screens.answered_yes(live.id)), live.id)
                if not live.urgent:  # pings, the ladder and the urgent answer, as for danger written in a ticket
                    await esc._raise_to_urgent(tx, user, live, _category(confirm))
                else:
                    await esc._to_user(tx, user, screens.reading(esc.i18n[live.lang]), live.id)
            else:
                ticket = await esc.create_ticket(tx, user, None, urgent=True, category=_category(confirm),
                                                 judged=_judged(confirm, "yes"), asked="yes")  # fmt: skip
                if confirm is not None:  # a question answered before keeps its first answer
                    await tx.confirms.resolve(confirm_id, "yes", ticket.id)
        log.info("confirm %s answered yes", confirm_id)
        return True

    async def no(self, user: User, confirm_id: int, update_id: int) -> Confirm | None:
        """Recorded, and the message's text goes; returns the question as it was (for an offer's check), None
        when it was answered before or the update is a replay."""
        async with self.esc.store.tx() as tx:
            if not await tx.users.first_time(update_id):
                return None
            confirm = await tx.confirms.get(confirm_id)
            if confirm is None or confirm.user_id != user.id or confirm.answer is not None:
                return None
            await tx.confirms.resolve(confirm_id, "no")
        log.info("confirm %s answered no", confirm_id)
        return confirm

    async def timeouts(self, tx: Tx) -> None:
        """From the ladder's clock job: a question unanswered for `confirm_minutes` opens an unconfirmed ticket."""
        esc = self.esc
        for user_id in await tx.confirms.due(tx.now - dt.timedelta(minutes=esc.settings.confirm_minutes)):
            user = await tx.users.by_id(user_id)
            pending = await tx.confirms.pending(user_id)
            if user is None or not pending:
                continue
            live = await tx.tickets.live_for_user(user_id)
            if live is not None:  # opened meanwhile by hand; the messages join it
                for confirm in pending:
                    await tx.tickets.add_message(live.id, "user", confirm.kind, confirm.text,
                                                 chat_id=confirm.chat_id, message_id=confirm.message_id)  # fmt: skip
                    await tx.confirms.resolve(confirm.id, "unanswered", live.id)
                    if confirm.chat_id is not None and confirm.message_id is not None:
                        copy = GroupCopy(chat_id=esc.group, from_chat_id=confirm.chat_id, message_id=confirm.message_id)
                        await tx.outbox.add(copy, live.id)
                continue
            ticket = await self._unconfirmed(tx, user, pending)
            log.info("ticket %s opened unconfirmed: no answer in %s min", ticket.id, esc.settings.confirm_minutes)

    async def hidden(self, chat_id: int) -> bool:
        """The user hid the chat instead of answering: someone may be looking at the phone. The unconfirmed
        ticket opens now, and the user gets no message about it (the operators are told to write neutrally)."""
        esc = self.esc
        async with esc.store.tx(durable=True) as tx:
            user = await tx.users.get(chat_id)
            pending = await tx.confirms.pending(user.id) if user is not None else []
            if user is None or not pending or await tx.tickets.live_for_user(user.id) is not None:
                return False
            ticket = await self._unconfirmed(tx, user, pending, quiet=True)
            await tx.tickets.audit(ticket.id, None, "user hid the chat")
            text = screens.hid_instead_of_answering(ticket.id)
            await tx.outbox.add(GroupText(chat_id=esc.group, text=text), ticket.id)
        log.info("ticket %s opened unconfirmed: the chat was hidden", ticket.id)
        return True

    async def _unconfirmed(self, tx: Tx, user: User, pending: list[Confirm], *, quiet: bool = False) -> Ticket:
        strongest = max(pending, key=lambda confirm: confirm.score)
        return await self.esc.create_ticket(tx, user, None, urgent=True, category=_category(strongest),
                                            judged=_judged(strongest, "unanswered"), asked="unanswered",
                                            quiet=quiet)  # fmt: skip


def _category(confirm: Confirm | None) -> str | None:
    return confirm.category if confirm is not None else None


def _judged(confirm: Confirm | None, asked: Literal["yes", "unanswered"]) -> Judged:
    if confirm is None:
        return Judged("confirm", 0.0, asked=asked)
    return Judged("confirm", confirm.score, confirm.matched, confirm.evidence, asked=asked)
