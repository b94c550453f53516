"""Language guess: Kazakh, Russian or Uzbek, in any script, with or without the languages' own letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.text.detect import LANGS, detect_language, scores

DATA = Path(__file__).resolve().parents[2] / "content" / "training" / "urgency"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Помогите, у меня забрали паспорт", "ru"),
        ("pomogite zabrali pasport ne otdayut", "ru"),  # Russian typed in Latin
        ("Көмектесіңіз, паспортымды алып қойды", "kk"),
        ("komektesiniz pasportymdy alyp koidy", "kk"),  # Kazakh typed in Latin without its letters
        ("кужатымды алып койды бермейди", "kk"),  # Kazakh in Cyrillic without its letters
        ("pasportimni olib qoʻyishdi", "uz"),
        ("pasportimni olib qoyishdi bermayapti", "uz"),  # without the apostrophe
        ("паспортимни олиб қўйишди", "uz"),  # Uzbek Cyrillic
        ("Работа на складе, зарплата хорошая", "ru"),
        ("Omborga ishchilar kerak, oylik yaxshi", "uz"),
        ("Қоймаға жұмысшылар керек", "kk"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang, scores(text)


@pytest.mark.parametrize("text", ["", "ok", "123", "!!!", "Alisher"])
def test_no_evidence_no_guess(text: str) -> None:
    assert detect_language(text) is None


def test_scores_cover_the_three_languages() -> None:
    assert set(scores("salom")) == set(LANGS)


def test_labelled_messages() -> None:
    right = total = 0
    for lang in LANGS:
        for line in (DATA / f"{lang}-first.tsv").read_text(encoding="utf-8").splitlines():
            _, _, text = line.partition("\t")
            total += 1
            right += detect_language(text) == lang
    assert right >= 0.9 * total
