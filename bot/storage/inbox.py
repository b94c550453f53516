"""Updates received but not yet handled: written before Telegram is told they arrived, deleted when done."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from bot.storage.base import Repo, iso

# An allow-list: what the bot reads of an update, and nothing else. Whatever Telegram adds (a forward's
# sender_user_name, a post's author_signature, a member's name, a topic's or file's name) is dropped,
# however deep it sits. People (users and chats) keep only their ids and what the bot acts on.
_PERSON = frozenset({"id", "is_bot", "type", "language_code", "is_forum"})
_PERSON_KEYS = frozenset({"from", "chat", "sender_chat", "user", "sender_user", "forward_from", "via_bot",
                          "left_chat_member"})  # fmt: skip
_PEOPLE_KEYS = frozenset({"new_chat_members"})
_KEYS = frozenset({
    # the update and its kinds
    "update_id", "message", "edited_message", "callback_query", "my_chat_member", "chat_member",
    # a message
    "message_id", "date", "edit_date", "text", "caption", "entities", "caption_entities", "message_thread_id",
    "is_topic_message", "reply_to_message", "media_group_id", "forward_origin", "photo", "voice", "audio",
    "video", "video_note", "animation", "document", "sticker", "location", "contact",
    "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened", "reply_markup",
    # entities, files, places, buttons, origins, member changes, button presses
    "offset", "length", "file_id", "file_unique_id", "file_size", "width", "height", "duration", "mime_type",
    "is_animated", "is_video", "latitude", "longitude", "inline_keyboard", "callback_data", "icon_color",
    "status", "old_chat_member", "new_chat_member", "chat_instance", "data", "inline_message_id",
    "user_id",
}) | _PERSON | _PERSON_KEYS | _PEOPLE_KEYS  # fmt: skip
_CHATS = frozenset({"chat", "sender_chat"})  # the other person keys hold users
# Fields python-telegram-bot requires that hold a name or a number: kept, empty.
_REQUIRED = {"contact": {"first_name": "", "phone_number": ""}, "forum_topic_created": {"name": ""}}


def _person(value: Any, key: str) -> Any:
    if not isinstance(value, dict):
        return None
    kept = {k: v for k, v in value.items() if k in _PERSON}
    return kept if key in _CHATS else kept | {"first_name": ""}  # a User must have a first name


def scrub(value: Any) -> Any:
    """The update with only the fields the bot needs: no names, usernames, phone numbers or signatures."""
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if not isinstance(value, dict):
        return value
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if key not in _KEYS:
            continue
        if key in _PERSON_KEYS:
            cleaned[key] = _person(item, key)
        elif key in _PEOPLE_KEYS:
            cleaned[key] = [_person(person, key) for person in item] if isinstance(item, list) else []
        else:
            cleaned[key] = scrub(item)
            if key in _REQUIRED and isinstance(cleaned[key], dict):
                cleaned[key] |= _REQUIRED[key]
    return cleaned


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to, read from the raw update as python-telegram-bot's effective_chat."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member", "chat_member",
                "chat_join_request"):  # fmt: skip
        chat = (update.get(key) or {}).get("chat") if isinstance(update.get(key), dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    query = update.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    chat = message.get("chat") if isinstance(message, dict) else None
    return int(chat["id"]) if isinstance(chat, dict) and isinstance(chat.get("id"), int) else None


class InboxRepo(Repo):
    async def save(self, updates: Iterable[dict[str, Any]]) -> None:
        await self.many(
            "INSERT OR IGNORE INTO inbox (update_id, payload, received_at, chat_id) VALUES (?, ?, ?, ?)",
            [(u["update_id"], json.dumps(scrub(u), ensure_ascii=False), self.stamp, chat_of(u)) for u in updates],
        )

    async def earlier(self, chat_id: int, update_id: int) -> bool:
        """Whether an update of the chat received before this one is still to be handled (by any replica)."""
        row = await self.one(
            "SELECT 1 FROM inbox WHERE chat_id = ? AND update_id < ? "
            "AND update_id NOT IN (SELECT update_id FROM processed_updates) LIMIT 1",
            (chat_id, update_id),
        )
        return row is not None

    async def drop_handled(self) -> int:
        """Rows of updates already handled: left by a crash between marking an update and dropping it."""
        return await self.run("DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM processed_updates)")

    async def unhandled(self, received_before: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Updates not handled yet; with a moment, only those received before it (a replica that died left
        them: the others adopt them)."""
        sql = "SELECT payload FROM inbox WHERE update_id NOT IN (SELECT update_id FROM processed_updates)"
        if received_before is None:
            rows = await self.all(sql + " ORDER BY update_id")
        else:
            rows = await self.all(sql + " AND received_at < ? ORDER BY update_id", (iso(received_before),))
        return [json.loads(row["payload"]) for row in rows]
