"""The shipped offer content is valid, and the content checks catch what they should."""

from __future__ import annotations

import copy

from bot.content.offers import OffersContent


def errors(content: OffersContent) -> list[str]:
    return [f"{file}: {f.path}: {f.message}" for file, f in content.findings() if f.severity == "error"]


def test_shipped_content_has_no_errors(offers):
    assert errors(offers) == []


def test_translations_present(offers):
    for flag_id, flag in offers.rules.flags.items():
        if not flag.hint:
            for code in ("kk", "ru", "uz"):
                assert flag.title.get(code) and flag.why.get(code), (flag_id, code)
    for question in offers.questions.questions:
        for code in ("kk", "ru", "uz"):
            assert question.text.get(code) and question.why.get(code)
    for label in (offers.questions.answer_yes, offers.questions.answer_unsure, offers.advice.talk_to_person):
        assert all(len(text) <= 40 for text in label.root.values())


def test_guided_check_has_10_to_15_questions(offers):
    assert 10 <= len(offers.questions.questions) <= 15


def _broken(offers: OffersContent, change) -> list[str]:
    data = copy.deepcopy(offers.model_dump(mode="json"))
    change(data)
    return errors(OffersContent.model_validate(data))


def test_unknown_flag_in_rule_and_question(offers):
    def change(data):
        data["rules"]["rules"][0]["flag"] = "nonsense"
        data["questions"]["questions"][0]["flag"] = "nonsense2"

    found = " ".join(_broken(offers, change))
    assert "unknown flag 'nonsense'" in found and "unknown flag 'nonsense2'" in found


def test_rule_that_misses_its_example_or_matches_a_not_example(offers):
    def change(data):
        rule = data["rules"]["rules"][0]
        rule["examples"].append("Совсем другой текст про погоду.")
        rule["not_examples"].append("Паспорта сдаёте бригадиру.")

    found = " ".join(_broken(offers, change))
    assert "does not match its example" in found and "matches its not-example" in found


def test_weak_flag_that_would_be_high_alone(offers):
    def change(data):
        data["rules"]["flags"]["urgency"]["weight"] = 5

    assert any("alone it would make the risk high" in e for e in _broken(offers, change))


def test_low_headline_never_says_safe(offers):
    def change(data):
        data["advice"]["headline"]["low"]["ru"] = "Предложение безопасно."

    assert any("never call an offer safe" in e for e in _broken(offers, change))


def test_reported_entries_are_examples_and_fictional(offers):
    entries = offers.reported.entries
    assert entries and all(entry.example for entry in entries)
    for entry in entries:
        if entry.kind == "phone":
            assert entry.value.replace(" ", "").startswith("+120255501")  # reserved for fiction
        if entry.kind == "handle":
            assert entry.value.startswith("@example")
