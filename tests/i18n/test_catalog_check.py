"""bot.i18n.check.catalog_problems on the shipped catalogs and on broken copies of them.

Each broken fixture is written into a copy of locales/ in a tmp folder; the problem must name the
catalog (relative, as `helpline content check` prints it), the line of the entry and the language.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.common import Problem
from bot.i18n.catalogs import catalog_path
from bot.i18n.check import catalog_problems
from bot.i18n.languages import load_languages
from bot.paths import LOCALES_DIR

LANGUAGES = load_languages(LOCALES_DIR)
KK = "locales/kk/LC_MESSAGES/messages.po"
RU = "locales/ru/LC_MESSAGES/messages.po"
UZ = "locales/uz_Latn/LC_MESSAGES/messages.po"
FILES = {"kk": KK, "ru": RU, "uz": UZ}


def errors(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == "error"]


def test_shipped_catalogs_have_no_problems() -> None:
    problems = catalog_problems(LOCALES_DIR, LANGUAGES)
    assert errors(problems) == []
    assert problems == []  # no warnings either: no obsolete or extra entries


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


def edit(path: Path, change: Callable[[Catalog], None]) -> None:
    """Change a catalog with Babel and write it back the way pybabel does."""
    with path.open("rb") as file:
        catalog = read_po(file)
    change(catalog)
    with path.open("wb") as file:
        write_po(file, catalog, width=76)


def translate(msgid: str | tuple[str, str], string: str | tuple[str, ...]) -> Callable[[Catalog], None]:
    """A change that replaces an existing entry's translation (Catalog.add would keep the old one)."""

    def change(catalog: Catalog) -> None:
        message = catalog.get(msgid)
        assert message is not None
        message.string = string

    return change


