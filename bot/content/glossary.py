"""One word per thing in every language (content/glossary.yaml): `content check` warns about the others.

A person who reads "келісімшарт" on one screen and "шарт" on the next may think they are two papers.
The glossary names, per concept and language, the word to use and the words (word beginnings) to avoid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from pydantic import BaseModel, ConfigDict

from bot.common import Localized
from bot.content.findings import Finding
from bot.yamlfile import PathKey

GLOSSARY_FILE = "glossary.yaml"


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid")

    use: str
    avoid: list[str] = []  # word beginnings: "айлық" also finds "айлықтан"


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: dict[str, dict[str, Term]] = {}  # concept → language → term

    @cached_property
    def _patterns(self) -> dict[str, list[tuple[re.Pattern[str], str, str]]]:
        """Per language: (a word to avoid, its concept, the word to use instead)."""
        found: dict[str, list[tuple[re.Pattern[str], str, str]]] = {}
        for concept, languages in self.terms.items():
            for code, term in languages.items():
                for word in term.avoid:
                    pattern = re.compile(rf"(?<!\w){re.escape(word)}\w*", re.IGNORECASE)
                    found.setdefault(code, []).append((pattern, concept, term.use))
        return found

    def text_findings(self, path: PathKey, text: Localized) -> Iterator[Finding]:
        for code, value in text.root.items():
            for pattern, concept, use in self._patterns.get(code, []):
                match = pattern.search(value)
                if match:
                    yield Finding((*path, code), f"«{match.group()}»: the glossary says «{use}» for {concept} "
                                                 f"(content/{GLOSSARY_FILE})", code, "warning")  # fmt: skip
