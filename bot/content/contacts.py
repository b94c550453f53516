"""Helplines and organisations per country (content/contacts.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import phonenumbers
from phonenumbers import shortnumberinfo
from pydantic import BaseModel, ConfigDict, Field

from bot.common import Label, Localized
from bot.content.findings import Finding

ContactKind = Literal["emergency", "police", "ambulance", "hotline", "ministry", "immigration", "ngo"]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    number: str
    kind: ContactKind
    label: Label
    # Where the number was found. Only a number the NGO has confirmed is `verified`, and only those are shown.
    source: str = ""
    verified: bool = False
    # Why an unverified number is not shown yet ("conflicting sources: confirm by calling"): with it, the
    # number is a known open question and `content check` stays quiet about it.
    status: str = ""
    hours: Localized | None = None

    def number_problem(self, region: str) -> tuple[str, bool] | None:
        """Why phonenumbers rejects the number, and whether that is an error (not just a doubt)."""
        try:
            parsed = phonenumbers.parse(self.number, region)
        except phonenumbers.NumberParseException:
            return f"{self.number!r} does not parse as a phone number in {region}", True
        national = phonenumbers.national_significant_number(parsed)
        if len(national) > 6 or self.number.lstrip().startswith("+"):
            if phonenumbers.is_valid_number(parsed):
                return None
            return f"{self.number!r} is not a valid phone number in {region}", True
        # Short service numbers (112, 1102): libphonenumber's list of them is incomplete, so only a doubt.
        if shortnumberinfo.is_valid_short_number_for_region(parsed, region):
            return None
        return f"short number {self.number!r} is unknown to phonenumbers for {region}: check it by calling", False


class Country(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label
    contacts: list[Contact] = []
    # Why the country has no verified emergency number yet (what is being done about it); users there
    # are told what to do instead (escalation.yaml no_number).
    status: str = ""

    def shown(self) -> list[Contact]:
        """The contacts a user may see: verified ones only. A wrong number given to someone in danger harms."""
        return [contact for contact in self.contacts if contact.verified and contact.source]

    def urgent(self) -> list[Contact]:
        """The numbers to call in immediate danger."""
        return [contact for contact in self.shown() if contact.kind in ("emergency", "police")]


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    country: str
    about: Localized
    contacts: list[Contact] = []


class Contacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: dict[str, Country]
    organisations: list[Organisation] = []

    def country(self, code: str | None) -> Country | None:
        return self.countries.get(code.upper()) if code else None

    def findings(self) -> Iterator[Finding]:
        seen: set[str] = set()
        for code, country in self.countries.items():
            if len(code) != 2 or not code.isupper():
                yield Finding(("countries", code), f"country code {code!r} is not an ISO code such as KZ")
            yield from _contact_findings(("countries", code, "contacts"), country.contacts, code, seen)
            if not country.urgent() and not country.status.strip():
                yield Finding(("countries", code), f"{code} has no verified emergency or police number: users there "
                              "are only told to ask someone nearby to call; verify one, or say why in `status`",
                              severity="warning")  # fmt: skip
        for index, organisation in enumerate(self.organisations):
            if organisation.country not in self.countries:
                yield Finding(("organisations", index, "country"), f"unknown country {organisation.country!r}")
            path = ("organisations", index, "contacts")
            yield from _contact_findings(path, organisation.contacts, organisation.country, seen)


def _contact_findings(
    path: tuple[str | int, ...], contacts: list[Contact], region: str, seen: set[str]
) -> Iterator[Finding]:
    for index, contact in enumerate(contacts):
        where = (*path, index)
        if contact.id in seen:
            yield Finding((*where, "id"), f"contact id {contact.id!r} is used twice")
        seen.add(contact.id)
        # A short number phonenumbers does not know is only a doubt; a verified contact's source, or an
        # unverified one's status, has answered it.
        explained = (contact.verified and bool(contact.source.strip())) or bool(contact.status.strip())
        problem = contact.number_problem(region)
        if problem is not None and (problem[1] or not explained):
            message, is_error = problem
            yield Finding((*where, "number"), message, severity="error" if is_error else "warning")
        if not contact.source.strip():
            yield Finding((*where, "source"), f"contact {contact.id!r} has no source: say where it was found")
        elif not contact.verified and not contact.status.strip():
            yield Finding(
                (*where, "verified"),
                f"contact {contact.id!r} is not verified: it is never shown to users until the NGO confirms it "
                "(say why in `status`)",
                severity="warning",
            )
