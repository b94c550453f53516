"""The shipped catalogs, loaded the way the bot loads them, and what Babel does for each locale.

Interface strings come from locales/<locale>/LC_MESSAGES/messages.po (read and compiled in memory by
bot.i18n.catalogs.I18n); Uzbek Cyrillic has no catalog and is transliterated from the Uzbek one.
Plurals, numbers and dates follow CLDR through Babel.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo

import pytest
import yaml
from babel import Locale, negotiate_locale
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal

from bot.i18n.catalogs import DOMAIN, I18n, catalog_path
from bot.i18n.languages import Language, load_languages
from bot.i18n.transliterate import latin_to_cyrillic
from bot.paths import CONTENT_DIR, LOCALES_DIR

LANGUAGES = load_languages(LOCALES_DIR)
OWN = [language for language in LANGUAGES.languages if language.derived_from is None]


def _template_ids() -> list[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as file:
        return [message.id for message in read_po(file) if message.id and isinstance(message.id, str)]


TEMPLATE_IDS = _template_ids()
# Interface strings that are buttons: Telegram cuts long labels on a phone screen.
BUTTONS = ["Answer questions about the offer", "Back", "Check a job offer", "Check another offer", "Hide this chat",
           "Language", "Main menu", "No", "Report this recruiter", "Send me the offer's text", "Talk to a person",
           "Yes, delete"]  # fmt: skip
# Labels that content texts quote («Скрыть чат»), so the catalogs must use exactly these.
LABELS = {
    "Hide this chat": {"kk": "Чатты жасыру", "ru": "Скрыть чат", "uz": "Chatni yashirish", "uzc": "Чатни яшириш"},
    "Talk to a person": {
        "kk": "Адаммен сөйлесу",
        "ru": "Поговорить с человеком",
        "uz": "Odam bilan gaplashish",
        "uzc": "Одам билан гаплашиш",
    },
    "Main menu": {"kk": "Басты мәзір", "ru": "Главное меню", "uz": "Asosiy menyu", "uzc": "Асосий меню"},
    "Choose your language": {
        "kk": "Тілді таңдаңыз",
        "ru": "Выберите язык",
        "uz": "Tilni tanlang",
        "uzc": "Тилни танланг",
    },
}


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n(LANGUAGES, LOCALES_DIR)


def test_every_language_loads(i18n: I18n) -> None:
    assert set(LANGUAGES.codes) == {"kk", "ru", "uz", "uzc"}
    for code in LANGUAGES.codes:
        assert i18n[code].code == code
    assert i18n.get("en") is None
    assert i18n.get(None) is None


@pytest.mark.parametrize("language", OWN, ids=lambda language: language.code)
def test_every_template_string_is_translated(i18n: I18n, language: Language) -> None:
    t = i18n[language.code]
    untranslated = [msgid for msgid in TEMPLATE_IDS if t.gettext(msgid) == msgid]
    assert untranslated == []


@pytest.mark.parametrize(("msgid", "expected"), [(msgid, by_code) for msgid, by_code in LABELS.items()])
def test_labels_that_content_texts_refer_to(i18n: I18n, msgid: str, expected: dict[str, str]) -> None:
    assert {code: i18n[code].gettext(msgid) for code in expected} == expected


def test_uzbek_cyrillic_is_the_uzbek_catalog_transliterated(i18n: I18n) -> None:
    for msgid in TEMPLATE_IDS:
        assert i18n["uzc"].gettext(msgid) == latin_to_cyrillic(i18n["uz"].gettext(msgid))
    assert i18n["uzc"].gettext("No") == "Йўқ"
    assert i18n["uzc"].gettext("Yes, delete") == "Ҳа, ўчириш"
    assert i18n["uzc"].gettext("This menu has changed.") == "Бу меню ўзгарди."


def test_content_texts_quote_the_catalog_labels(i18n: I18n) -> None:
    escalation = yaml.safe_load((CONTENT_DIR / "escalation.yaml").read_text(encoding="utf-8"))
    for code in ("kk", "ru", "uz"):
        assert f"«{i18n[code].gettext('Hide this chat')}»" in escalation["can_hide"][code]
        assert f"«{i18n[code].gettext('Talk to a person')}»" in escalation["closed"][code]


@pytest.mark.parametrize("msgid", BUTTONS)
def test_button_labels_are_short(i18n: I18n, msgid: str) -> None:
    assert msgid in TEMPLATE_IDS
    for code in LANGUAGES.codes:
        assert len(i18n[code].gettext(msgid)) <= 30, (code, i18n[code].gettext(msgid))


def _letters(text: str) -> set[str]:
    return {char for char in text if char.isalpha()}


def test_scripts_and_letters(i18n: I18n) -> None:
    def all_text(code: str) -> str:
        return "\n".join(i18n[code].gettext(msgid) for msgid in TEMPLATE_IDS)

    kk, ru, uz, uzc = (all_text(code) for code in ("kk", "ru", "uz", "uzc"))
    for code, text in (("kk", kk), ("ru", ru), ("uzc", uzc)):
        latin = sorted(char for char in _letters(text) if "LATIN" in unicodedata.name(char))
        assert latin == [], code
    assert {char for char in _letters(uz) if "CYRILLIC" in unicodedata.name(char)} == set()
    # Kazakh is written with its own letters, not with Russian look-alikes.
    assert set("әіңғүұқө") <= _letters(kk.lower())
    assert _letters(ru.lower()).isdisjoint(set("әіңғүұқөһўҳ"))
    # Official Uzbek Latin: oʻ gʻ with U+02BB, never with a quote or apostrophe look-alike.
    assert "oʻ" in uz
    assert re.search(r"[oOgG][’‘'`´ʼ]", uz) is None
    assert "ʻ" not in uzc and "ў" in uzc
    for text in (kk, ru, uz, uzc):
        assert '"' not in text and "“" not in text  # quotes are « »


def test_plural_forms_headers_follow_cldr(i18n: I18n) -> None:
    for language in OWN:
        with catalog_path(LOCALES_DIR, language.locale).open("rb") as file:
            catalog = read_po(file, locale=language.locale)
        expected = get_plural(language.locale)
        assert (catalog.num_plurals, catalog.plural_expr) == (expected.num_plurals, expected.plural_expr)
    assert get_plural("ru").num_plurals == 3
    assert get_plural("kk").num_plurals == get_plural("uz_Latn").num_plurals == 2
    # The compiled catalogs carry the rule: ru one/few/many, kk and uz one/other.
    ru, kk, uz = i18n["ru"].translations, i18n["kk"].translations, i18n["uz"].translations
    assert [ru.plural(n) for n in (1, 2, 5, 11, 21, 22, 25, 111)] == [0, 1, 2, 2, 0, 1, 2, 2]
    for translations in (kk, uz, i18n["uzc"].translations):
        assert [translations.plural(n) for n in (0, 1, 2, 5, 21)] == [1, 0, 1, 1, 1]


# --- ngettext through a small catalog (the template has no plural message yet) ---------------------

PLURAL = ("One message waits", "{count} messages wait")
FORMS = {
    # kk and uz do not inflect a noun after a number, so their "one" form says the number in words.
    "kk": ("Бір хабар күтіп тұр", "{count} хабар күтіп тұр"),
    "ru": ("{count} сообщение ждёт", "{count} сообщения ждут", "{count} сообщений ждут"),
    "uz_Latn": ("Bitta xabar kutmoqda", "{count} ta xabar kutmoqda"),
}


@pytest.fixture(scope="module")
def plural_i18n(tmp_path_factory: pytest.TempPathFactory) -> I18n:
    locales = tmp_path_factory.mktemp("plurals") / "locales"
    for locale, forms in FORMS.items():
        catalog = Catalog(locale=locale, domain=DOMAIN)  # Babel writes Plural-Forms from CLDR
        catalog.add(PLURAL, forms)
        catalog.add("Main menu", {"kk": "Басты мәзір", "ru": "Главное меню", "uz_Latn": "Asosiy menyu"}[locale])
        path = catalog_path(locales, locale)
        path.parent.mkdir(parents=True)
        with path.open("wb") as file:
            write_po(file, catalog)
    return I18n(LANGUAGES, locales)


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 сообщение ждёт"), (2, "2 сообщения ждут"), (5, "5 сообщений ждут"), (11, "11 сообщений ждут"),
     (21, "21 сообщение ждёт"), (22, "22 сообщения ждут"), (0, "0 сообщений ждут"),
     (1001, "1\xa0001 сообщение ждёт")],
)  # fmt: skip
def test_russian_ngettext_has_three_forms(plural_i18n: I18n, count: int, expected: str) -> None:
    assert plural_i18n["ru"].ngettext(*PLURAL, count) == expected


@pytest.mark.parametrize("count", [1, 2, 5, 21, 1000])
def test_kazakh_and_uzbek_ngettext_have_one_and_other(plural_i18n: I18n, count: int) -> None:
    shown = format_decimal(count, locale="kk")
    expected = {
        "kk": f"{shown} хабар күтіп тұр",
        "uz": f"{shown} ta xabar kutmoqda",
        "uzc": f"{shown} та хабар кутмоқда",
    }
    if count == 1:
        expected = {"kk": "Бір хабар күтіп тұр", "uz": "Bitta xabar kutmoqda", "uzc": "Битта хабар кутмоқда"}
    assert {code: plural_i18n[code].ngettext(*PLURAL, count) for code in expected} == expected


def test_small_catalog_keeps_other_strings(plural_i18n: I18n) -> None:
    assert plural_i18n["uzc"].gettext("Main menu") == "Асосий меню"
    assert plural_i18n["ru"].gettext("Back") == "Back"  # not in this catalog: gettext falls back


# --- numbers and dates ------------------------------------------------------------------------------

MOMENT = dt.datetime(2026, 3, 7, 9, 5, tzinfo=dt.UTC)
TASHKENT = zoneinfo.ZoneInfo("Asia/Tashkent")  # UTC+5, no daylight saving


@pytest.mark.parametrize(
    ("code", "number", "date"),
    [("kk", "1\xa0234\xa0567,5", "07.03.26, 14:05"), ("ru", "1\xa0234\xa0567,5", "07.03.2026, 14:05"),
     ("uz", "1\xa0234\xa0567,5", "07/03/26, 14:05"), ("uzc", "1\xa0234\xa0567,5", "07/03/26 14:05")],
)  # fmt: skip
def test_numbers_and_dates_follow_cldr(i18n: I18n, code: str, number: str, date: str) -> None:
    t = i18n[code]
    assert str(t.locale) == t.language.locale
    assert t.number(1234567.5) == number == format_decimal(1234567.5, locale=t.language.locale)
    assert t.datetime(MOMENT, TASHKENT) == date == format_datetime(MOMENT, "short", tzinfo=TASHKENT,
                                                                   locale=t.language.locale)  # fmt: skip
    assert t.time(MOMENT, TASHKENT) == "14:05"


def test_locales_are_known_to_babel() -> None:
    assert Locale.parse("uz_Latn").script == "Latn"
    assert Locale.parse("uz_Cyrl").script == "Cyrl"
    assert Locale.parse("kk").language == "kk"


# --- choosing the language ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("telegram", "code"),
    [("uz-UZ", "uz"), ("uz", "uz"), ("ru-RU", "ru"), ("ru", "ru"), ("kk", "kk"), ("kk-KZ", "kk"),
     ("uk", "ru"), ("be", "ru"), ("RU", "ru"), ("en", None), ("en-US", None), ("", None), (None, None)],
)  # fmt: skip
def test_from_telegram(telegram: str | None, code: str | None) -> None:
    found = LANGUAGES.from_telegram(telegram)
    assert (found.code if found else None) == code


def test_babel_negotiation_alone_would_miss_uzbek() -> None:
    # Why languages.yaml has telegram_codes: Babel does not match a bare "uz" to a scripted locale.
    assert negotiate_locale(["uz"], ["uz_Latn", "uz_Cyrl"]) is None
    uzbek = LANGUAGES.from_telegram("uz")
    assert uzbek is not None
    assert uzbek.locale == "uz_Latn"  # Latin is the official alphabet
    assert negotiate_locale(["ru_RU", "en"], ["kk", "ru", "uz_Latn"]) == "ru"
    assert negotiate_locale(["en_US"], ["kk", "ru", "uz_Latn"]) is None


def test_languages_without_a_catalog_are_derived() -> None:
    for language in LANGUAGES.languages:
        has_catalog = catalog_path(LOCALES_DIR, language.locale).is_file()
        assert has_catalog == (language.derived_from is None), language.code
