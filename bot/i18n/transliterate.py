"""Uzbek Latin ⇄ Cyrillic transliteration, by the rules of Uzbek orthography.

The bot's Uzbek texts are written once, in the official Latin alphabet (1995 rules); the Cyrillic
variant (uz_Cyrl) is derived with `latin_to_cyrillic`, so it has to be right: people read it.
`cyrillic_to_latin` goes the other way, to normalise what users type in Uzbek Cyrillic.

Letter rules (Latin → Cyrillic):
  * oʻ gʻ → ў ғ, with any apostrophe people type (ʻ ‘ ’ ' ` ʼ ´); they win over yo ("yoʻl" → "йўл").
  * The tutuq belgisi (an apostrophe between letters, not after o/g) → ъ: "taʼlim" → "таълим".
    Between s and h it only says "not sh" and has no Cyrillic letter: "Isʼhoq" → "Исҳоқ".
  * sh ch → ш ч; ng stays н+г; yo yu ya ye → ё ю я е; x h q j → х ҳ қ ж; c (1993 alphabet) → ц.
  * e → э at the start of a word and after a, e, o, u, oʻ ("ekin" → "экин", "aeroport" → "аэропорт"),
    otherwise е. After i it stays е: "ie" is the Russian pattern of loans (klient, dieta, gigiena);
    native words do not put e after a vowel.
  * ц: Latin spells it s at the start of a word and after consonants, ts after vowels (sirk, aksiya,
    politsiya). A blanket ts → ц would be wrong, native verb forms are full of t+s (ketsa, aytsa, sotsin,
    oʻtsa, patentsiz), so ts → ц only where international words have it: before i and a vowel (ofitsiant,
    spetsialist, sotsial, -tsiya, -tsion) and before -tsent, -tsenz, -tsept; s → ц in -ksiya and -nsiya
    (aksiya, stansiya, Fransiya), and the rest (sirk, sement, konsert …) come from the exception dictionary.
  * Russian loans whose Cyrillic has letters the Latin spelling lost (ь ъ ц щ я) are in `_EXCEPTIONS`,
    matched by stem with Uzbek suffixes after it. A final ь goes when a suffix follows, as Uzbek
    Cyrillic writes it: "oktabrdagi" → "октябрдаги", "fevralda" → "февралда".

Left untouched: HTML tags and <code>/<pre> blocks, entities, {placeholders}, %(name)s and %s/%d, URLs,
bare domains, e-mail addresses, @handles, /commands, Roman numerals (XXI asr), brand names and Latin
acronyms that Uzbek Cyrillic texts keep in Latin (Telegram, WhatsApp, QR, SIM, ID, and names people search
for in Latin: EPS, TOPIK, IT, MOHRE, Emirates), and any Latin capitals with digits (E-9, H2A). A suffix
glued to such a name gets the apostrophe Uzbek Cyrillic media use: "Telegramda" → "Telegram’да".

Capitalisation follows the source: Title case and ALL CAPS ("SHAHAR" → "ШАҲАР", "Sh" → "Ш").
Words are converted once and cached (helpline texts repeat their words), regexes are precompiled:
a 2,000-character text takes about half a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

__all__ = ["TRANSLITERATIONS", "cyrillic_to_latin", "latin_to_cyrillic"]

# Every character people use for the oʻ/gʻ mark and the tutuq belgisi.
_APOSTROPHES = "ʻʼ‘’'`´"
_APOS = f"[{_APOSTROPHES}]"
# A letter of any script; the modifier letters ʻ ʼ are Unicode letters but act as apostrophes here.
_LETTER = rf"[^\W\d_{_APOSTROPHES}]"
_NORMALISE_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))

# Official Latin output marks: U+02BB for oʻ/gʻ, U+02BC for the tutuq belgisi.
_OKINA = "ʻ"
_TUTUQ = "ʼ"

# Russian loans whose Cyrillic spelling cannot be derived from the Latin one: stem → Cyrillic stem.
# Keys are lowercase Latin (any apostrophe), values lowercase Cyrillic. A word matches when it is the
# stem followed only by Uzbek suffixes (so "sirk" does not touch "sirka", vinegar).
_EXCEPTIONS: dict[str, str] = {
    # ц that Latin writes as s (word-initially or after a consonant)
    "sirk": "цирк", "sement": "цемент", "sentr": "центр", "sentner": "центнер", "sex": "цех",
    "sikl": "цикл", "konsert": "концерт", "konsern": "концерн", "konsepsiya": "концепция",
    "aksiz": "акциз", "litsey": "лицей",
    # ь and я that Latin drops (1995 rules: sentabr, oktabr are written as pronounced)
    "yanvar": "январь", "fevral": "февраль", "aprel": "апрель", "iyun": "июнь", "iyul": "июль",
    "sentabr": "сентябрь", "oktabr": "октябрь", "noyabr": "ноябрь", "dekabr": "декабрь",
    "kompyuter": "компьютер", "film": "фильм", "rol": "роль", "model": "модель", "mebel": "мебель",
    "avtomobil": "автомобиль", "alkogol": "алкоголь", "ansambl": "ансамбль", "intervyu": "интервью",
    "premyera": "премьера", "pyesa": "пьеса", "pochtalyon": "почтальон", "batalyon": "батальон",
    "statya": "статья",
    # ъ before е that Latin writes as y
    "obyekt": "объект", "subyekt": "субъект", "podyezd": "подъезд",
    # щ
    "yashchik": "ящик", "borshch": "борщ",
    # й+о that the yo → ё rule would merge
    "mayor": "майор", "mayonez": "майонез",
    # с where the -nsiya rule would give ц
    "pensiya": "пенсия", "ekspansiya": "экспансия",
    # ъ after ў that Latin does not write (1995 rules, §32: moʻjiza, moʻtadil, moʻtabar)
    "moʻjiza": "мўъжиза", "moʻtadil": "мўътадил", "moʻtabar": "мўътабар",
    # common non-standard spellings whose e after a vowel is е, not э
    "poezd": "поезд", "proekt": "проект",
}  # fmt: skip
# Spellings that are not the standard Latin form: never produced by cyrillic_to_latin.
_ONE_WAY = frozenset({"poezd", "proekt"})

# Uzbek suffixes that may follow an exception stem or a brand name (Latin, lowercase).
_SUFFIXES = (
    "lar", "lari", "im", "imiz", "ing", "ingiz", "i", "si", "miz", "ngiz", "m", "ng",
    "ni", "ning", "niki", "ga", "ka", "qa", "da", "dan", "dagi", "gi", "ki", "gacha", "kacha", "qacha",
    "dek", "day", "cha", "chi", "chilik", "li", "lik", "ligi", "siz", "sizlik", "la", "lash", "lan",
    "lashtir", "dir", "mi", "gina", "kina", "qina", "man", "san",
)  # fmt: skip


def _alternation(words: list[str]) -> str:
    # Longest first, so the regex prefers "lari" to "lar" and "sentner" to "sentr".
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))


_SUFFIX_CHAIN = f"(?:{_alternation(list(_SUFFIXES))})*"
_EXCEPTION_KEYS = {key.translate(_NORMALISE_APOSTROPHES): value for key, value in _EXCEPTIONS.items()}
_LATIN_EXCEPTION = re.compile(rf"({_alternation(list(_EXCEPTION_KEYS))})({_SUFFIX_CHAIN})")

# Names and acronyms that Uzbek Cyrillic texts keep in Latin letters; brands in any case, acronyms
# only in capitals ("ID" is kept, a word "id" would not be).
_BRANDS = (
    "Telegram", "WhatsApp", "Viber", "Facebook", "Instagram", "YouTube", "TikTok", "Google", "Gmail",
    "Android", "iPhone", "iOS", "Skype", "Zoom", "Yandex", "Mastercard", "Payme", "Click", "WiFi", "email",
    "Emirates",
)  # fmt: skip
_ACRONYMS = ("QR", "ID", "SIM", "PIN", "PUK", "PDF", "USB", "GPS", "SOS", "VPN", "URL", "SMS", "IMEI", "IBAN",
             "SWIFT", "IOM", "UNHCR", "UNICEF", "ILO", "OSCE",
             # names people search for in Latin: Korea's work programme and its exam, the UAE's ministry
             "EPS", "TOPIK", "IT", "MOHRE")  # fmt: skip
# A name alone or with Uzbek suffixes glued on, with or without an apostrophe: Telegramda, SMS’ni.
_LATIN_NAME = re.compile(
    rf"((?i:{_alternation([b.lower() for b in _BRANDS])})|{_alternation(list(_ACRONYMS))})"
    rf"({_APOS}?)((?i:{_SUFFIX_CHAIN}))"
)
# Roman numerals ("XXI asr"): Cyrillic texts keep them Latin. Only valid numerals, so "DIL" is a word.
_ROMAN = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")

# Punctuation that ends a sentence rather than a URL.
_URL_END = r"""[^\s<>"'.,;:!?)\]}»”’]"""
_TLDS = "uz|ru|kz|kg|tj|tm|com|org|net|gov|int|info|io|me|app"
# Text that is not Uzbek prose.
_PROTECTED = "|".join(
    (
        r"<(?P<tag>code|pre)\b[^>]*>.*?</(?P=tag)\s*>",  # code is literal
        r"<[^<>\n]*>",  # HTML tags and their attributes
        r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);",  # HTML entities
        r"\{[^{}\n]*\}",  # str.format placeholders: {name}, {0}, {count:d}
        r"%\([^()\s]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]",  # %(count)s
        rf"%[-#0+]*\d*(?:\.\d+)?[sdif](?!{_LETTER})",  # %s, %d (but not "30%dan")
        r"(?<![\w@])@[A-Za-z0-9_]+",  # @handles
        r"(?<![\w/])/[A-Za-z][A-Za-z0-9_]*(?:@[A-Za-z0-9_]+)?",  # /commands
        rf"(?:(?:https?|ftp|tg)://|www\.)[^\s<>\"]*{_URL_END}",  # URLs
        r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # e-mail addresses
        # bare domains: migration.gov.uz, t.me/helpline_bot
        rf"(?<![\w@.])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?i:{_TLDS})(?![\w-])(?:/[^\s<>\"]*{_URL_END})?",
        r"(?<![\w-])(?i:wi-fi|e-mail)(?![\w-])",  # hyphenated names the word rules would split
    )
)
# What, after a word, shows it is the start of a protected span rather than a word: an e-mail, a domain,
# a URL scheme, Wi-Fi. Tried right after the word, it costs ordinary words next to nothing.
_NOT_A_WORD_END = r"(?![\w.+-]*@[A-Za-z0-9]|\.[A-Za-z0-9]|://|-(?i:fi|mail)\b)"

