"""Fold the many ways people type one word into one skeleton.

Migrants write Kazakh without its letters, Russian in Latin letters, Uzbek in either script with any
apostrophe, on phones that autocorrect. Matching works on a skeleton where all of these meet:
NFKC, case folding, Cyrillic to Latin, diacritics dropped, spelling variants merged, repeats collapsed.
The same folding is applied to patterns, so patterns may be written in any script.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "s", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    # Uzbek Cyrillic
    "ў": "o", "ҳ": "h",
}  # fmt: skip

# Applied in order on the Latin text: transliteration habits that mean the same sound
# (gh is how many type Kazakh ғ and Uzbek gʻ: joghalyp = жоғалып, oghlim = oʻgʻlim).
_LATIN_VARIANTS = (
    ("shch", "sh"), ("sch", "sh"), ("w", "sh"), ("kh", "h"), ("gh", "g"), ("x", "h"), ("zh", "j"), ("dj", "j"),
    ("ts", "s"), ("tz", "s"), ("ch", "\0"), ("c", "s"), ("\0", "ch"), ("ph", "f"), ("q", "k"),
    ("yo", "o"), ("yu", "u"), ("iu", "u"), ("ya", "a"), ("ia", "a"), ("ye", "e"), ("y", "i"),
)  # fmt: skip

# Apostrophes Uzbek uses for oʻ, gʻ and the tutuq belgisi; inside a word they carry no meaning for matching.
_APOSTROPHES = "ʻʼ‘’'`´ʹ"
_INVISIBLE = "\u00ad\u200b-\u200f\u2060-\u2064\ufeff"
# A word: letters and digits, with apostrophes and invisible characters allowed inside it.
# (Runs, not one character at a time: a third faster on a long text, and the same words.)
_WORD = re.compile(rf"[^\W_]+(?:[{_APOSTROPHES}{_INVISIBLE}]+[^\W_]+)*")
_REPEATS = re.compile(r"(.)\1+")
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC | {mark: None for mark in _APOSTROPHES})
# Zero-width and direction marks: invisible, but they split or disguise words.
_FORMAT_CHARS = dict.fromkeys(
    [0x00AD, 0x061C, 0x180E, 0xFEFF, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]
)


class Token(NamedTuple):
    """One word of the original text: its skeleton and where it stands, to quote it back.

    A named tuple, built twice as fast as a frozen dataclass: texts have hundreds of words.
    """

    skeleton: str
    start: int
    end: int


def fold_word(word: str) -> str:
    """The skeleton of one word (already NFKC and case folded)."""
    word = word.translate(_CYRILLIC_TABLE)
    # Diacritics go with NFKD; what is still not ASCII (other scripts) cannot be matched and is dropped.
    word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    for variant, canonical in _LATIN_VARIANTS:
        word = word.replace(variant, canonical)
    return _REPEATS.sub(r"\1", word)


def prepare(text: str) -> str:
    """NFKC and case folding; format characters (zero-width, direction marks) removed."""
    return unicodedata.normalize("NFKC", text.translate(_FORMAT_CHARS)).casefold()


@lru_cache(maxsize=65_536)
def _skeleton_of_word(word: str) -> str:
    # Messages repeat their words, and people repeat each other's: most words are folded once.
    return fold_word(prepare(word))


def tokenize(text: str) -> list[Token]:
    """Words of the text with their skeletons and their places in the original text."""
    return [
        Token(folded, *match.span()) for match in _WORD.finditer(text) if (folded := _skeleton_of_word(match.group()))
    ]


def skeleton(text: str) -> str:
    """The whole text folded, words separated by single spaces."""
    return " ".join(token.skeleton for token in tokenize(text))
