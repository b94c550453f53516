"""The escalation queue as plain Python: every state change and the messages it causes, in one transaction.

Handlers call this; it never talks to Telegram. What must reach someone is written to the outbox in the
same transaction as the change, and the dispatcher delivers it. So an acknowledged message is stored,
and a replayed update (after a crash) changes nothing: its id is recorded in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

from bot.clock import Clock
from bot.content.bundle import Content
from bot.escalation import screens
from bot.escalation.confirm import Confirms
from bot.escalation.judged import Judged
from bot.i18n.catalogs import I18n, Translator
from bot.settings import OPERATOR_CHAT_MISSING, Settings, SettingsError
from bot.storage import Store, Tx
from bot.storage.confirms import Answer
from bot.storage.outbox import Card, CardRefresh, GroupCopy, GroupText, Ping, UserCopy, UserText
from bot.storage.tickets import Label, Ticket
from bot.storage.users import User
from bot.ui import Screen

log = logging.getLogger(__name__)

OperatorAction = Literal["claim", "close", "transfer"]
REFUSAL_EVERY = dt.timedelta(minutes=1)  # a stranger's commands in the group are answered this seldom
MAX_REFUSED = 1_000  # strangers remembered before those refused over a minute ago are forgotten
AWAITING_TICKET = "ticket"  # the user asked to talk: their next message opens a ticket
_ADJECTIVES = ("Amber", "Blue", "Calm", "Green", "Quiet", "Silver", "Swift", "Warm", "Bright", "Gentle")
_NOUNS = ("Falcon", "Poplar", "River", "Steppe", "Cedar", "Crane", "Meadow", "Apricot", "Lark", "Willow")


def new_pseudonym() -> str:
    """A name for operators to use instead of the user's: random, so it links nothing."""
    return f"{secrets.choice(_ADJECTIVES)} {secrets.choice(_NOUNS)} {secrets.randbelow(90) + 10}"


@dataclass(frozen=True)
class GroupPlace:
    """Where in the operators' group an answer goes: the topic written in (if any), as a reply."""

    thread_id: int | None
    reply_to: int


@dataclass(frozen=True)
class Incoming:
    """A message as the queue needs it, free of Telegram types."""

    update_id: int
    chat_id: int
    message_id: int
    kind: str  # text, photo, voice, document, location, video, audio, sticker, other
    text: str | None  # the text or the caption