# ---------------------------------------------------------------------------------------------------
# Latin → Cyrillic

# A Latin word: letters with apostrophes inside; a final apostrophe only after g (bogʻ, togʻ, yogʻ),
# and not after ng, where it is a closing quote. After o a final apostrophe is a quote too
# ('kino'): no Uzbek word ends in oʻ.
_LATIN_WORD = re.compile(rf"{_LETTER}+(?:{_APOS}{_LETTER}+)*(?:(?<=[^nN][gG]){_APOS})?")
# The units of a normalised lowercase word, longest first. oʻ/gʻ come before yo ("yoʻl" is y+oʻ+l).
_UNIT = re.compile(r"[og]'|s'h|sh|ch|yo(?!')|y[aeu]|ts(?=i[aeou]|iy|ent|enz|ept)|.", re.DOTALL)
_LATIN_TO_CYRILLIC = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т",
    "u": "у", "v": "в", "w": "в", "x": "х", "y": "й", "z": "з", "'": "ъ",
    "o'": "ў", "g'": "ғ", "s'h": "сҳ", "sh": "ш", "ch": "ч", "yo": "ё", "yu": "ю", "ya": "я", "ye": "е",
    "ts": "ц",
}  # fmt: skip
# After these, e is the vowel э ("aeroport", "poeziya"); i is left out on purpose (klient, dieta).
_VOWELS_BEFORE_E = frozenset({"a", "e", "o", "u", "o'", "yo", "yu", "ya", "ye"})


