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
from functools import cached_property
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cdist

from bot.text.normalize import Token, tokenize

Stem = tuple[str, ...]  # one alternative: consecutive word stems
MEMORY_WORDS = 65_536  # words whose matching stems a matcher remembers: a few MB at most


@dataclass(frozen=True)
class Rule:
    id: str
    all_of: Sequence[Sequence[str]]
    unless: Sequence[Sequence[str]] = ()
    window: int = 6
    # The groups in the order given, each within `window` words after the one before (Kazakh and Uzbek put
    # the object before its verb).
    in_order: bool = False


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
    in_order: bool

    @cached_property  # worked out once; the rule is frozen
    def first_words(self) -> tuple[frozenset[str], ...]:
        """Per group, the words its stems start with: a rule none of whose stems can start in a text is
        skipped with one set test a group."""
        return tuple(frozenset(stem[0] for stem in group) for group in self.all_of)


class PhraseMatcher:
    """Compiled rules; `scan` finds every rule in a text, each at its first place."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        # Rules share stems and groups ("паспорт" is in many): one object for each, so that a scan can place
        # each once, looked up by identity (cheaper than hashing nested tuples).
        shared: dict[Any, Any] = {}

        def group_of(alternatives: Sequence[str]) -> tuple[Stem, ...]:
            group = tuple(shared.setdefault(stem, stem) for stem in _stems(alternatives))
            return shared.setdefault(group, group)  # type: ignore[no-any-return]

        self._rules = [
            _CompiledRule(rule.id, tuple(group_of(g) for g in rule.all_of), tuple(group_of(g) for g in rule.unless),
                          rule.window, rule.in_order)
            for rule in rules
        ]  # fmt: skip
        words = {
            word for rule in self._rules for group in (*rule.all_of, *rule.unless) for stem in group for word in stem
        }
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(words):
            self._by_length[len(word)].append(word)
        self._exact = {length: set(group) for length, group in self._by_length.items()}
        # Folded word → the stem words it matches. Words only (as tokenize's own cache), never whole texts.
        self._memory: dict[str, tuple[str, ...]] = {}

    def _word_hits(self, tokens: Sequence[Token]) -> dict[str, set[int]]:
        """For every stem word, the token positions that match it (exactly or nearly)."""
        positions: dict[str, list[int]] = defaultdict(list)  # texts repeat their words: each is looked at once
        for position, token in enumerate(tokens):
            positions[token.skeleton].append(position)
        stems_of = {word: self._memory.get(word) for word in positions}
        new = [word for word, stems in stems_of.items() if stems is None]
        if new:
            stems_of.update(self._learn(new))
        hits: dict[str, set[int]] = defaultdict(set)
        for word, stems in stems_of.items():
            for stem in stems or ():
                hits[stem].update(positions[word])
        return hits

    def _learn(self, words: list[str]) -> dict[str, tuple[str, ...]]:
        """The stem words each of these words matches, remembered: people's texts share most of their words."""
        found: dict[str, list[str]] = {word: [] for word in words}
        for length, stems in self._by_length.items():
            by_prefix: dict[str, list[str]] = defaultdict(list)
            for word in words:
                if len(word) >= length:
                    by_prefix[word[:length]].append(word)
            if not by_prefix:
                continue
            # All stems of one length allow the same number of edits: short ones none, a set lookup.
            edits = allowed_edits(stems[0])
            if edits == 0:
                for stem in self._exact[length].intersection(by_prefix):
                    for word in by_prefix[stem]:
                        found[word].append(stem)
                continue
            prefixes = list(by_prefix)
            # One C call for all prefixes × stems of this length.
            distances = cdist(prefixes, stems, scorer=Levenshtein.distance, score_cutoff=edits, workers=1)
            for i, j in zip(*(distances <= edits).nonzero(), strict=True):
                for word in by_prefix[prefixes[i]]:
                    found[word].append(stems[j])
        learned = {word: tuple(stems) for word, stems in found.items()}
        if len(self._memory) + len(learned) > MEMORY_WORDS:
            self._memory.clear()  # a crude bound; the words of the next texts come back at once
        self._memory.update(learned)
        return learned

    def scan(self, text: str) -> list[Hit]:
        return self.scan_tokens(text, tokenize(text))

    def scan_tokens(self, text: str, tokens: Sequence[Token]) -> list[Hit]:
        """`scan` on words the caller has already tokenized (and may use for more, such as the language)."""
        if not tokens:
            return []
        hits = self._word_hits(tokens)
        # Each stem and group placed once a text, found by identity (see __init__).
        stem_places: dict[int, list[tuple[int, int]]] = {}
        group_places: dict[int, list[tuple[int, int]]] = {}

        def place(stem: Stem) -> list[tuple[int, int]]:
            """Where a (multi-word) stem stands: (first, last) token positions."""
            found = stem_places.get(id(stem))
            if found is None:
                starts = hits[stem[0]]
                for offset, word in enumerate(stem[1:], 1):
                    later = hits.get(word, set())
                    # Walk the fewer of the two: short words such as "по" stand all over a text.
                    if len(later) < len(starts):
                        starts = {place - offset for place in later if place - offset in starts}
                    else:
                        starts = {first for first in starts if first + offset in later}
                found = stem_places[id(stem)] = [(first, first + len(stem) - 1) for first in sorted(starts)]
            return found

        def where(group: tuple[Stem, ...]) -> list[tuple[int, int]]:
            found = group_places.get(id(group))
            if found is None:
                placed = [spots for stem in group if stem[0] in hits and (spots := place(stem))]
                found = placed[0] if len(placed) == 1 else sorted({spot for spots in placed for spot in spots})
                group_places[id(group)] = found
            return found

        result = []
        for rule in self._rules:
            # Most rules lack a word of some group: skip them before placing any stem.
            if any(hits.keys().isdisjoint(words) for words in rule.first_words):
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
        vetoes: list[tuple[int, int]] | None = None
        follow = cls._span_after if rule.in_order else cls._span_near
        for anchor in groups[0]:
            span = follow(anchor, groups[1:], rule.window)
            if span is None:
                continue
            if vetoes is None:
                vetoes = [place for group in rule.unless for place in where(group)]
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

    @staticmethod
    def _span_after(
        anchor: tuple[int, int], others: list[list[tuple[int, int]]], window: int
    ) -> tuple[int, int] | None:
        """Each group's nearest place after the one before it, at most `window` words after its end."""
        low, high = anchor
        for places in others:
            after = next((p for p in places if p[0] > high), None)  # places are sorted
            if after is None or after[0] - high > window:
                return None
            high = after[1]
        return low, high
