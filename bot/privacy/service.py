"""Hide, forget and purge as plain Python over the store: what to delete, never how Telegram deletes it."""

from __future__ import annotations

import datetime as dt

from bot.privacy import screens
from bot.storage import Store, Tx
from bot.storage.outbox import GroupErase, GroupText
from bot.ui import DELETE_BATCH

DELETE_WINDOW = dt.timedelta(hours=48)  # Telegram lets a bot delete messages for 48 hours
UPDATES_KEPT = dt.timedelta(days=7)  # replays come within about a day
OUTBOX_KEPT = dt.timedelta(days=2)  # delivered rows, to look into a delivery


async def set_silent(store: Store, chat_id: int, silent: bool) -> None:
    """/silent: messages without sound or vibration, or with them again."""
    async with store.tx() as tx:
        await tx.users.update(chat_id, silent=1 if silent else 0)


async def messages_to_hide(store: Store, chat_id: int) -> list[list[int]]:
    """Ids of this chat's messages (the user's and the bot's) of the last 48 hours, in batches."""
    async with store.read() as tx:
        ids = await tx.users.recent_messages(chat_id, tx.now - DELETE_WINDOW)
    return [ids[i : i + DELETE_BATCH] for i in range(0, len(ids), DELETE_BATCH)]


async def hidden(store: Store, chat_id: int, deleted: list[int], group: int) -> int | None:
    """After deleting: forget the deleted ids; the operators hear about a live ticket (returned)."""
    async with store.tx() as tx:
        await tx.users.forget_messages(chat_id, deleted)
        user = await tx.users.get(chat_id)
        ticket = await tx.tickets.live_for_user(user.id) if user else None
        if ticket is not None:
            await tx.tickets.audit(ticket.id, None, "user hid the chat")
            await tx.outbox.add(GroupText(chat_id=group, text=screens.user_hid_chat(ticket.id)), ticket.id)
    return ticket.id if ticket else None


async def forget(store: Store, chat_id: int, group: int) -> list[int]:
    """Delete everything about a user; their open tickets close, texts erased, an anonymous record kept.

    In one transaction: the user row (language, country, source, silent mode, check state), the ids of
    their messages, every outbox row of theirs or of their tickets (pending copies of their messages
    included), their id in refused attempts at operators' commands, the messages of questions "are you
    in danger right now?" still open. Tickets and answers keep category, language and times, for the
    statistics. Each ticket's conversation in the operators' group is deleted too.
    Returns the tickets that were open; the operators are told.
    """
    async with store.tx() as tx:
        user = await tx.users.get(chat_id)
        tickets = await tx.tickets.ids_for_user(user.id) if user is not None else []
        closed = await tx.tickets.detach_user(user.id) if user is not None else []
        if user is not None:
            await tx.confirms.forget_user(user.id)  # an open "are you in danger?" with its message, too
        for ticket_id in tickets:
            await tx.outbox.drop_ticket(ticket_id)
        await tx.outbox.drop_lane(chat_id)
        await tx.tickets.forget_actor(chat_id)
        await tx.users.delete(chat_id)
        for ticket_id in tickets:
            await erase_from_group(tx, group, ticket_id)
        for ticket_id in closed:
            # In the General topic: the ticket's own topic is being deleted.
            await tx.outbox.add(GroupText(chat_id=group, text=screens.ticket_forgotten(ticket_id)))
    return closed


async def erase_from_group(tx: Tx, group: int, ticket_id: int) -> None:
    """Queue the deletion of a ticket's conversation in the operators' group: its topic with everything
    in it, or, in a group without topics, its card, the bot's copies and the operators' answers."""
    thread_id, message_ids = await tx.tickets.group_presence(ticket_id)
    if thread_id is not None or message_ids:
        await tx.outbox.add(GroupErase(chat_id=group, thread_id=thread_id, message_ids=message_ids), ticket_id)


async def purge(store: Store, retention: dt.timedelta, group: int) -> int:
    """The scheduled clean-up: texts of tickets closed long ago, here and in the operators' group; ids
    and rows no longer needed."""
    async with store.tx() as tx:
        old = await tx.tickets.closed_before(tx.now - retention)
        for ticket_id in old:
            await tx.tickets.erase_texts(ticket_id)
            await tx.outbox.drop_ticket(ticket_id)  # pending ones too: a month after closing, none is needed
            await erase_from_group(tx, group, ticket_id)
            await tx.tickets.audit(ticket_id, None, "texts purged")
        await tx.users.prune_messages(DELETE_WINDOW)
        await tx.users.prune_updates(UPDATES_KEPT)
        await tx.outbox.prune(OUTBOX_KEPT)
    return len(old)
