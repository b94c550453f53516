"""State records of the Telegram stand-in and the Bot API rules it applies to them.

Everything here is plain data or a pure function, so the server module only wires HTTP to state.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
# not_found: what a Bot API server answers for a method it lacks (404); too_long: a 400 "message is too long"
FaultKind = Literal["retry_after", "server_error", "drop", "forbidden", "not_found", "too_long"]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
TOPIC_NAME_LIMIT = 128
TOPIC_ICON_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)

# PTB sends every non-string value JSON-encoded; these fields are strings that merely may look like JSON
# (a text "42", a file_id of digits), so they are never decoded.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "name",
        "description",
        "short_description",
        "secret_token",
        "url",
        "parse_mode",
        "language_code",
        "callback_query_id",
        "action",
        "photo",
        "voice",
        "document",
        "icon_custom_emoji_id",
        "inline_message_id",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "sticker",
        "emoji",
        "title",
    }
)


class ApiError(Exception):
    """A Bot API failure; the server turns it into Telegram's error envelope and HTTP status."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart); only its shape is kept."""

    file_name: str | None
    content_type: str
    size: int


@dataclass
class ApiCall:
    """One request the bot made, as the stand-in understood and answered it."""

    method: str
    params: JSON
    at: float
    result: Any = None
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Fault:
    """An injected failure that the next `times` matching calls suffer."""

    method: str | None
    kind: FaultKind
    times: int
    retry_after: int
    chat_id: int | None

    def matches(self, method: str, params: JSON) -> bool:
        if self.times <= 0 or (self.method is not None and self.method.lower() != method.lower()):
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


@dataclass
class StoredMessage:
    """A Telegram Message dict plus what Telegram knows but never puts in the dict."""

    data: JSON
    from_bot: bool
    deleted: bool = False
    seq: int = 0  # order of the latest bot write (send or edit); lets waiters notice edits

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])


@dataclass
class Topic:
    """A forum topic; its id is the id of the service message that opened it, as in Telegram."""

    thread_id: int
    name: str
    icon_color: int
    closed: bool = False
    deleted: bool = False

    def as_forum_topic(self) -> JSON:
        return {"message_thread_id": self.thread_id, "name": self.name, "icon_color": self.icon_color}


@dataclass
class ChatState:
    """A chat with its own message-id counter, messages, topics and members."""

    chat: JSON
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)  # user id -> ChatMember status, if not "member"
    bot_can_delete: bool = True  # the bot's can_delete_messages right in a group
    last_message_id: int = 0
    reply_keyboard: JSON | None = None  # the bot's current custom keyboard; not part of any Message

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def is_private(self) -> bool:
        return bool(self.chat["type"] == "private")

    @property
    def is_forum(self) -> bool:
        return bool(self.chat.get("is_forum"))

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def live_message(self, message_id: int) -> StoredMessage | None:
        stored = self.messages.get(message_id)
        return None if stored is None or stored.deleted else stored


class Params:
    """Decoded request parameters with getters that fail the way the Bot API does."""

    def __init__(self, values: JSON) -> None:
        self.values = values

    def has(self, key: str) -> bool:
        return self.values.get(key) is not None

    def get_int(self, key: str) -> int:
        value = self.opt_int(key)
        if value is None:
            raise bad_request(f"{key} is empty")
        return value

    def opt_int(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise bad_request(f"invalid {key} specified")

    def opt_float(self, key: str) -> float | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        raise bad_request(f"invalid {key} specified")

    def opt_str(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def opt_bool(self, key: str) -> bool:
        return self.values.get(key) in (True, "true", "True", 1)

    def opt_list(self, key: str) -> list[Any] | None:
        value = self.values.get(key)
        if value is None or isinstance(value, list):
            return value
        raise bad_request(f"can't parse {key} JSON array")

    def opt_dict(self, key: str) -> JSON | None:
        value = self.values.get(key)
        if value is None or isinstance(value, dict):
            return value
        raise bad_request(f"can't parse {key} JSON object")


def decode_form_value(key: str, value: str) -> Any:
    """Undo PTB's JSON encoding of non-string form values, leaving genuine strings alone."""
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --- formatting: Telegram returns the plain text, so markup is checked and stripped ---------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_MD_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_MARKUP = frozenset("*_~|")


def _parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def render_html(text: str) -> str:
    """Check Telegram's HTML subset (unknown tags and stray '<' fail) and return the visible text."""
    out: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) != -1:
        out.append(text[pos:start])
        offset = len(text[:start].encode())
        tag = _HTML_TAG.match(text, start)
        name = tag.group(2).lower() if tag else ""
        if tag is None or name not in _HTML_TAGS:
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        if not tag.group(1):
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            raise _parse_error(f'Unmatched end tag at byte offset {offset}, found "</{name}>"')
        pos = tag.end()
    if open_tags:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    out.append(text[pos:])
    return html.unescape("".join(out))


def render_markdown_v2(text: str) -> str:
    """Check that reserved characters are escaped (the usual MarkdownV2 failure); drop the markup."""
    out: list[str] = []
    in_code = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        elif in_code:
            out.append(char)
        elif char == "]" and text.startswith("(", i + 1):
            i = text.find(")", i) + 1 or len(text)  # a link's URL is not visible text
            continue
        elif char == ">" and (i == 0 or text[i - 1] == "\n"):
            pass  # blockquote marker
        elif char in _MD_RESERVED and char not in _MD_MARKUP and char != "[":
            raise _parse_error(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        elif char not in _MD_MARKUP and char != "[":
            out.append(char)
        i += 1
    return "".join(out)


def render(text: str, parse_mode: str | None) -> str:
    """The text Telegram would store for `text` sent with `parse_mode`."""
    if parse_mode is None or parse_mode == "Markdown":  # legacy Markdown is accepted as is
        return text
    if parse_mode == "HTML":
        return render_html(text)
    if parse_mode == "MarkdownV2":
        return render_markdown_v2(text)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


# --- keyboards ------------------------------------------------------------------------------------

_BUTTON_KINDS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "callback_game",
    "pay",
    "copy_text",
    "switch_inline_query_chosen_chat",
)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if len(kinds) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"^(https?|tg)://", str(url)):
        raise bad_request("BUTTON_URL_INVALID")


def inline_markup(markup: JSON | None) -> JSON | None:
    """Validate an inline keyboard; return it when it belongs in the Message (only inline ones do)."""
    if markup is None or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            _check_inline_button(button)
    return markup if any(rows) else None


def buttons(message: JSON) -> list[tuple[str, str]]:
    """The inline buttons of a message as (text, callback_data); link buttons give their URL instead."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], str(b.get("callback_data", b.get("url", "")))) for row in rows for b in row]


def find_button(message: JSON, text_substring: str) -> tuple[str, str]:
    """The first button whose text contains `text_substring` (case-insensitive)."""
    needle = text_substring.casefold()
    for text, data in buttons(message):
        if needle in text.casefold():
            return text, data
    raise LookupError(f"no button containing {text_substring!r}; buttons: {buttons(message)}")
