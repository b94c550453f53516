"""Scan a pasted or forwarded job offer for red flags, quoting the words that raised each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.content.offers import OffersContent
from bot.judgement.model import Judgement
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
            score, per_sentence = self.model.offer(text)
            model = ModelRisk(score, thresholds["high"], thresholds["rule_high"], thresholds["medium"])
            hits = hits + model_flags(self.model, text, per_sentence, {hit.flag for hit in hits})
        return assess(hits, self.content, facts=result.facts, pay=result.pay, lang=lang or result.lang, model=model)


def model_flags(
    model: Judgement, text: str, per_sentence: list[tuple[int, int, dict[str, float]]], found: set[str]
) -> list[FlagHit]:
    """Flags the rules did not find but a sentence model does, each with its most telling sentence: "possible",
    or sure where cross-validation found the model right at least nine times in ten from that score."""
    thresholds = model.flags.thresholds
    best: dict[str, tuple[float, str]] = {}
    for start, end, scores in per_sentence:
        for head, p in scores.items():
            flag = head.removeprefix("flag:")
            if flag not in found and p >= thresholds.get(head, 1.1) and p > best.get(flag, (0.0, ""))[0]:
                best[flag] = (p, text[start:end])
    return [
        FlagHit(flag=flag, evidence=sentence, source="text", possible=p < thresholds.get(f"sure:{flag}", 1.1))
        for flag, (p, sentence) in sorted(best.items())
    ]
