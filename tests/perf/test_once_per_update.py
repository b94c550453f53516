"""Work done once per update, not once per handler that needs it: the triage of a message (the guard asks
during a flood, the conversation always), and the user's row on a /start that names a language and a source."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.harness import GROUP_ID, FakeClock, Person, RunningBot, make_settings

from bot.escalation.triage import Triage, TriageResult
from bot.services import Context
from bot.standin.server import StandIn

URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"


@contextmanager
def counted(triage: Triage) -> Iterator[list[str]]:
    """The real classifier, each call's text written down."""
    calls: list[str] = []
    real = triage.classify

    def classify(text: str, lang_hint: str | None = None) -> TriageResult:
        calls.append(text)
        return real(text, lang_hint)

    triage.classify = classify  # type: ignore[method-assign]
    try:
        yield calls
    finally:
        del triage.classify


async def test_a_start_with_a_language_and_a_source_writes_the_user_once(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 2101, language_code="ru")
    await person.start("ru")
    statements: list[str] = []
    await bot.services.store.conn.set_trace_callback(statements.append)
    await person.start("kk-border1")
    await standin.wait_idle(timeout=5, settle=0.2)
    await bot.services.store.conn.set_trace_callback(None)
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT INTO USERS", "UPDATE USERS"))]
    assert len(writes) == 1, writes
    async with bot.services.store.read() as tx:
        user = await tx.users.get(person.id)
    assert user is not None and (user.lang, user.source) == ("kk", "border1")


async def test_an_ordinary_message_is_classified_once(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 2102, language_code="ru")
    await person.start("ru")
    with counted(bot.services.triage) as calls:
        await person.send("как дела у вас")
        await standin.wait_idle(timeout=5, settle=0.2)
    assert calls == ["как дела у вас"]


async def test_an_urgent_message_past_the_flood_limit_is_classified_once(standin: StandIn, database: Path,
                                                                       clock: FakeClock) -> None:  # fmt: skip
    bot = await RunningBot(make_settings(standin, database, user_messages_per_minute=2), clock).start()
    try:
        await _urgent_past_the_limit(standin, bot)
    finally:
        await bot.stop()


async def _urgent_past_the_limit(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 2103, language_code="ru")
    await person.start("ru")
    await person.send("привет")
    await standin.user_sends(person.id, "привет ещё")  # past the limit: dropped, unclassified words or not
    await standin.wait_idle(timeout=5, settle=0.2)
    with counted(bot.services.triage) as calls:
        await standin.user_sends(person.id, URGENT)  # the guard lets danger through, the conversation opens it
        await standin.wait_until(lambda: any("#1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
        await standin.wait_idle(timeout=5, settle=0.2)
    assert calls == [URGENT]


@pytest.mark.parametrize("text", [URGENT, "как дела у вас", "ok", "pasportimni olib qoʻyishdi", "123", "?!", "help me"])
@pytest.mark.parametrize("hint", [None, "ru", "kk", "uz"])
async def test_the_shared_verdict_is_the_classifiers_own(bot: RunningBot, text: str, hint: str | None) -> None:
    assert bot.app is not None
    context = Context(bot.app)  # type: ignore[arg-type]
    context.classify(text)  # as the guard asks: without the user's language
    assert context.classify(text, hint) == bot.services.triage.classify(text, hint)
