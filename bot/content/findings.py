"""Findings a content model reports about itself, before the loader turns paths into lines."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from bot.text.matcher import PhraseMatcher, Rule
from bot.yamlfile import PathKey


@dataclass(frozen=True)
class Finding:
    path: PathKey
    message: str
    lang: str | None = None
    severity: Literal["error", "warning"] = "error"


def example_findings(
    where: PathKey, what: str, rule: Rule, examples: Iterable[str], not_examples: Iterable[str],
    read: Callable[[str], str] = str,
) -> Iterator[Finding]:  # fmt: skip
    """Patterns test themselves: each must match its examples and none of its not-examples, read as the
    bot reads a message (`read`), so editors see a broken pattern in `content check`, not in production."""
    alone = PhraseMatcher([rule])
    for i, example in enumerate(examples):
        if not alone.scan(read(example)):
            yield Finding((*where, "examples", i), f"{what} does not match its example {example!r}")
    for i, example in enumerate(not_examples):
        hits = alone.scan(read(example))
        if hits:
            yield Finding(
                (*where, "not_examples", i), f"{what} matches its not-example {example!r} at {hits[0].evidence!r}"
            )
