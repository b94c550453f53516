"""How the judgement saw the message that opened a ticket, kept on the ticket for the operators' card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.escalation.triage import Band, TriageResult


@dataclass(frozen=True)
class Judged:
    """How the judgement saw the message that opens a ticket: the card shows it to the operators."""

    band: Band
    score: float
    matched: str | None = None  # the rule's words
    evidence: tuple[str, ...] = ()  # the model's strongest words
    asked: Literal["yes", "unanswered"] | None = None  # the answer to "are you in danger right now?", if asked

    @classmethod
    def of(cls, verdict: TriageResult | None) -> Judged | None:
        if verdict is None or verdict.band == "none":
            return None
        return cls(verdict.band, verdict.score, verdict.matched, verdict.evidence)
