"""The risk of an offer from its flags: weights add up; one weak flag alone never makes it high."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from bot.content.offers import OffersContent, Risk
from bot.offers.facts import Facts, PayCheck

Source = Literal["text", "pay", "contact", "answer"]


class FlagHit(BaseModel):
    flag: str
    evidence: str | None = None  # the offer's own words that raised it (None for an answer)
    source: Source = "text"
    weight: float = 0.0
    unsure: bool = False  # raised by "not sure": a prompt to ask, weighted lower
    question: str | None = None
    possible: bool = False  # suggested by a per-flag model only, not by a rule: shown as "possible"


class Assessment(BaseModel):
    risk: Risk
    score: float
    flags: list[FlagHit]
    to_ask: list[str] = []  # question ids answered "not sure" about a fundamental
    facts: Facts | None = None
    pay: PayCheck | None = None  # how the pay compares with the usual range, when it raised a flag
    lang: str | None = None
    destination: str | None = None
    talk_to_person: bool = False


def assess(
    hits: Iterable[FlagHit],
    content: OffersContent,
    *,
    facts: Facts | None = None,
    pay: PayCheck | None = None,
    lang: str | None = None,
    to_ask: Iterable[str] = (),
    unsure_factor: float | None = None,
) -> Assessment:
    """Weigh the flags (each flag counted once, at its strongest) and name the risk."""
    flags = content.rules.flags
    factor = content.questions.unsure_factor if unsure_factor is None else unsure_factor
    best: dict[str, FlagHit] = {}
    for hit in hits:
        definition = flags.get(hit.flag)
        if definition is None or definition.hint:
            continue
        weight = hit.weight or definition.weight
        if hit.unsure:
            weight *= factor
        hit = hit.model_copy(update={"weight": round(weight, 2)})
        if hit.flag not in best or hit.weight > best[hit.flag].weight:
            best[hit.flag] = hit
    chosen = sorted(best.values(), key=lambda h: (-h.weight, h.flag))
    score = round(sum(hit.weight for hit in chosen), 2)
    advice = content.advice
    risk: Risk = "high" if score >= advice.high else "medium" if score >= advice.medium else "low"
    certain = [hit for hit in chosen if not hit.unsure]
    strong = any(flags[hit.flag].strong for hit in certain)
    if risk == "high" and len(chosen) == 1 and not strong:
        risk = "medium"  # one weak flag is weak evidence, whatever its weight
    destination = facts.destinations[0] if facts and facts.destinations else None
    return Assessment(
        risk=risk,
        score=score,
        flags=chosen,
        to_ask=list(dict.fromkeys(to_ask)),
        facts=facts,
        pay=pay,
        lang=lang,
        destination=destination,
        talk_to_person=risk == "high",
    )
