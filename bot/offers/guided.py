"""The guided check: yes / no / not sure questions, one a screen, as a state that survives restarts.

Pure functions over a small pydantic state; the handlers store `state.model_dump_json()` and read it back
with `GuidedState.model_validate_json`. Going back drops the last answer; quitting forgets the state.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field

from bot.content.offers import AnswerValue, OfferQuestions, OffersContent, Question
from bot.offers.assess import Assessment, FlagHit, assess

STATE_VERSION = 1


class GuidedState(BaseModel):
    version: int = STATE_VERSION
    # Fingerprint of the question ids: answers stored against other questions are not reused.
    questions: str = ""
    answers: list[AnswerValue] = Field(default_factory=list)

    @property
    def index(self) -> int:
        """The question on screen (0-based): one after the last answer."""
        return len(self.answers)


def fingerprint(questions: OfferQuestions) -> str:
    joined = "\n".join(question.id for question in questions.questions)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def start(questions: OfferQuestions | None = None) -> GuidedState:
    return GuidedState(questions=fingerprint(questions) if questions else "")


def resume(state: GuidedState, questions: OfferQuestions) -> GuidedState:
    """The stored state, or a fresh start when the questions changed since it was saved."""
    if state.version != STATE_VERSION or (state.questions and state.questions != fingerprint(questions)):
        return start(questions)
    if len(state.answers) > len(questions.questions):
        return state.model_copy(update={"answers": state.answers[: len(questions.questions)]})
    return state


def answer(state: GuidedState, value: AnswerValue, questions: OfferQuestions | None = None) -> GuidedState:
    """Record the answer to the question on screen and move on (no-op once done)."""
    if value not in ("yes", "no", "unsure"):
        raise ValueError(f"answer must be yes, no or unsure, not {value!r}")
    if questions is not None and is_done(state, questions):
        return state
    return state.model_copy(update={"answers": [*state.answers, value]})


def back(state: GuidedState) -> GuidedState:
    """One question back: the last answer is taken away (at the first question nothing changes)."""
    return state.model_copy(update={"answers": state.answers[:-1]})


def current_question(state: GuidedState, questions: OfferQuestions) -> Question | None:
    if state.index >= len(questions.questions):
        return None
    return questions.questions[state.index]


def is_done(state: GuidedState, questions: OfferQuestions) -> bool:
    return state.index >= len(questions.questions)


def result(state: GuidedState, content: OffersContent, lang: str | None = None) -> Assessment:
    """The assessment from the answers given so far (all of them when done)."""
    hits: list[FlagHit] = []
    to_ask: list[str] = []
    for question, value in zip(content.questions.questions, state.answers, strict=False):
        if value == question.raises_on:
            hits.append(FlagHit(flag=question.flag, source="answer", question=question.id, weight=question.weight or 0))
        elif value == "unsure":
            hits.append(
                FlagHit(
                    flag=question.flag, source="answer", question=question.id, unsure=True, weight=question.weight or 0
                )
            )
            if question.fundamental:
                to_ask.append(question.id)
    return assess(hits, content, lang=lang, to_ask=to_ask)
