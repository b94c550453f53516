"""What the texts say where a wrong word can hurt (issue 11): each test fails on the texts before it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.common import Localized
from bot.content.bundle import _FILES, _localized, load_content
from bot.paths import CONTENT_DIR

CONTENT = load_content(CONTENT_DIR)
LANGS = ("kk", "ru", "uz")


def texts(*names: str) -> Iterator[tuple[str, str, Localized]]:
    """(file key, path, text) for every text people read (not the patterns that read what they type)."""
    for name in names or [n for n in _FILES if n not in ("triage", "glossary")]:
        for path, text in _localized(getattr(CONTENT, name), ()):
            yield name, ".".join(map(str, path)), text


def everything(lang: str) -> str:
    return "\n".join(text.root.get(lang, "") for _, _, text in texts())


PHONE = {
    "kk": "Телефоныңызды тексеруі мүмкін болса",
    "ru": "Если телефон могут проверить",
    "uz": "Telefoningizni tekshirishlari mumkin boʻlsa",
}
HIDE = {"kk": "«Чатты жасыру»", "ru": "«Скрыть чат»", "uz": "«Chatni yashirish»"}
# Keeping photos, messages or notes (paper receipts for a patent are another matter).
KEEPS = re.compile(r"(?i)(сохраните|храните фото|запишите|записывайте|фото документов|копию и фото)")


def test_wherever_photos_or_notes_are_suggested_the_checked_phone_is_thought_of() -> None:
    suggesting = [(name, path, text) for name, path, text in texts("guidance", "canned")
                  if KEEPS.search(text.root["ru"])]  # fmt: skip
    assert len(suggesting) >= 10
    for name, path, text in suggesting:
        for lang in LANGS:
            value = text.root[lang]
            assert PHONE[lang] in value, (name, path, lang)
            line = value[value.index(PHONE[lang]) :].split("\n")[0]
            assert HIDE[lang] in line, "the line names the Hide button"
    # and no screen says to keep them on the phone any more
    assert "в телефоне и в электронной почте" not in everything("ru")
    assert "телефонда және электрондық поштада" not in everything("kk")
    assert "telefonda va elektron pochtada" not in everything("uz")


RULE = {
    "kk": "Паспортты мемлекеттік органдардан (шекара, полиция, көші-қон қызметі) басқа ешкімге бермеңіз.",
    "ru": "Паспорт не отдавайте никому, кроме государственных органов (граница, полиция, миграционная служба).",
    "uz": "Pasportni davlat idoralaridan (chegara, politsiya, migratsiya xizmati) boshqa hech kimga bermang.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_one_passport_rule(lang: str) -> None:
    documents = CONTENT.guidance.screens["documents"].text.root[lang]
    assert RULE[lang] in documents
    advice = CONTENT.offer_advice
    assert RULE[lang] in advice.steps[0].text.root[lang], "the offer result says the same"
    assert RULE[lang] in advice.always[2].root[lang]
    old = {"kk": ["паспортыңызды бермеңіз, әзірге", "паспортты қысқа уақытқа беріп"],
           "ru": ["не отдавайте паспорт, пока", "Паспорт можно дать ненадолго"],
           "uz": ["pasport bermang", "pasportni qisqa vaqtga berib"]}[lang]  # fmt: skip
    for phrase in old:
        assert phrase not in everything(lang)


CAVEAT = {
    "kk": "Құжаттарыңыз жарамсыз не жоқ болса, алдымен бізге не өз еліңіздің елшілігіне жазыңыз",
    "ru": "Если ваши документы недействительны или их нет, сначала напишите нам или в посольство своей страны",
    "uz": "Hujjatlaringiz yaroqsiz boʻlsa yoki yoʻq boʻlsa, avval bizga yoki oʻz davlatingiz elchixonasiga yozing",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_police_line_abroad_has_its_caveat(lang: str) -> None:
    for text in (CONTENT.guidance.screens["passport_taken"].text, CONTENT.canned.answers["passport"].text):
        value = text.root[lang]
        police = {"kk": "Полицияға арыз", "ru": "заявление в полицию", "uz": "Politsiyaga ariza"}[lang]
        assert police.lower() in value.lower()
        assert CAVEAT[lang] in value


def test_numbers_are_said_to_come_from_official_sources() -> None:
    for screen_id, screen in CONTENT.guidance.screens.items():
        if screen_id.startswith("contacts"):
            assert "проверили" not in screen.text.root["ru"] and "проверенные" not in screen.text.root["ru"]
            assert "тексерген" not in screen.text.root["kk"] and "tekshirgan" not in screen.text.root["uz"]
            assert "официальн" in screen.text.root["ru"] or screen_id != "contacts"


SLIPS = {
    "ru": ["Полиция за поиск денег не берёт", "Не едьте", "не едьте", "предлагают долг", "с вас просят:\n"],
    "uz": ["Maosh juda baland", "ismini biling", "Oldindan biling", "qarz boʻlsangiz", "quvvatlagich",
           "EPS dasturi faqat davlat agentligi orqali;"],
    "kk": ["жұмыс беруші сізге ештеңе міндеттемейді", "Сізден мыналар сұралса"],
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_the_slips_are_gone(lang: str) -> None:
    text = everything(lang)
    for slip in SLIPS[lang]:
        assert slip not in text, slip


def test_the_uzbek_uae_route_names_emirates_id_and_mohre_like_the_others() -> None:
    route = CONTENT.guidance.screens["route_ae"].text
    for lang in LANGS:
        assert "Emirates ID" in route.root[lang] and "MOHRE" in route.root[lang], lang


HARD_WORDS = {
    "kk": ["ЕАЭО", "қабылдаушы тарап", "Адами ресурстар министрлігі", "Сыртқы еңбек көші-қоны агенттігінің"],
    "ru": ["ЕАЭС", "принимающая сторона", "Министерство трудовых ресурсов", "Агентства внешней трудовой"],
    "uz": ["YeOII", "qabul qiluvchi tomon", "Inson resurslari vazirligi", "Tashqi mehnat migratsiyasi agentligi"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_hard_words_are_replaced(lang: str) -> None:
    text = everything(lang)
    for word in HARD_WORDS[lang]:
        assert word not in text, word
    assert {"kk": "Еуразиялық экономикалық одақ", "ru": "Евразийский экономический союз",
            "uz": "Yevroosiyo iqtisodiy ittifoqi"}[lang] in text  # explained once, in words  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_every_country_is_in_the_call_back_answer(lang: str) -> None:
    answer = CONTENT.canned.answers["call_back"].text.root[lang]
    for country in CONTENT.contacts.countries.values():
        assert country.name.root[lang] in answer


def test_the_glossary_holds_in_the_shipped_texts() -> None:
    for name, path, text in texts():
        assert not list(CONTENT.glossary.text_findings((path,), text)), (name, path)
    assert "келісімшарт" in everything("kk") and "айлық" not in everything("kk").lower()
