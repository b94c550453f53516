"""Find phrases in a text despite typos, inflection and script: the engine under triage and offer scanning.

A rule is a list of word groups that must all appear within a window of words, unless one of its
`unless` groups appears in that window too. A group is a list of alternatives; an alternative is one
or more word stems ("забра", "olib qo"). A word matches a stem when it starts with it, or nearly does:
rapidfuzz's Levenshtein distance on the word's prefix, one edit for stems of 5 letters, two from 9.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from bot.text.normalize import Token, tokenize

Stem = tuple[str, ...]  # one alternative: consecutive word stems


@dataclass(frozen=True)
class Rule:
    id: str
    all_of: Sequence[Sequence[str]]
    unless: Sequence[Sequence[str]] = ()
    window: int = 6


@dataclass(frozen=True)
class Hit:
    rule_id: str
    evidence: str  # the words of the original text that matched, from first to last
    start: int
    end: int


def _stems(alternatives: Iterable[str]) -> list[Stem]:
    stems = []
    for alternative in alternatives:
        # Split as texts are split: "ұрып-соғ" is two words in a message, so two in a stem.
        words = tuple(token.skeleton for token in tokenize(alternative))
        if words and all(words):
            stems.append(words)
    return stems


def allowed_edits(stem: str) -> int:
    return 0 if len(stem) < 5 else 1 if len(stem) < 9 else 2


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    all_of: tuple[tuple[Stem, ...], ...]
    unless: tuple[tuple[Stem, ...], ...]
    window: int


class PhraseMatcher:
    """Compiled rules; `scan` finds every rule in a text, each at its first place."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = [
            _CompiledRule(rule.id, tuple(tuple(_stems(g)) for g in rule.all_of),
                          tuple(tuple(_stems(g)) for g in rule.unless), rule.window)
            for rule in rules
        ]  # fmt: skip
        words = {
            word for rule in self._rules for group in (*rule.all_of, *rule.unless) for stem in group for word in stem
        }
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(words):
            self._by_length[len(word)].append(word)
        self._exact = {length: set(group) for length, group in self._by_length.items()}

    def _word_hits(self, tokens: Sequence[Token]) -> dict[str, set[int]]:
        """For every stem word, the token positions that match it (exactly or nearly)."""
        positions: dict[str, list[int]] = defaultdict(list)  # texts repeat their words: each is looked at once
        for position, token in enumerate(tokens):
            positions[token.skeleton].append(position)
        distinct = list(positions)
        hits: dict[str, set[int]] = defaultdict(set)
        for length, words in self._by_length.items():
            # All stems of one length allow the same number of edits: short ones none, a set lookup.
            edits = allowed_edits(words[0])
            if edits == 0:
                exact = self._exact[length]
                for word in distinct:
                    if word[:length] in exact and len(word) >= length:
                        hits[word[:length]].update(positions[word])
                continue
            prefixes = list({word[:length] for word in distinct if len(word) >= length})
            if not prefixes:
                continue
            # One C call for all prefixes × stems of this length.
            distances = cdist(prefixes, words, scorer=Levenshtein.distance, score_cutoff=edits, workers=1)
            near: dict[str, list[str]] = defaultdict(list)
            for i, j in zip(*(distances <= edits).nonzero(), strict=True):
                near[prefixes[i]].append(words[j])
            if near:
                for word in distinct:
                    for stem in near.get(word[:length], ()):
                        hits[stem].update(positions[word])
        return hits

    @staticmethod
    def _places(stem: Stem, hits: dict[str, set[int]]) -> list[tuple[int, int]]:
        """Where a (multi-word) stem stands: (first, last) token positions."""
        return [
            (first, first + len(stem) - 1)
            for first in sorted(hits.get(stem[0], ()))
            if all(first + offset in hits.get(word, ()) for offset, word in enumerate(stem[1:], 1))
        ]

    def scan(self, text: str) -> list[Hit]:
        return self.scan_tokens(text, tokenize(text))

    def scan_tokens(self, text: str, tokens: Sequence[Token]) -> list[Hit]:
        """`scan` on words the caller has already tokenized (and may use for more, such as the language)."""
        if not tokens:
            return []
        hits = self._word_hits(tokens)
        places: dict[Stem, list[tuple[int, int]]] = {}

        def where(group: tuple[Stem, ...]) -> list[tuple[int, int]]:
            found: set[tuple[int, int]] = set()
            for stem in group:
                if stem[0] in hits:
                    if stem not in places:
                        places[stem] = self._places(stem, hits)
                    found.update(places[stem])
            return sorted(found)

        result = []
        for rule in self._rules:
            # Most rules lack a word of some group: skip them before placing any stem.
            if not all(any(all(word in hits for word in stem) for stem in group) for group in rule.all_of):
                continue
            span = self._first_span(rule, where)
            if span is not None:
                start, end = tokens[span[0]].start, tokens[span[1]].end
                result.append(Hit(rule.id, text[start:end], start, end))
        return result

    @classmethod
    def _first_span(
        cls, rule: _CompiledRule, where: Callable[[tuple[Stem, ...]], list[tuple[int, int]]]
    ) -> tuple[int, int] | None:
        groups = []
        for group in rule.all_of:
            found = where(group)
            if not found:
                return None
            groups.append(found)
        if not groups:
            return None
        vetoes = [place for group in rule.unless for place in where(group)]
        for anchor in groups[0]:
            span = cls._span_near(anchor, groups[1:], rule.window)
            if span is None:
                continue
            low, high = span
            if not any(low - rule.window <= v[0] and v[1] <= high + rule.window for v in vetoes):
                return span
        return None

    @staticmethod
    def _span_near(anchor: tuple[int, int], others: list[list[tuple[int, int]]], window: int) -> tuple[int, int] | None:
        low, high = anchor
        for places in others:
            near = [p for p in places if abs(p[0] - anchor[0]) <= window]
            if not near:
                return None
            best = min(near, key=lambda p: abs(p[0] - anchor[0]))
            low, high = min(low, best[0]), max(high, best[1])
        return low, high
