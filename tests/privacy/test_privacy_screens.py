"""What Hide, /forget and /silent show, on their own: bot.privacy.screens with the real catalogs, no Telegram.
The /forget question says what a yes ends only where the NGO uses operators' labels (no end-to-end test turns
HELPLINE_EXPORT_LABELS on)."""

from __future__ import annotations

import pytest
from support.harness import shipped_content

from bot.i18n.catalogs import I18n
from bot.paths import LOCALES_DIR
from bot.privacy import screens
from bot.ui import FORGET, HIDE, MAIN_MENU

I18N = I18n(shipped_content().languages, LOCALES_DIR)
CODES = shipped_content().languages.codes
LABELS_NOTE = ("To help the bot recognise danger, the helpline may use the words of your messages to a person, "
               "without names, numbers and addresses. If you delete everything, it will not.")


@pytest.mark.parametrize("code", CODES)
def test_the_forget_question_names_the_labels_only_when_they_are_used(code: str) -> None:
    t = I18N[code]
    plain, labels = screens.forget_question(t, export_labels=False), screens.forget_question(t, export_labels=True)
    note = t.gettext(LABELS_NOTE)
    assert note != LABELS_NOTE, "in the user's language"
    assert note not in plain.text and labels.text == f"{plain.text}\n\n{note}"
    data = [[button.data for button in row] for row in labels.rows]
    assert data == [[FORGET + "yes", FORGET + "no"], [HIDE]] == [[b.data for b in row] for row in plain.rows]


@pytest.mark.parametrize("code", CODES)
def test_silent_says_which_way_it_went_and_hide_leaves_one_neutral_word(code: str) -> None:
    t = I18N[code]
    on, off = screens.silent(t, on=True), screens.silent(t, on=False)
    assert on.text == t.gettext("Messages will come silently.")
    assert off.text == t.gettext("Messages will come with sound.")
    assert on.text != off.text and on.rows == off.rows and [b.data for b in on.rows[-1]] == [HIDE]
    assert screens.hidden(t).text == t.gettext("OK") and not screens.hidden(t).rows
    assert [[b.data for b in row] for row in screens.forgotten(t).rows] == [[MAIN_MENU]]
