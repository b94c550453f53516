"""Risk from weighted flags."""

from __future__ import annotations

from bot.offers.assess import FlagHit, assess


def risk(offers, *flag_ids: str, unsure: bool = False) -> str:
    return assess([FlagHit(flag=f, unsure=unsure) for f in flag_ids], offers).risk


def test_no_flags_is_low(offers):
    assert risk(offers) == "low"


def test_one_weak_flag_alone_is_never_high(offers):
    for flag_id, flag in offers.rules.flags.items():
        if not flag.strong and not flag.hint:
            assert risk(offers, flag_id) in ("low", "medium"), flag_id


def test_one_strong_flag_is_high(offers):
    for flag_id, flag in offers.rules.flags.items():
        if flag.strong:
            assert risk(offers, flag_id) == "high", flag_id


def test_weak_flags_add_up(offers):
    assert risk(offers, "urgency") == "low"
    assert risk(offers, "no_contract", "pay_at_end") == "high"


def test_unsure_weighs_less(offers):
    assert risk(offers, "passport_retention", unsure=True) != "high"


def test_each_flag_counted_once(offers):
    hits = [FlagHit(flag="urgency", evidence="срочно"), FlagHit(flag="urgency", evidence="СРОЧНО")]
    assessment = assess(hits, offers)
    assert len(assessment.flags) == 1 and assessment.score == offers.rules.flags["urgency"].weight


def test_hints_are_not_flags(offers):
    assert assess([FlagHit(flag="no_experience")], offers).flags == []
