"""Job-offer checking content: red flags and scan rules, guided questions, usual pay, advice, reported recruiters.

Files (under the content folder): offers/rules.yaml, offers/questions.yaml, offers/wages.yaml,
offers/advice.yaml and reported.yaml. Each model checks itself (`findings()`); `OffersContent.findings()`
adds the checks across files and names the file of each finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import ClassVar, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.common import Label, Localized
from bot.content.findings import Finding, example_findings
from bot.text.matcher import PhraseMatcher, Rule
from bot.text.money import MONEY_MASK, mask_money
from bot.text.normalize import fold_word, prepare
from bot.yamlfile import load_yaml

Risk = Literal["low", "medium", "high"]
AnswerValue = Literal["yes", "no", "unsure"]
# A rule may name this stand-in for "an amount of money with its currency" (bot.text.money finds them).
MONEY = "<money>"
_ID = r"^[a-z0-9_]+$"


class FlagDef(BaseModel):
    """One red flag: how much it weighs and what the user reads about it."""

    model_config = ConfigDict(extra="forbid")

    weight: float = Field(ge=0, le=10)
    # A strong flag alone makes the risk high; a weak one alone never does.
    strong: bool = False
    # A hint is not shown and weighs nothing; it only changes how other facts are read ("no experience needed").
    hint: bool = False
    title: Localized | None = None
    why: Localized | None = None
    source: str = ""


class OfferRule(BaseModel):
    """Patterns for one flag in one language: words that must all appear near each other."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID)
    flag: str
    lang: str | None = None
    all_of: list[list[str]] = Field(min_length=1)
    unless: list[list[str]] = []
    window: int = Field(6, ge=1, le=30)
    in_order: bool = False  # the groups must come in this order (the object before its verb, as in kk and uz)
    examples: list[str] = []
    not_examples: list[str] = []

    def rule(self) -> Rule:
        def groups(raw: list[list[str]]) -> list[list[str]]:
            return [[MONEY_MASK if word == MONEY else word for word in group] for group in raw]

        return Rule(self.id, groups(self.all_of), groups(self.unless), self.window, self.in_order)


