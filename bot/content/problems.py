"""What `helpline content check` reports: one line per problem, naming file, line and language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


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
