"""Free-text scan: flags with quoted evidence, facts, safe mentions, JSON shape, language."""

from __future__ import annotations

import json

import pytest

from bot.offers.facts import amounts, extract, phones
from bot.offers.report import check_offer_json, check_offer_report, render, to_json
from bot.text.money import mask_money


def flags(checker, text: str) -> dict[str, str | None]:
    return {hit.flag: hit.evidence for hit in checker.check(text).flags}


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("2000$", 2000, "USD"),
        ("150 000 руб", 150_000, "RUB"),
        ("3 mln so'm", 3_000_000, "UZS"),
        ("3 mln soʻm", 3_000_000, "UZS"),
        ("500 000 тг", 500_000, "KZT"),
        ("$1,500", 1500, "USD"),
        ("120–150 тыс руб", 150_000, "RUB"),
        ("4,5 млн сўм", 4_500_000, "UZS"),
        ("2200 AED", 2200, "AED"),
        ("28 000 TL", 28_000, "TRY"),
        ("2 100 000 вон", 2_100_000, "KRW"),
        ("3000 евро", 3000, "EUR"),
    ],
)
def test_amounts(offers, text, value, currency):
    found = amounts(f"Зарплата {text} в месяц", offers.wages)
    assert [(a.value, a.currency) for a in found] == [(value, currency)]


def test_pay_per_shift_is_turned_into_a_month(offers):
    (amount,) = amounts("2 500 руб в смену", offers.wages)
    assert amount.usd_month == pytest.approx(2500 * 0.011 * 26)


def test_numbers_without_currency_are_not_pay(offers):
    assert amounts("Тел +1 202 555 0143, мужчины 20-45 лет, 17-25 yosh", offers.wages) == []


def test_mask_keeps_length():
    text = "Оплата за услуги 400 $ на карту, 3 mln so'm"
    masked = mask_money(text)
    assert len(masked) == len(text) and "400" not in masked and "mln" not in masked


def test_phones_handles_links(offers):
    text = "Звоните +998 90 123 45 67 или 8 701 123 45 67, пишите @some_agent или t.me/some_channel, https://example.org/job"
    facts = extract(text, offers.wages)
    assert "+998901234567" in facts.phones and "+77011234567" in facts.phones
    assert facts.handles == ["some_agent"]
    assert "t.me/some_channel" in facts.links and "https://example.org/job" in facts.links


def test_phones_of_the_region():
    assert phones("+7 701 123 4567") == ["+77011234567"]
    assert phones("нет номера, только 2024 год") == []


def test_job_and_destination(offers):
    facts = extract("Требуются грузчики на склад в Москве", offers.wages)
    assert facts.jobs == ["warehouse"] and facts.destinations == ["RU"]


@pytest.mark.parametrize(
    ("text", "flag", "evidence"),
    [
        ("Паспорта сдаёте бригадиру на хранение.", "passport_retention", "Паспорта сдаёте"),
        ("Pasportlaringizni brigadirga topshirasiz.", "passport_retention", "Pasportlaringizni brigadirga"),
        ("Паспортты менеджерге бересіз.", "passport_retention", "Паспортты менеджерге"),
        ("За оформление 300$ предоплата.", "fee", None),
        ("Едем по туристической визе.", "tourist_visa", "туристической визе"),
        ("Туристик визамен барасиз", "tourist_visa", "Туристик визамен"),
        ("Никому не рассказывайте, даже родным.", "secrecy", "Никому не рассказывайте"),
        ("Hech kimga aytmang!", "secrecy", "Hech kimga aytmang"),
    ],
)
def test_flag_with_evidence(checker, text, flag, evidence):
    found = flags(checker, text)
    assert flag in found
    assert found[flag] and found[flag] in text
    if evidence:
        assert found[flag] == evidence


def test_typos_and_scripts(checker):
    assert "passport_retention" in flags(checker, "пасспорт сдаете бригадиру")
    assert "passport_retention" in flags(checker, "ПАСПОРТЛАРИНГИЗНИ БРИГАДИРГА ТОПШИРАСИЗ")  # Uzbek Cyrillic
    assert "secrecy" in flags(checker, "ешкимге айтпаныз")  # Kazakh without its letters


