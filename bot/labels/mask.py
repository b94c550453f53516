"""Masking what names a person in a message before it becomes a training row: names, phone numbers, card and
document numbers, addresses, handles and e-mails. Each becomes a placeholder in capitals.

Rules, not a model: they mask too much rather than too little (any capitalised word inside a sentence is taken
for a name), and the NGO still reads the rows before adding them to content/training/.
"""

from __future__ import annotations

import re

import phonenumbers

# The countries the helpline's people come from and go to: a local number written without +code is found too.
REGIONS = ("KZ", "UZ", "KG", "TJ", "RU", "TR", "AE", "KR")

_APOSTROPHES = "'ʻʼ‘’`"
_WORD = rf"[\w{_APOSTROPHES}-]+"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@\w{3,}")
_URL = re.compile(r"\b(?:https?://|www\.|t\.me/)\S+", re.IGNORECASE)
# 13 to 19 digits in groups (a payment card), before phones: phonenumbers takes some for numbers.
_CARD = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?!\d)")
# Passports and ID cards: one or two letters and 6 to 9 digits (AA1234567, N12345678, "АН 1234567").
_DOCUMENT = re.compile(r"(?<!\w)[A-ZА-ЯЁ]{1,2}[ №-]?\d{6,9}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){6,}(?!\d)")  # whatever long number is left

# Street, house, flat: the marker word and what follows it. Russian, Kazakh and Uzbek, Cyrillic and Latin.
_STREET_BEFORE = (r"ул\.?|улиц[аеуы]|пр-т|проспект[аеу]?|пер\.|переул(?:ок|ке)|мкр\.?|микрорайон[аеу]?|"
                  r"ulitsa|ulica|prospekt|mikrorayon|street|st\.")  # fmt: skip
_STREET_AFTER = (rf"көшесі|көше|даңғылы|ықшамауданы|ko[{_APOSTROPHES}]?chasi|кўчаси|mahallasi|маҳалласи|"
                 r"massivi|массиви|tumani|kvartali|kochesi|koshesi")  # fmt: skip
_HOUSE = (r"дом|д\.|кв\.?|квартир[аеуы]|үй|пәтер|uy|xonadon|хонадон|kv\.?|корпус|блок")
_ADDRESS = re.compile(
    rf"(?:(?<!\w)(?:{_STREET_BEFORE})\s*{_WORD}(?:\s+{_WORD})?(?:[\s,]+\d+\w*)?"
    rf"|{_WORD}\s+(?:{_STREET_AFTER})(?!\w)(?:[\s,]+\d+\w*)?"
    rf"|(?<!\w)(?:{_HOUSE})\s*№?\s*\d+\w*)",
    re.IGNORECASE,
)
# "my name is …", "меня зовут …", "менің атым …", "mening ismim …": the word after is a name, capitalised or not.
_NAME_AFTER = re.compile(
    rf"(?<!\w)(зовут|имя|по имени|фамилия|атым|есімім|аты|исмим|ismim|ismi|исми|familiyam|name is|zovut)"
    rf"(\s*[:-]?\s*)({_WORD})",
    re.IGNORECASE,
)
# A patronymic or surname ending: Ivanova, Akhmetov, Bekovna, Nurlanuly, Abdullayevich, Karimov qizi.
_SURNAME = re.compile(
    r"(?<!\w)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІЎҚҒҲ][\wʻʼ'-]*(?:ов|ова|ев|ева|ёв|ин|ина|ович|овна|евич|евна|улы|ұлы|кызы|қызы|"
    r"ov|ova|ev|eva|yev|yeva|ovich|ovna|evich|evna|uly|kyzy|qizi|o[ʻ'‘]g[ʻ'‘]li)(?!\w)"
)
_CAPITALISED = re.compile(r"(?<=[^\s.!?…])(\s+)([A-ZА-ЯЁӘҒҚҢӨҰҮҺІЎҲ][a-zа-яёәғқңөұүһіўҳʻʼ'-]+)")


_SENTENCE_START = re.compile(r"(^|[.!?…]\s+)([A-ZА-ЯЁӘҒҚҢӨҰҮҺІЎҲ][\wʻʼ'-]+)")
_WORDS = re.compile(rf"{_WORD}")


def lexicon(texts: list[str]) -> frozenset[str]:
    """Words seen in lower case in these texts (the training data): a capitalised word at the start of a
    sentence that is not among them is taken for a name."""
    return frozenset(word for text in texts for word in _WORDS.findall(text) if word.islower())


def _phones(text: str) -> str:
    spans: list[tuple[int, int]] = []
    for region in REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            spans.append((match.start, match.end))
    merged: list[list[int]] = []  # the regions read the same digits differently: mask the union
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + "PHONE" + text[end:]
    return text


def mask(text: str, common: frozenset[str] = frozenset()) -> str:
    """The text with every name, number and address replaced by NAME, PHONE, CARD, DOCUMENT, NUMBER, ADDRESS,
    HANDLE, EMAIL or LINK. `common`: words that are no names (see `lexicon`)."""
    text = _URL.sub("LINK", text)
    text = _EMAIL.sub("EMAIL", text)
    text = _HANDLE.sub("HANDLE", text)
    text = _CARD.sub("CARD", text)
    text = _DOCUMENT.sub("DOCUMENT", text)
    text = _phones(text)
    text = _LONG_NUMBER.sub("NUMBER", text)
    text = _ADDRESS.sub("ADDRESS", text)
    text = _NAME_AFTER.sub(lambda m: f"{m.group(1)}{m.group(2)}NAME", text)
    text = _SURNAME.sub(lambda m: m.group(0) if m.group(0).lower() in common else "NAME", text)
    text = _CAPITALISED.sub(lambda m: m.group(1) + "NAME", text)
    return _SENTENCE_START.sub(lambda m: m.group(1) + (m.group(2) if m.group(2).lower() in common else "NAME"), text)
