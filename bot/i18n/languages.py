"""The languages the bot speaks, read from locales/languages.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.paths import LOCALES_DIR
from bot.yamlfile import load_yaml


class Language(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z]{2,3}$")
    locale: str
    name: str
    telegram_codes: tuple[str, ...] = ()
    derived_from: str | None = None
    transliteration: str | None = None

    @property
    def source(self) -> str:
        """The language whose content texts this one shows (itself unless derived)."""
        return self.derived_from or self.code


class Languages(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    languages: tuple[Language, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def content_codes(self) -> tuple[str, ...]:
        """Languages every content text must exist in (derived ones are made from these)."""
        return tuple(language.code for language in self.languages if language.derived_from is None)

    def get(self, code: str | None) -> Language | None:
        return next((language for language in self.languages if language.code == code), None)

    def from_telegram(self, language_code: str | None) -> Language | None:
        """Telegram's language_code is an IETF tag ("ru", "uz-UZ", "kk") and may be missing."""
        if not language_code:
            return None
        primary = language_code.replace("_", "-").split("-")[0].lower()
        return next((lang for lang in self.languages if primary in lang.telegram_codes), None)


@cache
def load_languages(locales_dir: Path = LOCALES_DIR) -> Languages:
    data, _ = load_yaml(locales_dir / "languages.yaml")
    return Languages.model_validate(data)
