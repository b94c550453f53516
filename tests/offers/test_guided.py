"""The guided check as a state machine: answer, back, quit, restart-safe JSON, result."""

from __future__ import annotations

import pytest

from bot.offers import guided
from bot.offers.guided import GuidedState


def test_walk_through_all_questions(offers):
    questions = offers.questions
    state = guided.start(questions)
    assert guided.current_question(state, questions) == questions.questions[0]
    for _ in questions.questions:
        assert not guided.is_done(state, questions)
        state = guided.answer(state, "no" if _.raises_on == "yes" else "yes", questions)
    assert guided.is_done(state, questions) and guided.current_question(state, questions) is None
    result = guided.result(state, offers)
    assert result.risk == "low" and result.flags == [] and not result.talk_to_person
    assert guided.answer(state, "yes", questions) == state  # nothing after the last question


def test_back_and_progress(offers):
    questions = offers.questions
    state = guided.start(questions)
    assert guided.back(state).answers == []  # back at the first question stays there
    state = guided.answer(guided.answer(state, "yes"), "no")
    assert state.index == 2
    # The question screen says where the person is (bot.offers.screens.question formats this template).
    progress = questions.progress.root["ru"].format(n=state.index + 1, total=len(questions.questions))
    assert progress == f"Вопрос 3 из {len(questions.questions)}"
    state = guided.back(state)
    assert state.answers == ["yes"] and guided.current_question(state, questions) == questions.questions[1]


def test_resume_after_restart(offers):
    questions = offers.questions
    state = guided.answer(guided.answer(guided.start(questions), "yes"), "unsure")
    stored = state.model_dump_json()
    restored = guided.resume(GuidedState.model_validate_json(stored), questions)
    assert restored == state
    assert guided.current_question(restored, questions) == questions.questions[2]


def test_changed_questions_restart(offers):
    questions = offers.questions
    state = guided.answer(guided.start(questions), "yes")
    changed = questions.model_copy(update={"questions": list(reversed(questions.questions))})
    assert guided.resume(state, changed).answers == []


def test_bad_answer_rejected():
    with pytest.raises(ValueError):
        guided.answer(guided.start(), "maybe")  # type: ignore[arg-type]


def test_flags_from_answers(offers):
    questions = offers.questions
    by_id = {q.id: i for i, q in enumerate(questions.questions)}
    answers = ["no" if q.raises_on == "yes" else "yes" for q in questions.questions]
    answers[by_id["passport"]] = "yes"
    state = GuidedState(questions=guided.fingerprint(questions), answers=answers)
    result = guided.result(state, offers)
    assert result.risk == "high" and result.talk_to_person
    assert [hit.flag for hit in result.flags] == ["passport_retention"]


def test_unsure_about_a_fundamental_is_a_prompt(offers):
    questions = offers.questions
    answers = ["no" if q.raises_on == "yes" else "yes" for q in questions.questions]
    index = next(i for i, q in enumerate(questions.questions) if q.id == "employer")
    answers[index] = "unsure"
    result = guided.result(GuidedState(answers=answers), offers)
    assert result.to_ask == ["employer"]
    (hit,) = result.flags
    assert hit.unsure and hit.weight < offers.rules.flags["vague_employer"].weight
    assert result.risk != "high"
