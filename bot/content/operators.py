"""What the operator side needs from content: canned answers, the texts of an escalation, the rota."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.common import Localized
from bot.content.contacts import Contacts
from bot.content.findings import Finding

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CALL_BACK = "call_back"  # the canned answer that lists what to do in danger, country by country


class CannedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str  # in English, for operators who may not read the user's language
    text: Localized


class CannedAnswers(BaseModel):
    """Prepared answers an operator sends with /say KEY, in the user's language (content/canned.yaml)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, CannedAnswer]

    def findings(self) -> Iterator[Finding]:
        for key in self.answers:
            if not key.replace("_", "").isalnum() or not key.isascii() or key != key.lower():
                yield Finding(("answers", key), f"answer key {key!r}: use a-z and _ so operators can type /say {key}")

    def country_findings(self, contacts: Contacts) -> Iterator[Finding]:
        """The call-back answer tells what to do in danger in every country we cover: a country left out
        leaves the person there with nothing."""
        answer = self.answers.get(CALL_BACK)
        if answer is None:
            return
        for code, text in answer.text.root.items():
            missing = [c.name.root.get(code, key) for key, c in contacts.countries.items()
                       if c.name.root.get(code, key) not in text]  # fmt: skip
            if missing:
                yield Finding(("answers", CALL_BACK, "text", code),
                              f"{CALL_BACK} does not name {', '.join(missing)} (every country in contacts.yaml)", code,
                              "warning")


class Shift(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    days: list[Weekday]
    start: dt.time = Field(alias="from")
    end: dt.time = Field(alias="to")
    operators: list[int] = []  # Telegram user ids of operators on duty in this shift

    def covers(self, moment: dt.datetime) -> bool:
        day = WEEKDAYS[moment.weekday()]
        return day in self.days and self.start <= moment.time() < self.end


class Rota(BaseModel):
    """Helpline hours and who is on duty (content/rota.yaml). Operators may also go on call by hand."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "Asia/Almaty"
    # The place whose clock the hours follow, as users say it ("after 9:00 Almaty time"); Babel's city
    # name for the zone when missing (its Uzbek names are not the ones people use).
    city: Localized | None = None
    shifts: list[Shift] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use a name such as Asia/Almaty") from None
        return value

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def on_duty(self, moment: dt.datetime) -> set[int]:
        local = moment.astimezone(self.zone)
        return {operator for shift in self.shifts if shift.covers(local) for operator in shift.operators}

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """When the next shift starts (in the rota's zone), looking a week ahead; None without shifts."""
        local = moment.astimezone(self.zone)
        starts = []
        for offset in range(8):
            day = (local + dt.timedelta(days=offset)).date()
            for shift in self.shifts:
                if WEEKDAYS[day.weekday()] in shift.days:
                    start = dt.datetime.combine(day, shift.start, tzinfo=self.zone)
                    if start > local:
                        starts.append(start)
        return min(starts, default=None)

    def findings(self) -> Iterator[Finding]:
        for index, shift in enumerate(self.shifts):
            if shift.end <= shift.start:
                yield Finding(("shifts", index), "a shift must end after it starts (split a night shift in two)")


class OpeningDays(BaseModel):
    """The day a person will be on the line again, as a phrase that fits the `opening` text."""

    model_config = ConfigDict(extra="forbid")

    today: Localized
    tomorrow: Localized
    mon: Localized
    tue: Localized
    wed: Localized
    thu: Localized
    fri: Localized
    sat: Localized
    sun: Localized

    def weekday(self, day: Weekday) -> Localized:
        found: Localized = getattr(self, day)
        return found


class EscalationTexts(BaseModel):
    """What a user reads when a person is being called (content/escalation.yaml)."""

    model_config = ConfigDict(extra="forbid")

    alerted: Localized  # a person has been told; they will write here
    danger: Localized  # if in immediate danger, call … (the numbers follow)
    meanwhile: Localized  # what to do while waiting
    can_hide: Localized  # this chat can be hidden
    nobody_on_duty: Localized  # out of hours: nobody is on the line, {when} someone will be, the message is kept
    opening: Localized  # {day} {time} {city}: when someone will be on the line again
    days: OpeningDays  # {day} of `opening`; a weekday gets its date after it (Babel)
    no_number: Localized  # {country}: no verified emergency number there: what to do instead
    no_ambulance: Localized  # the country's verified numbers include no ambulance: what to do
    long_wait: Localized  # sent when nobody has claimed the ticket for a while
    ask_country: Localized  # which country are you in? (buttons follow)
    closed: Localized  # the conversation with the operator has ended
    talk_intro: Localized  # "Talk to a person": write what happened

    def findings(self) -> Iterator[Finding]:
        for code, text in self.nobody_on_duty.root.items():
            if "{when}" not in text:
                yield Finding(("nobody_on_duty", code), "must say {when}: the bot puts the time there", code)
        for code, text in self.opening.root.items():
            for field in ("{day}", "{time}", "{city}"):
                if field not in text:
                    yield Finding(("opening", code), f"must say {field}: the bot fills it in", code)
        for code, text in self.no_number.root.items():
            if "{country}" not in text:
                yield Finding(("no_number", code), "must say {country}: the bot puts the country's name there", code)


class Profile(BaseModel):
    """The bot's face in Telegram, per language (content/profile.yaml): an NGO may choose a neutral one."""

    model_config = ConfigDict(extra="forbid")

    name: Localized
    short_description: Localized
    description: Localized
    commands: dict[str, Localized]

    def findings(self) -> Iterator[Finding]:
        limits = {"name": (self.name, 64), "short_description": (self.short_description, 120),
                  "description": (self.description, 512)}  # fmt: skip
        for field, (text, limit) in limits.items():
            for code, value in text.root.items():
                if len(value) > limit:
                    yield Finding((field, code), f"{len(value)} characters; Telegram allows {limit}", lang=code)
        for command, text in self.commands.items():
            if not command.isascii() or not command.replace("_", "").isalnum() or len(command) > 32:
                yield Finding(("commands", command), f"command {command!r}: use a-z, 0-9 and _, 32 at most")
            for code, value in text.root.items():
                if len(value) > 256:
                    yield Finding(("commands", command, code), "a command description allows 256 characters", code)
