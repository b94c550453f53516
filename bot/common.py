"""What every floor shares, importing nothing of the bot: texts kept in every language (the building block
of all content and of the catalogs' checks), and the problems a check reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import RootModel, field_validator

# A text longer than this fills more than one phone screen: `content check` warns, the offer result pages.
SCREEN_CHARS = 1000


class Localized(RootModel[dict[str, str]]):
    """One text in each content language, keyed by language code (kk, ru, uz …)."""

    max_chars: ClassVar[int] = 4096  # Telegram's limit for one message

    @field_validator("root")
    @classmethod
    def _strip(cls, value: dict[str, str]) -> dict[str, str]:
        # YAML block scalars end with a newline; Telegram would show it as a gap.
        return {code: text.strip() for code, text in value.items()}

    def get(self, code: str) -> str | None:
        text = self.root.get(code)
        return text or None


class Label(Localized):
    """A button label: phones cut long ones, so keep them short."""

    max_chars: ClassVar[int] = 40



@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    message: str
    lang: str | None = None
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        lang = f" [{self.lang}]" if self.lang else ""
        return f"{where}:{lang} {self.severity}: {self.message}"


class ContentError(Exception):
    """The content has errors; the bot will not start on it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [problem for problem in problems if problem.severity == "error"]
        super().__init__("\n".join(str(problem) for problem in errors))
