"""Load every content file, validate it, and report each problem with file, line and language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.common import SCREEN_CHARS, ContentError, Localized, Problem
from bot.content.contacts import Contacts
from bot.content.findings import Finding
from bot.content.glossary import GLOSSARY_FILE, Glossary
from bot.content.guidance import Guidance
from bot.content.leaflet import LEAFLET_FILE, LeafletContent
from bot.content.offers import OfferAdvice, OfferQuestions, OfferRules, OffersContent, Reported, Wages
from bot.content.operators import CannedAnswers, EscalationTexts, Profile, Rota
from bot.content.triage import TriageRules
from bot.i18n.languages import Languages, load_languages
from bot.i18n.transliterate import TRANSLITERATIONS
from bot.judgement.model import model_problems
from bot.yamlfile import LineMap, PathKey, YamlError, load_yaml


@dataclass(frozen=True)
class Content:
    """All content, validated. Field names match the files' names."""

    languages: Languages
    guidance: Guidance
    contacts: Contacts
    canned: CannedAnswers
    escalation: EscalationTexts
    profile: Profile
    rota: Rota
    offer_rules: OfferRules
    offer_questions: OfferQuestions
    wages: Wages
    offer_advice: OfferAdvice
    reported: Reported
    leaflet: LeafletContent
    triage: TriageRules
    glossary: Glossary

    @cached_property
    def offers(self) -> OffersContent:
        """The job-offer checker's files, as one model."""
        return OffersContent(rules=self.offer_rules, questions=self.offer_questions, wages=self.wages,
                             advice=self.offer_advice, reported=self.reported)  # fmt: skip


# Each field of Content is one file; files that may be missing fall back to their model's defaults.
_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "guidance": ("guidance.yaml", Guidance),
    "contacts": ("contacts.yaml", Contacts),
    "canned": ("canned.yaml", CannedAnswers),
    "escalation": ("escalation.yaml", EscalationTexts),
    "profile": ("profile.yaml", Profile),
    "rota": ("rota.yaml", Rota),
    "offer_rules": (OffersContent.FILES["rules"], OfferRules),
    "offer_questions": (OffersContent.FILES["questions"], OfferQuestions),
    "wages": (OffersContent.FILES["wages"], Wages),
    "offer_advice": (OffersContent.FILES["advice"], OfferAdvice),
    "reported": (OffersContent.FILES["reported"], Reported),
    "leaflet": (LEAFLET_FILE, LeafletContent),
    "triage": ("triage.yaml", TriageRules),
    "glossary": (GLOSSARY_FILE, Glossary),
}
_OPTIONAL = {"rota", "reported", "glossary"}
_OFFERS = {"offer_rules": "rules", "offer_questions": "questions", "wages": "wages", "offer_advice": "advice",
           "reported": "reported"}  # fmt: skip


def content_files() -> dict[str, type[BaseModel]]:
    """Each content file (relative to the content folder) and the model that validates it."""
    return dict(_FILES.values())


def _cross_findings(loaded: dict[str, BaseModel], languages: Languages) -> Iterator[tuple[str, Finding]]:
    """Each model's own checks, and those that need more than one file: whatever could be loaded is
    checked, so one broken file does not hide the warnings of the others."""
    contacts = loaded.get("contacts")
    for name in ("canned", "profile", "rota", "escalation", "triage"):
        if name in loaded:
            yield from ((name, f) for f in loaded[name].findings())  # type: ignore[attr-defined]
    if isinstance(contacts, Contacts):
        yield from (("contacts", f) for f in contacts.findings())
        if isinstance(guidance := loaded.get("guidance"), Guidance):
            yield from (("guidance", f) for f in guidance.findings(set(contacts.countries)))
        if isinstance(leaflet := loaded.get("leaflet"), LeafletContent):
            yield from (("leaflet", f) for f in leaflet.findings(languages.content_codes, contacts))
        if isinstance(canned := loaded.get("canned"), CannedAnswers):
            yield from (("canned", f) for f in canned.country_findings(contacts))
    if all(name in loaded for name in _OFFERS):
        offers = OffersContent(**{part: loaded[name] for name, part in _OFFERS.items()})  # type: ignore[arg-type]
        by_file = {file: name for name, (file, _) in _FILES.items()}
        yield from ((by_file[file], f) for file, f in offers.findings())
    glossary = loaded.get("glossary")
    for name, model in loaded.items():
        if isinstance(contacts, Contacts) and name != "contacts":
            yield from ((name, f) for f in _number_findings(model, contacts))
        if isinstance(glossary, Glossary) and name not in ("glossary", "triage"):
            for path, text in _localized(model, ()):
                yield from ((name, f) for f in glossary.text_findings(path, text))


