"""Triage: does a free-text message signal danger, so that a human operator must see it now?

Pure logic, no Telegram: the patterns come from content/triage.yaml (bot/content/triage.py), the matching
from bot/text/matcher.py, the language guess from bot/text/detect.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from bot.content.triage import TriageRules
from bot.text.detect import detect_language
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


class Triage:
    """Built once from the content; `classify` is pure and safe to call from many handlers."""

    def __init__(self, rules: TriageRules) -> None:
        self.rules = rules
        self._matcher = rules.matcher()
        self._pattern = {pattern.id: pattern for pattern in rules.patterns}
        self._priority = {key: category.priority for key, category in rules.categories.items()}

    def classify(self, text: str, lang_hint: str | None = None) -> TriageResult:
        tokens = tokenize(text)
        hits = self._matcher.scan_tokens(text, tokens)
        lang = detect_language(text, tokens)
        if not hits:
            return TriageResult(urgent=False, category=None, lang=lang or lang_hint, matched=None)
        # The most urgent category wins; among its hits, the first in the text.
        best = min(hits, key=lambda hit: (-self._priority.get(self._pattern[hit.rule_id].category, -1), hit.start))
        pattern = self._pattern[best.rule_id]
        return TriageResult(urgent=True, category=pattern.category, lang=lang or pattern.lang or lang_hint,
                            matched=best.evidence, band="ticket", score=1.0)  # fmt: skip


def triage_lines(lines: Iterable[str], triage: Triage) -> Iterator[dict[str, object]]:
    """`helpline triage FILE --json`: one result per non-blank line, exactly urgent, category, lang, matched."""
    for line in lines:
        text = line.strip()
        if not text:
            continue
        result = triage.classify(text)
        yield {"urgent": result.urgent, "category": result.category, "lang": result.lang, "matched": result.matched}
