"""The features the judgement models see: one function, used by training (as scikit-learn's analyzer) and at run time.

Everything works on the project's own skeletons (bot/text/normalize.py), so Kazakh without its letters, Russian in
Latin letters and Uzbek in either script meet before any weight is learned. Character n-grams inside word
boundaries carry typos and inflection (each model has its range, the urgency model's chosen by cross-validation);
word unigrams and bigrams carry phrases; two cue features mark framing in the past ("it was years ago") or as a
hypothesis ("what if…", "can an employer…"), which lowers urgency.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from itertools import pairwise

from bot.text.normalize import Token, tokenize

# Bump when the features change: the shipped model then no longer matches (the content check says so).
VERSION = "3"
NGRAMS = (3, 5)  # the shortest and longest character gram, unless a model says otherwise
WORD = "w:"  # prefixes keep the kinds apart: a character gram never contains ':'
PAIR = "b:"
CUE_PAST = "#past"
CUE_HYPOTHETICAL = "#hypo"

# Skeleton words (as tokenize folds them) that frame a message as over, or as not (yet) real.
_PAST = frozenset({
    "bil", "bila", "bilo", "bili", "ranshe", "davno", "proshlom", "proshlogo", "togda", "bivalo",
    "burin", "edi", "otken", "otkende", "baiagida", "kezinde",  # kk
    "oldin", "otgan", "aval", "ilgari", "edik", "edim", "ekan",  # uz
})  # fmt: skip
_HYPOTHETICAL = frozenset({
    "esli", "mojno", "mojet", "budet", "budu", "vdrug", "sluchisa", "sluchits", "hochu", "planiruu", "sobiraus",
    "eger", "bolsa", "bolama", "bolada", "kelesi", "erten",  # kk
    "agar", "mumkinmi", "mumkin", "boladimi", "kein", "kelasi", "ertaga",  # uz
    "zavtra",
})  # fmt: skip
_PAST_PREFIXES = ("godnazad", "letnazad", "kogdato")  # two words: "год назад", "когда-то"
_PAST_INITIALS = frozenset(prefix[0] for prefix in _PAST_PREFIXES)


Ngrams = tuple[int, int]


@lru_cache(maxsize=65_536)
def word_grams(word: str, ngrams: Ngrams = NGRAMS) -> tuple[str, ...]:
    """A word's own features: the word and its character grams within its boundaries."""
    padded = f" {word} "
    grams = [WORD + word]
    for n in range(ngrams[0], ngrams[1] + 1):
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def cues(words: Sequence[str]) -> list[str]:
    found = []
    # Two words can only make a past prefix if the first starts with a prefix's first letter: no joining else.
    if not _PAST.isdisjoint(words) or any(
        a[:1] in _PAST_INITIALS and (a + b).startswith(_PAST_PREFIXES) for a, b in pairwise(words)
    ):
        found.append(CUE_PAST)
    if not _HYPOTHETICAL.isdisjoint(words):
        found.append(CUE_HYPOTHETICAL)
    return found


def token_features(tokens: Sequence[Token], *, with_cues: bool = True, ngrams: Ngrams = NGRAMS) -> list[str]:
    words = [token.skeleton for token in tokens]
    out: list[str] = []
    for word in words:
        out.extend(word_grams(word, ngrams))
    out.extend(f"{PAIR}{a} {b}" for a, b in pairwise(words))
    if with_cues:
        out.extend(cues(words))
    return out


def features(text: str) -> list[str]:
    """The analyzer: every feature of a text, repeated as often as it occurs."""
    return token_features(tokenize(text))


@cache
def features_without_cues(ngrams: Ngrams = NGRAMS) -> Callable[[str], list[str]]:
    """The analyzer without the cue features, for measuring whether they help (`helpline train --ablate`)."""
    return lambda text: token_features(tokenize(text), with_cues=False, ngrams=ngrams)


@cache
def analyzer(ngrams: Ngrams) -> Callable[[str], list[str]]:
    """`features` with another range of character grams (one function a range: training caches by function)."""
    if ngrams == NGRAMS:
        return features
    return lambda text: token_features(tokenize(text), ngrams=ngrams)


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\n+|\s*•\s*|\s+[-–—]\s+(?=\S)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of an offer stands: (start, end), stripped, non-empty."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        piece = text[begin:end]
        stripped = piece.strip()
        if stripped:
            offset = begin + (len(piece) - len(piece.lstrip()))
            result.append((offset, offset + len(stripped)))
    return result
