"""The phrase matcher under triage and offer scanning: stems, typos, groups, windows, vetoes, evidence."""

from __future__ import annotations

import pytest

import bot.text.matcher as matcher_module
from bot.text.matcher import PhraseMatcher, Rule, allowed_edits


def scan(rule: Rule, text: str) -> list[str]:
    return [hit.evidence for hit in PhraseMatcher([rule]).scan(text)]


def test_a_stem_finds_inflected_words_in_any_script() -> None:
    rule = Rule("r", [["паспорт"], ["забра"]])
    assert scan(rule, "у меня забрали паспорт") == ["забрали паспорт"]
    assert scan(rule, "zabrali pasportimni") == ["zabrali pasportimni"]
    assert scan(rule, "паспорт у меня") == []


def test_edits_allowed_grow_with_the_stem() -> None:
    assert [allowed_edits("a" * n) for n in (3, 4, 5, 8, 9, 14)] == [0, 0, 1, 1, 2, 2]
    assert scan(Rule("r", [["заперли"]]), "меня заперлии") == ["заперлии"]
    assert scan(Rule("r", [["заперли"]]), "меня запирли") == ["запирли"]  # one typo in 7 letters
    assert scan(Rule("r", [["заперли"]]), "меня запирали") == []  # two are too many
    assert scan(Rule("r", [["бьют"]]), "бьет") == []  # short stems match exactly
    assert scan(Rule("r", [["chiqarishmayapti"]]), "chiqarishmayapdi") == ["chiqarishmayapdi"]


def test_a_word_shorter_than_the_stem_never_matches() -> None:
    assert scan(Rule("r", [["угрожают"]]), "угроза") == []


def test_multi_word_stems_must_be_consecutive() -> None:
    rule = Rule("r", [["алып қой"]])
    assert scan(rule, "паспортымды алып қойды") == ["алып қойды"]
    assert scan(rule, "алып келіп қойды") == []


def test_every_group_within_the_window() -> None:
    rule = Rule("r", [["паспорт"], ["забра"]], window=2)
    assert scan(rule, "забрали у меня паспорт") == []  # three words apart
    assert scan(rule, "забрали мой паспорт") == ["забрали мой паспорт"]
    assert scan(Rule("r", [["паспорт"], ["забра"]], window=5), "забрали у меня паспорт") == ["забрали у меня паспорт"]


def test_unless_vetoes_only_near_the_match() -> None:
    rule = Rule("r", [["паспорт"], ["забра"]], unless=[["копию"]], window=3)
    assert scan(rule, "забрали копию паспорта") == []
    text = "копию сделали давно и вчера уже совсем другое дело: забрали паспорт"
    assert scan(rule, text) == ["забрали паспорт"]


def test_the_first_clean_place_is_reported() -> None:
    rule = Rule("r", [["паспорт"], ["забра"]], unless=[["копию"]], window=2)
    text = "забрали копию паспорта, потом ещё пять слов тут, и забрали паспорт"
    hits = PhraseMatcher([rule]).scan(text)
    assert len(hits) == 1 and text[hits[0].start : hits[0].end] == hits[0].evidence == "забрали паспорт"


def test_evidence_quotes_the_original_words() -> None:
    hits = PhraseMatcher([Rule("r", [["пасп"], ["olib"]])]).scan("Yordam! PASPORTIMNI olib qoʻyishdi")
    assert hits[0].evidence == "PASPORTIMNI olib"


def test_several_rules_and_alternatives() -> None:
    matcher = PhraseMatcher([Rule("a", [["бьют", "избил"]]), Rule("b", [["угрожа"]]), Rule("c", [["нет"]])])
    assert sorted(hit.rule_id for hit in matcher.scan("избили и угрожают")) == ["a", "b"]


def test_empty_text_and_empty_rules() -> None:
    assert PhraseMatcher([Rule("a", [["паспорт"]])]).scan("") == []
    assert PhraseMatcher([]).scan("паспорт") == []
    assert PhraseMatcher([Rule("a", [])]).scan("паспорт") == []
    assert PhraseMatcher([Rule("a", [["!!!"]])]).scan("паспорт !!!") == []  # a stem that folds to nothing


def test_shared_stems_and_a_rare_second_word() -> None:
    # Two rules share a stem object; a two-word stem whose first word stands everywhere.
    matcher = PhraseMatcher([Rule("a", [["по договору"]]), Rule("b", [["по договору"], ["нет"]])])
    text = "по работе, по дому, по пути, по договору нет"
    assert [(hit.rule_id, hit.evidence) for hit in matcher.scan(text)] == [
        ("a", "по договору"),
        ("b", "по договору нет"),
    ]


def test_remembered_words_give_the_same_hits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words are matched once and remembered; a full memory is emptied, and results never change."""
    monkeypatch.setattr(matcher_module, "MEMORY_WORDS", 6)
    rules = [Rule("a", [["паспорт"], ["забра"]]), Rule("b", [["угрожа"]])]
    remembering = PhraseMatcher(rules)
    texts = ["у меня забрали паспорт", "zabrali pasportimni", "угрожают и забрали паспорт", "паспорт у меня"]
    for _ in range(3):
        for text in texts:
            assert remembering.scan(text) == PhraseMatcher(rules).scan(text)
            assert len(remembering._memory) <= 6


def test_in_order_rules_want_the_object_before_its_verb() -> None:
    # Kazakh: "паспортты ... аламыз" takes the passport; "билетті аламыз, құжаттарды ..." buys a ticket.
    rule = Rule("r", [["паспорт", "құжат"], ["аламыз"]], in_order=True)
    assert scan(rule, "Келгенде паспортты рәсімдеуге аламыз") == ["паспортты рәсімдеуге аламыз"]
    assert scan(rule, "Билетті өзіміз аламыз, құжаттарды сонда рәсімдейміз") == []
    unordered = Rule("r", [["паспорт", "құжат"], ["аламыз"]])
    assert scan(unordered, "Билетті өзіміз аламыз, құжаттарды сонда рәсімдейміз") == ["аламыз, құжаттарды"]
    # The window counts from the end of the group before; the nearest later place is taken.
    assert scan(Rule("r", [["a1"], ["b2"]], window=2, in_order=True), "a1 x y b2") == []
    assert scan(Rule("r", [["a1 x"], ["b2"]], window=2, in_order=True), "a1 x y b2") == ["a1 x y b2"]
    assert scan(Rule("r", [["a1"], ["b2"], ["c3"]], window=2, in_order=True), "b2 a1 b2 x c3") == ["a1 b2 x c3"]