class Escalation:
    def __init__(self, store: Store, content: Content, i18n: I18n, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.content = content
        self.i18n = i18n
        self.settings = settings
        self.clock = clock
        if settings.operator_chat_id is None:  # `helpline run` refuses to start without it
            raise SettingsError(OPERATOR_CHAT_MISSING)
        self.group: int = settings.operator_chat_id
        self.confirms = Confirms(self)
        self._refused: dict[int | None, dt.datetime] = {}  # stranger → when last told in the group

    # -- the user's side ---------------------------------------------------------------------------

    async def open_ticket(
        self, user: User, incoming: Incoming | None, *, update_id: int, urgent: bool, category: str | None,
        kind: str = "help", ack: Screen | None = None, judged: Judged | None = None,
    ) -> Ticket | None:  # fmt: skip
        """Write the ticket, its first message and every message it causes; None for a replayed update.
        `ack` replaces the usual first answer (a reported recruiter is no emergency)."""
        async with self.store.tx(durable=True) as tx:
            if not await tx.users.first_time(update_id):
                return None
            existing = await tx.tickets.live_for_user(user.id)
            if existing is not None:
                if incoming is not None:
                    await self._user_message(tx, existing, incoming)
                if urgent and not existing.urgent:
                    await self._raise_to_urgent(tx, user, existing, category)
                return existing
            ticket = await self.create_ticket(tx, user, incoming, urgent=urgent, category=category, kind=kind, ack=ack,
                                              judged=judged)  # fmt: skip
        log.info("ticket %s opened (urgent=%s, category=%s)", ticket.id, urgent, category)
        return ticket

    async def create_ticket(
        self, tx: Tx, user: User, incoming: Incoming | None, *, urgent: bool, category: str | None,
        kind: str = "help", ack: Screen | None = None, judged: Judged | None = None, asked: Answer = "overtaken",
        quiet: bool = False,
    ) -> Ticket:  # fmt: skip
        """A new ticket in the caller's transaction (the user has no live one). Messages the bot was still
        asking "are you in danger right now?" about come first, and that question gets the answer `asked`.
        `quiet`: the user is not answered (they have just hidden the chat)."""
        lang = user.lang or self.content.languages.codes[0]
        t = self.i18n[lang]
        ticket = await tx.tickets.create(
            user_id=user.id, urgent=urgent, kind=kind, category=category, lang=lang,
            source=user.source, country=user.country, pseudonym=new_pseudonym(),
            band=judged.band if judged else None, score=judged.score if judged else None,
            matched=judged.matched if judged else None, evidence=judged.evidence if judged else (),
            asked=judged.asked if judged else None,
        )  # fmt: skip
        for pending in await tx.confirms.pending(user.id):
            await tx.tickets.add_message(ticket.id, "user", pending.kind, pending.text,
                                         chat_id=pending.chat_id, message_id=pending.message_id)  # fmt: skip
            await tx.confirms.resolve(pending.id, asked, ticket.id)
        if incoming is not None:
            await tx.tickets.add_message(ticket.id, "user", incoming.kind, incoming.text,
                                         chat_id=incoming.chat_id, message_id=incoming.message_id)  # fmt: skip
        await tx.users.update(user.chat_id, awaiting=None)
        on_duty = await self._on_duty(tx)
        if not quiet:
            await self._to_user(tx, user, ack or self.first_answer(t, user.country, bool(on_duty)), ticket.id)
        await tx.outbox.add(Card(chat_id=self.group), ticket.id)
        for operator in sorted(on_duty):
            await self._ping(tx, operator, ticket, "New")
        return ticket

    async def user_message(self, user: User, ticket: Ticket, incoming: Incoming, *, urgent: bool = False,
                           category: str | None = None) -> bool:  # fmt: skip
        """A later message from the user goes to the ticket's topic. False for a replayed update.
        `urgent` (the triage says the message signals danger): a ticket that was not urgent becomes urgent."""
        async with self.store.tx(durable=True) as tx:
            if not await tx.users.first_time(incoming.update_id):
                return False
            await self._user_message(tx, ticket, incoming)
            current = await tx.tickets.get(ticket.id)
            if urgent and current is not None and not current.urgent:
                await self._raise_to_urgent(tx, user, current, category)
        return True

    async def _raise_to_urgent(self, tx: Tx, user: User, ticket: Ticket, category: str | None) -> None:
        """Danger written inside a ticket that was not urgent: everything a new urgent ticket gets — its card
        and topic say URGENT, the on-duty operators are pinged, the ladder starts again, and the user gets
        the urgent answer with the emergency numbers."""
        await tx.tickets.set_fields(ticket.id, urgent=1, category=category or ticket.category)
        if ticket.state == "open":
            await tx.tickets.requeue(ticket.id)
        await tx.tickets.audit(ticket.id, None, "raised to urgent", category)
        ticket = await tx.tickets.get(ticket.id) or ticket
        await tx.outbox.add(GroupText(chat_id=self.group, text=screens.raised_to_urgent(ticket)), ticket.id)
        await self._refresh(tx, ticket.id)
        on_duty = await self._on_duty(tx)
        pinged = on_duty | ({ticket.operator_id} if ticket.state == "claimed" and ticket.operator_id else set())
        for operator in sorted(pinged):
            await self._ping(tx, operator, ticket, "Now")
        t = self.i18n[user.lang or ticket.lang]
        await self._to_user(tx, user, self.first_answer(t, user.country, bool(on_duty)), ticket.id)
        log.info("ticket %s raised to urgent (category=%s)", ticket.id, ticket.category)

    async def _user_message(self, tx: Tx, ticket: Ticket, incoming: Incoming) -> None:
        await tx.tickets.add_message(ticket.id, "user", incoming.kind, incoming.text,
                                     chat_id=incoming.chat_id, message_id=incoming.message_id)  # fmt: skip
        copy = GroupCopy(chat_id=self.group, from_chat_id=incoming.chat_id, message_id=incoming.message_id)
        await tx.outbox.add(copy, ticket.id)

    async def set_country(self, user: User, country: str) -> bool:
        """The user said where they are: store it (on their live ticket too). False for a country no longer in
        the content, or a user with no language yet: an old button."""
        if self.content.contacts.country(country) is None or user.lang is None:
            return False
        async with self.store.tx() as tx:
            await tx.users.update(user.chat_id, country=country)
            ticket = await tx.tickets.live_for_user(user.id)
            if ticket is not None:
                await tx.tickets.set_fields(ticket.id, country=country)
                await tx.outbox.add(CardRefresh(chat_id=self.group), ticket.id)
        return True

    # -- what the user reads ------------------------------------------------------------------------

    def first_answer(self, t: Translator, country: str | None, anyone_on_duty: bool) -> Screen:
        """The answer to an urgent message: out of hours, numbers first."""
        return screens.urgent_answer(self.content, t, country, anyone_on_duty, self.clock.now())

    async def _to_user(self, tx: Tx, user: User, screen: Screen, ticket_id: int | None) -> None:
        rows = [[(b.text, b.data) for b in row] for row in screen.rows]
        await tx.outbox.add(UserText(chat_id=user.chat_id, text=screen.text, silent=user.silent, rows=rows), ticket_id)

    # -- the operators' side ------------------------------------------------------------------------

    async def refuse(self, actor_id: int | None, action: str, ticket_id: int | None = None, *,
                     tell: GroupPlace | None = None) -> None:  # fmt: skip
        """Someone who is not an operator tried to act: log and audit (no names kept). With `tell`, they
        are told so in the group, through the outbox, at most once a minute: a stranger's commands must
        not use up the group's sending budget that cards and relays need."""
        log.warning("refused %s by a non-operator (id %s)", action, actor_id)
        now = self.clock.now()
        last = self._refused.get(actor_id)
        if last is not None and now - last < REFUSAL_EVERY:
            tell = None  # told a moment ago
        if tell is not None:
            self._refused[actor_id] = now
            if len(self._refused) > MAX_REFUSED:
                self._refused = {k: at for k, at in self._refused.items() if now - at < REFUSAL_EVERY}
        async with self.store.tx() as tx:
            await tx.tickets.audit(ticket_id, actor_id, "refused", action)
            if tell is not None:
                await self._to_group(tx, screens.REFUSAL, tell)

    async def live_ticket(self, user: User) -> Ticket | None:
        async with self.store.read() as tx:
            return await tx.tickets.live_for_user(user.id)

    async def ask_to_talk(self, user: User) -> Ticket | None:
        """ "Talk to a person": the user's live ticket, or None, and then their next message opens one."""
        async with self.store.tx() as tx:
            live = await tx.tickets.live_for_user(user.id)
            if live is None:
                await tx.users.update(user.chat_id, awaiting=AWAITING_TICKET)
        return live

    async def ticket_here(self, thread_id: int | None, reply_to: int | None) -> Ticket | None:
        """The ticket a group message belongs to: its forum topic, or the card or relay it replies to."""
        async with self.store.read() as tx:
            if thread_id is not None:
                found = await tx.tickets.by_thread(thread_id)
                if found is not None:
                    return found
            return await tx.tickets.by_group_message(reply_to) if reply_to is not None else None

    async def answer_in_group(self, text: str, place: GroupPlace, *, html: bool = False) -> None:
        """An answer to an operator in the group: through the outbox, in order with everything else there,
        so that no handler waits for the group's sending budget."""
        async with self.store.tx() as tx:
            await self._to_group(tx, text, place, html=html)

    async def _to_group(self, tx: Tx, text: str, place: GroupPlace, *, html: bool = False) -> None:
        await tx.outbox.add(GroupText(chat_id=self.group, text=text, thread_id=place.thread_id, reply_to=place.reply_to,
                                      parse_mode="HTML" if html else None))  # fmt: skip

    async def operator_message(self, ticket: Ticket, operator_id: int, incoming: Incoming) -> bool:
        """An operator wrote in the ticket's topic: it goes to the user. False for a replayed update."""
        async with self.store.tx(durable=True) as tx:
            if not await tx.users.first_time(incoming.update_id):
                return False
            current = await tx.tickets.get(ticket.id)
            if current is None or current.state == "closed" or current.user_id is None:
                return False
            user = await tx.users.by_id(current.user_id)
            if user is None:
                return False
            if current.state == "open":
                await tx.tickets.claim(current.id, operator_id)
                await tx.tickets.audit(current.id, operator_id, "claimed", "by answering")
                await self._refresh(tx, current.id)
            await tx.tickets.add_message(current.id, "operator", incoming.kind, incoming.text,
                                         message_id=incoming.message_id, operator_id=operator_id)  # fmt: skip
            await tx.tickets.operator_answered(current.id)
            await tx.tickets.audit(current.id, operator_id, "answered", incoming.kind)
            copy = UserCopy(chat_id=user.chat_id, from_chat_id=incoming.chat_id, message_id=incoming.message_id,
                            silent=user.silent)  # fmt: skip
            await tx.outbox.add(copy, current.id)
        return True

    async def act(self, ticket_id: int, operator_id: int, action: OperatorAction, reason: str | None = None,
                  label: Label | None = None, label_category: str | None = None) -> str:  # fmt: skip
        """Claim, close or transfer a ticket; returns a line for the operator. Closing may carry a label."""
        async with self.store.tx() as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None:
                return screens.no_ticket(ticket_id)
            if ticket.state == "closed":
                return screens.closed_already(ticket_id)
            if action == "claim":
                if ticket.state == "claimed" and ticket.operator_id != operator_id:
                    return screens.claimed_by_another(ticket_id, ticket.operator_id)
                await tx.tickets.claim(ticket_id, operator_id)
                reply = screens.claimed(ticket_id)
            elif action == "close":
                await tx.tickets.close(ticket_id, reason)
                await self._tell_user_closed(tx, ticket)
                if label is not None:
                    await tx.tickets.set_label(ticket_id, label, label_category)
                    await tx.tickets.audit(ticket_id, operator_id, "label", label)
                reply = screens.closed(ticket_id, ask_label=label is None and ticket.kind == "help")
            else:
                await tx.tickets.unclaim(ticket_id)
                reply = await self._transfer(tx, ticket, operator_id)
            await tx.tickets.audit(ticket_id, operator_id, action, reason)
            await self._refresh(tx, ticket_id)
        return reply

    async def label(self, ticket_id: int, operator_id: int, label: Label) -> str:
        """An operator's word on a closed ticket, which teaches the judgement (helpline export-labels)."""
        async with self.store.tx() as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or ticket.state != "closed":
                return screens.not_closed(ticket_id)
            await tx.tickets.set_label(ticket_id, label)
            await tx.tickets.audit(ticket_id, operator_id, "label", label)
            await self._refresh(tx, ticket_id)
        return screens.marked(ticket_id, label)

    async def _transfer(self, tx: Tx, ticket: Ticket, operator_id: int) -> str:
        """Back to the queue, with the internal notes carried across; the user is told nothing."""
        notes = await tx.tickets.messages(ticket.id, "note")
        text = screens.handed_over(ticket.id, operator_id, (note.text for note in notes))
        await tx.outbox.add(GroupText(chat_id=self.group, text=text), ticket.id)
        for operator in sorted(await self._on_duty(tx) - {operator_id}):
            await self._ping(tx, operator, ticket, "Handed over")
        return screens.back_in_queue(ticket.id)

    async def _tell_user_closed(self, tx: Tx, ticket: Ticket) -> None:
        if ticket.user_id is None:
            return
        user = await tx.users.by_id(ticket.user_id)
        if user is not None:
            t = self.i18n[ticket.lang]
            await self._to_user(tx, user, screens.closed_screen(self.content, t), ticket.id)

    async def note(self, ticket_id: int, operator_id: int, text: str) -> str:
        async with self.store.tx() as tx:
            if await tx.tickets.get(ticket_id) is None:
                return screens.no_ticket(ticket_id)
            await tx.tickets.add_message(ticket_id, "note", "text", text, operator_id=operator_id)
            await tx.tickets.audit(ticket_id, operator_id, "note")
        return screens.note_kept(ticket_id)

    async def say(self, ticket_id: int, operator_id: int, key: str) -> str:
        """Send a prepared answer in the user's language (operators may not speak it)."""
        answer = self.content.canned.answers.get(key)
        if answer is None:
            return screens.which_answer(key, self.content.canned.answers)
        async with self.store.tx() as tx:
            ticket = await tx.tickets.get(ticket_id)
            if ticket is None or ticket.state == "closed" or ticket.user_id is None:
                return screens.not_open(ticket_id)
            user = await tx.users.by_id(ticket.user_id)
            if user is None:
                return screens.no_user(ticket_id)
            if ticket.state == "open":
                await tx.tickets.claim(ticket_id, operator_id)
                await self._refresh(tx, ticket_id)
            text = self.i18n[ticket.lang].text(answer.text)
            await tx.tickets.add_message(ticket_id, "canned", "text", text, operator_id=operator_id)
            await tx.tickets.operator_answered(ticket_id)
            await tx.tickets.audit(ticket_id, operator_id, "say", key)
            await self._to_user(tx, user, Screen(text), ticket_id)
        return screens.said(answer.title, ticket_id, ticket.lang)

    async def queue(self) -> str:
        async with self.store.read() as tx:
            return screens.queue_text(await tx.tickets.live(), tx.now)

    async def set_on_call(self, operator_id: int, on_call: bool) -> str:
        async with self.store.tx() as tx:
            await tx.operators.set_on_call(operator_id, on_call)
            await tx.tickets.audit(None, operator_id, "oncall" if on_call else "offcall")
        return screens.on_call(on_call)

    async def _on_duty(self, tx: Tx) -> set[int]:
        by_hand = await tx.operators.on_call()
        return (by_hand | self.content.rota.on_duty(tx.now)) & set(self.settings.operator_ids)

    async def _ping(self, tx: Tx, operator: int, ticket: Ticket, what: str) -> None:
        await tx.outbox.add(Ping(chat_id=operator, text=screens.ping(what, ticket)), ticket.id)

    async def _refresh(self, tx: Tx, ticket_id: int) -> None:
        """The card's buttons and the topic's title follow the ticket's state."""
        await tx.outbox.add(CardRefresh(chat_id=self.group), ticket_id)

    # -- the clock's side -----------------------------------------------------------------------------

    async def ladder(self) -> None:
        """Announce tickets that wait too long, louder each step; return silent claimed ones to the queue."""
        steps = self.settings.unclaimed_minutes
        silence = dt.timedelta(minutes=self.settings.claimed_silence_minutes)
        async with self.store.tx(durable=True) as tx:
            await self.confirms.timeouts(tx)  # first: a ticket it opens is live below
            for ticket in await tx.tickets.live():
                if ticket.state == "open":
                    waited = tx.now - ticket.queued_at
                    due = sum(1 for minutes in steps if waited >= dt.timedelta(minutes=minutes))
                    for step in range(ticket.ladder_step + 1, due + 1):
                        await self._announce(tx, ticket, step, steps[step - 1])
                    if due > ticket.ladder_step:
                        await tx.tickets.set_fields(ticket.id, ladder_step=due)
                elif tx.now - (ticket.last_operator_at or ticket.claimed_at or tx.now) >= silence:
                    await tx.tickets.unclaim(ticket.id)
                    await tx.tickets.audit(ticket.id, None, "returned", "no answer")
                    text = screens.returned_for_silence(ticket.id, self.settings.claimed_silence_minutes)
                    await tx.outbox.add(GroupText(chat_id=self.group, text=text), ticket.id)
                    await self._refresh(tx, ticket.id)

    async def _announce(self, tx: Tx, ticket: Ticket, step: int, minutes: int) -> None:
        last = step == len(self.settings.unclaimed_minutes)
        text = screens.still_waiting(ticket.id, minutes, everyone=last)
        await tx.outbox.add(GroupText(chat_id=self.group, text=text), ticket.id)
        pinged = set(self.settings.operator_ids) if last else await self._on_duty(tx)
        for operator in sorted(pinged):
            await self._ping(tx, operator, ticket, f"Still waiting ({minutes} min):")
        await tx.tickets.audit(ticket.id, None, "announced", f"{minutes} min")
        if step == min(2, len(self.settings.unclaimed_minutes)) and ticket.user_id is not None:
            user = await tx.users.by_id(ticket.user_id)
            if user is not None:
                t = self.i18n[ticket.lang]
                await self._to_user(tx, user, screens.long_wait(self.content, t), ticket.id)
