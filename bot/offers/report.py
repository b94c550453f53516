"""An assessment as text for the person who asked (in their language), as JSON, and as a report for NGO staff."""

from __future__ import annotations

from typing import Any

from bot.common import SCREEN_CHARS, Localized
from bot.content.offers import OffersContent
from bot.offers.assess import Assessment, FlagHit
from bot.offers.facts import Amount

FALLBACK = "ru"


def _t(text: Localized | None, lang: str) -> str:
    if text is None:
        return ""
    return text.get(lang) or text.get(FALLBACK) or next(iter(text.root.values()), "")


def _in_dollars(amount: Amount) -> bool:
    """Already dollars a month: "3000$ ≈ 3 000$ a month" would say it twice."""
    return amount.currency == "USD" and amount.value == amount.usd_month


def _pay_line(assessment: Assessment, content: OffersContent, lang: str) -> str | None:
    pay = assessment.pay
    if pay is None or pay.amount.usd_month is None:
        return None
    advice = content.advice
    where = " ".join(
        part
        for part in (
            _t(advice.jobs.get(pay.job), lang) if pay.job else "",
            _t(advice.destinations.get(pay.destination), lang) if pay.destination else "",
        )
        if part
    )
    template = _t(advice.pay_evidence, lang)
    if _in_dollars(pay.amount):
        template = template.replace("{amount} ≈ ", "")
    return template.format(
        amount=pay.amount.text, usd=f"{pay.amount.usd_month:,.0f}".replace(",", " "),
        where=where or "", low=f"{pay.low:,.0f}".replace(",", " "), high=f"{pay.high:,.0f}".replace(",", " "),
    ).replace(";  ", "; ")  # fmt: skip


FIRST_PAGE_CHARS = SCREEN_CHARS - 50  # the first page gets the count of signs after its headline
TOP_SIGNS = (3, 5)  # the strongest signs shown first: as many as fit on the first page, 3 to 5


def _flag_item(hit: FlagHit, assessment: Assessment, content: OffersContent, lang: str) -> str:
    advice, flag = content.advice, content.rules.flags[hit.flag]
    head = f"• {_t(flag.title, lang)}"
    if hit.flag == "pay_too_high" and (pay := _pay_line(assessment, content, lang)):
        head += f": {pay}"
    elif hit.evidence:
        head += f": «{hit.evidence.strip()}»"
    if hit.possible:
        head += f" {_t(advice.possible_mark, lang)}"
    elif hit.unsure:
        head += f" {_t(advice.unsure_mark, lang)}"
    return f"{head}\n  {_t(flag.why, lang)}"


def _sections(assessment: Assessment, content: OffersContent, lang: str) -> tuple[list[str], list[Section]]:
    """The strongest sure signs, and every section after them in the order they are read."""
    advice = content.advice
    # Sure signs first, strongest first (assess sorts by weight); signs only a model suggested come last.
    ordered = [hit for hit in assessment.flags if not hit.possible] + [hit for hit in assessment.flags if hit.possible]
    items = [_flag_item(hit, assessment, content, lang) for hit in ordered]
    sure = sum(not hit.possible for hit in assessment.flags)
    asks = [q for q in (content.questions.by_id(qid) for qid in assessment.to_ask) if q and q.ask]
    steps = [
        step
        for step in advice.steps
        if assessment.risk in step.risks
        and (not step.langs or lang in step.langs)
        and (not step.destinations or assessment.destination in step.destinations)
    ]
    rest: list[Section] = [
        (_t(advice.steps_header, lang), [f"• {_t(step.text, lang)}" for step in steps]),
        (_t(advice.flags_header, lang), items[min(sure, TOP_SIGNS[1]) :]),
        (_t(advice.ask_header, lang), [f"• {_t(q.ask, lang)}" for q in asks]),
        (_t(advice.always_header, lang), [f"• {_t(text, lang)}" for text in advice.always]),
    ]
    return items[: min(sure, TOP_SIGNS[1])], rest


Section = tuple[str, list[str]]


def _text(head: str, sections: list[Section]) -> str:
    parts = [head] + ["\n".join([title, *items]) for title, items in sections if items]
    return "\n\n".join(parts).strip()


def _add(page: list[Section], title: str, item: str) -> list[Section]:
    if page and page[-1][0] == title:
        return [*page[:-1], (title, [*page[-1][1], item])]
    return [*page, (title, [item])]


