"""Scan a pasted or forwarded job offer for red flags, quoting the words that raised each."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from bot.content.offers import OffersContent, load_offers
from bot.offers.assess import Assessment, FlagHit, assess
from bot.offers.facts import Facts, PayCheck, extract, mask_money, pay_check
from bot.text.matcher import PhraseMatcher
from bot.text.normalize import Token, tokenize

LANGS = ("kk", "ru", "uz")
_KK_LETTERS = set("әғқңөұүһі")
_UZ_CYRILLIC = set("ўҳ")
# Frequent words (skeletons) that tell the languages apart when no rule names one.
_COMMON = {
    "kk": {"kerek", "jane", "ushin", "jok", "men", "pen", "jumis", "ailik", "bar", "emes", "kajet", "birak", "osi"},
    "uz": {"va", "uchun", "bilan", "kerak", "ish", "oilik", "bor", "emas", "ham", "bu", "shart"},
    "ru": {"i", "v", "na", "dla", "po", "ot", "ne", "s", "rabota", "rabotu", "zarplata", "ili", "chto", "vas"},
}


class ScanResult:
    def __init__(
        self, hits: list[FlagHit], facts: Facts, lang: str | None, hints: set[str], pay: PayCheck | None
    ) -> None:
        self.hits, self.facts, self.lang, self.hints, self.pay = hits, facts, lang, hints, pay


@cache
def _detector():  # the shared language guess, when another part of the bot provides it (looked up once)
    try:
        from bot.text import detect  # type: ignore[attr-defined]
    except ImportError:
        return None
    for name in ("detect_language", "detect", "guess_language", "guess"):
        function = getattr(detect, name, None)
        if callable(function):
            return function
    return None


_KK_RE = re.compile("[әғқңөұүһі]")
_UZ_RE = re.compile("[ўҳ]")
_CYR_RE = re.compile("[а-яё]")
_LAT_RE = re.compile("[a-z]")


def guess_lang(text: str, rule_langs: list[str | None], tokens: Sequence[Token] | None = None) -> str | None:
    """kk, ru or uz: the shared detector when present, else letters, frequent words and the rules that matched."""
    detector = _detector()
    if detector is not None:
        try:
            found = detector(text)
        except Exception:
            found = None
        code = getattr(found, "lang", found)
        if isinstance(code, tuple):
            code = code[0]
        if code in LANGS:
            return code
    lowered = text.casefold()
    votes: Counter[str] = Counter(lang for lang in rule_langs if lang in LANGS)
    votes["kk"] += 2 * len(_KK_RE.findall(lowered))
    votes["uz"] += 3 * len(_UZ_RE.findall(lowered))
    for token in tokenize(text) if tokens is None else tokens:
        for lang, common in _COMMON.items():
            if token.skeleton in common:
                votes[lang] += 1
    cyrillic, latin = len(_CYR_RE.findall(lowered)), len(_LAT_RE.findall(lowered))
    if latin > cyrillic:
        votes["uz"] += 2
    elif cyrillic:
        votes["ru"] += 1
    if not votes or max(votes.values()) <= 0:
        return None
    return votes.most_common(1)[0][0]


class OfferChecker:
    """Built once from the content; `check(text)` is pure and safe to call from many handlers."""

    def __init__(self, content: OffersContent) -> None:
        self.content = content
        # One matcher for flags, jobs and destinations and reported agencies: the text is folded once.
        self._matcher = PhraseMatcher(
            [*content.rules.compiled_rules(), *content.wages.place_rules(), *content.reported.agency_rules()]
        )
        self._rule_flag = {rule.id: rule.flag for rule in content.rules.rules}
        self._rule_lang = {rule.id: rule.lang for rule in content.rules.rules}
        self._phones = content.reported.phones()
        self._handles = content.reported.handles()

    @classmethod
    def from_dir(cls, content_dir: Path) -> OfferChecker:
        return cls(load_offers(content_dir))

    def scan(self, text: str) -> ScanResult:
        flags = self.content.rules.flags
        hits: list[FlagHit] = []
        hints: set[str] = set()
        langs: list[str | None] = []
        places: list[str] = []
        masked = mask_money(text)
        tokens = tokenize(masked)
        for hit in self._matcher.scan_tokens(masked, tokens):
            if ":" in hit.rule_id:
                if hit.rule_id.startswith("agency:"):
                    evidence = text[hit.start : hit.end]
                    hits.append(FlagHit(flag="reported_recruiter", evidence=evidence, source="contact"))
                else:
                    places.append(hit.rule_id)
                continue
            flag = self._rule_flag[hit.rule_id]
            langs.append(self._rule_lang[hit.rule_id])
            if flags[flag].hint:
                hints.add(flag)
                continue
            # The mask keeps lengths, so the places point into the original words.
            hits.append(FlagHit(flag=flag, evidence=text[hit.start : hit.end], source="text"))
        facts = extract(text, self.content.wages, places)
        pay = pay_check(facts, self.content.wages, "no_experience" in hints)
        if pay is not None:
            hits.append(FlagHit(flag="pay_too_high", evidence=pay.amount.text, source="pay"))
        for phone in facts.phones:
            if phone in self._phones:
                hits.append(FlagHit(flag="reported_recruiter", evidence=phone, source="contact"))
        for handle in facts.handles:
            if handle.casefold() in self._handles:
                hits.append(FlagHit(flag="reported_recruiter", evidence="@" + handle, source="contact"))
        return ScanResult(hits, facts, guess_lang(text, langs, tokens), hints, pay)

    def check(self, text: str, lang: str | None = None) -> Assessment:
        """The assessment of one offer. `lang` is the reader's language (None: the offer's own)."""
        result = self.scan(text)
        return assess(result.hits, self.content, facts=result.facts, pay=result.pay, lang=lang or result.lang)
