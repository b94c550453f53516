"""Scan a pasted or forwarded job offer for red flags, quoting the words that raised each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.content.offers import OffersContent
from bot.judgement.model import Judgement, OfferReading, flag_verdict
from bot.offers.assess import Assessment, FlagHit, ModelRisk, assess
from bot.offers.facts import Facts, PayCheck, extract, pay_check
from bot.text.detect import detect_language
from bot.text.matcher import PhraseMatcher
from bot.text.money import mask_money, money_spans
from bot.text.normalize import Token, tokenize

LANGS = ("kk", "ru", "uz")


class ScanResult:
    def __init__(
        self, hits: list[FlagHit], facts: Facts, lang: str | None, hints: set[str], pay: PayCheck | None
    ) -> None:
        self.hits, self.facts, self.lang, self.hints, self.pay = hits, facts, lang, hints, pay


def guess_lang(text: str, rule_langs: list[str | None], tokens: Sequence[Token] | None = None) -> str | None:
    """kk, ru or uz: the shared language guess, else the language of the rules that matched."""
    found = detect_language(text, list(tokens) if tokens is not None else None)
    if found in LANGS:
        return found
    votes = Counter(lang for lang in rule_langs if lang in LANGS)
    return votes.most_common(1)[0][0] if votes else None


class OfferChecker:
    """Built once from the content; `check(text)` is pure and safe to call from many handlers."""

    def __init__(self, content: OffersContent, model: Judgement | None = None) -> None:
        self.content = content
        self.model = model  # None: the rules decide alone
        # One matcher for flags, jobs and destinations and reported agencies: the text is folded once.
        self._matcher = PhraseMatcher(
            [*content.rules.compiled_rules(), *content.wages.place_rules(), *content.reported.agency_rules()]
        )
        self._rule_flag = {rule.id: rule.flag for rule in content.rules.rules}
        self._rule_lang = {rule.id: rule.lang for rule in content.rules.rules}
        self._phones = content.reported.phones()
        self._handles = content.reported.handles()

    def scan(self, text: str) -> ScanResult:
        flags = self.content.rules.flags
        hits: list[FlagHit] = []
        hints: set[str] = set()
        langs: list[str | None] = []
        places: list[str] = []
        spans = money_spans(text)
        masked = mask_money(text, spans)
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
        facts = extract(text, self.content.wages, places, spans)
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
        hits, model = result.hits, None
        if self.model is not None:
            thresholds = self.model.offers.thresholds
            reading = self.model.offer(text)
            model = ModelRisk(reading.score, thresholds["high"], thresholds["rule_high"], thresholds["medium"])
            hits = judged_flags(self.model, text, reading, hits)
        return assess(hits, self.content, facts=result.facts, pay=result.pay, lang=lang or result.lang, model=model)


def judged_flags(model: Judgement, text: str, reading: OfferReading, hits: list[FlagHit]) -> list[FlagHit]:
    """The rules' hits, "possible" where the flag models doubt them (the rule's words still quoted), and the flags
    only the models see with their most telling sentence: sure or possible as cross-validation chose
    (bot/judgement/model.py `flag_verdict`)."""
    thresholds = model.flags.thresholds
    scores = model.flag_reading(reading)
    judged = []
    for hit in hits:
        known = scores.get(hit.flag)
        if known is not None and flag_verdict(thresholds, hit.flag, True, known[0]) == "possible":
            hit = hit.model_copy(update={"possible": True})
        judged.append(hit)
    found = {hit.flag for hit in hits}
    for flag, (score, where) in sorted(scores.items()):
        verdict = flag_verdict(thresholds, flag, False, score)
        if flag in found or verdict is None or where is None:
            continue
        start, end = reading.spans[where]
        judged.append(FlagHit(flag=flag, evidence=text[start:end], source="model", possible=verdict == "possible"))
    return judged
