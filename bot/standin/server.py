"""A local stand-in for the Telegram Bot API.

The real python-telegram-bot Application talks to it over HTTP on 127.0.0.1, so the bot runs unchanged
while tests (and the terminal chat) act as users and operators in-process. It keeps the state Telegram
keeps (chats, messages, topics, pending updates), answers with Telegram's envelopes and error texts,
and can inject the failures a helpline must survive (flood limits, 5xx, dropped connections, blocks).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from bot.standin.models import (
    CALLBACK_ANSWER_LIMIT,
    CAPTION_LIMIT,
    JSON,
    NOT_MODIFIED,
    TEXT_LIMIT,
    TOPIC_ICON_COLORS,
    TOPIC_NAME_LIMIT,
    ApiCall,
    ApiError,
    ChatState,
    Fault,
    FaultKind,
    Params,
    StoredMessage,
    Topic,
    Upload,
    bad_request,
    decode_form_value,
    inline_markup,
    render,
    utf16_len,
)

Handler = Callable[[Params], Any]

BLOCKED = "Forbidden: bot was blocked by the user"
# Telegram leaves these out unless a bot asks for them explicitly.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "voice",
    "document",
    "location",
    "sticker",
    "caption",
    "caption_entities",
)
_SERVICE_KEYS = ("forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Methods that count as sending a message towards flood limits (Telegram counts edits and topics too).
_FLOOD_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVoice",
        "sendDocument",
        "sendLocation",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "createForumTopic",
    }
)
_ADMIN_RIGHTS = dict.fromkeys(
    (
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
        "can_manage_topics",
    ),
    True,
) | {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


class StandIn:
    """Fake Bot API server plus an in-process API for acting as users and operators.

    Flood limits (when `enforce_flood_limits`): `PRIVATE_LIMIT` messages per window per private chat,
    `GROUP_LIMIT` per group, `GLOBAL_LIMIT` overall, each a (count, seconds) sliding window.
    """

    PRIVATE_LIMIT = (5, 5.0)  # about one a second sustained, short bursts pass
    GROUP_LIMIT = (20, 60.0)
    GLOBAL_LIMIT = (30, 1.0)
    WEBHOOK_RETRY_DELAY = 0.2

    def __init__(
        self,
        bot_id: int = 1000,
        bot_username: str = "helpline_test_bot",
        token: str | None = None,
        *,
        enforce_flood_limits: bool = False,
    ) -> None:
        self.token = token
        self.enforce_flood_limits = enforce_flood_limits
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Helpline Test Bot",
            "username": bot_username,
        }
        self.calls: list[ApiCall] = []
        self._users: dict[int, JSON] = {}
        self._chats: dict[int, ChatState] = {}
        self._blocked: set[int] = set()
        self._faults: list[Fault] = []
        self._throttled: dict[int, float] = {}  # chat id -> monotonic time its flood wait ends
        self._hooks: dict[str, Callable[[JSON], bool]] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(10_000)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000)
        self._callbacks: dict[str, JSON | None] = {}  # query id -> answerCallbackQuery params
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook: JSON | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._pusher: asyncio.Task[None] | None = None
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._profile: dict[tuple[str, str], str] = {("name", ""): self.bot_user["first_name"]}
        self._profile_wait_until = 0.0  # monotonic time until which profile setters answer 429
        self._sent_at: dict[int | None, deque[float]] = {}  # chat id (None = all) -> send times
        self._seq = 0  # bumped on every bot write
        self._action_seq = 0  # self._seq when the latest simulated person acted
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._closing = False
        # An Event swapped on every change wakes all waiters and, unlike Condition.notify, can be
        # triggered from the synchronous helpers (raw_update, add_user...).
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None
        self._methods: dict[str, tuple[str, Handler]] = {}
        for attr in dir(self):
            if attr.startswith("_api_"):
                name = _camel(attr.removeprefix("_api_"))
                self._methods[name.lower()] = (name, getattr(self, attr))

    # --- lifecycle --------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        # handler_cancellation ends a long poll as soon as the bot hangs up, like Telegram does.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._host, self._port = host, self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._touch()
        await self._stop_pusher()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What `ApplicationBuilder().base_url()` takes; PTB appends the token and `/method`."""
        if self._port is None:
            raise RuntimeError("StandIn is not started")
        return f"http://{self._host}:{self._port}/bot"

    # --- people and chats -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        language_code: str | None = None,
        username: str | None = None,
    ) -> JSON:
        """Register a user with a private chat to the bot; returns the Telegram User dict."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._users[user_id] = user
        chat = {k: v for k, v in user.items() if k in ("id", "first_name", "username")} | {"type": "private"}
        self._chats.setdefault(user_id, ChatState(chat=chat)).chat = chat
        return copy.deepcopy(user)

    def add_group(self, chat_id: int, title: str, is_forum: bool) -> JSON:
        """Register a supergroup (a forum if `is_forum`) where the bot is an admin able to manage topics.

        Every known user counts as a member (operators are); `set_member` says otherwise.
        """
        chat: JSON = {"id": chat_id, "type": "supergroup", "title": title}
        if is_forum:
            chat["is_forum"] = True
        self._chats[chat_id] = ChatState(chat=chat)
        return copy.deepcopy(chat)

    def set_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        """Set what getChatMember reports for a user: creator, administrator, member, left or kicked."""
        self._user(user_id)
        self._chat(chat_id).members[user_id] = status

    def deny_deleting(self, chat_id: int) -> None:
        """Take the bot's can_delete_messages right in a group: deleting a topic fails there."""
        self._chat(chat_id).bot_can_delete = False

    def flood_profile(self, seconds: int) -> None:
        """Answer setMyName, setMyDescription, setMyShortDescription and setMyCommands with 429 for the next
        `seconds`, each time with the wait that is left, as Telegram does for these tightly limited methods."""
        self._profile_wait_until = time.monotonic() + seconds

    def _check_profile_flood(self) -> None:
        left = self._profile_wait_until - time.monotonic()
        if left > 0:
            wait = max(1, math.ceil(left))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sending to them fails with 403 until they write again."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    async def user_sends(
        self,
        user_id: int,
        text: str | None = None,
        *,
        photo: bool = False,
        voice: bool = False,
        document: bool = False,
        location: tuple[float, float] | None = None,
        caption: str | None = None,
        forward_from_chat: int | JSON | None = None,
        sticker: bool = False,
        edited_of: int | None = None,
        forward_from_user: int | str | None = None,
        signature: str | None = None,
    ) -> JSON:
        """A user writes to the bot in private (or edits message `edited_of`); returns the Message.

        `forward_from_user`: forwarded from a known user (an id) or one who hides their account (a name);
        `signature`: the author's signature on a forwarded channel post."""
        self._user(user_id)
        self.unblock(user_id)  # writing to a blocked bot means unblocking it first in every client
        chat = self._chats[user_id]
        content = self._user_content(text, photo, voice, document, location, caption, sticker)
        if edited_of is not None:
            return self._user_edits(chat, edited_of, content)
        if forward_from_chat is not None:
            content["forward_origin"] = self._forward_origin(forward_from_chat)
            if signature is not None:
                content["forward_origin"]["author_signature"] = signature
        if isinstance(forward_from_user, str):
            content["forward_origin"] = {"type": "hidden_user", "date": int(time.time()),
                                         "sender_user_name": forward_from_user}  # fmt: skip
        elif forward_from_user is not None:
            content["forward_origin"] = {"type": "user", "date": int(time.time()),
                                         "sender_user": self._user(forward_from_user)}  # fmt: skip
        stored = self._store(chat, self._users[user_id], content)
        return self._enqueue_message("message", stored)

    async def group_sends(
        self,
        chat_id: int,
        from_user_id: int,
        text: str | None = None,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
        voice: bool = False,
        photo: bool = False,
        caption: str | None = None,
    ) -> JSON:
        """An operator writes in a group, optionally in a forum topic or as a reply; returns the Message."""
        chat = self._chat(chat_id)
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"chat {chat_id} has no topic {thread_id}")
        content = self._user_content(text, photo, voice, False, None, caption, False)
        stored = self._store(chat, self._user(from_user_id), content, thread_id=thread_id, reply_to=reply_to)
        return self._enqueue_message("message", stored)

    def member_changes(self, chat_id: int, user_id: int, *, joined: bool) -> JSON:
        """A user joins or leaves a group: the service message Telegram posts there; returns it."""
        user = self._user(user_id)
        content: JSON = {"new_chat_members": [user]} if joined else {"left_chat_member": user}
        stored = self._store(self._chat(chat_id), user, content)
        return self._enqueue_message("message", stored)

    async def press(
        self,
        user_id_or_chat: int,
        message_id: int,
        callback_data: str,
        *,
        from_user: int | None = None,
        chat_id: int | None = None,
    ) -> str:
        """Press an inline button; returns the callback query id (see `callback_answer`).

        In a private chat pass the user id. In a group pass either the user and `chat_id`, or the
        chat and `from_user`.
        """
        chat = self._chat(chat_id if chat_id is not None else user_id_or_chat)
        user_id = from_user if from_user is not None else user_id_or_chat
        if user_id == chat.chat_id and not chat.is_private:
            raise ValueError("a press in a group needs the user: pass from_user or chat_id")
        stored = chat.live_message(message_id)
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {chat.chat_id} to press a button on")
        query_id = str(next(self._query_ids))
        self._callbacks[query_id] = None
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": stored.data,
            "chat_instance": str(abs(chat.chat_id) * 7919),
            "data": callback_data,
        }
        self.raw_update({"callback_query": query})
        return query_id

    def raw_update(self, update: JSON) -> int:
        """Queue any update (its update_id is assigned here); returns the update_id."""
        update_id = next(self._update_ids)
        self._mark_action()
        self._updates.append(copy.deepcopy(update) | {"update_id": update_id})
        self._touch()
        return update_id

    def callback_answer(self, query_id: str) -> JSON | None:
        """The answerCallbackQuery parameters for a press, or None while it is unanswered."""
        return copy.deepcopy(self._callbacks[query_id])

    # --- reading state ----------------------------------------------------------------------------

    def chat_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JSON]:
        chat = self._chat(chat_id)
        return [
            copy.deepcopy(m.data)
            for _, m in sorted(chat.messages.items())
            if include_deleted or not m.deleted
        ]

    def bot_messages(self, chat_id: int) -> list[JSON]:
        chat = self._chat(chat_id)
        return [
            copy.deepcopy(m.data) for _, m in sorted(chat.messages.items()) if m.from_bot and not m.deleted
        ]

    def last_bot_message(self, chat_id: int) -> JSON | None:
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def is_deleted(self, chat_id: int, message_id: int) -> bool:
        return self._chat(chat_id).messages[message_id].deleted

    def reply_keyboard(self, chat_id: int) -> JSON | None:
        """The custom (reply) keyboard the bot last showed in a chat; Telegram keeps it outside messages."""
        return copy.deepcopy(self._chat(chat_id).reply_keyboard)

    def topics(self, chat_id: int) -> list[JSON]:
        """Open or closed (not deleted) forum topics as ForumTopic dicts with a `closed` flag."""
        return [
            t.as_forum_topic() | {"closed": t.closed}
            for t in self._chat(chat_id).topics.values()
            if not t.deleted
        ]

    def my_commands(self, language_code: str = "", scope: JSON | None = None) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[ApiCall]:
        """Calls of `method`; with `ok`, only the answered successfully (True) or failed (False) ones."""
        return [
            call
            for call in self.calls
            if call.method.lower() == method.lower() and (ok is None or call.ok == ok)
        ]

    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (through getUpdates offsets or webhook replies)."""
        return len(self._updates)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until `predicate()` holds, re-checking on every state change; TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if not await self._wait_for_change(deadline):
                raise TimeoutError(f"condition not met within {timeout} s")

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        after_message_id: int | None = None,
        predicate: Callable[[JSON], bool] | None = None,
        thread_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a per-wait deadline is the point of this helper
    ) -> JSON:
        """The first bot message in a chat matching the filters, waiting for it if needed.

        By default only messages sent or edited since the latest simulated action (user_sends, press,
        group_sends in any chat) count, so an earlier reply is never mistaken for the next one; with
        `after_message_id` any message with a higher id counts instead.
        """
        since = self._action_seq if after_message_id is None else None
        found: list[JSON] = []

        def match() -> bool:
            for stored in sorted(self._chat(chat_id).messages.values(), key=lambda m: m.seq):
                data = stored.data
                if (
                    stored.from_bot
                    and not stored.deleted
                    and (since is None or stored.seq > since)
                    and (after_message_id is None or stored.message_id > after_message_id)
                    and (thread_id is None or data.get("message_thread_id") == thread_id)
                    and (predicate is None or predicate(data))
                ):
                    found.append(copy.deepcopy(data))
                    return True
            return False

        try:
            await self.wait_until(match, timeout)
        except TimeoutError:
            recent = [m.get("text", m.get("caption")) for m in self.bot_messages(chat_id)[-3:]]
            raise TimeoutError(
                f"no matching bot message in chat {chat_id} within {timeout} s; latest bot messages: {recent}"
            ) from None
        return found[0]

    async def wait_idle(self, timeout: float = 5.0, *, settle: float = 0.05) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and the bot made no request for `settle` seconds.

        PTB confirms a batch by its next long poll, before handlers finish, hence the quiet period;
        `wait_for_bot_message` is the precise tool when a reply is expected.
        """
        deadline = time.monotonic() + timeout
        while True:
            await self.wait_until(
                lambda: not self._updates and not self._in_flight, max(deadline - time.monotonic(), 0)
            )
            quiet_for = time.monotonic() - self._last_activity
            if quiet_for >= settle:
                return
            if time.monotonic() + settle - quiet_for > deadline:
                raise TimeoutError(f"bot not idle within {timeout} s")
            await asyncio.sleep(settle - quiet_for)

    # --- fault injection --------------------------------------------------------------------------

    def inject(
        self,
        method: str | None,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (None: any) fail; `drop` hangs up without answering."""
        self._faults.append(Fault(method, kind, times, retry_after, chat_id))

    def throttle(self, chat_id: int, seconds: float) -> None:
        """Flood control on one chat, as Telegram keeps it: until `seconds` have passed, every call
        addressed to the chat is refused with 429 and the seconds left; other chats are served."""
        self._throttled[chat_id] = time.monotonic() + seconds

    def hook(self, method: str, hook: Callable[[JSON], bool]) -> None:
        """Call `hook(params)` before acting on each `method` request; True hangs up without acting.

        Lets a test do something at an exact point (kill the bot process mid-request, say).
        """
        self._hooks[method.lower()] = hook

    def unhook(self, method: str) -> None:
        self._hooks.pop(method.lower(), None)

    # --- HTTP -------------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        requested = request.match_info["method"]
        name, handler = self._methods.get(requested.lower(), (requested, None))
        call = ApiCall(method=name, params=await self._read_params(request), at=time.monotonic())
        self.calls.append(call)
        if handler is None:
            call.status, call.error = 404, "Not Found"
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        counted = name != "getUpdates"  # a long poll is always open; it is not the bot being busy
        self._in_flight += counted
        try:
            return await self._answer(request, call, handler)
        finally:
            self._in_flight -= counted
            self._last_activity = time.monotonic()
            self._touch()

    async def _answer(self, request: web.Request, call: ApiCall, handler: Handler) -> web.StreamResponse:
        try:
            if self._hangs_up(call):
                call.status, call.error = 0, "connection dropped"
                if request.transport is not None:
                    request.transport.close()
                return web.Response()
            self._check_throttled(call.params.get("chat_id"))
            if call.method in _FLOOD_METHODS:
                self._check_flood(call.params.get("chat_id"))
            result = handler(Params(call.params))
            call.result = await result if inspect.isawaitable(result) else result
        except ApiError as error:
            call.status, call.error = error.status, error.description
            return web.json_response(error.payload(), status=error.status)
        except asyncio.CancelledError:  # the bot hung up first (a cancelled long poll, a killed process)
            call.status, call.error = 0, "client disconnected"
            raise
        return web.json_response({"ok": True, "result": call.result})

    def _hangs_up(self, call: ApiCall) -> bool:
        """Whether a hook or a `drop` fault wants the connection closed; other faults raise here."""
        hook = self._hooks.get(call.method.lower())
        if hook is not None and hook(call.params):
            return True
        return self._take_fault(call.method, call.params) == "drop"

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    @staticmethod
    async def _read_params(request: web.Request) -> JSON:
        params: JSON = {k: decode_form_value(k, v) for k, v in request.query.items()}
        if request.content_type == "application/json":
            body = await request.json()
            params.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    size = len(value.file.read())
                    params[key] = Upload(value.filename, value.content_type, size)
                else:
                    params[key] = decode_form_value(key, str(value))
        return params

    def _take_fault(self, method: str, params: JSON) -> FaultKind | None:
        """Use up a matching injected fault: raise its API error, or return "drop" (or None if none)."""
        fault = next((f for f in self._faults if f.matches(method, params)), None)
        if fault is None:
            return None
        fault.times -= 1
        self._faults = [f for f in self._faults if f.times > 0]
        if fault.kind == "retry_after":
            raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}", fault.retry_after)
        if fault.kind == "server_error":
            raise ApiError(500, "Internal Server Error")
        if fault.kind == "forbidden":
            raise ApiError(403, BLOCKED)
        if fault.kind == "not_found":  # what a Bot API server that lacks the method answers
            raise ApiError(404, "Not Found")
        if fault.kind == "too_long":
            raise bad_request("message is too long")
        return fault.kind

    def _check_throttled(self, chat_id: Any) -> None:
        until = self._throttled.get(chat_id) if isinstance(chat_id, int) else None
        if until is None:
            return
        left = until - time.monotonic()
        if left <= 0:
            del self._throttled[chat_id]
            return
        wait = max(1, math.ceil(left))
        raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)

    def _check_flood(self, chat_id: Any) -> None:
        if not self.enforce_flood_limits:
            return
        now = time.monotonic()
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        windows: list[tuple[int | None, tuple[int, float]]] = [(None, self.GLOBAL_LIMIT)]
        if chat is not None:
            windows.append((chat.chat_id, self.PRIVATE_LIMIT if chat.is_private else self.GROUP_LIMIT))
        for key, (limit, seconds) in windows:
            sent = self._sent_at.setdefault(key, deque())
            while sent and sent[0] <= now - seconds:
                sent.popleft()
            if len(sent) >= limit:
                wait = max(1, math.ceil(sent[0] + seconds - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        for key, _ in windows:
            self._sent_at[key].append(now)

    # --- change notification ----------------------------------------------------------------------

    def _touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for_change(self, deadline: float) -> bool:
        """Sleep until the next state change; False once `deadline` passes."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(remaining):
                await changed.wait()
            return True
        return False

    def _mark_action(self) -> None:
        self._action_seq = self._seq

    # --- state helpers ----------------------------------------------------------------------------

    def _user(self, user_id: int) -> JSON:
        if user_id not in self._users:
            self.add_user(user_id)
        return self._users[user_id]

    def _chat(self, chat_id: int) -> ChatState:
        try:
            return self._chats[chat_id]
        except KeyError:
            raise KeyError(f"unknown chat {chat_id}; use add_user or add_group") from None

    def _target_chat(self, p: Params, key: str = "chat_id") -> ChatState:
        """The chat a bot request addresses, failing like Telegram for unknown or blocking chats."""
        chat_id = p.values.get(key)
        if chat_id is None:
            raise bad_request(f"{key} is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.is_private and chat.chat_id in self._blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _live(self, chat: ChatState, message_id: int, missing: str) -> StoredMessage:
        stored = chat.live_message(message_id)
        if stored is None:
            raise bad_request(missing)
        return stored

    def _topic(self, chat: ChatState, thread_id: int) -> Topic:
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        topic = chat.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return topic

    def _store(
        self,
        chat: ChatState,
        sender: JSON,
        content: JSON,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> StoredMessage:
        """Add a message to a chat; in a forum topic it replies to the topic's opening message."""
        message: JSON = {
            "message_id": chat.next_message_id(),
            "from": sender,
            "chat": chat.chat,
            "date": int(time.time()),
        }
        if thread_id is not None and chat.is_forum:
            message |= {"message_thread_id": thread_id, "is_topic_message": True}
            reply_to = reply_to if reply_to is not None else thread_id
        if reply_to is not None and (target := chat.messages.get(reply_to)) is not None:
            message["reply_to_message"] = {k: v for k, v in target.data.items() if k != "reply_to_message"}
        from_bot = sender["id"] == self.bot_user["id"]
        stored = StoredMessage(data=message | content, from_bot=from_bot)
        chat.messages[stored.message_id] = stored
        if from_bot:
            self._bump(stored)
        self._touch()
        return stored

    def _bump(self, stored: StoredMessage) -> None:
        self._seq += 1
        stored.seq = self._seq

    def _enqueue_message(self, kind: str, stored: StoredMessage) -> JSON:
        self.raw_update({kind: stored.data})
        return copy.deepcopy(stored.data)

    def _user_edits(self, chat: ChatState, message_id: int, content: JSON) -> JSON:
        stored = chat.live_message(message_id)
        if stored is None or stored.from_bot:
            raise ValueError(f"no user message {message_id} in chat {chat.chat_id} to edit")
        for key in _CONTENT_KEYS:
            stored.data.pop(key, None)
        stored.data |= content | {"edit_date": int(time.time())}
        return self._enqueue_message("edited_message", stored)

    def _file(self, kind: str, given: Any = None) -> JSON:
        """A file object; a resent file_id is kept so tests can see the same file went out again."""
        file_id = given if isinstance(given, str) else f"{kind}-{next(self._file_ids)}"
        size = given.size if isinstance(given, Upload) else 1024
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size}

    def _media(self, kind: str, given: Any = None) -> Any:
        base = self._file(kind, given)
        if kind == "photo":
            return [base | {"width": 90, "height": 90}, base | {"width": 800, "height": 800}]
        extra: dict[str, JSON] = {
            "voice": {"duration": 3, "mime_type": "audio/ogg"},
            "document": {
                "file_name": getattr(given, "file_name", None) or "document.pdf",
                "mime_type": "application/pdf",
            },
            "sticker": {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "🙂",
            },
        }
        return base | extra[kind]

    def _user_content(
        self,
        text: str | None,
        photo: bool,
        voice: bool,
        document: bool,
        location: tuple[float, float] | None,
        caption: str | None,
        sticker: bool,
    ) -> JSON:
        content: JSON = {
            kind: self._media(kind)
            for kind, wanted in (
                ("photo", photo),
                ("voice", voice),
                ("document", document),
                ("sticker", sticker),
            )
            if wanted
        }
        if location is not None:
            content["location"] = {"latitude": location[0], "longitude": location[1]}
        if text is not None:
            content["text"] = text
            if text.startswith("/"):  # CommandHandler only reacts to a bot_command entity at offset 0
                command = text.split(maxsplit=1)[0]
                content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        if caption is not None:
            content["caption"] = caption
        if not content:
            raise ValueError("a message needs text, a caption or some media")
        return content

    def _forward_origin(self, source: int | JSON) -> JSON:
        chat = (
            source
            if isinstance(source, dict)
            else {"id": source, "type": "channel", "title": f"Channel {source}"}
        )
        kind = "channel" if chat.get("type") == "channel" else "chat"
        if kind == "channel":
            return {"type": kind, "date": int(time.time()), "chat": chat, "message_id": 1}
        return {"type": kind, "date": int(time.time()), "sender_chat": chat}

    # --- bot-side sending helpers -----------------------------------------------------------------

    def _thread(self, chat: ChatState, p: Params) -> int | None:
        thread_id = p.opt_int("message_thread_id")
        if thread_id is not None and chat.is_forum:
            self._topic(chat, thread_id)
        return thread_id

    def _reply_to(self, chat: ChatState, p: Params) -> int | None:
        reply = p.opt_dict("reply_parameters") or {}
        message_id = reply.get("message_id", p.opt_int("reply_to_message_id"))
        if message_id is None:
            return None
        if chat.live_message(message_id) is not None:
            return int(message_id)
        if reply.get("allow_sending_without_reply") or p.opt_bool("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    def _text(self, p: Params, key: str, limit: int, *, required: bool) -> str | None:
        raw = p.opt_str(key)
        if raw is None and not required:
            return None
        text = render(raw or "", p.opt_str("parse_mode")).strip()  # Telegram trims messages
        if not text:
            raise bad_request("message text is empty" if key == "text" else "message caption is empty")
        if utf16_len(text) > limit:  # Telegram counts UTF-16 code units: an emoji outside the BMP is two
            raise bad_request("message is too long" if key == "text" else "message caption is too long")
        return text

    def _markup(self, chat: ChatState, p: Params) -> JSON | None:
        """Validate reply_markup; remember a custom keyboard, return an inline one for the Message."""
        markup = p.opt_dict("reply_markup")
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return inline_markup(markup)

    def _bot_send(self, p: Params, content: JSON, *, chat: ChatState | None = None) -> StoredMessage:
        chat = chat or self._target_chat(p)
        thread_id = self._thread(chat, p)
        reply_to = self._reply_to(chat, p)
        if (markup := self._markup(chat, p)) is not None:
            content["reply_markup"] = markup
        if p.has("entities"):
            content["entities"] = p.values["entities"]
        return self._store(chat, self.bot_user, content, thread_id=thread_id, reply_to=reply_to)

    def _send_media(self, kind: str, p: Params) -> JSON:
        chat = self._target_chat(p)
        if not p.has(kind):
            raise bad_request(f"there is no {kind} in the request")
        content: JSON = {kind: self._media(kind, p.values[kind])}
        if (caption := self._text(p, "caption", CAPTION_LIMIT, required=False)) is not None:
            content["caption"] = caption
        return copy.deepcopy(self._bot_send(p, content, chat=chat).data)

    def _edit(self, stored: StoredMessage, changes: JSON) -> JSON:
        """Apply an edit (None removes a field); Telegram refuses edits that change nothing."""
        edited = {k: v for k, v in (stored.data | changes).items() if v is not None}
        if edited == stored.data:
            raise bad_request(NOT_MODIFIED)
        stored.data = edited | {"edit_date": int(time.time())}
        self._bump(stored)
        self._touch()
        return copy.deepcopy(stored.data)

    def _editable(self, p: Params) -> StoredMessage:
        if p.has("inline_message_id"):
            raise bad_request("inline messages are not supported by the stand-in")
        chat = self._target_chat(p)
        stored = self._live(chat, p.get_int("message_id"), "message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return stored

    def _copyable(self, p: Params) -> tuple[StoredMessage, JSON]:
        source_chat = self._target_chat(p, "from_chat_id")
        source = self._live(source_chat, p.get_int("message_id"), "message to copy not found")
        if any(key in source.data for key in _SERVICE_KEYS):
            raise bad_request("message can't be copied")
        return source, {k: copy.deepcopy(v) for k, v in source.data.items() if k in _CONTENT_KEYS}

    # --- Bot API methods: bot and updates ---------------------------------------------------------

    def _api_get_me(self, p: Params) -> JSON:
        return self.bot_user | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_log_out(self, p: Params) -> bool:
        return True

    def _api_close(self, p: Params) -> bool:
        return True

    async def _api_get_updates(self, p: Params) -> list[JSON]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(p.opt_int("limit") or 100, 1), 100)
        if (allowed := p.opt_list("allowed_updates")) is not None:
            self._allowed_updates = frozenset(allowed) or None
        self._confirm(p.opt_int("offset"))
        self._poll_generation += 1
        generation = self._poll_generation
        self._touch()  # wakes an older long poll so it can give way
        deadline = time.monotonic() + (p.opt_float("timeout") or 0)
        while not (batch := self._deliverable(limit)) and not self._closing:
            if not await self._wait_for_change(deadline):
                break
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
        return batch

    def _confirm(self, offset: int | None) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset updates."""
        if not offset:
            return
        if offset < 0:
            self._updates = self._updates[offset:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[JSON]:
        """The next updates of the kinds the bot asked for; other kinds are dropped, as Telegram does."""
        wanted = [u for u in self._updates if self._is_allowed(u)]
        if len(wanted) != len(self._updates):
            self._updates = wanted
        return copy.deepcopy(wanted[:limit])

    def _is_allowed(self, update: JSON) -> bool:
        kind = next((k for k in update if k != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self._allowed_updates

    def _api_set_webhook(self, p: Params) -> bool:
        url = p.opt_str("url") or ""
        secret = p.opt_str("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if url and not re.match(r"^https?://", url):  # Telegram wants https; plain http is for local tests
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.opt_bool("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {"url": url, "secret_token": secret} if url else None
        self._webhook_error = None
        self._restart_pusher()
        return True

    def _api_delete_webhook(self, p: Params) -> bool:
        if p.opt_bool("drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        self._restart_pusher()
        return True

    def _api_get_webhook_info(self, p: Params) -> JSON:
        info: JSON = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["max_connections"] = 40
        if self._webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    def _restart_pusher(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None
        if self._webhook is not None:
            self._pusher = asyncio.create_task(self._push_updates(**self._webhook))

    async def _stop_pusher(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pusher
            self._pusher = None

    async def _push_updates(self, url: str, secret_token: str | None) -> None:
        """Deliver updates to the webhook one at a time; only a 2xx answer confirms one."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token else {}
        async with aiohttp.ClientSession() as session:
            while True:
                while not (batch := self._deliverable(1)):
                    await self._wait_for_change(math.inf)
                update = batch[0]
                failure = await self._post_update(session, url, update, headers)
                if failure is None:
                    self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
                    self._touch()
                else:
                    self._webhook_error = (int(time.time()), failure)
                    await asyncio.sleep(self.WEBHOOK_RETRY_DELAY)

    @staticmethod
    async def _post_update(
        session: aiohttp.ClientSession, url: str, update: JSON, headers: dict[str, str]
    ) -> str | None:
        """POST one update; the failure text getWebhookInfo would show, or None on success."""
        try:
            async with session.post(url, json=update, headers=headers) as response:
                if response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except aiohttp.ClientError as error:
            return f"Connection failed: {error!r}"

    # --- Bot API methods: messages ----------------------------------------------------------------

    def _api_send_message(self, p: Params) -> JSON:
        chat = self._target_chat(p)
        text = self._text(p, "text", TEXT_LIMIT, required=True)
        return copy.deepcopy(self._bot_send(p, {"text": text}, chat=chat).data)

    def _api_send_photo(self, p: Params) -> JSON:
        return self._send_media("photo", p)

    def _api_send_voice(self, p: Params) -> JSON:
        return self._send_media("voice", p)

    def _api_send_document(self, p: Params) -> JSON:
        return self._send_media("document", p)

    def _api_send_location(self, p: Params) -> JSON:
        chat = self._target_chat(p)
        latitude, longitude = p.opt_float("latitude"), p.opt_float("longitude")
        if latitude is None or longitude is None:
            raise bad_request("latitude and longitude are required")
        location = {"latitude": latitude, "longitude": longitude}
        return copy.deepcopy(self._bot_send(p, {"location": location}, chat=chat).data)

    def _api_send_chat_action(self, p: Params) -> bool:
        self._target_chat(p)
        if p.opt_str("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_edit_message_text(self, p: Params) -> JSON:
        stored = self._editable(p)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text = self._text(p, "text", TEXT_LIMIT, required=True)
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        return self._edit(
            stored,
            {
                "text": text,
                "entities": p.values.get("entities"),
                "reply_markup": inline_markup(p.opt_dict("reply_markup")),
            },
        )

    def _api_edit_message_reply_markup(self, p: Params) -> JSON:
        stored = self._editable(p)
        return self._edit(stored, {"reply_markup": inline_markup(p.opt_dict("reply_markup"))})

    def _api_delete_message(self, p: Params) -> bool:
        chat = self._target_chat(p)
        stored = self._live(chat, p.get_int("message_id"), "message to delete not found")
        if "forum_topic_created" in stored.data:
            raise bad_request("message can't be deleted")
        stored.deleted = True
        return True

    def _api_delete_messages(self, p: Params) -> bool:
        chat = self._target_chat(p)
        message_ids = p.opt_list("message_ids") or []
        if not message_ids:
            raise bad_request("message identifiers are not specified")
        if len(message_ids) > 100:
            raise bad_request("too many messages to delete")
        for message_id in message_ids:  # missing or undeletable ones are skipped, as documented
            stored = chat.live_message(message_id)
            if stored is not None and "forum_topic_created" not in stored.data:
                stored.deleted = True
        return True

    def _api_copy_message(self, p: Params) -> JSON:
        _, content = self._copyable(p)
        if p.has("caption") and "text" not in content:
            content.pop("caption_entities", None)
            content["caption"] = self._text(p, "caption", CAPTION_LIMIT, required=True)
        return {"message_id": self._bot_send(p, content).message_id}

    def _api_forward_message(self, p: Params) -> JSON:
        source, content = self._copyable(p)
        content["forward_origin"] = {
            "type": "user",
            "sender_user": source.data["from"],
            "date": source.data["date"],
        }
        target = self._target_chat(p)
        thread_id = self._thread(target, p)
        return copy.deepcopy(self._store(target, self.bot_user, content, thread_id=thread_id).data)

    def _api_answer_callback_query(self, p: Params) -> bool:
        query_id = p.opt_str("callback_query_id") or ""
        if self._callbacks.get(query_id, True) is not None:  # unknown, or answered already
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(p.opt_str("text") or "") > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = {k: v for k, v in p.values.items() if k != "callback_query_id"}
        return True

    # --- Bot API methods: forum topics ------------------------------------------------------------

    def _api_create_forum_topic(self, p: Params) -> JSON:
        chat = self._target_chat(p)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        name = p.opt_str("name") or ""
        if not 1 <= len(name) <= TOPIC_NAME_LIMIT:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        icon_color = p.opt_int("icon_color") or TOPIC_ICON_COLORS[0]
        if icon_color not in TOPIC_ICON_COLORS:
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        opened = {"forum_topic_created": {"name": name, "icon_color": icon_color}}
        stored = self._store(chat, self.bot_user, opened)
        stored.data |= {"message_thread_id": stored.message_id, "is_topic_message": True}
        topic = chat.topics[stored.message_id] = Topic(stored.message_id, name, icon_color)
        return topic.as_forum_topic()

    def _addressed_topic(self, p: Params) -> tuple[ChatState, Topic]:
        chat = self._target_chat(p)
        return chat, self._topic(chat, p.get_int("message_thread_id"))

    def _api_edit_forum_topic(self, p: Params) -> bool:
        chat, topic = self._addressed_topic(p)
        name = p.opt_str("name")
        if name is not None and not 1 <= len(name) <= TOPIC_NAME_LIMIT:
            raise bad_request("TOPIC_TITLE_INVALID")
        if name is None or name == topic.name:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.name = name
        self._store(chat, self.bot_user, {"forum_topic_edited": {"name": name}}, thread_id=topic.thread_id)
        return True

    def _set_closed(self, p: Params, closed: bool) -> bool:
        chat, topic = self._addressed_topic(p)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        service: JSON = {"forum_topic_closed" if closed else "forum_topic_reopened": {}}
        self._store(chat, self.bot_user, service, thread_id=topic.thread_id)
        return True

    def _api_close_forum_topic(self, p: Params) -> bool:
        return self._set_closed(p, True)

    def _api_reopen_forum_topic(self, p: Params) -> bool:
        return self._set_closed(p, False)

    def _api_delete_forum_topic(self, p: Params) -> bool:
        chat, topic = self._addressed_topic(p)
        if not chat.bot_can_delete:
            raise bad_request("not enough rights to delete the topic")
        topic.deleted = True
        for stored in chat.messages.values():
            if stored.data.get("message_thread_id") == topic.thread_id:
                stored.deleted = True
        return True

    # --- Bot API methods: profile, commands, chats ------------------------------------------------

    @staticmethod
    def _commands_key(scope: JSON | None, language_code: str | None) -> tuple[str, str]:
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""

    def _api_set_my_commands(self, p: Params) -> bool:
        self._check_profile_flood()
        commands = p.opt_list("commands") or []
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be non-empty")
        key = self._commands_key(p.opt_dict("scope"), p.opt_str("language_code"))
        self._commands[key] = commands
        return True

    def _api_get_my_commands(self, p: Params) -> list[JSON]:
        return self.my_commands(p.opt_str("language_code") or "", p.opt_dict("scope"))

    def _api_delete_my_commands(self, p: Params) -> bool:
        self._commands.pop(self._commands_key(p.opt_dict("scope"), p.opt_str("language_code")), None)
        return True

    def _set_profile(self, field: str, limit: int, p: Params) -> bool:
        self._check_profile_flood()
        value = p.opt_str(field) or ""
        if len(value) > limit:
            raise bad_request(f"bot {field.replace('_', ' ')} is too long")
        self._profile[field, p.opt_str("language_code") or ""] = value
        return True

    def _get_profile(self, field: str, p: Params) -> JSON:
        return {field: self._profile.get((field, p.opt_str("language_code") or ""), "")}

    def _api_set_my_name(self, p: Params) -> bool:
        return self._set_profile("name", 64, p)

    def _api_get_my_name(self, p: Params) -> JSON:
        return self._get_profile("name", p)

    def _api_set_my_description(self, p: Params) -> bool:
        return self._set_profile("description", 512, p)

    def _api_get_my_description(self, p: Params) -> JSON:
        return self._get_profile("description", p)

    def _api_set_my_short_description(self, p: Params) -> bool:
        return self._set_profile("short_description", 120, p)

    def _api_get_my_short_description(self, p: Params) -> JSON:
        return self._get_profile("short_description", p)

    def _api_get_chat(self, p: Params) -> JSON:
        chat = self._target_chat(p)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return copy.deepcopy(chat.chat) | {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    def _api_get_chat_member(self, p: Params) -> JSON:
        chat = self._target_chat(p)
        user_id = p.get_int("user_id")
        if user_id == self.bot_user["id"]:
            return {"status": "administrator", "user": self.bot_user} | _ADMIN_RIGHTS
        if user_id not in self._users:
            raise bad_request("PARTICIPANT_ID_INVALID")
        status = chat.members.get(user_id, "member")
        member: JSON = {"status": status, "user": self._users[user_id]}
        if status == "administrator":
            member |= _ADMIN_RIGHTS
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member
