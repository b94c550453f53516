"""Skeletons: the ways people type one word meet in one form."""

from __future__ import annotations

import pytest

from bot.text.normalize import fold_word, prepare, skeleton, tokenize


@pytest.mark.parametrize(
    "variants",
    [
        ["паспорт", "pasport", "ПАСПОРТ", "Pasport"],
        ["құжат", "кужат", "qujat", "kujat"],  # Kazakh with and without its letters
        ["забрали", "zabrali"],  # Russian typed in Latin
        ["ugrozhayut", "угрожают", "ugrojayut"],
        ["qoʻrqitishyapti", "qo'rqitishyapti", "qorqitishyapti", "қўрқитишяпти", "qo‘rqitishyapti"],
        ["шығармайды", "shygarmaidy", "shigarmaydi"],
        ["жоғалып", "joghalyp", "zhogalyp"],  # gh for ғ
        ["oʻgʻlim", "oghlim", "ўғлим"],
        ["хабар", "xabar", "khabar", "habar"],
    ],
)
def test_spellings_share_a_skeleton(variants: list[str]) -> None:
    assert len({skeleton(v) for v in variants}) == 1, {v: skeleton(v) for v in variants}


def test_nfkc_casefold_and_invisible_characters() -> None:
    assert skeleton("ＰＡＳＰＯＲＴ") == skeleton("pasport")  # fullwidth
    assert skeleton("пас\u200bпорт") == skeleton("паспорт")  # zero-width space inside a word
    assert skeleton("pas\u00adport") == "pasport"  # soft hyphen
    assert skeleton("STRASSE") == skeleton("straße")


def test_repeats_collapse_and_diacritics_drop() -> None:
    assert skeleton("помогииите") == skeleton("помогите")
    assert skeleton("café") == skeleton("cafe")  # the mark dropped, the letter kept
    assert fold_word(prepare("ё")) == "o"


def test_tokens_point_into_the_original_text() -> None:
    text = "Помогите!!  забрали ПАСПОРТ, qoʻyishdi"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == ["Помогите", "забрали", "ПАСПОРТ", "qoʻyishdi"]
    assert [t.skeleton for t in tokens] == ["pomogite", "zabrali", "pasport", "koishdi"]


def test_apostrophes_join_a_word_but_not_words() -> None:
    assert [t.skeleton for t in tokenize("o'g'lim 'salom'")] == ["oglim", "salom"]


def test_nothing_to_fold() -> None:
    assert tokenize("") == [] and skeleton("!!! ... ???") == ""
    assert skeleton("123 45") == "123 45"  # numbers are words: "15 лет"
    assert skeleton("中文 текст") == "tekst"  # other scripts cannot be matched and are dropped