def _lower_same_length(word: str) -> str:
    # str.lower() can grow a word ("İ" → "i̇"); positions must stay aligned with the source for case.
    lower = word.lower()
    return lower if len(lower) == len(word) else "".join(ch.lower()[0] for ch in word)


def _latin_units(low: str, source: str, initial: bool, previous: str | None = None) -> str:
    """Cyrillic for a normalised lowercase word; `source` gives each unit's case."""
    out = []
    for match in _UNIT.finditer(low):
        unit = match.group()
        if unit == "e":
            start_of_word = initial and match.start() == 0
            cyr = "э" if start_of_word or previous in _VOWELS_BEFORE_E else "е"
        elif unit == "s" and previous in ("k", "n") and low.startswith("iya", match.end()):
            cyr = "ц"  # aksiya, stansiya, Fransiya: ц that Latin writes s after a consonant
        else:
            cyr = _LATIN_TO_CYRILLIC.get(unit, unit)
        if source[match.start()].isupper():
            cyr = cyr[:1].upper() + cyr[1:]
        out.append(cyr)
        previous = unit
    return "".join(out)


def _with_case_of(word: str, converted: str) -> str:
    """The capitalisation pattern of a source word applied to its (lowercase) conversion."""
    if len(word) > 1 and word.isupper():
        return converted.upper()
    if word[:1].isupper():
        return converted[:1].upper() + converted[1:]
    return converted


