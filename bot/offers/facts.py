"""Facts in an offer: amounts of pay, phone numbers, Telegram handles, links, the job and the destination."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar, cast

import phonenumbers
from pydantic import BaseModel

from bot.content.offers import Wages
from bot.text.matcher import PhraseMatcher
from bot.text.money import Span, money_spans
from bot.text.normalize import skeleton

T = TypeVar("T")
REGIONS = ("KZ", "UZ", "RU", "KG", "TJ", "AE", "TR", "KR")


def _fewest_digits(region: str) -> int:
    """The fewest digits a number of the region has, from phonenumbers' own metadata (1 when it has none)."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = metadata.general_desc.possible_length if metadata and metadata.general_desc else None
    return min(lengths) if lengths else 1


_SHORTEST = {region: _fewest_digits(region) for region in REGIONS}

_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z][A-Za-z0-9_]{3,31})\b")
_LINK = re.compile(r"\b(?:https?://\S+|(?:t\.me|wa\.me|telegram\.me|instagram\.com|vk\.com)/\S+)", re.IGNORECASE)


class Amount(BaseModel):
    text: str
    start: int
    end: int
    value: float
    currency: str | None
    usd_month: float | None = None


class Facts(BaseModel):
    amounts: list[Amount] = []
    phones: list[str] = []  # E.164
    handles: list[str] = []  # without @
    links: list[str] = []
    jobs: list[str] = []
    destinations: list[str] = []

    @property
    def top_pay(self) -> Amount | None:
        """The highest monthly pay in dollars that the offer names."""
        known = [amount for amount in self.amounts if amount.usd_month is not None]
        return max(known, key=lambda amount: amount.usd_month or 0, default=None)


def _parse_number(raw: str) -> float | None:
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d{1,2})?", raw):
        groups = re.split(r"[ .,]", raw)
        # "1,500" and "150 000" group thousands; "1,500.50" keeps its cents.
        if re.search(r"[.,]\d{1,2}$", raw):
            return float("".join(groups[:-1]) + "." + groups[-1])
        return float("".join(groups))
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _fold_prefixes(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(skeleton(word) for word in words if skeleton(word))


_MEMO: dict[tuple[int, str, str], object] = {}  # (id of the wages table, kind, words) → reading


def _memo(wages: Wages, kind: str, key: str, compute: Callable[[], T]) -> T:  # offers repeat the same few words
    slot = (id(wages), kind, key)
    if slot not in _MEMO:
        if len(_MEMO) > 4096:
            _MEMO.clear()
        _MEMO[slot] = compute()
    return cast(T, _MEMO[slot])


def _currency(token: str | None, wages: Wages) -> str | None:
    if not token:
        return None
    return _memo(wages, "currency", token, lambda: _read_currency(token, wages))


def _read_currency(token: str, wages: Wages) -> str | None:
    token = token.casefold().rstrip(".")
    for code, currency in wages.currencies.items():
        if token in (s.casefold() for s in currency.symbols) or token == code.casefold():
            return code
    folded = skeleton(token)
    for code, currency in wages.currencies.items():
        if any(folded.startswith(word) for word in _fold_prefixes(tuple(currency.words))):
            return code
    return None


def _multiplier(token: str | None, wages: Wages) -> float:
    if not token:
        return 1.0
    return _memo(wages, "multiplier", token, lambda: _read_multiplier(token, wages))


def _read_multiplier(token: str, wages: Wages) -> float:
    folded = skeleton(token)
    for factor, words in wages.multipliers.items():
        if any(folded == word or (len(word) > 2 and folded.startswith(word)) for word in _fold_prefixes(tuple(words))):
            return float(factor)
    return 1.0


def _per_month(text: str, end: int, wages: Wages) -> float:
    following = text[end : end + 30]
    return _memo(wages, "period", following, lambda: _read_period(following, wages))


def _read_period(following: str, wages: Wages) -> float:
    after = skeleton(following)
    for period in wages.periods.values():
        if any(after.startswith(word) for word in _fold_prefixes(tuple(period.words))):
            return period.per_month
    return 1.0


def amounts(text: str, wages: Wages, spans: list[Span] | None = None) -> list[Amount]:
    found = []
    for start, end, match in money_spans(text) if spans is None else spans:
        value = _parse_number(match.group("num"))
        if value is None:
            continue
        value *= _multiplier(match.group("mult"), wages)
        code = _currency(match.group("pre"), wages) or _currency(match.group("post"), wages)
        usd = None
        if code is not None:
            usd = round(value * wages.currencies[code].usd * _per_month(text, end, wages), 2)
        found.append(
            Amount(text=text[start:end].strip(), start=start, end=end, value=value, currency=code, usd_month=usd)
        )
    return found


# Runs of digits that could be a phone number; phonenumbers reads only these (it is slow on long texts).
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d\s().\- ]{5,}\d")


