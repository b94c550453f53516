"""Hide and forget as plain Python over the store: what to delete, never how Telegram deletes it."""

from __future__ import annotations

import datetime as dt

from bot.storage import Store

DELETE_WINDOW = dt.timedelta(hours=48)  # Telegram lets a bot delete messages for 48 hours
BATCH = 100  # deleteMessages takes at most 100 ids


async def messages_to_hide(store: Store, chat_id: int) -> list[list[int]]:
    """Ids of this chat's messages (the user's and the bot's) of the last 48 hours, in batches."""
    async with store.read() as tx:
        ids = await tx.users.recent_messages(chat_id, tx.now - DELETE_WINDOW)
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]


async def hidden(store: Store, chat_id: int) -> int | None:
    """After deleting: forget the ids; returns the live ticket the operators should hear about."""
    async with store.tx() as tx:
        await tx.users.drop_messages(chat_id)
        user = await tx.users.get(chat_id)
        ticket = await tx.tickets.live_for_user(user.id) if user else None
        if ticket is not None:
            await tx.tickets.audit(ticket.id, None, "user hid the chat")
    return ticket.id if ticket else None


async def forget(store: Store, chat_id: int) -> list[int]:
    """Delete everything about a user; their open tickets close, texts erased, an anonymous record kept.
    Returns the tickets that were open, so the operators can be told."""
    async with store.tx() as tx:
        user = await tx.users.get(chat_id)
        if user is None:
            return []
        closed = await tx.tickets.detach_user(user.id)
        await tx.outbox.drop_lane(chat_id)
        await tx.users.delete(chat_id)
    return closed


async def purge(store: Store, retention: dt.timedelta) -> int:
    """The scheduled clean-up: texts of tickets closed long ago; ids and rows no longer needed."""
    async with store.tx() as tx:
        old = await tx.tickets.closed_before(tx.now - retention)
        for ticket_id in old:
            await tx.tickets.erase_texts(ticket_id)
            await tx.outbox.erase_ticket(ticket_id)
            await tx.tickets.audit(ticket_id, None, "texts purged")
        await tx.users.prune_messages(DELETE_WINDOW)
        await tx.users.prune_updates(dt.timedelta(days=7))
        await tx.outbox.prune(dt.timedelta(days=2))
    return len(old)