def _localized(value: Any, path: PathKey) -> Iterator[tuple[PathKey, Localized]]:
    """Every text in a model, with its path in the YAML."""
    if isinstance(value, Localized):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _localized(getattr(value, name), (*path, field.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _localized(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _localized(item, (*path, index))


# A Kazakh case ending glued to a number that is filled in ("{n}-і"): its vowel and consonant follow the
# number as it is read (2-сі, 6-сы, 10-ы), so one fixed ending is wrong for most numbers.
_KK_SUFFIX_ON_NUMBER = re.compile(r"\}-(?:і|ы|сі|сы|ші|шы|ге|ға|ке|қа|де|да|те|та|ден|дан|тен|тан|нен|нан|нің|ның"
                                  r"|дің|дың|тің|тың)(?!\w)")  # fmt: skip


def _translation_findings(model: BaseModel, languages: Languages) -> Iterator[Finding]:
    required = languages.content_codes
    for path, text in _localized(model, ()):
        kk = text.root.get("kk", "")
        if _KK_SUFFIX_ON_NUMBER.search(kk):
            message = ("a case ending after a number that is filled in does not follow vowel harmony for every "
                       'number: write it without one, e.g. "{n}-сұрақ / {total}"')  # fmt: skip
            yield Finding((*path, "kk"), message, "kk", "warning")
        for code in required:
            if not text.get(code):
                yield Finding(path, "missing translation", lang=code)
        for code in text.root:
            if code not in required:
                yield Finding((*path, code), f"unknown language {code!r} (languages: {', '.join(required)})", code)
        for language in languages.languages:
            value = text.get(language.source)
            if value is None:
                continue
            if language.transliteration:
                value = TRANSLITERATIONS[language.transliteration](value)
            if len(value) > text.max_chars:
                yield Finding(
                    (*path, language.source),
                    f"{len(value)} characters; {text.max_chars} at most here",
                    lang=language.code,
                )
            elif len(value) > SCREEN_CHARS:
                message = f"{len(value)} characters: more than a phone screen ({SCREEN_CHARS}): shorten or split it"
                yield Finding((*path, language.source), message, language.code, "warning")


# A run of digits that could be dialled: "112", "116 16", "+7 495 967-98-44".
_DIALLABLE = re.compile(r"(?<![\w.,])\+?\d[\d \-()]{1,18}\d(?![\w.,])")


def _number_findings(model: BaseModel, contacts: Contacts) -> Iterator[Finding]:
    """A number in a text must be a verified contact: a wrong number given to someone in danger harms."""
    everyone = [c for country in contacts.countries.values() for c in country.contacts]
    everyone += [c for organisation in contacts.organisations for c in organisation.contacts]
    verified = {re.sub(r"\D", "", c.number) for c in everyone if c.verified and c.source}
    unverified = {re.sub(r"\D", "", c.number) for c in everyone} - verified
    for path, text in _localized(model, ()):
        for code, value in text.root.items():
            for match in _DIALLABLE.finditer(value):
                digits = re.sub(r"\D", "", match.group())
                if digits in verified:
                    continue
                if digits in unverified:
                    yield Finding((*path, code), f"{match.group()!r} is not a verified contact: never show it", code)
                elif match.group().startswith("+") or len(digits) >= 7:
                    yield Finding((*path, code), f"{match.group()!r} looks like a phone number that is not in "
                                  "contacts.yaml as verified", code)  # fmt: skip


def _validation_problems(file: str, error: ValidationError, lines: LineMap) -> Iterator[Problem]:
    for item in error.errors():
        location = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        where = ".".join(str(part) for part in location)
        lang = next((str(p) for p in location if isinstance(p, str) and len(p) in (2, 3) and p.islower()), None)
        yield Problem(file, lines.line(location), f"{where}: {item['msg']}" if where else item["msg"], lang)


def check_content(content_dir: Path, languages: Languages | None = None) -> tuple[Content | None, list[Problem]]:
    """Everything wrong with the content, and the content itself when nothing is an error."""
    if not content_dir.is_dir():
        return None, [Problem("", None, f"the content folder {content_dir} does not exist (see HELPLINE_CONTENT_DIR)")]
    languages = languages or load_languages()
    loaded: dict[str, BaseModel] = {}
    line_maps: dict[str, LineMap] = {}
    problems: list[Problem] = []
    for name, (file, model) in _FILES.items():
        path = content_dir / file
        if not path.exists() and name in _OPTIONAL:
            loaded[name], line_maps[name] = model(), LineMap({})
            continue
        try:
            data, line_maps[name] = load_yaml(path)
            loaded[name] = model.model_validate(data if data is not None else {})
        except YamlError as error:
            problems.append(Problem(file, error.line, error.reason))
            continue
        except ValidationError as error:
            problems.extend(_validation_problems(file, error, line_maps[name]))
            continue
        for finding in _translation_findings(loaded[name], languages):
            problems.append(_problem(file, finding, line_maps[name]))
    for name, finding in _cross_findings(loaded, languages):
        problems.append(_problem(_FILES[name][0], finding, line_maps[name]))
    failed = len(loaded) < len(_FILES) or any(problem.severity == "error" for problem in problems)
    # A model trained on other examples fails the check (an editor must retrain) but does not stop the bot.
    problems = sorted(problems + model_problems(content_dir), key=lambda p: (p.file, p.line or 0, p.message))
    if failed:
        return None, problems
    return Content(languages=languages, **loaded), problems  # type: ignore[arg-type]


def _problem(file: str, finding: Finding, lines: LineMap) -> Problem:
    return Problem(file, lines.line(finding.path), finding.message, finding.lang, finding.severity)


def load_glossary(content_dir: Path) -> Glossary | None:
    """The glossary alone (for the catalogs' check), or None when it is missing or broken."""
    try:
        data, _ = load_yaml(content_dir / GLOSSARY_FILE)
        return Glossary.model_validate(data or {})
    except (YamlError, ValidationError):
        return None


def load_content(content_dir: Path, languages: Languages | None = None) -> Content:
    """The validated content, or ContentError listing every error (warnings are left to `content check`)."""
    content, problems = check_content(content_dir, languages)
    if content is None:
        raise ContentError(problems)
    return content
