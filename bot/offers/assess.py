"""The risk of an offer from its flags and the offer-risk model.

The rules' weights add up, and one weak flag alone never makes an offer high. When the model has read the text
(bot/judgement/), it decides: high from its high threshold, or from a lower one when the rules say high too;
medium from its medium threshold or when the rules say medium or high. Flags only the flag models find weigh
nothing (sure or "possible", shown with their sentence); a rule's hit they doubt is shown as "possible" and still
weighs, as the thresholds were chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from bot.content.offers import OffersContent, Risk
from bot.offers.facts import Facts, PayCheck

Source = Literal["text", "pay", "contact", "answer", "model"]  # model: found by the flag models alone


class FlagHit(BaseModel):
    flag: str
    evidence: str | None = None  # the offer's own words that raised it (None for an answer)
    source: Source = "text"
    weight: float = 0.0
    unsure: bool = False  # raised by "not sure": a prompt to ask, weighted lower
    question: str | None = None
    possible: bool = False  # shown as "possible": found by the flag models alone, or a rule's hit they doubt


@dataclass(frozen=True)
class ModelRisk:
    """The offer-risk model's reading of the whole text, with the thresholds chosen by cross-validation."""

    score: float  # 0–1: how likely the offer is deceptive
    high: float
    rule_high: float  # high from this score when the rules say high
    medium: float


class Assessment(BaseModel):
    risk: Risk
    score: float  # the rules' weights, added up
    flags: list[FlagHit]  # sure flags first (strongest first), then possible ones
    model_score: float | None = None  # 0–1, the offer-risk model's (None: no model read the text)
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
    model: ModelRisk | None = None,
) -> Assessment:
    """Weigh the flags (each flag counted once, at its strongest) and name the risk."""
    flags = content.rules.flags
    factor = content.questions.unsure_factor if unsure_factor is None else unsure_factor
    best: dict[str, FlagHit] = {}
    for hit in hits:
        definition = flags.get(hit.flag)
        if definition is None or definition.hint:
            continue
        weight = 0.0 if hit.source == "model" else hit.weight or definition.weight
        if hit.unsure:
            weight *= factor
        hit = hit.model_copy(update={"weight": round(weight, 2)})
        old = best.get(hit.flag)
        if old is None or (old.possible, -old.weight) > (hit.possible, -hit.weight):  # a sure flag beats a possible one
            best[hit.flag] = hit
    chosen = sorted(best.values(), key=lambda h: (h.possible, -h.weight, h.flag))
    # The rules' own hits weigh, doubted or not (as the thresholds were chosen): a flag model's finding weighs nothing.
    ruled = [hit for hit in chosen if hit.source != "model"]
    score = round(sum(hit.weight for hit in ruled), 2)
    advice = content.advice
    risk: Risk = "high" if score >= advice.high else "medium" if score >= advice.medium else "low"
    certain = [hit for hit in ruled if not hit.unsure]
    strong = any(flags[hit.flag].strong for hit in certain)
    if risk == "high" and len(ruled) == 1 and not strong:
        risk = "medium"  # one weak flag is weak evidence, whatever its weight
    if model is not None:
        risk = combined_risk(model, risk)
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
        model_score=None if model is None else round(model.score, 3),
    )


def combined_risk(model: ModelRisk, rules: Risk) -> Risk:
    """As bot/judgement/train.py measured it: the model decides; the rules' high counts from a lower score."""
    if model.score >= model.high or (rules == "high" and model.score >= model.rule_high):
        return "high"
    if model.score >= model.medium or rules in ("medium", "high"):
        return "medium"
    return "low"
