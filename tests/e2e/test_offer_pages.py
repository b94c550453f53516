"""The offer result: the strongest signs first, the rest behind "More", no page over a phone screen,
and signs only a model suggested marked "possible" after the sure ones (issue 11 item 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.harness import Person, RunningBot, buttons, shipped_content

from bot.i18n.transliterate import latin_to_cyrillic
from bot.offers.assess import FlagHit, assess
from bot.offers.report import render_pages
from bot.standin.server import StandIn

OFFERS = Path(__file__).parents[1] / "data" / "offers"
MORE = {"kk": "Жалғасы", "ru": "Дальше", "uz": "Davomi", "uzc": "Давоми"}
SCREEN = 1000


def _signs(text: str, header: str) -> int:
    """How many signs a page lists under its header."""
    if header not in text:
        return 0
    block = text.split(header, 1)[1].split("\n\n", 1)[0]
    return sum(line.startswith("• ") for line in block.splitlines())


@pytest.mark.parametrize("lang", ["ru", "uzc"])
async def test_a_long_result_shows_the_strongest_signs_then_more(standin: StandIn, bot: RunningBot, lang: str) -> None:
    offers = shipped_content().offer_advice
    source = "uz" if lang == "uzc" else lang
    header = offers.flags_header.root[source]
    header = latin_to_cyrillic(header) if lang == "uzc" else header
    person = Person(standin, 4101)
    await person.start(lang)
    text = (OFFERS / source / "d20.txt").read_text(encoding="utf-8")
    first = await person.send(text, forward_from_chat={"id": -100778, "type": "channel", "title": "Jobs"})
    assessment = bot.services.offers.check(text, source)
    assert len(assessment.flags) >= 5
    assert len(first["text"]) <= SCREEN
    assert 3 <= _signs(first["text"], header) <= 5
    assert any(d == "o:more" for _, d in buttons(first)) and MORE[lang] in [label for label, _ in buttons(first)]
    pages = [first["text"]]
    while any(d == "o:more" for _, d in buttons(person.with_buttons())):
        pages.append((await person.tap(MORE[lang]))["text"])
    assert len(pages) >= 2
    assert all(len(page) <= SCREEN for page in pages), [len(page) for page in pages]
    everything = "\n".join(pages)
    flags = shipped_content().offer_rules.flags
    for hit in assessment.flags:
        title = flags[hit.flag].title.root[source]
        assert (latin_to_cyrillic(title) if lang == "uzc" else title) in everything, hit.flag
    always = offers.always[0].root[source]
    assert (latin_to_cyrillic(always) if lang == "uzc" else always) in everything


async def test_more_after_a_restart_says_the_menu_changed(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 4102)
    await person.start("ru")
    first = await person.send((OFFERS / "ru" / "d20.txt").read_text(encoding="utf-8"),
                              forward_from_chat={"id": -100779, "type": "channel", "title": "Jobs"})  # fmt: skip
    await bot.stop()
    await bot.start()
    await person.tap("Дальше", first)
    assert person.queries and standin.callback_answer(person.queries[-1])["text"] == "Это меню изменилось."


POSSIBLE = {"kk": "(мүмкін — тексеріңіз)", "ru": "(возможно — проверьте)", "uz": "(ehtimol — tekshiring)"}


@pytest.mark.parametrize("lang", ["kk", "ru", "uz"])
def test_a_sign_only_a_model_suggested_is_marked_possible_and_comes_after_the_sure_ones(lang: str) -> None:
    offers = shipped_content().offers
    hits = [FlagHit(flag="secrecy", evidence="никому не говори", possible=True),
            FlagHit(flag="tourist_visa", evidence="по туристической визе"),
            FlagHit(flag="passport_retention", evidence="паспорт отдадите бригадиру")]  # fmt: skip
    assessment = assess(hits, offers)
    text = "\n\n".join(render_pages(assessment, offers, lang))
    titles = {flag: offers.rules.flags[flag].title.root[lang] for flag in ("secrecy", "tourist_visa",
                                                                           "passport_retention")}  # fmt: skip
    possible_line = next(line for line in text.splitlines() if titles["secrecy"] in line)
    assert possible_line.endswith(POSSIBLE[lang])
    assert text.index(titles["passport_retention"]) < text.index(titles["tourist_visa"]) < text.index(titles["secrecy"])
    for flag in ("tourist_visa", "passport_retention"):
        assert POSSIBLE[lang] not in next(line for line in text.splitlines() if titles[flag] in line)
