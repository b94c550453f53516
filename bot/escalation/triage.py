"""Triage: does a free-text message signal danger, so that a human operator must see it now?

Pure logic, no Telegram: the patterns come from content/triage.yaml (bot/content/triage.py), the matching
from bot/text/matcher.py, the language guess from bot/text/detect.py, the model's score from bot/judgement/.

Rules and model together give one of three bands. The model's score alone opens a ticket from its ticket
threshold; a rule's match opens one when the model does not disagree (score from `rule_ticket`); a rule's match
the model doubts, or a score in the confirm range, asks the person whether they are in danger now. The thresholds
are chosen by cross-validation when the model is trained (bot/judgement/train.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from bot.content.triage import TriageRules
from bot.judgement.model import Judgement
from bot.text.detect import guess_language
from bot.text.normalize import tokenize

Band = Literal["ticket", "confirm", "none"]  # open a ticket now; ask "are you in danger now?"; nothing


@dataclass(frozen=True)
class TriageResult:
    urgent: bool  # exactly: band == "ticket"
    category: str | None
    lang: str | None
    matched: str | None  # the words of the original text that triggered it
    band: Band = "none"
    score: float = 0.0  # 0–1: how sure the judgement is that the person is in danger now
    # The model's strongest words, quoted from the original text (function words left out), for the card.
    evidence: tuple[str, ...] = ()
    lang_sure: bool = False  # `lang` was read from the text surely enough to speak it without asking


class Triage:
    """Built once from the content; `classify` is pure and safe to call from many handlers.

    Without a model (content with no content/model/) the rules decide alone: a match opens a ticket.
    """

    def __init__(self, rules: TriageRules, model: Judgement | None = None) -> None:
        self.rules = rules
        self.model = model
        self._matcher = rules.matcher()
        self._pattern = {pattern.id: pattern for pattern in rules.patterns}
        self._priority = {key: category.priority for key, category in rules.categories.items()}
        if model is not None:
            self._ticket, self._rule_ticket = model.threshold("ticket"), model.threshold("rule_ticket")
            self._confirm = model.threshold("confirm")

    def classify(self, text: str, lang_hint: str | None = None) -> TriageResult:
        tokens = tokenize(text)
        hits = self._matcher.scan_tokens(text, tokens)
        guess = guess_language(text, tokens)
        lang, sure = guess.lang, guess.sure
        category: str | None = None
        matched: str | None = None
        if hits:
            # The most urgent category wins; among its hits, the first in the text.
            best = min(hits, key=lambda hit: (-self._priority.get(self._pattern[hit.rule_id].category, -1), hit.start))
            pattern = self._pattern[best.rule_id]
            category, matched, lang = pattern.category, best.evidence, lang or pattern.lang
        lang = lang or lang_hint
        if self.model is None:
            band: Band = "ticket" if hits else "none"
            return TriageResult(urgent=bool(hits), category=category, lang=lang, matched=matched, band=band,
                                score=1.0 if hits else 0.0, lang_sure=sure)  # fmt: skip
        if not tokens:
            return TriageResult(urgent=False, category=None, lang=lang, matched=None, lang_sure=sure)
        judged = self.model.urgency_of(text, tokens)
        score = judged.score
        if score >= self._ticket or (hits and score >= self._rule_ticket):
            band = "ticket"
        elif hits or score >= self._confirm:
            band = "confirm"
        else:
            band = "none"
        if band == "none":
            return TriageResult(urgent=False, category=None, lang=lang, matched=None, score=round(score, 3),
                                lang_sure=sure)  # fmt: skip
        return TriageResult(urgent=band == "ticket", category=category or judged.category, lang=lang, matched=matched,
                            band=band, score=round(score, 3), evidence=self.model.evidence(text, tokens),
                            lang_sure=sure)  # fmt: skip


def triage_lines(lines: Iterable[str], triage: Triage) -> Iterator[dict[str, object]]:
    """`helpline triage FILE --json`: one result per non-blank line: urgent, category, lang, matched, band, score."""
    for line in lines:
        text = line.strip()
        if not text:
            continue
        result = triage.classify(text)
        yield {"urgent": result.urgent, "category": result.category, "lang": result.lang, "matched": result.matched,
               "band": result.band, "score": result.score}  # fmt: skip
