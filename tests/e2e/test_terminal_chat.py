"""`helpline chat`, the README's first command, gives a working bot in the terminal in each language."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from support.harness import shipped_content

from bot.i18n.transliterate import latin_to_cyrillic


def chat(args: list[str], lines: list[str]) -> str:
    script = "\n".join([*lines, ":quit"]) + "\n"
    env = {key: value for key, value in os.environ.items() if not key.startswith("HELPLINE_")}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bot", "chat", *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=90,
        env=env | {"HELPLINE_LOG_LEVEL": "WARNING"},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("lang", "source"), [("kk", "kk"), ("ru", "ru"), ("uz", "uz"), ("uzc", "uz")])
def test_a_person_talks_to_the_bot_in_the_terminal(lang: str, source: str) -> None:
    guidance = shipped_content().guidance
    first = guidance.screens[guidance.main_menu[0]]
    convert = latin_to_cyrillic if lang == "uzc" else str
    # #3 is the first guidance screen: the job-offer check and "talk to a person" come first.
    out = chat(["--start", f"{lang}-terminal"], ["#3"])
    assert convert(guidance.welcome.root[source]).splitlines()[0] in out
    assert convert(first.text.root[source]).splitlines()[0] in out


def test_an_operator_answers_in_the_terminal() -> None:
    lines = ["Помогите, забрали паспорт и не выпускают", ":op", "Мы вас слышим. Где вы сейчас?", ":user"]
    out = chat(["--lang", "ru", "--start", "ru"], lines)
    assert "ticket #1" in out
    assert "bot → you\nМы вас слышим. Где вы сейчас?" in out


def test_topic_events_hide_and_say_read_well_in_the_terminal() -> None:
    lines = ["Помогите, забрали паспорт и не выпускают", ":op", "/say", ":user", "/hide"]
    out = chat(["--lang", "ru", "--start", "ru"], lines)
    assert "(topic" in out and not re.search(r"\(topic \d+\)\n\n── ", out), "no empty block for a topic event"
    assert "[topic opened: " in out
    assert "Which answer? Write /say KEY, KEY one of: " in out and "No answer called ''" not in out
    assert "messages deleted]" in out, "Hide shows what it did"
