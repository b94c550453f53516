"""Language guess: Kazakh, Russian or Uzbek, in any script, with or without the languages' own letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.text.detect import LANGS, Guess, detect_language, guess_language, scores

# The first labelled messages (one language each; the later batches mix languages in one line on purpose)
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


@pytest.mark.parametrize("text", ["help me please", "I am locked in, they took my passport", "Hi, can you help"])
def test_english_is_no_language_of_the_bot(text: str) -> None:
    assert guess_language(text) == Guess(None, sure=False), scores(text)


@pytest.mark.parametrize(("text", "sure"), [("помогите", False), ("men", False), ("мне нужна помощь", True),
                                            ("көмек керек", True), ("Yordam bering", True)])  # fmt: skip
def test_a_guess_says_how_sure_it_is(text: str, sure: bool) -> None:
    assert guess_language(text).sure is sure, scores(text)


def test_sure_guesses_of_labelled_messages_are_right() -> None:
    sure = wrong = 0
    for lang in LANGS:
        for line in (DATA / f"{lang}-first.tsv").read_text(encoding="utf-8").splitlines():
            guess = guess_language(line.partition("\t")[2])
            sure += guess.sure
            wrong += guess.sure and guess.lang != lang
    assert wrong == 0 and sure >= 150