def render_pages(assessment: Assessment, content: OffersContent, lang: str) -> list[str]:
    """The result in pages that each fit a phone screen. The first: the headline, the three to five
    strongest signs and, as far as they fit, what to do; the rest behind "More"."""
    advice = content.advice
    head = _t(advice.headline[assessment.risk], lang)
    if not assessment.flags:
        head += "\n\n" + _t(advice.none_found, lang)
    top, rest = _sections(assessment, content, lang)
    signs = _t(advice.flags_header, lang)
    # As many of the strongest signs as fit, never fewer than three (or all there are).
    while len(top) > TOP_SIGNS[0] and len(_text(head, [(signs, top)])) > FIRST_PAGE_CHARS:
        rest[1] = (signs, [top.pop(), *rest[1][1]])
    pages: list[list[Section]] = [[(signs, top)]]
    # Then what to do, the other signs (never on the first page: they are behind "More"), what to ask and
    # the checks for every offer, item by item, a new page when one would grow too long.
    for title, items in rest:
        for item in items:
            first = len(pages) == 1
            grown = _add(pages[-1], title, item)
            limit = FIRST_PAGE_CHARS if first else SCREEN_CHARS
            if title == signs and first:
                pages.append([(title, [item])])
            elif len(_text(head if first else "", grown)) <= limit or not any(entries for _, entries in pages[-1]):
                pages[-1] = grown
            else:
                pages.append([(title, [item])])
    return [_text(head if index == 0 else "", page) for index, page in enumerate(pages)]


def render(assessment: Assessment, content: OffersContent, lang: str) -> str:
    """The whole result as one text (every page), for reports and tests."""
    return "\n\n".join(render_pages(assessment, content, lang))


def to_json(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as plain JSON data (for storage or the lead's handlers)."""
    return assessment.model_dump(mode="json")


def check_offer_json(path_label: str, text: str, checker: Any, lang: str | None) -> dict[str, Any]:
    """`helpline check-offer --json`: file, risk, flags (id and evidence: the sure flags), lang, score (0–1)
    and possible (id and evidence: a flag only the models find, with its sentence, or a rule's hit they doubt)."""
    assessment = checker.check(text, lang)
    return {
        "file": path_label,
        "risk": assessment.risk,
        "flags": [{"id": hit.flag, "evidence": hit.evidence} for hit in assessment.flags if not hit.possible],
        "lang": assessment.lang,
        "score": risk_score(assessment),
        "possible": [{"id": hit.flag, "evidence": hit.evidence} for hit in assessment.flags if hit.possible],
    }


def risk_score(assessment: Assessment) -> float:
    """0–1: the model's score; without a model, the rules' level (low 0, medium 0.5, high 1)."""
    if assessment.model_score is not None:
        return assessment.model_score
    return {"low": 0.0, "medium": 0.5, "high": 1.0}[assessment.risk]


def check_offer_report(path_label: str, text: str, checker: Any, lang: str | None) -> str:
    """`helpline check-offer`: a readable report for NGO staff (flag names in `lang`, Russian by default)."""
    assessment: Assessment = checker.check(text, lang)
    content: OffersContent = checker.content
    shown = lang or FALLBACK
    out = [
        f"{path_label}: risk {assessment.risk.upper()} (score {assessment.score:g}; "
        f"medium from {content.advice.medium:g}, high from {content.advice.high:g}); "
        f"offer language {assessment.lang or '?'}" + ("; talk to a person" if assessment.talk_to_person else "")
    ]
    if not assessment.flags:
        out.append("  no warning signs found (this does not clear the offer)")
    for hit in assessment.flags:
        definition = content.rules.flags[hit.flag]
        doubt = ", possible: a model only" if hit.source == "model" else ", possible: the models doubt the rule"
        strength = ("strong" if definition.strong else "weak") + (doubt if hit.possible else "")
        evidence = _pay_line(assessment, content, shown) if hit.flag == "pay_too_high" else hit.evidence
        out.append(f"  - {hit.flag} [{hit.weight:g}, {strength}] {_t(definition.title, shown)}: «{evidence or ''}»")
    facts = assessment.facts
    if facts is not None:
        for name in ("amounts", "phones", "handles", "links", "jobs", "destinations"):
            values = getattr(facts, name)
            if name == "amounts":
                values = [f"{a.text} (≈{a.usd_month:g}$/month)" if a.usd_month and not _in_dollars(a) else a.text
                          for a in values]  # fmt: skip
            if values:
                out.append(f"  {name}: {', '.join(values)}")
    return "\n".join(out)
