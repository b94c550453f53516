"""The typed outbox: every kind written before messages were typed still decodes, a new row round-trips,
and what cannot be read says which fields are wrong without quoting a word of the message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.harness import FakeClock

from bot.storage import Store
from bot.storage.outbox import (
    Card,
    CardRefresh,
    GroupCopy,
    GroupErase,
    GroupText,
    OutboxMessage,
    Ping,
    Transcript,
    Undecodable,
    UserCopy,
    UserText,
    decode,
)

GROUP = -1001234567890
USER = 5_550_303
OPERATOR = 7001

# (kind, lane, payload) exactly as the untyped outbox wrote them, and what each must decode to.
OLD_ROWS: list[tuple[str, int, dict[str, object], OutboxMessage]] = [
    ("user_text", USER, {"chat_id": USER, "text": "hi", "silent": False, "rows": [[["Hide this chat", "hide"]]]},
     UserText(chat_id=USER, text="hi", rows=[[("Hide this chat", "hide")]])),
    ("user_text", USER, {"chat_id": USER, "text": "ack"}, UserText(chat_id=USER, text="ack")),
    ("user_copy", USER, {"chat_id": USER, "from_chat_id": GROUP, "message_id": 5, "silent": True},
     UserCopy(chat_id=USER, from_chat_id=GROUP, message_id=5, silent=True)),
    ("ping", OPERATOR, {"chat_id": OPERATOR, "text": "New ticket #1"}, Ping(chat_id=OPERATOR, text="New ticket #1")),
    ("card", GROUP, {}, Card(chat_id=GROUP)),
    ("card_refresh", GROUP, {}, CardRefresh(chat_id=GROUP)),
    ("transcript", GROUP, {}, Transcript(chat_id=GROUP)),
    ("group_copy", GROUP, {"from_chat_id": USER, "message_id": 3},
     GroupCopy(chat_id=GROUP, from_chat_id=USER, message_id=3)),
    ("group_text", GROUP, {"text": "Ticket #1 …"}, GroupText(chat_id=GROUP, text="Ticket #1 …")),
    ("group_text", GROUP, {"text": "told", "notice": True}, GroupText(chat_id=GROUP, text="told", notice=True)),
    ("group_text", GROUP, {"text": "<b>q</b>", "thread_id": 9, "reply_to": 44, "parse_mode": "HTML"},
     GroupText(chat_id=GROUP, text="<b>q</b>", thread_id=9, reply_to=44, parse_mode="HTML")),
    ("group_text", GROUP, {"text": "answer", "thread_id": None, "reply_to": 44},
     GroupText(chat_id=GROUP, text="answer", reply_to=44)),
    ("group_erase", GROUP, {"thread_id": 77, "message_ids": []}, GroupErase(chat_id=GROUP, thread_id=77)),
    ("group_erase", GROUP, {"thread_id": None, "message_ids": [1, 2]}, GroupErase(chat_id=GROUP, message_ids=[1, 2])),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "lane", "payload", "expected"), OLD_ROWS)
def test_rows_of_the_untyped_outbox_decode(kind: str, lane: int, payload: dict[str, object],
                                          expected: OutboxMessage) -> None:  # fmt: skip
    assert decode(kind, lane, json.dumps(payload, ensure_ascii=False)) == expected


def test_every_kind_is_covered() -> None:
    assert {kind for kind, *_ in OLD_ROWS} == {"user_text", "user_copy", "ping", "card", "card_refresh", "transcript",
                                               "group_copy", "group_text", "group_erase"}  # fmt: skip


@pytest.mark.parametrize(("kind", "payload", "problem"), [
    ("carrier_pigeon", '{"text": "меня держат"}', "an unknown kind"),
    ("group_text", '{"text": ["меня держат"]}', "bad fields: text"),
    ("user_copy", '{"chat_id": 1, "message_id": "меня держат"}', "bad fields: from_chat_id, message_id"),
    ("group_text", "{not json", "the payload is not JSON"),
    ("group_text", '["меня держат"]', "the payload is not an object"),
])  # fmt: skip
def test_what_cannot_be_read_names_fields_never_words(kind: str, payload: str, problem: str) -> None:
    with pytest.raises(Undecodable) as raised:
        decode(kind, GROUP, payload)
    assert str(raised.value).startswith(problem)
    assert "меня" not in str(raised.value) and raised.value.__cause__ is None


async def test_a_message_goes_to_its_own_chat_and_comes_back_as_itself(tmp_path: Path) -> None:
    store = Store(tmp_path / "helpline.db", FakeClock())
    await store.open()
    sent = [UserText(chat_id=USER, text="Қазақша · Ўзбекча", silent=True, rows=[[("Yes", "cf:y:1")]]),
            GroupText(chat_id=GROUP, text="answer", reply_to=4, parse_mode="HTML"), Card(chat_id=GROUP)]  # fmt: skip
    async with store.tx() as tx:
        for message in sent:
            await tx.outbox.add(message, 12)
    async with store.read() as tx:
        heads = await tx.outbox.heads()
    await store.close()
    assert [(item.lane, item.kind, item.ticket_id) for item in heads] == [(USER, "user_text", 12),
                                                                          (GROUP, "group_text", 12)]  # fmt: skip
    assert [item.message for item in heads] == sent[:2], "the group's lane: its oldest row first"
