"""Checks of the gettext catalogs against the template, for `helpline content check`.

A catalog problem is something a user would see: an English string in the middle of Kazakh (a missing,
empty or fuzzy translation), a crash or a lost number (placeholders that differ from the msgid's), or
the wrong form of a word after a number (plural forms that do not match the language's CLDR rules).
Every problem names the catalog, the line of the entry and the language. Derived languages (Uzbek
Cyrillic) have no catalog: they are checked through the language they are made from.
"""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import PoFileParser

from bot.common import Localized, Problem
from bot.content.glossary import Glossary
from bot.i18n.catalogs import DOMAIN, catalog_path
from bot.i18n.languages import Language, Languages

__all__ = ["TEMPLATE", "catalog_problems"]

TEMPLATE = f"{DOMAIN}.pot"
UPDATE = "pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete"
# The numbers tried when comparing plural rules and finding an example number for each form.
_SAMPLE = range(0, 1001)
_MSGSTR_INDEX = re.compile(r"msgstr\[(\d+)\]")
_PARSER_PLURAL_WARNING = "more translations than num_plurals"


class _Parser(PoFileParser):
    """Babel's parser, keeping the problems it would print (line, message) instead of printing them."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(catalog, ignore_obsolete=False, abort_invalid=False)
        self.problems: list[tuple[int, str]] = []

    def _invalid_pofile(self, line: str, lineno: int, msg: str) -> None:
        self.problems.append((lineno + 1, msg))


def _read(path: Path, locale: str | None) -> tuple[Catalog, list[tuple[int, str]], list[str]]:
    """The catalog, the parser's complaints and the file's lines (for what Babel does not keep)."""
    data = path.read_bytes()
    catalog = Catalog(locale=locale, domain=DOMAIN)
    parser = _Parser(catalog)
    parser.parse(data.splitlines(keepends=True))
    return catalog, parser.problems, data.decode(catalog.charset or "utf-8", errors="replace").splitlines()


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return msgid, message.context


def _show(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    short = msgid if len(msgid) <= 60 else msgid[:57] + "…"
    context = f" (context {message.context!r})" if message.context else ""
    return f"msgid {short!r}{context}"


def _placeholders(text: str) -> set[str] | None:
    """The str.format field names in a text, or None if its braces cannot be formatted."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return None


def _plural_rule(expr: str) -> Callable[[int], int]:
    rule: Callable[[int], int] = gettext.c2py(expr)  # type: ignore[attr-defined]
    return rule


def _plural_indices(lines: list[str], lineno: int) -> list[int]:
    """The msgstr[N] indices written in the entry whose msgid is on line `lineno` (1-based)."""
    indices: list[int] = []
    for line in lines[lineno:]:
        stripped = line.strip()
        if not stripped or (indices and not stripped.startswith(("msgstr[", '"'))):
            break
        match = _MSGSTR_INDEX.match(stripped)
        if match:
            indices.append(int(match.group(1)))
    return indices


