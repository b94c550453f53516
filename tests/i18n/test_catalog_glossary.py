"""Buttons and prompts use the glossary's word for a thing, like the screens do."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.bundle import load_glossary
from bot.i18n.check import catalog_problems
from bot.i18n.languages import load_languages
from bot.paths import CONTENT_DIR, LOCALES_DIR


def test_the_shipped_catalogs_follow_the_glossary() -> None:
    assert not catalog_problems(LOCALES_DIR, load_languages(), load_glossary(CONTENT_DIR))


def test_a_button_with_the_other_word_is_a_warning(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    catalog = locales / "ru" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8").replace("Сообщить об этом посреднике", "Сообщить об этом вербовщике")
    catalog.write_text(text, encoding="utf-8")
    problems = catalog_problems(locales, load_languages(), load_glossary(CONTENT_DIR))
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].lang == "ru" and "«вербовщике»" in problems[0].message and "«посредник»" in problems[0].message
    assert problems[0].file.endswith("ru/LC_MESSAGES/messages.po") and problems[0].line
