"""The guided check's steps on their own: bot.offers.service over a real SQLite file and the real questions,
no Telegram. Each step is read back as the next press would find it: from the stored user."""

from __future__ import annotations

import datetime as dt

from support.harness import shipped_content

from bot.offers import guided, service
from bot.storage import Store
from bot.storage.users import User

CHAT = 5_550_202


async def stored(store: Store) -> User:
    async with store.tx() as tx:
        user = await tx.users.get_or_create(CHAT)
        await tx.users.update(CHAT, lang="ru")
        return await tx.users.get(CHAT) or user


async def press(store: Store, action: str) -> service.Step:
    return await service.guided_step(store, await stored(store), shipped_content(), action, lang="ru", source="ru")


def answer(step: service.Step, value: str) -> str:
    assert step.state is not None
    current = guided.current_question(step.state, shipped_content().offer_questions)
    assert current is not None
    return f"a:{current.id}:{value}"


async def test_answers_back_and_an_old_button_are_kept_across_presses(store: Store) -> None:
    step = await press(store, "guided")
    assert step.state is not None and step.state.answers == [] and step.assessment is None and step.current
    first = answer(step, "yes")
    step = await press(store, first)
    assert step.state is not None and step.state.answers == ["yes"] and step.current
    # The first question's button again: an old one, nothing changes, the second question stays on screen.
    step = await press(store, first)
    assert step.state is not None and step.state.answers == ["yes"] and not step.current
    step = await press(store, "a:no-such-question")  # a malformed button changes nothing either
    assert step.state is not None and step.state.answers == ["yes"] and not step.current
    step = await press(store, "back")
    assert step.state is not None and step.state.answers == [] and step.current
    assert (await stored(store)).check_state == step.state.model_dump_json()


async def test_quit_forgets_the_check(store: Store) -> None:
    await press(store, answer(await press(store, "guided"), "no"))
    assert (await stored(store)).check_state is not None
    step = await press(store, "quit")
    assert step == service.Step(None, None, current=True)
    assert (await stored(store)).check_state is None


async def test_the_last_answer_gives_the_result_and_counts_it_once(store: Store) -> None:
    step = await press(store, "guided")
    while step.assessment is None:
        step = await press(store, answer(step, "yes"))
    assert step.state is None and step.current and step.assessment.flags
    assert (await stored(store)).check_state is None
    async with store.read() as tx:
        events = await tx.stats.events(dt.date(2000, 1, 1))
    assert events == [("check", "ru", step.assessment.risk, 1)]
