"""An assessment as text for the person who asked (in their language), as JSON, and as a report for NGO staff."""

from __future__ import annotations

from typing import Any

from bot.content.offers import OffersContent
from bot.content.text import Localized
from bot.offers.assess import Assessment
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


def render(assessment: Assessment, content: OffersContent, lang: str) -> str:
    """The result the user reads: headline, flags with their reasons, what to ask, next steps, the checks."""
    advice, flags = content.advice, content.rules.flags
    lines = [_t(advice.headline[assessment.risk], lang)]
    if not assessment.flags:
        lines += ["", _t(advice.none_found, lang)]
    else:
        lines += ["", _t(advice.flags_header, lang)]
        for hit in assessment.flags:
            flag = flags[hit.flag]
            head = f"• {_t(flag.title, lang)}"
            if hit.flag == "pay_too_high" and (pay := _pay_line(assessment, content, lang)):
                head += f": {pay}"
            elif hit.evidence:
                head += f": «{hit.evidence.strip()}»"
            if hit.unsure:
                head += f" {_t(advice.unsure_mark, lang)}"
            lines.append(head)
            lines.append(f"  {_t(flag.why, lang)}")
    asks = [q for q in (content.questions.by_id(qid) for qid in assessment.to_ask) if q and q.ask]
    if asks:
        lines += ["", _t(advice.ask_header, lang), *(f"• {_t(q.ask, lang)}" for q in asks)]
    steps = [
        step
        for step in advice.steps
        if assessment.risk in step.risks
        and (not step.langs or lang in step.langs)
        and (not step.destinations or assessment.destination in step.destinations)
    ]
    if steps:
        lines += ["", _t(advice.steps_header, lang), *(f"• {_t(step.text, lang)}" for step in steps)]
    lines += ["", _t(advice.always_header, lang), *(f"• {_t(text, lang)}" for text in advice.always)]
    return "\n".join(lines).strip()


def to_json(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as plain JSON data (for storage or the lead's handlers)."""
    return assessment.model_dump(mode="json")


def check_offer_json(path_label: str, text: str, checker: Any, lang: str | None) -> dict[str, Any]:
    """`helpline check-offer --json`: exactly file, risk, flags (id and evidence) and lang."""
    assessment = checker.check(text, lang)
    return {
        "file": path_label,
        "risk": assessment.risk,
        "flags": [{"id": hit.flag, "evidence": hit.evidence} for hit in assessment.flags],
        "lang": assessment.lang,
    }


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
        strength = "strong" if definition.strong else "weak"
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
