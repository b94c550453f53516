"""Telegram handlers of the escalation queue: thin; the work is in bot.escalation.service, the words in
bot.escalation.screens."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode

from bot.escalation import screens
from bot.escalation.judged import Judged
from bot.escalation.screens import LABELS, REFUSAL
from bot.escalation.service import GroupPlace, Incoming, OperatorAction
from bot.messaging import remember, session, show, stale_button
from bot.offers import handlers as offers
from bot.screens import main_menu
from bot.services import Context
from bot.storage.tickets import Label, Ticket
from bot.storage.users import User
from bot.ui import CONFIRM, COUNTRY, OPERATOR

log = logging.getLogger(__name__)


def incoming(update: Update, message: Message) -> Incoming:
    return Incoming(update.update_id, message.chat_id, message.message_id, message_kind(message),
                    message.text or message.caption)  # fmt: skip


def message_kind(message: Message) -> str:
    for kind in ("text", "photo", "voice", "video", "video_note", "audio", "document", "location", "sticker",
                 "contact", "animation", "poll", "venue"):  # fmt: skip
        if getattr(message, kind, None):
            return kind
    return "other"


# -- users ------------------------------------------------------------------------------------------


async def talk(update: Update, context: Context) -> None:
    """ "Talk to a person" or /help: ask what happened; the next message opens a ticket (not this tap,
    so that idle taps never fill the operators' group with empty topics)."""
    svc = context.svc
    user, t = await session(context, update)
    if update.callback_query is not None:
        await update.callback_query.answer()
    live = await svc.escalation.ask_to_talk(user)
    await show(context, user.chat_id, screens.talk(svc.content, t, user.country, live=live is not None))


async def relay_or_open(update: Update, context: Context, user: User, *, urgent: bool, category: str | None,
                        kind: str = "help", judged: Judged | None = None) -> Ticket | None:  # fmt: skip
    message = update.effective_message
    assert message is not None  # noqa: S101
    return await context.svc.escalation.open_ticket(user, incoming(update, message), update_id=update.update_id,
                                                 urgent=urgent, category=category, kind=kind,
                                                 judged=judged)  # fmt: skip


async def country_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101
    user, t = await session(context, update)
    country = query.data.removeprefix(COUNTRY)
    if not await context.svc.escalation.set_country(user, country):
        await stale_button(update, context)
        return
    await query.answer()
    await show(context, user.chat_id, screens.country_numbers(context.svc.content, t, country))


async def confirm_button(update: Update, context: Context) -> None:
    """The answer to "Are you in danger right now?": Yes opens an urgent ticket (its answer comes through the
    outbox); No carries on where the message would have gone: the check of the offer it was, else the menu."""
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101 - registered for cf: buttons
    answer, _, number = query.data.removeprefix(CONFIRM).partition(":")
    if answer not in ("y", "n") or not number.isdigit():
        await stale_button(update, context)
        return
    user, t = await session(context, update)
    await query.answer()
    confirms = context.svc.escalation.confirms
    if answer == "y":
        await confirms.yes(user, int(number), update.update_id)
        return
    asked = await confirms.no(user, int(number), update.update_id)
    if asked is not None and asked.offer and asked.text and asked.message_id is not None:
        await offers.show_check(context, user, t, asked.text, asked.message_id)
    else:
        await show(context, user.chat_id, main_menu(context.svc.content, t))


# -- operators --------------------------------------------------------------------------------------


async def _ticket_here(context: Context, message: Message) -> Ticket | None:
    """The ticket a group message belongs to: its forum topic, or the card or relay it replies to."""
    thread = message.message_thread_id if message.is_topic_message else None
    reply = message.reply_to_message.message_id if message.reply_to_message is not None else None
    return await context.svc.escalation.ticket_here(thread, reply)


async def _ticket_and_rest(context: Context, message: Message) -> tuple[int | None, list[str]]:
    """`/close 12 reason` anywhere, or `/close reason` inside a ticket's topic."""
    args = list(context.args or [])
    here = await _ticket_here(context, message)
    if args and args[0].lstrip("#").isdigit() and (here is None or int(args[0].lstrip("#")) == here.id):
        return int(args.pop(0).lstrip("#")), args
    return (here.id if here else None), args


def _place(message: Message) -> GroupPlace:
    return GroupPlace(message.message_thread_id if message.is_topic_message else None, message.message_id)


async def answer_operator(context: Context, message: Message, text: str, *, html: bool = False) -> None:
    """In the group through the outbox (its budget is shared with cards and relays); in an operator's
    private chat at once."""
    if message.chat.type == ChatType.PRIVATE:
        await message.reply_text(text, parse_mode=ParseMode.HTML if html else None)
    else:
        await context.svc.escalation.answer_in_group(text, _place(message), html=html)


def _operator(update: Update) -> int:
    """The operator acting: only operators' updates reach these handlers (see bot.app)."""
    assert update.effective_user is not None  # noqa: S101 - filtered at registration
    return update.effective_user.id


async def operator_command(update: Update, context: Context) -> None:
    """/claim, /close [reason], /transfer, /note TEXT, /say KEY: on the ticket of this topic or reply."""
    message = update.effective_message
    assert message is not None and message.text is not None  # noqa: S101
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    operator = _operator(update)
    ticket_id, rest = await _ticket_and_rest(context, message)
    if ticket_id is None:
        await answer_operator(context, message, screens.which_ticket(command))
        return
    esc = context.svc.escalation
    if command in ("claim", "close", "transfer"):
        action: OperatorAction = command  # type: ignore[assignment]
        label, label_category = _label(context, rest) if command == "close" else (None, None)
        reply = await esc.act(ticket_id, operator, action, " ".join(rest) or None, label, label_category)
    elif command == "note":
        reply = await esc.note(ticket_id, operator, " ".join(rest)) if rest else screens.NOTE_MISSING
    else:
        reply = await esc.say(ticket_id, operator, rest[0]) if rest else await esc.say(ticket_id, operator, "")
    await answer_operator(context, message, reply)


def _label(context: Context, rest: list[str]) -> tuple[Label | None, str | None]:
    """`/close real|noturgent|wrongcat [category] [reason]`: takes the label (and the right category) off `rest`."""
    if not rest or rest[0].lower() not in LABELS:
        return None, None
    label: Label = rest.pop(0).lower()  # type: ignore[assignment]
    categories = context.svc.content.triage.categories
    category = rest.pop(0) if label == "wrongcat" and rest and rest[0] in categories else None
    return label, category


async def operator_button(update: Update, context: Context) -> None:
    """Claim, Close or Transfer on a card: answered at once (an answer is no group message), the card's
    new state follows through the outbox."""
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101
    action, _, number = query.data.removeprefix(OPERATOR).partition(":")
    label, _, number = number.rpartition(":") if action == "label" else ("", "", number)
    if action == "label" and label in LABELS and number.isdigit():  # Real danger / Not urgent / Wrong category
        await query.answer((await context.svc.escalation.label(int(number), query.from_user.id, label))[:200])  # type: ignore[arg-type]
        return
    if action not in ("claim", "close", "transfer") or not number.isdigit():
        await query.answer(screens.BUTTON_OUT_OF_DATE)
        return
    reply = await context.svc.escalation.act(int(number), query.from_user.id, action)  # type: ignore[arg-type]
    await query.answer(reply[:200])


async def queue(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None  # noqa: S101
    await answer_operator(context, message, await context.svc.escalation.queue())


async def on_call(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None  # noqa: S101
    going_on = message.text.lstrip("/").lower().startswith("oncall")
    await answer_operator(context, message, await context.svc.escalation.set_on_call(_operator(update), going_on))


async def group_message(update: Update, context: Context) -> None:
    """An operator wrote in a ticket's topic (or replied to its card): it goes to the user."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    ticket = await _ticket_here(context, message)
    if ticket is None:
        return  # talk among operators
    if ticket.state == "closed":
        await answer_operator(context, message, screens.not_relayed(ticket.id))
        return
    await context.svc.escalation.operator_message(ticket, _operator(update), incoming(update, message))


# -- strangers: anyone else trying the operators' commands, buttons or topics -----------------------


async def refuse_command(update: Update, context: Context) -> None:
    """Refused and audited; told in a private chat every time (their own chat, flood-limited like any), in
    the group at most once a minute."""
    message, sender = update.effective_message, update.effective_user
    assert message is not None and message.text is not None  # noqa: S101
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    esc = context.svc.escalation
    if message.chat.type != ChatType.PRIVATE:
        await esc.refuse(sender.id if sender else None, command, tell=_place(message))
        return
    await esc.refuse(sender.id if sender else None, command)
    sent = await message.reply_text(REFUSAL)
    await remember(context.svc, message.chat_id, sent.message_id)  # "Hide this chat" must find it too


async def refuse_button(update: Update, context: Context) -> None:
    """An alert for the one who pressed (answered first: no group message, no wait), then the audit."""
    query = update.callback_query
    assert query is not None and query.data is not None  # noqa: S101
    await query.answer(REFUSAL, show_alert=True)
    action = query.data.removeprefix(OPERATOR).partition(":")[0]
    await context.svc.escalation.refuse(query.from_user.id, action)


async def stranger_message(update: Update, context: Context) -> None:
    """Someone who is not an operator wrote in the group: in a ticket's topic it is audited, never relayed."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    ticket = await _ticket_here(context, message)
    if ticket is not None:
        await context.svc.escalation.refuse(message.from_user.id, "answer", ticket.id)


async def ladder_job(context: Context) -> None:
    await context.svc.escalation.ladder()