def line_of(path: Path, text: str) -> int:
    """The (1-based) line of the first line of the file that is exactly `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def po(locales: Path, code: str) -> Path:
    language = LANGUAGES.get(code)
    assert language is not None
    return catalog_path(locales, language.locale)


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


def test_missing_entry(locales: Path) -> None:
    edit(po(locales, "kk"), lambda catalog: catalog.delete("Back"))
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang, problem.severity) == (KK, None, "kk", "error")
    assert "'Back'" in problem.message and "missing" in problem.message
    assert "pybabel update" in problem.message


def test_empty_translation(locales: Path) -> None:
    path = po(locales, "ru")

    edit(path, translate("Language", ""))
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (RU, line_of(path, 'msgid "Language"'), "ru")
    assert "no translation" in problem.message


def test_fuzzy_translation(locales: Path) -> None:
    path = po(locales, "uz")
    edit(path, lambda catalog: catalog["OK"].flags.add("fuzzy"))
    assert "#, fuzzy" in path.read_text(encoding="utf-8")
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (UZ, line_of(path, 'msgid "OK"'), "uz")
    assert "fuzzy" in problem.message


def test_missing_catalog_file(locales: Path) -> None:
    po(locales, "uz").unlink()
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang, problem.severity) == (UZ, None, "uz", "error")
    assert "missing" in problem.message and "-l uz_Latn" in problem.message


def test_missing_template(locales: Path) -> None:
    (locales / "messages.pot").unlink()
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == ("locales/messages.pot", None, None)


def test_derived_language_needs_no_catalog(locales: Path) -> None:
    assert not (locales / "uz_Cyrl").exists()
    problems = catalog_problems(locales, LANGUAGES)
    assert all(problem.lang != "uzc" and "uz_Cyrl" not in problem.file for problem in problems)


def test_extra_and_obsolete_entries_are_warnings(locales: Path) -> None:
    path = po(locales, "kk")
    edit(path, lambda catalog: catalog.__setitem__("Old button", Message("Old button", "Ескі батырма")))
    with path.open("a", encoding="utf-8") as file:
        file.write('\n#~ msgid "Gone"\n#~ msgstr "Жоқ болды"\n')
    problems = catalog_problems(locales, LANGUAGES)
    assert errors(problems) == []
    extra, obsolete = problems
    assert (extra.file, extra.line, extra.lang, extra.severity) == (KK, line_of(path, 'msgid "Old button"'), "kk",
                                                                    "warning")  # fmt: skip
    assert "not in the template" in extra.message
    assert (obsolete.file, obsolete.line, obsolete.severity) == (KK, line_of(path, '#~ msgid "Gone"'), "warning")
    assert "obsolete" in obsolete.message


# --- placeholders and plurals: a template with messages that have them ------------------------------

SINGULAR = "We will answer {when}."
PLURAL = ("One message waits", "{count} messages wait")
TRANSLATIONS = {
    "kk": ("Сізге {when} жауап береміз.", ("Бір хабар күтіп тұр", "{count} хабар күтіп тұр")),
    "ru": ("Вам ответят {when}.", ("{count} сообщение ждёт", "{count} сообщения ждут", "{count} сообщений ждут")),
    "uz": ("Sizga {when} javob beramiz.", ("Bitta xabar kutmoqda", "{count} ta xabar kutmoqda")),
}


@pytest.fixture
def with_placeholders(locales: Path) -> Path:
    """The copy of locales/ with a placeholder message and a plural message, translated everywhere."""

    def add_to_template(catalog: Catalog) -> None:
        catalog.add(SINGULAR)
        catalog.add(PLURAL, ("", ""))

    edit(locales / "messages.pot", add_to_template)
    for code, (singular, forms) in TRANSLATIONS.items():

        def add(catalog: Catalog, singular: str = singular, forms: tuple[str, ...] = forms) -> None:
            catalog.add(SINGULAR, singular)
            catalog.add(PLURAL, forms)

        edit(po(locales, code), add)
    assert catalog_problems(locales, LANGUAGES) == []
    return locales


def test_placeholder_mismatch(with_placeholders: Path) -> None:
    path = po(with_placeholders, "kk")
    edit(path, translate(SINGULAR, "Сізге {qashan} жауап береміз."))
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (KK, line_of(path, f'msgid "{SINGULAR}"'), "kk")
    assert "placeholders differ" in problem.message
    assert "lacks {when}" in problem.message and "{qashan}" in problem.message


def test_unbalanced_brace(with_placeholders: Path) -> None:
    path = po(with_placeholders, "uz")
    edit(path, translate(SINGULAR, "Sizga {when javob beramiz."))
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (UZ, line_of(path, f'msgid "{SINGULAR}"'), "uz")
    assert "unmatched" in problem.message


def test_plural_form_that_covers_21_must_show_the_count(with_placeholders: Path) -> None:
    # Russian msgstr[0] is used for 1, 21, 31 …: leaving {count} out would show "одно сообщение" for 21.
    path = po(with_placeholders, "ru")
    forms = ("Одно сообщение ждёт", "{count} сообщения ждут", "{count} сообщений ждут")
    edit(path, translate(PLURAL, forms))
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (RU, line_of(path, f'msgid "{PLURAL[0]}"'), "ru")
    assert "msgstr[0]" in problem.message and "lacks {count}" in problem.message


def test_wrong_number_of_plural_forms(with_placeholders: Path) -> None:
    path = po(with_placeholders, "ru")
    text = path.read_text(encoding="utf-8")
    third = 'msgstr[2] "{count} сообщений ждут"\n'
    assert third in text
    path.write_text(text.replace(third, ""), encoding="utf-8")  # a translator who knew only one/other
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (RU, line_of(path, f'msgid "{PLURAL[0]}"'), "ru")
    assert "has 2 plural forms" in problem.message and "needs 3" in problem.message
    assert "msgstr[1] for 2" in problem.message and "msgstr[2] for 5" in problem.message


def test_too_many_plural_forms(with_placeholders: Path) -> None:
    path = po(with_placeholders, "kk")
    text = path.read_text(encoding="utf-8")
    second = 'msgstr[1] "{count} хабар күтіп тұр"\n'
    path.write_text(text.replace(second, second + 'msgstr[2] "{count} хабар"\n'), encoding="utf-8")
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (KK, line_of(path, f'msgid "{PLURAL[0]}"'), "kk")
    assert "has 3 plural forms" in problem.message and "needs 2" in problem.message


def test_empty_plural_form(with_placeholders: Path) -> None:
    path = po(with_placeholders, "uz")
    edit(path, translate(PLURAL, ("Bitta xabar kutmoqda", "")))
    problem = only(catalog_problems(with_placeholders, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (UZ, line_of(path, f'msgid "{PLURAL[0]}"'), "uz")
    assert "no translation in msgstr[1]" in problem.message


def test_wrong_plural_forms_header(locales: Path) -> None:
    path = po(locales, "ru")
    text = path.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms:')
    end = text.index('"MIME-Version')
    path.write_text(text[:start] + '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n' + text[end:], encoding="utf-8")
    problem = only(catalog_problems(locales, LANGUAGES))
    assert (problem.file, problem.line, problem.lang) == (RU, line_of(path, '"Plural-Forms: nplurals=2; plural=(n '
                                                                            '!= 1);\\n"'), "ru")  # fmt: skip
    assert "nplurals=2" in problem.message and "nplurals=3" in problem.message


def test_problems_print_as_content_check_lines(locales: Path) -> None:
    path = po(locales, "ru")
    edit(path, lambda catalog: catalog["No"].flags.add("fuzzy"))
    problem = only(catalog_problems(locales, LANGUAGES))
    line = line_of(path, 'msgid "No"')
    assert str(problem).startswith(f"{RU}:{line}: [ru] error: ")
