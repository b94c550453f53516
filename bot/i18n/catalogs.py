"""Interface strings through Babel's gettext catalogs, and numbers, plurals and dates through CLDR.

Catalogs are read from the .po files at start-up (compiled in memory), so they work straight after
`pip install` with no compile step; a derived language (Uzbek Cyrillic) is made from its source
language's catalog by transliteration, never typed twice.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bot.common import Localized
from bot.i18n.languages import Language, Languages
from bot.i18n.transliterate import TRANSLITERATIONS

DOMAIN = "messages"


def catalog_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale, domain=DOMAIN)


def _derive(catalog: Catalog, locale: str, convert: Callable[[str], str]) -> Catalog:
    derived = Catalog(locale=locale, domain=DOMAIN)
    for message in catalog:
        if not message.id:
            continue
        strings = message.string
        if isinstance(strings, tuple | list):
            converted: str | tuple[str, ...] = tuple(convert(s) for s in strings)
        else:
            converted = convert(strings or "")
        derived.add(message.id, converted, flags=message.flags, context=message.context)
    return derived


def _translations(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Everything one language needs to speak: interface strings, content texts, numbers and dates."""

    language: Language
    locale: Locale
    translations: Translations
    transliterate: Callable[[str], str] | None

    @property
    def code(self) -> str:
        return self.language.code

    def gettext(self, message: str, **values: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """A plural form chosen by CLDR's rules for this language; {count} is formatted for it too."""
        text = self.translations.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **values)

    def text(self, localized: Localized) -> str:
        """A content text in this language (derived languages transliterate their source's text)."""
        value = localized.get(self.language.source) or ""
        return self.transliterate(value) if self.transliterate else value

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def datetime(self, moment: dt.datetime, zone: dt.tzinfo) -> str:
        return format_datetime(moment, "short", tzinfo=zone, locale=self.locale)

    def time(self, moment: dt.datetime, zone: dt.tzinfo) -> str:
        return format_time(moment, "short", tzinfo=zone, locale=self.locale)


class I18n:
    """One Translator per language, built once at start-up."""

    def __init__(self, languages: Languages, locales_dir: Path) -> None:
        self.languages = languages
        catalogs: dict[str, Catalog] = {}
        for language in languages.languages:
            if language.derived_from is None:
                catalogs[language.code] = read_catalog(catalog_path(locales_dir, language.locale), language.locale)
        self._translators: dict[str, Translator] = {}
        for language in languages.languages:
            convert = TRANSLITERATIONS[language.transliteration] if language.transliteration else None
            catalog = catalogs[language.source]
            if convert is not None:
                catalog = _derive(catalog, language.locale, convert)
            self._translators[language.code] = Translator(
                language, Locale.parse(language.locale), _translations(catalog), convert
            )

    def __getitem__(self, code: str) -> Translator:
        return self._translators[code]

    def get(self, code: str | None) -> Translator | None:
        return self._translators.get(code) if code else None
