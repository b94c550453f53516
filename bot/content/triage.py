"""Triage patterns: free text that must reach a human operator at once (content/triage.yaml).

A pattern is a list of word groups that must all appear near each other (see bot/text/matcher.py). Patterns
carry their own examples and not-examples, which `findings()` checks, so the file tests itself for editors.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.content.findings import Finding, example_findings
from bot.text.matcher import PhraseMatcher, Rule
from bot.text.normalize import tokenize
from bot.yamlfile import load_yaml

FILE = "triage.yaml"
_ID = r"^[a-z0-9_]+$"
# The categories the operators' cards and statistics know; the file may not invent others.
CATEGORIES = ("held", "documents", "violence", "threats", "sexual_exploitation", "wages_threats",
              "missing_relative", "child", "help")  # fmt: skip
Lang = Literal["kk", "ru", "uz"]
Groups = list[list[str]]


class Category(BaseModel):
    """What operators read on the ticket card, and which category wins when several match (higher wins)."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1)
    priority: int = Field(ge=0, le=1000)
    # Safe mentions for every pattern of the category, in any language ("copy of the passport").
    unless: Groups = []


class Pattern(BaseModel):
    """Words that must all appear within `window` words of each other, unless an `unless` group is near."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_ID)
    category: str
    lang: Lang | None = None
    all_of: Groups = Field(min_length=1)
    unless: Groups = []
    window: int = Field(5, ge=1, le=30)
    in_order: bool = False  # the groups must come in this order (the object before its verb, as in kk and uz)
    examples: list[str] = []
    not_examples: list[str] = []


class TriageRules(BaseModel):
    """content/triage.yaml"""

    model_config = ConfigDict(extra="forbid")

    categories: dict[str, Category] = {}
    # Safe mentions for every pattern (news, films): a story about trafficking is not a cry for help.
    unless: Groups = []
    patterns: list[Pattern] = []

    def rule(self, pattern: Pattern) -> Rule:
        """The matcher rule of one pattern: its own `unless`, its category's and the file's."""
        category = self.categories.get(pattern.category)
        vetoes = [*pattern.unless, *(category.unless if category else []), *self.unless]
        return Rule(pattern.id, pattern.all_of, vetoes, pattern.window, pattern.in_order)

    def rules(self) -> list[Rule]:
        return [self.rule(pattern) for pattern in self.patterns]

    def matcher(self) -> PhraseMatcher:
        return PhraseMatcher(self.rules())

    def findings(self) -> Iterator[Finding]:
        yield from self._category_findings()
        seen: set[str] = set()
        for index, pattern in enumerate(self.patterns):
            where = ("patterns", index)
            if pattern.id in seen:
                yield Finding((*where, "id"), f"pattern id {pattern.id!r} is used twice")
            seen.add(pattern.id)
            if pattern.category not in self.categories:
                yield Finding((*where, "category"), f"unknown category {pattern.category!r}")
            yield from _group_findings((*where, "all_of"), pattern.all_of)
            yield from _group_findings((*where, "unless"), pattern.unless)
            yield from self._example_findings(where, pattern)
        yield from _group_findings(("unless",), self.unless)
        for category_id, category in self.categories.items():
            yield from _group_findings(("categories", category_id, "unless"), category.unless)

    def _category_findings(self) -> Iterator[Finding]:
        for category_id, category in self.categories.items():
            if category_id not in CATEGORIES:
                yield Finding(("categories", category_id), f"unknown category {category_id!r}; use one of "
                              + ", ".join(CATEGORIES))  # fmt: skip
            if not category.label.strip():
                yield Finding(("categories", category_id, "label"), "a category needs a label for operators")
            if not any(pattern.category == category_id for pattern in self.patterns):
                yield Finding(("categories", category_id), f"no pattern finds {category_id!r}", severity="warning")
        for category_id in CATEGORIES:
            if category_id not in self.categories:
                yield Finding(("categories",), f"category {category_id!r} is missing")
        by_priority: dict[int, list[str]] = {}
        for category_id, category in self.categories.items():
            by_priority.setdefault(category.priority, []).append(category_id)
        for priority, ids in by_priority.items():
            if len(ids) > 1:
                yield Finding(("categories", ids[1], "priority"),
                              f"categories {', '.join(ids)} share priority {priority}: which one wins is unclear",
                              severity="warning")  # fmt: skip

    def _example_findings(self, where: tuple[str | int, ...], pattern: Pattern) -> Iterator[Finding]:
        if not pattern.examples:
            yield Finding((*where, "examples"), f"pattern {pattern.id!r} has no examples", severity="warning")
        what = f"pattern {pattern.id!r}"
        yield from example_findings(where, what, self.rule(pattern), pattern.examples, pattern.not_examples)
        # A word of `all_of` that its own `unless` also lists vetoes the pattern wherever it matches.
        found = {_fold(word) for group in pattern.all_of for word in group}
        for g, group in enumerate(pattern.unless):
            for word in group:
                if _fold(word) in found:
                    yield Finding(
                        (*where, "unless", g), f"{word!r} is in both all_of and unless: the pattern can never match"
                    )


def _fold(phrase: str) -> str:
    return " ".join(token.skeleton for token in tokenize(phrase))


def _group_findings(path: tuple[str | int, ...], groups: Groups) -> Iterator[Finding]:
    for g, group in enumerate(groups):
        if not group:
            yield Finding((*path, g), "an empty group: list at least one word")
        for w, word in enumerate(group):
            words = [token.skeleton for token in tokenize(word)]
            if not words or len(words) != len(word.split()):
                yield Finding((*path, g, w), f"pattern {word!r} has a word that folds to nothing")
            elif len(words) == 1 and len(folded := words[0]) < 3:
                # One letter starts a tenth of all words; two letters still very many.
                message = f"{word!r} folds to {folded!r}: it matches every word that starts with it"
                yield Finding((*path, g, w), message, severity="error" if len(folded) < 2 else "warning")


def load_triage(content_dir: Path) -> TriageRules:
    """Read and validate content/triage.yaml (raises pydantic's ValidationError or YamlError)."""
    data, _ = load_yaml(content_dir / FILE)
    return TriageRules.model_validate(data or {})
