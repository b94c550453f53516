"""The job-offer checker's screens as plain data: pure functions of content, language and state."""

from __future__ import annotations

from bot.content.bundle import Content
from bot.i18n.catalogs import Translator
from bot.offers import guided
from bot.offers.assess import Assessment
from bot.offers.report import render_pages
from bot.screens import MAX_MESSAGE, footer, main_menu
from bot.ui import HIDE, OFFER, TALK, Button, Screen


def menu(t: Translator) -> Screen:
    """The checker's own menu: the guided questions, or an offer sent to be read."""
    rows = [
        [Button(t.gettext("Answer questions about the offer"), OFFER + "guided")],
        [Button(t.gettext("Send me the offer's text"), OFFER + "paste")],
        *footer(t, None),
    ]
    text = t.gettext("Check a job offer before you say yes. Answer a few questions, or send me the offer: "
                     "forward the message or paste its text.")  # fmt: skip
    return Screen(text, rows)


def paste_prompt(t: Translator) -> Screen:
    prompt = t.gettext("Send me the offer: forward the message, or paste its text here.")
    return Screen(prompt, footer(t, OFFER + "menu"))


def changed_notice(t: Translator) -> str:
    """The answer to an old button (a restart or a content change since it was shown)."""
    return t.gettext("This menu has changed.")


def changed(content: Content, t: Translator) -> Screen:
    """An old button the checker no longer knows: the main menu, saying so."""
    return main_menu(content, t, changed_notice(t))


def send_again(t: Translator) -> Screen:
    """ "Report this recruiter" when the offer is no longer in memory (a restart since)."""
    return Screen(t.gettext("Please send me the offer again, then press “Report this recruiter”."), footer(t, None))


def reported(t: Translator) -> Screen:
    return Screen(t.gettext("Thank you. The helpline has the offer and will look at it."), footer(t, None))


def question(content: Content, t: Translator, state: guided.GuidedState) -> Screen | None:
    """The question on screen, with where the person is ("Question 3 of 9"); None once all are answered."""
    questions = content.offer_questions
    current = guided.current_question(state, questions)
    if current is None:
        return None
    text = f"{t.text(questions.progress).format(n=state.index + 1, total=len(questions.questions))}\n\n" \
           f"{t.text(current.text)}"  # fmt: skip
    if state.index == 0:
        text = f"{t.text(questions.intro)}\n\n{text}"
    answer = f"{OFFER}a:{current.id}:"
    rows = [
        [Button(t.text(questions.answer_yes), answer + "yes"), Button(t.text(questions.answer_no), answer + "no")],
        [Button(t.text(questions.answer_unsure), answer + "unsure")],
        [Button(t.text(questions.back), OFFER + "back"), Button(t.text(questions.quit), OFFER + "quit")],
        [Button(t.gettext("Hide this chat"), HIDE)],
    ]
    return Screen(text, rows)


def result(content: Content, t: Translator, assessment: Assessment, *, scanned: bool) -> list[Screen]:
    """The result, a phone screen a page: the strongest signs first, the rest behind "More"."""
    pages = render_pages(assessment, content.offers, t.language.source)
    if t.transliterate is not None:
        pages = [t.transliterate(page) for page in pages]
    if assessment.flags:
        # CLDR's plural rules through Babel: Russian has three forms, Kazakh and Uzbek two.
        count = t.ngettext("{count} warning sign found", "{count} warning signs found", len(assessment.flags))
        head, _, rest = pages[0].partition("\n")
        pages[0] = f"{head}\n{count}\n{rest}"
    rows: list[list[Button]] = []
    if assessment.talk_to_person:
        rows.append([Button(t.gettext("Talk to a person"), TALK)])
    if scanned:
        rows.append([Button(t.gettext("Report this recruiter"), OFFER + "report")])
    rows.append([Button(t.gettext("Check another offer"), OFFER + "menu")])
    rows += footer(t, None)
    more = [Button(t.gettext("More"), OFFER + "more")]
    return [Screen(page[:MAX_MESSAGE], ([more] if index < len(pages) - 1 else []) + rows)
            for index, page in enumerate(pages)]  # fmt: skip
