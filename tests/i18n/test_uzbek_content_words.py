"""Every word of every Uzbek text the bot shows, in Cyrillic, against a reviewed list.

tests/i18n/data/uz_cyrillic.tsv holds each Latin word of the content and the catalog with its Cyrillic
form, as a person checked it. A change to the transliteration that changes any of them fails here and
prints each changed word, so that a reviewer reads exactly what people will read differently. After
reviewing, write the list again: HELPLINE_WRITE_UZ_WORDS=1 python -m pytest tests/i18n/test_uzbek_content_words.py
New words (new texts) are printed too, but do not fail: add them by writing the list again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from babel.messages.pofile import read_po

from bot.content.bundle import _FILES, _localized, load_content
from bot.i18n.transliterate import latin_to_cyrillic
from bot.paths import CONTENT_DIR, LOCALES_DIR

REVIEWED = Path(__file__).parent / "data" / "uz_cyrillic.tsv"
_WORD = re.compile(r"[^\W\d_][\wʻʼ'’-]*")


def uzbek_texts() -> list[str]:
    content = load_content(CONTENT_DIR)
    texts = [text.root["uz"] for name in _FILES for _, text in _localized(getattr(content, name), ())
             if text.root.get("uz")]  # fmt: skip
    with (LOCALES_DIR / "uz_Latn" / "LC_MESSAGES" / "messages.po").open("rb") as catalog:
        for message in read_po(catalog):
            if message.id and message.string:
                texts += [message.string] if isinstance(message.string, str) else [s for s in message.string if s]
    return texts


def words_now() -> dict[str, str]:
    """Each word as the bot writes it in Cyrillic, inside its text (so protected spans count)."""
    found: dict[str, str] = {}
    for text in uzbek_texts():
        for word in _WORD.findall(re.sub(r"(?:https?://|www\.)\S+|\S+@\S+|\{[^{}]*\}", " ", text)):
            found[word] = latin_to_cyrillic(word)
    return found


def test_every_uzbek_word_reads_as_reviewed(capsys) -> None:
    now = words_now()
    if os.environ.get("HELPLINE_WRITE_UZ_WORDS"):
        REVIEWED.write_text("".join(f"{w}\t{c}\n" for w, c in sorted(now.items())), encoding="utf-8")
    reviewed = dict(line.split("\t") for line in REVIEWED.read_text(encoding="utf-8").splitlines() if line)
    changed = {w: (reviewed[w], c) for w, c in now.items() if w in reviewed and reviewed[w] != c}
    new = {w: c for w, c in now.items() if w not in reviewed}
    with capsys.disabled():
        for word, (before, after) in sorted(changed.items()):
            print(f"changed: {word}: {before} → {after}")
        for word, cyrillic in sorted(new.items()):
            print(f"new word: {word} → {cyrillic}")
    assert not changed, f"{len(changed)} words read differently in Cyrillic: review them (printed above)"


def test_loanwords_with_ts_and_names_in_latin() -> None:
    assert latin_to_cyrillic("ofitsiant, spetsialist, sotsial, potentsial") == "официант, специалист, социал, потенциал"
    assert latin_to_cyrillic("ketsa, aytsa, sotsin, patentsiz") == "кетса, айтса, сотсин, патентсиз"
    assert latin_to_cyrillic("EPS-TOPIK imtihoni, E-9 viza, IT ishi") == "EPS-TOPIK имтиҳони, E-9 виза, IT иши"
    assert latin_to_cyrillic("MOHRE, Emirates ID, H2A") == "MOHRE, Emirates ID, H2A"