@pytest.mark.parametrize(
    "text",
    [
        "Возьмите с собой паспорт на собеседование.",
        "Bring your passport to the interview.",
        "Работодатель оплачивает разрешение на работу.",
        "The employer pays for the work permit.",
        "Контракт на русском и узбекском, подписывается до отъезда.",
        "Shartnoma o'zbek va rus tilida, jo'nashdan oldin imzolanadi.",
        "Официальная программа EPS, регистрация через Агентство по внешней трудовой миграции.",
        "Koreya Respublikasida EPS dasturi bo'yicha ish (rasmiy dastur).",
        "Паспорт всегда у вас, мы делаем только копию.",
        "Pasport doim o'zingizda, biz faqat nusxasini olamiz.",
        "Паспорт әрқашан өзіңізде, біз тек көшірмесін аламыз.",
        "Никаких оплат посредникам! Услуги агентства для работника бесплатны.",
        "Nomzoddan xizmat haqi olinmaydi.",
        "Жұмыс беруші билетті төлейді; жұмысшыға агенттік қызметі тегін.",
        # Pay named near words that also name fees, and a ticket bought before documents are done:
        "Оформление официальное, зарплата 70 000 руб.",
        "Oylik to'lovi oyiga 70 000 rubl, ikki marta.",
        "Shartnoma nusxasi oldindan beriladi. Oylik 70 000 rubl.",
        "Шарттың көшірмесі алдын ала беріледі. Айлық 80 000 рубль.",
        "Билетті компания алады, құжаттарды біз рәсімдейміз.",
        "Chiptani kompaniya oladi, hujjatlarni biz rasmiylashtiramiz.",
        "Barcha shartlar mehnat shartnomasida yozilgan.",
    ],
)
def test_safe_mentions_raise_nothing_serious(checker, text):
    assessment = checker.check(text)
    assert assessment.risk == "low", [h.flag for h in assessment.flags]
    assert not {"passport_retention", "fee", "tourist_visa", "secrecy"} & {h.flag for h in assessment.flags}


def test_pay_far_above_usual(checker):
    found = checker.check("Склад в Москве, зарплата 3500$ в месяц, опыт не нужен")
    assert "pay_too_high" in {h.flag for h in found.flags}
    assert found.pay and found.pay.destination == "RU" and found.pay.job == "warehouse"
    ordinary = checker.check("Склад в Москве, зарплата 90 000 руб в месяц, опыт не нужен")
    assert "pay_too_high" not in {h.flag for h in ordinary.flags}


def test_reported_recruiter(checker):
    for text in ("Пишите @example_recruiter", "Тел +1 202 555 0143", "Агентство Example Travel Jobs ждёт вас"):
        assert "reported_recruiter" in flags(checker, text), text
    assert "reported_recruiter" not in flags(checker, "Пишите @another_person, тел +1 202 555 0199")


def test_json_shape(checker):
    result = check_offer_json("a.txt", "Паспорта сдаёте бригадиру. Едем по туристической визе.", checker, None)
    assert set(result) == {"file", "risk", "flags", "lang", "score", "possible"}
    assert result["file"] == "a.txt" and result["risk"] == "high" and result["lang"] == "ru"
    assert all(set(flag) == {"id", "evidence"} for flag in result["flags"])
    assert {flag["id"] for flag in result["flags"]} == {"passport_retention", "tourist_visa"}
    json.dumps(result, ensure_ascii=False)
    assert check_offer_json("b.txt", "Hello", checker, "uz")["lang"] == "uz"


def test_report_for_staff_and_user(checker, offers):
    text = "Pasportlaringizni brigadirga topshirasiz. Moskvada omborga ishchilar kerak."
    report = check_offer_report("x.txt", text, checker, None)
    assert report.startswith("x.txt: risk HIGH") and "passport_retention" in report
    assessment = checker.check(text)
    assert assessment.talk_to_person
    for lang in ("kk", "ru", "uz"):
        shown = render(assessment, offers, lang)
        assert offers.rules.flags["passport_retention"].why.get(lang) in shown
        assert all(text.get(lang) in shown for text in offers.advice.always)
    assert "nalog.ru" in render(assessment, offers, "ru")  # the destination's register
    json.dumps(to_json(assessment), ensure_ascii=False)


def test_nothing_found_is_never_called_safe(checker, offers):
    assessment = checker.check("Продаю велосипед, недорого.")
    assert assessment.risk == "low" and not assessment.flags and not assessment.talk_to_person
    for lang in ("kk", "ru", "uz"):
        shown = render(assessment, offers, lang).casefold()
        assert offers.advice.none_found.get(lang).casefold() in shown
        for word in ("безопасн", "safe", "xavfsiz", "қауіпсіз"):
            assert word not in shown.split("•")[0]


def test_language_guess(checker):
    assert checker.check("Работа на складе, зарплата хорошая").lang == "ru"
    assert checker.check("Omborga ishchilar kerak, oylik yaxshi").lang == "uz"
    assert checker.check("Қоймаға жұмысшылар керек").lang == "kk"
