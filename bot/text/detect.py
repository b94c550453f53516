"""Guess whether a short message is Kazakh, Russian or Uzbek, in whatever script it was typed.

Three kinds of evidence, all kept as data below so they can be read and extended:
- letters only one language has (Kazakh ә і ң ү ұ ө һ, Uzbek ў ҳ and oʻ gʻ, Russian щ ё);
- frequent short words (kept in their usual spelling and folded like the text, so "жоқ", "jok" and "zhoq" are one);
- word endings typical of one language (Kazakh converbs in -ып/-іп, Uzbek -yapti and -moqchi, Russian -ют).

Kazakh typed without its letters and Russian typed in Latin letters leave only the words and endings; Uzbek
Latin is told from Russian in Latin by its apostrophes, its x and q, its words and endings. A message with no
evidence (a name, a number, "ok") gets None: the caller keeps the language it already knows. Nor does a
message in English (words below), which Latin-typed Russian and Kazakh would otherwise claim ("my" is мы).

`guess_language` also says whether the guess is sure: a few words are not enough to switch a person's
language, so a caller that is unsure asks them (the language picker) instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot.text.normalize import Token, fold_word, prepare, tokenize

LANGS = ("kk", "ru", "uz")

# fmt: off
# Letters (after case folding) and what each one says: language -> weight per occurrence.
LETTERS: Mapping[str, Mapping[str, float]] = {
    **{letter: {"kk": 3.0} for letter in "әіңүұөһ"},
    **{letter: {"kk": 1.0, "uz": 1.0} for letter in "ғқ"},
    **{letter: {"uz": 3.0} for letter in "ўҳ"},
    "ы": {"kk": 1.0, "ru": 1.0},  # not in Uzbek
    **{letter: {"ru": 2.0} for letter in "щё"},
    "ь": {"ru": 1.0},
}

# Frequent words, written as people usually spell them; several spellings may fold to one skeleton.
# A word two languages share (men, bar, emes, kanday …) is left out: it tells nothing; so is yoʻq, whose
# skeleton is "ok".
WORDS: Mapping[str, tuple[str, ...]] = {
    "kk": (
        "және", "жоқ", "жок", "үшін", "ушин", "керек", "жұмыс", "ақша", "айлық", "қалай", "қашан", "қанша", "қайда",
        "осы", "сол", "бұл", "бул", "екен", "мен", "сен", "ол", "біз", "сіз", "сиз", "олар", "маған", "саған", "оған",
        "бізді", "мені", "сені", "оны", "жатыр", "жатырмыз", "жүр", "отыр", "болды", "бола", "ма", "ме", "ба", "бе",
        "па", "пе", "деп", "дейді", "деді", "емес", "бар", "тез", "енді", "әлі", "да", "де", "та", "те", "ғой",
        "жерде", "қай", "кай", "көмек", "көмектесіңіз", "көмектесіңіздер", "рахмет", "сәлеметсіз",
        "қазір", "бүгін", "ертең", "үй", "үйден",
        "бастық", "қожайын", "бала", "баламды", "ағам", "інім", "апам", "қызым", "ұлым", "әкем", "анам", "шетел",
    ),
    "ru": (
        "и", "в", "на", "не", "с", "что", "как", "это", "я", "у", "меня", "мне", "нас", "нам", "мы", "вы", "они",
        "он", "она", "его", "её", "по", "за", "из", "от", "до", "для", "или", "но", "уже", "если", "когда", "где",
        "почему", "помогите", "работа", "работу", "работе", "зарплата", "зарплату", "денег", "очень", "все", "всё",
        "был", "была", "было", "есть", "нет", "так", "тут", "чтобы", "при", "про", "без", "можно", "нужно", "надо",
        "который", "хозяин", "паспорт", "документы", "брат", "сестра", "дочь", "сын", "мама", "домой", "пожалуйста",
        "спасибо", "привет", "здравствуйте", "сколько", "куда", "какие", "какой", "нужны", "говорят", "сказал",
        "еще", "ещё", "там", "здесь", "только", "потом", "сейчас", "месяц", "месяца", "день", "будет", "хочу",
    ),
    "uz": (
        "va", "uchun", "bilan", "kerak", "ish", "ishdan", "ishga", "oylik", "bor", "ham", "bu", "nima",
        "qayerda", "qachon", "qancha", "qanday", "menga", "bizni", "meni", "sizga", "ular", "hozir", "yana", "lekin",
        "endi", "deb", "dedi", "deydi", "emas", "yordam", "bering", "rahmat", "salom", "assalomu", "xoʻjayin", "pul",
        "akam", "ukam", "opam", "singlim", "qizim", "oʻgʻlim", "onam", "otam", "bolam", "uyga", "uyda", "chet",
        "boʻladi", "boʻldi", "boʻlsa", "yaxshi", "mumkin", "haqida", "beri", "keyin", "oldin", "chunki", "agar",
    ),
}

# Word endings (of the folded word, which must be longer than the ending by 2 letters) and their weight.
ENDINGS: Mapping[str, tuple[tuple[str, float], ...]] = {
    # Kazakh converbs -ып/-іп/-п and plurals -лер/-дар/-дер/-тар/-тер, genitive -ның/-нің, -ыңыз;
    # the ablative -дан and the possessive -ым are Turkic (Kazakh and Uzbek), not Russian
    "kk": (("ip", 1.0), ("ap", 1.0), ("ep", 1.0), ("up", 0.5), ("ler", 1.0), ("dar", 1.0), ("der", 1.0),
           ("tar", 1.0), ("ter", 1.0), ("nin", 1.0), ("iniz", 1.0), ("maidi", 1.0), ("meidi", 1.0),
           ("ganmin", 1.0), ("pin", 0.5), ("min", 0.5),
           ("dan", 0.5), ("den", 0.5), ("tan", 0.5), ("ten", 0.5), ("im", 0.5)),
    # Uzbek present continuous -yapti (folds to -apti), -moqchi, converb -ib, genitive -ning, -ingiz, -ishdi
    "uz": (("apti", 2.0), ("apman", 2.0), ("mokchi", 2.0), ("ib", 1.0), ("ning", 1.0), ("ingiz", 1.0),
           ("ishdi", 1.5), ("ishadi", 1.5), ("ishapti", 1.0), ("man", 0.5), ("miz", 0.5),
           ("dan", 0.5), ("im", 0.5)),
    # Russian verb and adjective endings
    "ru": (("ut", 1.0), ("ete", 1.0), ("ite", 1.0), ("ogo", 1.0), ("ami", 1.0), ("ost", 1.0), ("li", 0.5),
           ("ov", 0.5), ("ei", 0.5), ("oi", 0.5), ("nie", 1.0), ("sa", 0.5), ("et", 0.5)),
}
# English, which the bot does not speak: words that are no word of Latin-typed Russian, Kazakh or Uzbek
# ("i", "a", "no", "my", "on", "men" are), compared as typed, lower-cased.
ENGLISH = frozenset((
    "the", "me", "am", "is", "are", "was", "were", "you", "your", "they", "them", "their", "we", "our", "us",
    "he", "she", "it", "his", "her", "please", "help", "what", "how", "where", "when", "why", "who", "can",
    "cannot", "can't", "not", "don't", "won't", "with", "this", "that", "have", "has", "had", "want", "need",
    "work", "job", "money", "took", "taken", "passport", "locked", "in", "of", "and", "for", "from", "hello",
    "hi", "thanks", "thank", "will", "would", "there", "here", "i'm", "do", "does", "did", "be", "been",
))
# fmt: on

WORD_WEIGHT = 2.0
# A sure guess: this much evidence, and this much more than the next language (calibrated on the labelled
# messages in tests/data/triage: no sure guess there is wrong). One distinctive word is not sure.
SURE_SCORE = 4.0
SURE_MARGIN = 2.0
_UZ_APOSTROPHE = re.compile(r"[og][ʻʼ‘’'`´]")  # the Uzbek oʻ and gʻ, typed with any apostrophe
_LATIN_WORD = re.compile(r"[a-z]+")
# In Latin-typed Kazakh and Russian, y is a vowel between consonants (alyp, shygarmaidy, vy); in Uzbek never.
_VOWEL_Y = re.compile(r"[bcdfghjklmnpqrstvwxz]y(?![aeiouy])")
_CYRILLIC = re.compile(r"[а-яёәіңғүұқөһўҳ]")
_LATIN = re.compile(r"[a-z]")


def _folded(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(filter(None, (fold_word(prepare(word)) for word in words)))


_WORD_SETS = {lang: _folded(words) for lang, words in WORDS.items()}
# A skeleton two languages' lists share tells nothing: keep it out of both.
_SHARED = {word for a in LANGS for b in LANGS if a < b for word in _WORD_SETS[a] & _WORD_SETS[b]}
_WORD_LANGS: dict[str, str] = {word: lang for lang, words in _WORD_SETS.items() for word in words - _SHARED}


@lru_cache(maxsize=16_384)
def _ending_scores(word: str) -> tuple[tuple[str, float], ...]:
    found = []
    for lang, endings in ENDINGS.items():
        fitting = (weight for ending, weight in endings if len(word) >= len(ending) + 2 and word.endswith(ending))
        best = max(fitting, default=0.0)
        if best:
            found.append((lang, best))
    return tuple(found)


def scores(text: str, tokens: list[Token] | None = None) -> dict[str, float]:
    """The evidence for each language (higher is stronger)."""
    result = dict.fromkeys(LANGS, 0.0)
    lowered = prepare(text)
    for letter, count in Counter(lowered).items():  # each distinct letter once
        for lang, weight in LETTERS.get(letter, {}).items():
            result[lang] += weight * count
    result["uz"] += 3.0 * len(_UZ_APOSTROPHE.findall(lowered))
    for word in _LATIN_WORD.findall(lowered):
        if "x" in word:
            result["uz"] += 1.0
        if "q" in word:
            result["uz"] += 0.5
        if _VOWEL_Y.search(word) or "zh" in word:
            result["kk"] += 1.0
            result["ru"] += 1.0
    for token in tokenize(text) if tokens is None else tokens:
        word = token.skeleton
        known = _WORD_LANGS.get(word)
        if known is not None:
            result[known] += WORD_WEIGHT
            continue
        for lang, weight in _ending_scores(word):
            result[lang] += weight
    return result


@dataclass(frozen=True)
class Guess:
    lang: str | None  # kk, ru or uz; None: no evidence, a tie, or English
    sure: bool  # enough evidence to act on without asking the person


_TYPED_WORD = re.compile(r"[a-z']+")


def english_score(text: str) -> float:
    return WORD_WEIGHT * sum(word in ENGLISH for word in _TYPED_WORD.findall(text.lower().replace("’", "'")))


def guess_language(text: str, tokens: list[Token] | None = None) -> Guess:
    """The language of a message, and whether the guess is sure."""
    found = scores(text, tokens)
    ranked = sorted(found.values(), reverse=True)
    lang = _best(text, found)
    if lang is None or english_score(text) >= ranked[0]:
        return Guess(None, sure=False)
    return Guess(lang, sure=ranked[0] >= SURE_SCORE and ranked[0] - ranked[1] >= SURE_MARGIN)


def detect_language(text: str, tokens: list[Token] | None = None) -> str | None:
    """kk, ru or uz, or None when the text gives no evidence, two languages tie, or it is English."""
    return guess_language(text, tokens).lang


def _best(text: str, found: dict[str, float]) -> str | None:
    ranked = sorted(found.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top <= 0:
        return None
    if top == second:
        # A tie: the script decides between Russian and the other (Latin-typed Russian is rarer than Uzbek).
        tied = {lang for lang, score in ranked if score == top}
        cyrillic, latin = len(_CYRILLIC.findall(prepare(text))), len(_LATIN.findall(prepare(text)))
        if latin > cyrillic and "uz" in tied:
            return "uz"
        if cyrillic > latin and "ru" in tied:
            return "ru"
        return None
    return best


detect = detect_language
