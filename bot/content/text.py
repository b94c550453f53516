"""Texts kept in every language: the building block of all content."""

from __future__ import annotations

from typing import ClassVar

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


class Caption(Localized):
    """A text sent as a media caption or a short notice."""

    max_chars: ClassVar[int] = 1024