def _latin_word(word: str) -> str:
    if _ROMAN.fullmatch(word):
        return word
    name = _LATIN_NAME.fullmatch(word)
    if name:
        kept, apostrophe, suffixes = name.groups()
        if not suffixes:
            return word
        # Telegram’да: the Latin name and the Cyrillic suffix are kept apart, as Uzbek Cyrillic media do.
        low = suffixes.lower()
        return f"{kept}{apostrophe or '’'}{_with_case_of(suffixes, _latin_units(low, low, initial=False))}"
    low = _lower_same_length(word).translate(_NORMALISE_APOSTROPHES)
    exception = _LATIN_EXCEPTION.fullmatch(low)
    if exception:
        stem, suffixes = exception.groups()
        cyrillic = _EXCEPTION_KEYS[stem]
        if suffixes and cyrillic.endswith("ь"):
            cyrillic = cyrillic[:-1]  # октябрь, but октябрда
        cyrillic += _latin_units(suffixes, suffixes, initial=False, previous=stem[-1])
        return _with_case_of(word, cyrillic)
    converted = _latin_units(low, word, initial=True)
    return converted.upper() if len(word) > 1 and word.isupper() else converted


def _tokens(word: str) -> re.Pattern[str]:
    # One pass over the text. A plain word is tried first: it is most of the text, and this way the
    # protected alternatives are only tried where a word cannot be (or is the start of a domain …);
    # the last alternative takes a word that only looked like a protected span ("zid.Bizga").
    # The atomic group keeps a refused word from being retried shorter ("http" of "https://").
    # Latin capitals with digits (a visa type E-9, a form A4) are names: kept as they are, tried first.
    return re.compile(rf"(?P<code>(?<![\w-])[A-Z]+-?\d[A-Za-z0-9-]*)|(?P<word>(?>{word})){_NOT_A_WORD_END}"
                      rf"|{_PROTECTED}|(?P<other>{word})", re.DOTALL)  # fmt: skip


_LATIN_TOKEN = _tokens(_LATIN_WORD.pattern)


class _WordCache(dict[str, str]):
    """Word → its conversion, filled on first use: texts repeat their words, and a hit is one C lookup.

    Bounded, since user input is unbounded: when full it is emptied at once (rare, and cheap to refill).
    """

    def __init__(self, convert: Callable[[str], str], limit: int = 65_536) -> None:
        super().__init__()
        self._convert = convert
        self._limit = limit

    def __missing__(self, word: str) -> str:
        if len(self) >= self._limit:
            self.clear()
        converted = self[word] = self._convert(word)
        return converted


_WORD_GROUPS = frozenset({"word", "other"})
_LATIN_WORDS = _WordCache(_latin_word)


def _latin_token(match: re.Match[str]) -> str:
    return _LATIN_WORDS[match.group()] if match.lastgroup in _WORD_GROUPS else match.group()