def phones(text: str) -> list[str]:
    """Phone numbers in E.164, read as numbers of any of the region's countries."""
    seen: dict[str, None] = {}
    for candidate in _PHONE_CANDIDATE.finditer(text):
        piece = candidate.group()
        digits = sum(ch.isdigit() for ch in piece)
        if digits < 7:
            continue
        # An international number reads the same from every region: one look is enough. Otherwise only
        # regions with numbers this short are tried: the matcher is slow, and "2000-4000" is no phone.
        regions = REGIONS[:1] if piece.lstrip().startswith("+") else [r for r in REGIONS if _SHORTEST[r] <= digits]
        for region in regions:
            for match in phonenumbers.PhoneNumberMatcher(piece, region):
                seen.setdefault(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return list(seen)


def extract(
    text: str,
    wages: Wages,
    places: list[str] | None = None,
    spans: list[Span] | None = None,
) -> Facts:
    """Every fact the scanner reads from an offer.

    places: rule ids "job:…" and "dest:…" the caller's matcher found (None: found here with `wages.place_rules()`).
    spans: the text's `money_spans`, when the caller has them already.
    """
    if places is None:
        places = [hit.rule_id for hit in PhraseMatcher(wages.place_rules()).scan(text)]
    return Facts(
        amounts=amounts(text, wages, spans),
        phones=phones(text),
        handles=list(dict.fromkeys(match.group(1) for match in _HANDLE.finditer(text))),
        links=list(dict.fromkeys(match.group().rstrip(".,;:!?)»") for match in _LINK.finditer(text))),
        jobs=[place.split(":", 1)[1] for place in places if place.startswith("job:")],
        destinations=[place.split(":", 1)[1] for place in places if place.startswith("dest:")],
    )


class PayCheck(BaseModel):
    amount: Amount
    job: str | None
    destination: str | None
    low: float
    high: float
    ratio: float


def pay_check(facts: Facts, wages: Wages, no_experience: bool) -> PayCheck | None:
    """Pay far above the usual range for the job and destination, or None.

    Unknown job: the best-paid job in that destination; unknown destination: the best-paying destination
    for the job; both unknown: the highest figure in the table. The scanner errs towards silence here.
    """
    top = facts.top_pay
    if top is None or top.usd_month is None:
        return None
    destinations = [d for d in facts.destinations if d in wages.ranges] or list(wages.ranges)
    best: tuple[float, float, str | None, str | None] | None = None
    for destination in destinations:
        table = wages.ranges[destination]
        jobs = [job for job in facts.jobs if job in table] or list(table)
        for job in jobs:
            candidate = (table[job].high, table[job].low, job, destination)
            if best is None or candidate[0] > best[0]:
                best = candidate
    if best is None:
        return None
    high, low, best_job, best_destination = best
    ratio = wages.far_above_no_experience if no_experience else wages.far_above
    if top.usd_month <= high * ratio:
        return None
    return PayCheck(
        amount=top,
        job=best_job if facts.jobs else None,
        destination=best_destination if facts.destinations else None,
        low=low,
        high=high,
        ratio=round(top.usd_month / high, 2),
    )
