"""Statistics from a real SQLite file: starts per source, checks and scans by risk, ticket waiting times."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.cli import main
from bot.services import SERVICES, Services
from bot.stats.handlers import stats_command
from bot.stats.report import build_stats, waiting
from bot.stats.screens import format_stats
from bot.stats.service import read_stats, since_from_args
from bot.storage import Store

DAY1 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
GROUP = -100123
OPERATOR = 7001


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.moment = now

    def now(self) -> dt.datetime:
        return self.moment

    def at(self, moment: dt.datetime) -> Clock:
        self.moment = moment
        return self


async def _ticket(store: Store, clock: Clock, chat_id: int, category: str | None, opened: dt.datetime,
                  claim_after: float | None, answer_after: float | None) -> None:  # fmt: skip
    clock.at(opened)
    async with store.tx() as tx:
        user = await tx.users.get_or_create(chat_id)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category=category, lang="ru",
                                         source=None, country=None, pseudonym=f"P{chat_id}")  # fmt: skip
    if claim_after is not None:
        clock.at(opened + dt.timedelta(minutes=claim_after))
        async with store.tx() as tx:
            await tx.tickets.claim(ticket.id, OPERATOR)
    if answer_after is not None:
        clock.at(opened + dt.timedelta(minutes=answer_after))
        async with store.tx() as tx:
            await tx.tickets.operator_answered(ticket.id)
    clock.at(opened + dt.timedelta(hours=1))
    async with store.tx() as tx:
        await tx.tickets.close(ticket.id, "done")


@pytest.fixture
async def filled(tmp_path: Path) -> AsyncIterator[tuple[Store, Clock, Path]]:
    path = tmp_path / "helpline.db"
    clock = Clock(DAY1)
    store = Store(path, clock)
    await store.open()
    # Starts: two days, two sources, three languages; one start before the period.
    for moment, source, lang, times in [
        (DAY1 - dt.timedelta(days=10), "old", "ru", 5),
        (DAY1, "border1", "kk", 3), (DAY1, "border1", "ru", 2), (DAY1, "direct", "uz", 1),
        (DAY1 + dt.timedelta(days=1), "border1", "kk", 4), (DAY1 + dt.timedelta(days=1), "bus7", "uzc", 2),
    ]:  # fmt: skip
        clock.at(moment)
        for _ in range(times):
            async with store.tx() as tx:
                await tx.stats.count_start(source, lang)
    clock.at(DAY1)
    async with store.tx() as tx:
        for name, lang, risk, times in [("check", "ru", "high", 2), ("check", "kk", "low", 1),
                                        ("scan", "uz", "medium", 3), ("scan", "ru", "high", 1),
                                        ("menu", "ru", "contacts", 9)]:  # fmt: skip
            for _ in range(times):
                await tx.stats.count_event(name, lang, risk)
    # Tickets: "documents" claimed after 2, 4, 10 minutes and answered after 3, 6, 30; one "wages" never claimed.
    for chat_id, category, claim, answer in [(1, "documents", 2, 3), (2, "documents", 4, 6), (3, "documents", 10, 30),
                                             (4, "wages", None, None), (5, None, 1, 1.5)]:  # fmt: skip
        await _ticket(store, clock, chat_id, category, DAY1 + dt.timedelta(hours=chat_id), claim, answer)
    yield store, clock, path
    await store.close()


def test_waiting_percentiles() -> None:
    assert waiting([]).count == 0 and waiting([]).median is None
    assert waiting([5.0]).model_dump() == {"count": 1, "median": 5.0, "p90": 5.0}
    numbers = waiting(float(n) for n in range(1, 11))
    assert (numbers.median, numbers.p90) == (5.5, 9.1)


async def test_stats_from_the_store(filled: tuple[Store, Clock, Path]) -> None:
    store, _, _ = filled
    stats = await read_stats(store, DAY1.date())
    assert stats.starts_total == 12
    assert stats.starts_by_source == {"border1": 9, "bus7": 2, "direct": 1}
    assert stats.starts_by_lang == {"kk": 7, "ru": 2, "uzc": 2, "uz": 1}
    assert {(r.day.isoformat(), r.source, r.lang, r.count) for r in stats.starts} >= {("2025-03-02", "bus7", "uzc", 2)}
    assert stats.checks_by_risk == {"check": {"high": 2, "low": 1}, "scan": {"medium": 3, "high": 1}}
    assert all(row.name in ("check", "scan") for row in stats.checks)

    assert stats.tickets_total == 5
    documents = next(c for c in stats.tickets if c.category == "documents")
    assert (documents.opened, documents.claimed, documents.answered) == (3, 3, 3)
    assert (documents.to_claim.median, documents.to_answer.median) == (4.0, 6.0)
    assert documents.to_claim.p90 == pytest.approx(8.8) and documents.to_answer.p90 == pytest.approx(25.2)
    wages = next(c for c in stats.tickets if c.category == "wages")
    assert (wages.opened, wages.claimed, wages.to_claim.median) == (1, 0, None)
    assert any(c.category == "-" for c in stats.tickets)
    assert stats.to_claim.count == 4 and stats.to_claim.median == 3.0

    table = format_stats(stats)
    assert "border1" in table and "documents" in table and "Offer scans: 4 (medium 3, high 1)" in table
    # Nothing personal can be in it: the store gives counts only; check no chat id slipped through anyway.
    assert "P1" not in table


async def test_since_leaves_out_older_days(filled: tuple[Store, Clock, Path]) -> None:
    store, _, _ = filled
    stats = await read_stats(store, (DAY1 + dt.timedelta(days=1)).date())
    assert stats.starts_by_source == {"border1": 4, "bus7": 2}
    assert stats.tickets_total == 0


def test_empty_stats_format() -> None:
    text = format_stats(build_stats(dt.date(2025, 1, 1), [], [], []))
    assert "Starts: 0" in text and "Tickets: 0" in text


async def test_cli_table_and_json(filled: tuple[Store, Clock, Path], monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    _, _, path = filled
    monkeypatch.setenv("HELPLINE_DATABASE", str(path))
    assert await _cli(["stats", "--since", "2025-03-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["starts_by_source"]["border1"] == 9 and data["tickets_total"] == 5
    assert await _cli(["stats", "--since", "2025-03-01"]) == 0
    assert "Tickets: 5" in capsys.readouterr().out
    monkeypatch.setenv("HELPLINE_DATABASE", str(path.with_name("missing.db")))
    assert await _cli(["stats"]) == 2
    assert "no database" in capsys.readouterr().err


async def _cli(argv: list[str]) -> int:
    import asyncio

    # The command runs its own event loop (asyncio.run): give it a thread of its own.
    return await asyncio.to_thread(main, argv)


def test_since_from_args() -> None:
    today = dt.date(2025, 3, 31)
    assert since_from_args([], today) == dt.date(2025, 3, 1)
    assert since_from_args(["7"], today) == dt.date(2025, 3, 24)
    assert since_from_args(["2025-01-02"], today) == dt.date(2025, 1, 2)
    assert since_from_args(["soon"], today) is None


class _Message:
    def __init__(self, chat: SimpleNamespace) -> None:
        self.chat = chat
        self.replies: list[tuple[str, dict[str, Any]]] = []

    async def reply_text(self, text: str, **kwargs: Any) -> None:
        self.replies.append((text, kwargs))


def _update(user_id: int, chat_id: int, chat_type: str) -> tuple[Any, _Message]:
    chat = SimpleNamespace(id=chat_id, type=chat_type)
    message = _Message(chat)
    update = SimpleNamespace(effective_message=message, effective_user=SimpleNamespace(id=user_id),
                             effective_chat=chat)  # fmt: skip
    return update, message


def _context(store: Store, clock: Clock, args: list[str]) -> Any:
    settings = SimpleNamespace(operator_chat_id=GROUP)
    svc = Services(settings=settings, content=None, i18n=None, store=store, clock=clock, triage=None,  # type: ignore[arg-type]
                   flood=None, escalation=None, dispatcher=None, offers=None)  # type: ignore[arg-type]  # fmt: skip
    return SimpleNamespace(bot_data={SERVICES: svc}, svc=svc, args=args)  # as bot.services.Context gives them


async def test_stats_command_in_an_operators_private_chat(filled: tuple[Store, Clock, Path]) -> None:
    """Who may ask is decided where the handler is registered (tests/e2e/test_operators_first.py)."""
    store, clock, _ = filled
    clock.at(DAY1 + dt.timedelta(days=2))
    update, message = _update(OPERATOR, OPERATOR, "private")
    await stats_command(update, _context(store, clock, ["2025-03-01"]))
    text, kwargs = message.replies[0]
    assert text.startswith("<pre>") and "border1" in text and kwargs["parse_mode"] == "HTML"

    update, message = _update(OPERATOR, OPERATOR, "private")
    await stats_command(update, _context(store, clock, ["nonsense"]))
    assert "Usage" in message.replies[0][0]
