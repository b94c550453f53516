"""An urgent message out of hours: the emergency numbers first, then the truth about who is there and when."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from babel.dates import format_date
from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, buttons, shipped_content

from bot.i18n.transliterate import latin_to_cyrillic
from bot.standin.server import StandIn

URGENT = {
    "ru": "Помогите, у меня забрали паспорт и не выпускают с работы",
    "kk": "Көмектесіңіз, паспортымды алып қойды, үйден шығармайды",
    "uz": "Yordam bering, pasportimni olib qoʻyishdi, ishdan chiqarishmayapti",
    "uzc": "Ёрдам беринг, паспортимни олиб қўйишди, ишдан чиқаришмаяпти",
}
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# Words that must be there, per language: the day, the time as a person reads it, the city.
EXPECTED = {
    # Tuesday 03:00: today, after 09:00
    "night": {"ru": ["сегодня после 09:00 по времени Алматы"], "kk": ["бүгін Алматы уақытымен сағат 09:00"],
              "uz": ["bugun Olmaota vaqti bilan soat 09:00 dan keyin"], "uzc": ["бугун Олмаота вақти билан"]},
    # Saturday 12:00: Monday, with its date
    "weekend": {"ru": ["в понедельник, {date},", "после 09:00"], "kk": ["дүйсенбі күні, {date},", "09:00"],
                "uz": ["dushanba kuni, {date},", "09:00 dan keyin"], "uzc": ["душанба куни, {date},", "09:00"]},
    # Wednesday 20:00: tomorrow
    "evening": {"ru": ["завтра после 09:00"], "kk": ["ертең Алматы уақытымен"], "uz": ["ertaga Olmaota vaqti"],
                "uzc": ["эртага Олмаота вақти"]},
}  # fmt: skip


def _set(clock: FakeClock, weekday: int, hour: int) -> dt.date:
    """Move the clock to the next `weekday` (0 = Monday) at `hour` in Almaty; the Monday after it."""
    now = dt.datetime.now(ALMATY)
    day = now.date() + dt.timedelta(days=(weekday - now.weekday()) % 7 or 7)
    target = dt.datetime.combine(day, dt.time(hour), tzinfo=ALMATY)
    clock.offset = target - dt.datetime.now(dt.UTC)
    return day + dt.timedelta(days=7 - day.weekday())


def _texts(lang: str) -> dict[str, str]:
    escalation = shipped_content().escalation
    source = "uz" if lang == "uzc" else lang
    texts = {"danger": escalation.danger.root[source], "alerted": escalation.alerted.root[source],
             "nobody": escalation.nobody_on_duty.root[source].split("{when}")[0]}  # fmt: skip
    if lang == "uzc":
        texts = {key: latin_to_cyrillic(value) for key, value in texts.items()}
    return texts


@pytest.mark.parametrize("lang", ["kk", "ru", "uz", "uzc"])
@pytest.mark.parametrize(("moment", "weekday", "hour"), [("night", 1, 3), ("weekend", 5, 12), ("evening", 2, 20)])
async def test_out_of_hours_says_nobody_is_there_and_when_after_the_numbers(
    standin: StandIn, bot: RunningBot, clock: FakeClock, lang: str, moment: str, weekday: int, hour: int
) -> None:
    monday = _set(clock, weekday, hour)
    locale = {"kk": "kk", "ru": "ru", "uz": "uz_Latn", "uzc": "uz_Cyrl"}[lang]
    person = Person(standin, 3100)
    await person.start(lang)
    ack = (await person.send(URGENT[lang]))["text"]
    texts = _texts(lang)
    assert ack.startswith(texts["danger"]), "the emergency numbers come before anything else"
    assert "112" in ack
    assert texts["alerted"] not in ack, "nobody has received anything yet: do not say so"
    assert texts["nobody"] in ack
    for words in EXPECTED[moment][lang]:
        words = words.format(date=format_date(monday, "d MMMM", locale=locale))  # Babel's date, as the bot
        assert words in ack, (words, ack)
    assert "Asia/" not in ack and "2026" not in ack and "(UTC" not in ack
    # Every country we cover, Kyrgyzstan too, even with no verified number there.
    labels = [label for label, data in buttons(person.with_buttons()) if data.startswith("c:")]
    assert len(labels) == len(shipped_content().contacts.countries)
    kyrgyzstan = shipped_content().contacts.countries["KG"].name.root["uz" if lang == "uzc" else lang]
    assert (latin_to_cyrillic(kyrgyzstan) if lang == "uzc" else kyrgyzstan) in ack, "listed, with what to do"


@pytest.mark.parametrize("lang", ["kk", "ru", "uz", "uzc"])
async def test_on_duty_says_a_person_was_told(standin: StandIn, bot: RunningBot, clock: FakeClock, lang: str) -> None:
    _set(clock, 1, 3)  # at night, but an operator went on call by hand
    await standin.group_sends(GROUP_ID, OPERATORS[0], "/oncall")
    await standin.wait_until(lambda: any("on call" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    person = Person(standin, 3200)
    await person.start(lang)
    ack = (await person.send(URGENT[lang]))["text"]
    texts = _texts(lang)
    assert ack.startswith(texts["alerted"])
    assert texts["danger"] in ack and texts["nobody"] not in ack
