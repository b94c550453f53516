"""`helpline export-labels`: tickets operators marked on closing, as training rows for content/training/.

Only when the NGO turned it on (HELPLINE_EXPORT_LABELS; the bot then says so in its privacy text), only tickets
closed within the retention period (HELPLINE_RETENTION_DAYS), never of a user who used /forget, and always
masked (bot/labels/mask.py). The first message of each ticket is what the bot judged, so it is the row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bot.content.triage import CATEGORIES
from bot.judgement.data import TRAINING_DIR, read_messages
from bot.labels.mask import lexicon, mask
from bot.storage import Store
from bot.storage.tickets import Ticket


def training_label(ticket: Ticket) -> str | None:
    """The row's label (content/training/README.md); None for "wrong category" with no category named."""
    if ticket.label == "noturgent":
        return "normal"
    category = ticket.label_category if ticket.label == "wrongcat" else (ticket.category or "help")
    if category is None:
        return None
    return f"urgent:{category if category in CATEGORIES else 'help'}"


def rows(labelled: Iterable[tuple[Ticket, str]], common: frozenset[str], source: dict[str, str]) -> list[str]:
    """Lines of the file: a comment heading each language, then label TAB masked text."""
    lines: list[str] = []
    heading = None
    for ticket, text in labelled:
        lang = source.get(ticket.lang, ticket.lang)
        if lang != heading:
            lines.append(f"# {lang}: rows for content/training/urgency/{lang}-labels.tsv; read each before adding it")
            heading = lang
        masked = " ".join(mask(text, common).split())  # one line, no tabs
        label = training_label(ticket)
        if label is None:
            was = ticket.category or "-"
            lines.append(f"# urgent:? (an operator said: wrong category, was {was}; name the right one)\t{masked}")
        else:
            lines.append(f"{label}\t{masked}")
    return lines


async def export_labels(store: Store, content_dir: Path, retention_days: int, source: dict[str, str],
                        lang: str | None = None) -> tuple[list[str], Counter[str]]:  # fmt: skip
    """The file's lines and how many rows each language got."""
    async with store.read() as tx:
        labelled = await tx.tickets.labelled(tx.now - dt.timedelta(days=retention_days))
    if lang is not None:
        labelled = [(ticket, text) for ticket, text in labelled if source.get(ticket.lang, ticket.lang) == lang]
    training = sorted((content_dir / TRAINING_DIR).glob("urgency/*.tsv"))
    common = lexicon([message.text for path in training for message in read_messages(path)])
    counts = Counter(source.get(ticket.lang, ticket.lang) for ticket, _ in labelled)
    return rows(labelled, common, source), counts