# ---------------------------------------------------------------------------------------------------
# Cyrillic → Latin

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "x", "ч": "ch", "ш": "sh", "щ": "sh", "ы": "i", "э": "e", "ю": "yu", "я": "ya",
    "ў": "o" + _OKINA, "қ": "q", "ғ": "g" + _OKINA, "ҳ": "h",
}  # fmt: skip
_CYRILLIC_VOWELS = frozenset("аеёиоуэюяўы")
_IOTATED = frozenset("еёюя")
_CYRILLIC_WORD = re.compile(f"{_LETTER}+")


def _cyrillic_units(low: str, source: str, initial: bool, previous: str = "") -> str:
    out = []
    for index, char in enumerate(low):
        following = low[index + 1] if index + 1 < len(low) else ""
        if char == "е":
            # е is ye at the start of a word and after vowels, ъ and ь: ер → yer, поезд → poyezd.
            start_of_word = initial and index == 0
            latin = "ye" if start_of_word or previous in _CYRILLIC_VOWELS or previous in "ъь" else "e"
        elif char == "ц":
            latin = "ts" if previous in _CYRILLIC_VOWELS else "s"  # полиция → politsiya, цирк → sirk
        elif char == "ъ":
            # объект → obyekt (the y carries it), мўъжиза → moʻjiza (1995 rules), маъно → maʼno.
            latin = "" if following in _IOTATED or previous == "ў" else _TUTUQ
        elif char == "ь":
            latin = "y" if following == "о" else ""  # почтальон → pochtalyon, апрель → aprel
        elif char == "с" and following == "ҳ":
            latin = "s" + _TUTUQ  # Исҳоқ → Isʼhoq: the tutuq keeps s+h from reading as sh
        else:
            latin = _CYRILLIC_TO_LATIN.get(char, char)
        if latin and source[index].isupper():
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        previous = char
    return "".join(out)


def _cyrillic_suffix(latin: str) -> str:
    return _latin_units(latin, latin, initial=False, previous="a")


_CYRILLIC_EXCEPTION_KEYS: dict[str, str] = {}
for _latin, _cyrillic in _EXCEPTIONS.items():
    if _latin not in _ONE_WAY:
        _CYRILLIC_EXCEPTION_KEYS[_cyrillic] = _latin
        # Before a suffix the final ь is not written: октябрдаги.
        _CYRILLIC_EXCEPTION_KEYS.setdefault(_cyrillic.removesuffix("ь"), _latin)
_CYRILLIC_EXCEPTION = re.compile(
    rf"({_alternation(list(_CYRILLIC_EXCEPTION_KEYS))})"
    rf"((?:{_alternation([_cyrillic_suffix(suffix) for suffix in _SUFFIXES])})*)"
)


def _cyrillic_word(word: str) -> str:
    low = _lower_same_length(word)
    exception = _CYRILLIC_EXCEPTION.fullmatch(low)
    if exception:
        stem, suffixes = exception.groups()
        latin = _CYRILLIC_EXCEPTION_KEYS[stem] + _cyrillic_units(suffixes, suffixes, False, stem[-1])
        return _with_case_of(word, latin)
    converted = _cyrillic_units(low, word, initial=True)
    return converted.upper() if len(word) > 1 and word.isupper() else converted


_CYRILLIC_TOKEN = _tokens(_CYRILLIC_WORD.pattern)


_CYRILLIC_WORDS = _WordCache(_cyrillic_word)


def _cyrillic_token(match: re.Match[str]) -> str:
    return _CYRILLIC_WORDS[match.group()] if match.lastgroup in _WORD_GROUPS else match.group()


# ---------------------------------------------------------------------------------------------------


def latin_to_cyrillic(text: str) -> str:
    """Uzbek Cyrillic for a text in the official Uzbek Latin alphabet (markup and names left as they are)."""
    return _LATIN_TOKEN.sub(_latin_token, text)


def cyrillic_to_latin(text: str) -> str:
    """Official Uzbek Latin for a text in Uzbek Cyrillic (used to normalise what users type)."""
    return _CYRILLIC_TOKEN.sub(_cyrillic_token, text)


# A language's `transliteration` (languages.yaml) names its function here. The same few interface strings
# and content texts are converted again and again: they are remembered.
TRANSLITERATIONS: Mapping[str, Callable[[str], str]] = {"uz_latn_to_cyrl": lru_cache(maxsize=8192)(latin_to_cyrillic)}
