"""Kazakh grammar the templates must not break: numbers filled into a text take no fixed case ending."""

from __future__ import annotations

import re

from bot.content.bundle import load_content
from bot.paths import CONTENT_DIR


def test_the_question_counter_needs_no_vowel_harmony() -> None:
    questions = load_content(CONTENT_DIR).offer_questions
    total = len(questions.questions)
    for n in range(1, total + 1):
        shown = questions.progress.root["kk"].format(n=n, total=total)
        assert shown == f"{n}-сұрақ / {total}"
        # "2-і", "6-і", "10-і" were wrong: the ending follows how the number is read
        assert not re.search(r"\d-(?:і|ы|сі|сы)\b", shown)


def test_the_offer_warning_about_a_middleman_says_what_is_meant() -> None:
    why = load_content(CONTENT_DIR).offer_rules.flags
    texts = " ".join(flag.why.root["kk"] for flag in why.values() if flag.why)
    assert "жұмыс беруші сізге ештеңе міндеттемейді" not in texts
    assert "жұмыс берушінің сіз алдында ешқандай міндеті болмайды" in texts
