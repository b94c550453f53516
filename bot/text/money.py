"""Amounts of money in a text: where they stand, and the text with them masked, as the offer rules read it.

Below the content (whose rules name `<money>`, read as MONEY_MASK) and the offer checker, which both use it.
"""

from __future__ import annotations

import re

MONEY_MASK = "xq"  # amounts are overwritten with xqxq… (skeleton "hkhk…"), a word no language here starts with
Span = tuple[int, int, re.Match[str]]

# Currency signs and codes known without content, so rule examples can be masked before content is loaded.
_SYMBOLS = "$€₽₸£₩₺"
_CODES = (
    r"usd|eur|aed|rub|kzt|uzs|try|krw|tl|у\.?е\.?|доллар\w*|доллор\w*|долл\.?|dollar\w*|евро|yevro|evro|euro"
    r"|руб\w*|₽|rubl\w*|рубл\w*|тг|тенге|теңге|tenge|сум\w*|сўм\w*|so['ʻʼ‘’`]?m\w*|sum\b|лир\w*|lira\w*"
    r"|вон\w*|von\w*|won|дирх\w*|dirham\w*|manat\w*|сомони|somoni|сом\b|som\b"
)
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"
_MULT = r"тыс\w*\.?|ming|мың|минг|k|к|млн\.?|mln\.?|million\w*|миллион\w*|mlrd"
_AMOUNT = re.compile(
    rf"(?<![\w+])(?:(?P<pre>[{_SYMBOLS}]|\b(?:usd|eur|aed)\b)\s?)?"
    rf"(?P<num>{_NUMBER})(?:\s?(?P<mult>{_MULT})(?![^\W\d_]))?"
    rf"(?:\s?(?P<post>[{_SYMBOLS}]|(?:{_CODES})(?![^\W\d_])))?",
    re.IGNORECASE,
)


def money_spans(text: str) -> list[Span]:
    """Amounts written with a currency: where they stand."""
    spans = []
    for match in _AMOUNT.finditer(text):
        if not (match.group("pre") or match.group("post")):
            continue
        spans.append((match.start(), match.end(), match))
    return spans


def mask_money(text: str, spans: list[Span] | None = None) -> str:
    """The text with each amount of money overwritten by a stand-in word of the same length (rules say <money>).

    spans: the text's `money_spans`, when the caller has them already.
    """
    spans = money_spans(text) if spans is None else spans
    if not spans:
        return text
    parts, last = [], 0
    for start, end, _ in spans:
        parts.append(text[last:start])
        parts.append((MONEY_MASK * (end - start))[: end - start])
        last = end
    parts.append(text[last:])
    return "".join(parts)
