"""The dispatcher's split of failures: transient ones wait and retry, permanent ones are never retried."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.escalation.dispatcher import Failure, classify


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RetryAfter(20), Failure(False, "retry_after", 20.0)),
        (NetworkError("Internal Server Error (500)"), Failure(False, "network")),
        (NetworkError("Bad Gateway"), Failure(False, "network")),
        (TimedOut(), Failure(False, "network")),
        (ConnectionResetError(), Failure(False, "network")),
        (InvalidToken("Unauthorized"), Failure(False, "unauthorized")),  # every row alike: wait for a fix
        (ValueError("a bug"), Failure(False, "unexpected")),
        (BadRequest("Bad Request: message is too long"), Failure(True, "too_long")),
        (BadRequest("Bad Request: chat not found"), Failure(True, "chat_not_found")),
        (BadRequest("Bad Request: message to copy not found"), Failure(True, "source_gone")),
        (BadRequest("Bad Request: message thread not found"), Failure(True, "topic_gone")),
        (BadRequest("Bad Request: something new"), Failure(True, "bad_request")),
        (Forbidden("Forbidden: bot was blocked by the user"), Failure(True, "forbidden")),
        (InvalidToken("Not Found"), Failure(True, "unknown_method")),
        (ChatMigrated(-1001), Failure(True, "chat_migrated")),
        (LookupError("no ticket"), Failure(True, "missing_ticket")),
    ],
)
def test_classify(error: Exception, expected: Failure) -> None:
    assert classify(error) == expected