class OfferRules(BaseModel):
    """offers/rules.yaml"""

    model_config = ConfigDict(extra="forbid")

    flags: dict[str, FlagDef]
    rules: list[OfferRule] = []

    def compiled_rules(self) -> list[Rule]:
        """The rules for the matcher. A safe mention vetoes a flag in any language: each rule's `unless`
        gets the `unless` groups of every rule of its flag (offers mix languages; stems near-match across them).
        """
        vetoes: dict[str, list[list[str]]] = {}
        for rule in self.rules:
            vetoes.setdefault(rule.flag, []).extend(list(group) for group in rule.rule().unless)
        compiled = []
        for rule in self.rules:
            base = rule.rule()
            compiled.append(Rule(base.id, base.all_of, vetoes[rule.flag], base.window, base.in_order))
        return compiled

    def matcher(self) -> PhraseMatcher:
        return PhraseMatcher(self.compiled_rules())

    def findings(self) -> Iterator[Finding]:
        for flag_id, flag in self.flags.items():
            if not re.match(_ID, flag_id):
                yield Finding(("flags", flag_id), f"flag id {flag_id!r}: use a-z, 0-9 and _")
            if flag.hint and flag.weight:
                yield Finding(("flags", flag_id, "weight"), "a hint weighs nothing: set weight 0")
            if not flag.hint and flag.weight == 0:
                yield Finding(("flags", flag_id, "weight"), "a flag needs a weight above 0 (or hint: true)")
            if not flag.hint and (flag.title is None or flag.why is None):
                yield Finding(("flags", flag_id), "a shown flag needs a title and a why")
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            where = ("rules", index)
            if rule.id in seen:
                yield Finding((*where, "id"), f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
            if rule.flag not in self.flags:
                yield Finding((*where, "flag"), f"unknown flag {rule.flag!r}")
            for g, group in enumerate([*rule.all_of, *rule.unless]):
                for word in group:
                    if word != MONEY and not all(fold_word(prepare(part)) for part in word.split()):
                        yield Finding((*where, "all_of", g), f"pattern {word!r} has a word that folds to nothing")
            if not rule.examples:
                yield Finding((*where, "examples"), f"rule {rule.id!r} has no examples", severity="warning")
            what = f"rule {rule.id!r}"
            yield from example_findings(where, what, rule.rule(), rule.examples, rule.not_examples, mask_money)


class Question(BaseModel):
    """One screen of the guided check: a yes / no / not sure question."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID)
    text: Localized
    flag: str
    raises_on: Literal["yes", "no"]
    # One sentence: why the answer that raises the flag is a warning sign.
    why: Localized
    # Something a person must know before leaving (contract, employer's address): "not sure" prompts to ask.
    fundamental: bool = False
    ask: Localized | None = None
    weight: float | None = Field(None, gt=0, le=10)


class OfferQuestions(BaseModel):
    """offers/questions.yaml"""

    model_config = ConfigDict(extra="forbid")

    intro: Localized
    answer_yes: Label
    answer_no: Label
    answer_unsure: Label
    back: Label
    quit: Label
    progress: Localized  # "{n} of {total}"
    # "Not sure" weighs this share of the flag: a prompt to ask, lower than the flag itself.
    unsure_factor: float = Field(0.4, gt=0, lt=1)
    questions: list[Question] = Field(min_length=1)

    def by_id(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def findings(self) -> Iterator[Finding]:
        if not 10 <= len(self.questions) <= 15:
            message = f"{len(self.questions)} questions; keep the check to 10–15"
            yield Finding(("questions",), message, severity="warning")
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.id in seen:
                yield Finding(("questions", index, "id"), f"question id {question.id!r} is used twice")
            seen.add(question.id)
            if question.fundamental and question.ask is None:
                message = "a fundamental question needs `ask`: what to ask when unsure"
                yield Finding(("questions", index, "ask"), message)
        if "{n}" not in "".join(self.progress.root.values()):
            yield Finding(("progress",), "progress should show {n} and {total}", severity="warning")


class Range(BaseModel):
    model_config = ConfigDict(extra="forbid")

    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError("low is above high")
        return self


class Currency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    usd: float = Field(gt=0)  # one unit in US dollars, rough
    symbols: list[str] = []
    words: list[str] = []  # word beginnings, any script ("руб", "so'm")


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")

    per_month: float = Field(gt=0)
    words: list[str]


class Wages(BaseModel):
    """offers/wages.yaml: the usual monthly pay by destination and job, in US dollars, rough."""

    model_config = ConfigDict(extra="forbid")

    basis: str
    far_above: float = Field(1.5, gt=1)
    far_above_no_experience: float = Field(1.2, gt=1)
    currencies: dict[str, Currency]
    multipliers: dict[str, list[str]] = {}  # "1000": [тыс, ming, к], "1000000": [млн, mln]
    periods: dict[str, Period] = {}
    jobs: dict[str, list[str]]
    destinations: dict[str, list[str]]
    ranges: dict[str, dict[str, Range]]

    def place_rules(self) -> list[Rule]:
        rules = [Rule(f"job:{job}", [words]) for job, words in self.jobs.items()]
        rules += [Rule(f"dest:{code}", [words]) for code, words in self.destinations.items()]
        return rules

    def findings(self) -> Iterator[Finding]:
        for code, jobs in self.ranges.items():
            if code not in self.destinations:
                yield Finding(("ranges", code), f"no words for destination {code!r} in destinations")
            for job in jobs:
                if job not in self.jobs:
                    yield Finding(("ranges", code, job), f"unknown job {job!r}")
        for code in self.destinations:
            if code not in self.ranges:
                yield Finding(("destinations", code), f"destination {code!r} has no pay ranges", severity="warning")
        for factor in self.multipliers:
            if not factor.isdigit():
                yield Finding(("multipliers", factor), "a multiplier key is a whole number such as 1000")


class Step(BaseModel):
    """One next step; shown for some risks, reader languages or destinations only when those are set."""

    model_config = ConfigDict(extra="forbid")

    text: Localized
    risks: list[Risk] = ["low", "medium", "high"]
    langs: list[str] = []
    destinations: list[str] = []


class OfferAdvice(BaseModel):
    """offers/advice.yaml: what the result says."""

    model_config = ConfigDict(extra="forbid")

    medium: float = Field(gt=0)  # score from which the risk is medium
    high: float = Field(gt=0)  # … and high
    headline: dict[Risk, Localized]
    none_found: Localized
    flags_header: Localized
    ask_header: Localized
    steps_header: Localized
    always_header: Localized
    always: list[Localized] = Field(min_length=3, max_length=3)
    steps: list[Step]
    talk_to_person: Label
    unsure_mark: Localized  # after a flag raised by "not sure"
    possible_mark: Localized  # after a flag only a model suggested, not a rule: "possible"
    pay_evidence: Localized  # "{amount} ≈ {usd}$ a month; usual for {job} in {dest}: {low}–{high}$"
    jobs: dict[str, Localized] = {}
    destinations: dict[str, Localized] = {}

    @model_validator(mode="after")
    def _ordered(self) -> OfferAdvice:
        if self.medium >= self.high:
            raise ValueError("medium must be below high")
        return self

    def findings(self) -> Iterator[Finding]:
        for risk in ("low", "medium", "high"):
            if risk not in self.headline:
                yield Finding(("headline",), f"no headline for {risk} risk")
        banned = re.compile(r"безопасн|safe|xavfsiz|қауіпсіз|ishonchli|надёжн|надежн|сенімді", re.I)
        for risk, text in self.headline.items():
            for code, value in text.root.items():
                if risk == "low" and banned.search(value):
                    yield Finding(("headline", risk, code), "never call an offer safe", lang=code)


class ReportedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["phone", "handle", "agency"]
    value: str
    note: str = ""
    reported: date | None = None
    # Clearly fictional entries shipped to show the format; never a real person.
    example: bool = False

    def phone_e164(self) -> str | None:
        try:
            number = phonenumbers.parse(self.value, None)
        except phonenumbers.NumberParseException:
            return None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Reported(BaseModel):
    """reported.yaml: recruiters reported to the NGO."""

    model_config = ConfigDict(extra="forbid")

    entries: list[ReportedEntry] = []

    def phones(self) -> dict[str, ReportedEntry]:
        return {e164: entry for entry in self.entries if entry.kind == "phone" and (e164 := entry.phone_e164())}

    def handles(self) -> dict[str, ReportedEntry]:
        return {entry.value.lstrip("@").casefold(): entry for entry in self.entries if entry.kind == "handle"}

    def agency_rules(self) -> list[Rule]:
        return [
            Rule(f"agency:{index}", [[entry.value]], window=len(entry.value.split()) + 1)
            for index, entry in enumerate(self.entries)
            if entry.kind == "agency"
        ]

    def findings(self) -> Iterator[Finding]:
        for index, entry in enumerate(self.entries):
            where = ("entries", index)
            if entry.kind == "phone":
                if not entry.value.strip().startswith("+"):
                    yield Finding((*where, "value"), "write phone numbers in international form, +country code")
                elif entry.phone_e164() is None:
                    yield Finding((*where, "value"), f"{entry.value!r} does not parse as a phone number")
            if entry.kind == "handle" and not re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", entry.value):
                yield Finding((*where, "value"), f"{entry.value!r} is not a Telegram handle such as @name")
            if not entry.example and not entry.note.strip():
                yield Finding((*where, "note"), "say who reported it and when (kept for the NGO)", severity="warning")


class OffersContent(BaseModel):
    """All offer-checking content together."""

    model_config = ConfigDict(extra="forbid")

    rules: OfferRules
    questions: OfferQuestions
    wages: Wages
    advice: OfferAdvice
    reported: Reported = Reported()

    FILES: ClassVar[dict[str, str]] = {
        "rules": "offers/rules.yaml",
        "questions": "offers/questions.yaml",
        "wages": "offers/wages.yaml",
        "advice": "offers/advice.yaml",
        "reported": "reported.yaml",
    }

    def findings(self) -> Iterator[tuple[str, Finding]]:
        """Every problem, with the file (relative to the content folder) it is in."""
        files = self.FILES
        yield from ((files["rules"], f) for f in self.rules.findings())
        yield from ((files["questions"], f) for f in self.questions.findings())
        yield from ((files["wages"], f) for f in self.wages.findings())
        yield from ((files["advice"], f) for f in self.advice.findings())
        yield from ((files["reported"], f) for f in self.reported.findings())
        flags = self.rules.flags
        for index, question in enumerate(self.questions.questions):
            flag = flags.get(question.flag)
            if flag is None:
                yield files["questions"], Finding(("questions", index, "flag"), f"unknown flag {question.flag!r}")
            elif flag.hint:
                yield files["questions"], Finding(("questions", index, "flag"), f"{question.flag!r} is a hint")
        for flag_id, flag in flags.items():
            if flag.hint:
                continue
            if not flag.strong and flag.weight >= self.advice.high:
                yield (
                    files["rules"],
                    Finding(
                        ("flags", flag_id, "weight"),
                        f"weak flag {flag_id!r} weighs {flag.weight}: alone it would make the risk high "
                        f"(high from {self.advice.high}); mark it strong or lower it",
                    ),
                )
            if flag.strong and flag.weight < self.advice.high:
                yield (
                    files["rules"],
                    Finding(
                        ("flags", flag_id, "weight"),
                        f"strong flag {flag_id!r} should weigh at least {self.advice.high}",
                    ),
                )
        for special in ("pay_too_high", "reported_recruiter"):
            if special not in flags:
                yield files["rules"], Finding(("flags",), f"flag {special!r} is needed by the scanner")
        used = {rule.flag for rule in self.rules.rules} | {q.flag for q in self.questions.questions}
        for flag_id in flags:
            if flag_id not in used and flag_id not in ("pay_too_high", "reported_recruiter"):
                message = f"no rule or question raises {flag_id!r}"
                yield files["rules"], Finding(("flags", flag_id), message, severity="warning")
        for index, step in enumerate(self.advice.steps):
            for code in step.destinations:
                if code not in self.wages.destinations:
                    yield files["advice"], Finding(("steps", index, "destinations"), f"unknown destination {code!r}")
        for job in self.advice.jobs:
            if job not in self.wages.jobs:
                yield files["advice"], Finding(("jobs", job), f"unknown job {job!r}")
        for code in self.advice.destinations:
            if code not in self.wages.destinations:
                yield files["advice"], Finding(("destinations", code), f"unknown destination {code!r}")


def load_offers(content_dir: Path) -> OffersContent:
    """Read and validate the offer content (raises pydantic's ValidationError or YamlError)."""
    data = {}
    for name, file in OffersContent.FILES.items():
        path = content_dir / file
        if name == "reported" and not path.exists():
            continue
        loaded, _ = load_yaml(path)
        data[name] = loaded or {}
    return OffersContent.model_validate(data)