class _CatalogCheck:
    def __init__(self, language: Language, file: str, template: Catalog, lines: list[str]) -> None:
        self.language = language
        self.file = file
        self.template = template
        self.lines = lines
        self.problems: list[Problem] = []
        expected = get_plural(language.locale)
        self.nplurals = expected.num_plurals
        self.rule = _plural_rule(expected.plural_expr)
        # For each plural form: an example number, and whether the form is only ever used for 1.
        self.examples: dict[int, int] = {}
        self.other_than_one: set[int] = set()
        for n in _SAMPLE:
            form = self.rule(n)
            if n >= 1:
                self.examples.setdefault(form, n)
            if n != 1:
                self.other_than_one.add(form)

    def report(self, line: int | None, message: str, severity: Any = "error") -> None:
        self.problems.append(Problem(self.file, line, message, self.language.code, severity))

    def header(self, catalog: Catalog) -> None:
        line = next((i for i, text in enumerate(self.lines, 1) if text.startswith('"Plural-Forms:')), None)
        if line is None:
            self.report(1, f"no Plural-Forms header: it should say {self.plural_forms}")
            return
        if catalog.num_plurals != self.nplurals:
            self.report(line, f"Plural-Forms says nplurals={catalog.num_plurals}, {self.language.locale} "
                              f"has {self.nplurals}: it should say {self.plural_forms}")  # fmt: skip
            return
        try:
            rule = _plural_rule(catalog.plural_expr)
            wrong = next((n for n in _SAMPLE if rule(n) != self.rule(n)), None)
        except (ValueError, SyntaxError, TypeError, ZeroDivisionError):
            self.report(line, f"Plural-Forms cannot be read: it should say {self.plural_forms}")
            return
        if wrong is not None:
            self.report(line, f"Plural-Forms picks form {rule(wrong)} for {wrong}, CLDR says form "
                              f"{self.rule(wrong)}: it should say {self.plural_forms}")  # fmt: skip

    @property
    def plural_forms(self) -> str:
        expected = get_plural(self.language.locale)
        return f"nplurals={expected.num_plurals}; plural={expected.plural_expr};"

    def forms_needed(self) -> str:
        examples = ", ".join(f"msgstr[{form}] for {self.examples[form]}" for form in sorted(self.examples))
        return f"{self.language.locale} needs {self.nplurals} plural forms ({examples})"

    def entries(self, catalog: Catalog) -> None:
        template_keys = set()
        for wanted in self.template:
            if not wanted.id:
                continue
            template_keys.add(_key(wanted))
            message = catalog.get(wanted.id, wanted.context)
            if message is None:
                self.report(None, f"{_show(wanted)} of the template (line {wanted.lineno}) is missing: "
                                  f"run `{UPDATE}` and translate it")  # fmt: skip
                continue
            self.entry(wanted, message)
        for message in catalog:
            if message.id and _key(message) not in template_keys:
                self.report(message.lineno, f"{_show(message)} is not in the template any more: "
                                            f"remove it (or run `{UPDATE}`)", "warning")  # fmt: skip
        for message in catalog.obsolete.values():
            self.report(message.lineno, f"obsolete entry (#~) {_show(message)}: remove it", "warning")

    def entry(self, wanted: Message, message: Message) -> None:
        line = message.lineno
        if message.fuzzy:
            self.report(line, f"{_show(message)} is marked fuzzy, so the bot shows it in English: "
                              "check the translation and remove the fuzzy flag")  # fmt: skip
        if wanted.pluralizable != message.pluralizable:
            kind = "plural" if wanted.pluralizable else "singular"
            self.report(line, f"{_show(message)} is {kind} in the template but not in the catalog")
            return
        if not message.pluralizable:
            if not message.string:
                self.report(line, f"{_show(message)} has no translation")
            else:
                self.placeholders(line, message, str(message.string), _placeholders(str(wanted.id)))
            return
        singular, plural = (str(part) for part in wanted.id[:2])
        indices = _plural_indices(self.lines, line) if line else []
        if indices and sorted(indices) != list(range(self.nplurals)):
            written = ", ".join(f"msgstr[{i}]" for i in indices)
            self.report(line, f"{_show(message)} has {len(indices)} plural forms ({written}): "
                              f"{self.forms_needed()}")  # fmt: skip
            return
        forms = tuple(message.string or ())
        empty = [str(i) for i, text in enumerate(forms) if not text]
        if empty:
            self.report(line, f"{_show(message)} has no translation in msgstr[{', '.join(empty)}]")
        for form, text in enumerate(forms):
            if not text:
                continue
            # A form used for numbers other than 1 (ru: 21, 31 …) must show them like msgid_plural;
            # a form used only for 1 may leave the number out, as the msgid may.
            allowed = [_placeholders(plural)]
            if form not in self.other_than_one:
                allowed.append(_placeholders(singular))
            self.placeholders(line, message, text, *allowed, form=form)

    def placeholders(self, line: int | None, message: Message, text: str, *allowed: set[str] | None,
                     form: int | None = None) -> None:  # fmt: skip
        found = _placeholders(text)
        where = f" msgstr[{form}]" if form is not None else ""
        if found is None:
            if all(expected is not None for expected in allowed):
                self.report(line, f"{_show(message)}{where}: unmatched {{ or }} (write {{{{ and }}}} for braces)")
            return
        if any(found == expected for expected in allowed if expected is not None):
            return
        expected = allowed[0] or set()
        missing, extra = sorted(expected - found), sorted(found - expected)
        parts = []
        if missing:
            parts.append("lacks " + ", ".join(f"{{{name}}}" for name in missing))
        if extra:
            parts.append("has " + ", ".join(f"{{{name}}}" for name in extra) + " that the msgid does not")
        self.report(line, f"{_show(message)}{where} placeholders differ: the translation {' and '.join(parts)}")


def _relative(path: Path, locales_dir: Path) -> str:
    return path.relative_to(locales_dir.parent).as_posix()


def _parser_problems(problems: Iterable[tuple[int, str]], report: Callable[[int, str], None]) -> None:
    for line, message in problems:
        if _PARSER_PLURAL_WARNING not in message:  # reported with the entry, naming the forms
            report(line, f"cannot be read here: {message}")


def _glossary_problems(catalog: Catalog, check: _CatalogCheck, glossary: Glossary) -> None:
    """Buttons and prompts use the glossary's words too: a button must say what the screens say."""
    code = check.language.code
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else list(message.string or ())
        for text in filter(None, strings):
            for finding in glossary.text_findings((), Localized({code: text})):
                check.report(message.lineno, f"{_show(message)}: {finding.message}", "warning")


def catalog_problems(locales_dir: Path, languages: Languages, glossary: Glossary | None = None) -> list[Problem]:
    """Problems of every language's catalog against the template locales/messages.pot, sorted."""
    template_path = locales_dir / TEMPLATE
    template_file = _relative(template_path, locales_dir)
    if not template_path.is_file():
        return [Problem(template_file, None, "the template is missing: run `pybabel extract` (see babel.cfg)")]
    template, template_warnings, _ = _read(template_path, None)
    problems = [Problem(template_file, line, f"cannot be read here: {message}")
                for line, message in template_warnings]  # fmt: skip
    for language in languages.languages:
        if language.derived_from is not None:
            continue  # made from its source language's catalog
        path = catalog_path(locales_dir, language.locale)
        file = _relative(path, locales_dir)
        if not path.is_file():
            problems.append(Problem(file, None, f"catalog missing: create it with `pybabel init -i "
                                                f"locales/messages.pot -d locales -D messages -l {language.locale}`",
                                    language.code))  # fmt: skip
            continue
        try:
            catalog, warnings, lines = _read(path, language.locale)
        except (OSError, UnicodeError, ValueError) as error:
            problems.append(Problem(file, None, f"cannot be read: {error}", language.code))
            continue
        check = _CatalogCheck(language, file, template, lines)
        _parser_problems(warnings, check.report)
        check.header(catalog)
        check.entries(catalog)
        if glossary is not None:
            _glossary_problems(catalog, check, glossary)
        problems += check.problems
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.severity, p.message))
