"""The printed leaflet's texts and which countries' numbers it lists (content/leaflet.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.common import Localized
from bot.content.contacts import ContactKind, Contacts
from bot.content.findings import Finding
from bot.yamlfile import load_yaml

LEAFLET_FILE = "leaflet.yaml"
M = TypeVar("M", bound=BaseModel)

# Numbers reach the leaflet only from contacts.yaml, through Country.shown(): never typed into a text.
_TYPED_NUMBER = re.compile(r"\d[\d\s\-()]{1,}\d")


class LeafletText(Localized):
    """A text printed on an A6 side: a few lines at most."""

    max_chars = 200

    @field_validator("root")
    @classmethod
    def _no_numbers(cls, value: dict[str, str]) -> dict[str, str]:
        for code, text in value.items():
            if _TYPED_NUMBER.search(text):
                raise ValueError(f"{code}: no phone numbers in leaflet texts; they come from contacts.yaml")
        return value


class LeafletContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Front: a neutral title (a phone, or a bag, may be checked), the QR code and how to open the bot.
    title: LeafletText
    subtitle: LeafletText
    about: LeafletText
    # "{bot}" is replaced by @username.
    open_bot: LeafletText
    # Back: warning signs of a deceptive job offer, then the verified emergency numbers.
    signs_heading: LeafletText
    signs: list[LeafletText] = Field(min_length=5, max_length=5)
    numbers_heading: LeafletText
    footer: LeafletText
    # Destination countries (ISO codes), printed after the home countries of the leaflet's language.
    destinations: list[str] = Field(min_length=1)
    # Home countries per language code (a derived language falls back to its source's list).
    home: dict[str, list[str]]
    # Which verified contacts are printed: the leaflet has room for emergency numbers only.
    kinds: list[ContactKind] = ["emergency", "police", "ambulance"]

    @field_validator("open_bot")
    @classmethod
    def _names_the_bot(cls, value: LeafletText) -> LeafletText:
        for code, text in value.root.items():
            if "{bot}" not in text:
                raise ValueError(f"{code}: must contain {{bot}}, where the bot's @username is printed")
        return value

    def countries(self, lang: str) -> list[str]:
        """Home countries first, then destinations, each once."""
        codes = [*self.home.get(lang, []), *self.destinations]
        return list(dict.fromkeys(code.upper() for code in codes))

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Localized]]:
        for name in ("title", "subtitle", "about", "open_bot", "signs_heading", "numbers_heading", "footer"):
            yield (name,), getattr(self, name)
        for index, sign in enumerate(self.signs):
            yield ("signs", index), sign

    def findings(self, languages: tuple[str, ...], contacts: Contacts | None = None) -> Iterator[Finding]:
        """Missing translations, and countries unknown to contacts.yaml (or with nothing verified to print)."""
        for path, text in self.texts():
            for code in languages:
                if not text.get(code):
                    yield Finding(path, "missing translation", lang=code)
        for code in self.home:
            if code not in languages:
                yield Finding(("home", code), f"unknown language {code!r}")
        if contacts is None:
            return
        for lang in languages:
            for country in self.countries(lang):
                found = contacts.country(country)
                if found is None:
                    yield Finding(("destinations",), f"country {country!r} is not in contacts.yaml")
                elif not [c for c in found.shown() if c.kind in self.kinds]:
                    yield Finding(
                        ("destinations",), f"{country}: no verified number to print; it is left out", severity="warning"
                    )


class LeafletError(Exception):
    """leaflet.yaml or contacts.yaml is missing or invalid; the message is one line."""


def load_leaflet(content_dir: Path) -> LeafletContent:
    return _load(content_dir / LEAFLET_FILE, LeafletContent)


def load_contacts(content_dir: Path) -> Contacts:
    """Only contacts.yaml: the leaflet needs nothing else of the content."""
    return _load(content_dir / "contacts.yaml", Contacts)


def _load(path: Path, model: type[M]) -> M:
    if not path.exists():
        raise LeafletError(f"{path} does not exist")
    data, _ = load_yaml(path)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise LeafletError(f"{path.name}: {where}: {first['msg']}") from None
