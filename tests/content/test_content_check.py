"""`helpline content check` names file, line and language for each kind of problem, and exits non-zero."""

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.cli import main
from bot.common import ContentError
from bot.content.bundle import check_content, load_content
from bot.paths import CONTENT_DIR

GUIDANCE_OK_HEAD = """\
welcome: {kk: Сәлем, ru: Привет, uz: Salom}
main_menu: [a]
screens:
"""


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def check(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["content", "check", "--dir", str(content_dir)])
    return code, capsys.readouterr().out.splitlines()


def write(content_dir: Path, name: str, text: str) -> None:
    (content_dir / name).write_text(textwrap.dedent(text), encoding="utf-8")


def test_shipped_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = check(CONTENT_DIR, capsys)
    assert code == 0, "\n".join(lines)
    assert not [line for line in lines if " error: " in line]


def test_missing_translation_names_file_line_and_language(content_dir, capsys) -> None:
    write(
        content_dir,
        "guidance.yaml",
        """\
    welcome: {kk: Сәлем, ru: Привет, uz: Salom}
    main_menu: [a]
    screens:
      a:
        button: {kk: А, ru: А, uz: A}
        text:
          kk: Мәтін
          ru: Текст
    """,
    )
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert "content/guidance.yaml:6: [uz] error: missing translation" in lines


def test_menu_entry_pointing_at_nothing(content_dir, capsys) -> None:
    write(
        content_dir,
        "guidance.yaml",
        """\
    welcome: {kk: Сәлем, ru: Привет, uz: Salom}
    main_menu: [a, nowhere]
    screens:
      a:
        button: {kk: А, ru: А, uz: A}
        text: {kk: Мәтін, ru: Текст, uz: Matn}
        links: [gone]
    """,
    )
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any(line.startswith("content/guidance.yaml:2:") and "'nowhere'" in line for line in lines), lines
    assert any(line.startswith("content/guidance.yaml:7:") and "'gone'" in line for line in lines), lines


def test_screen_over_telegram_limit_and_long_button(content_dir, capsys) -> None:
    long_text = "Сөз " * 1100
    write(
        content_dir,
        "guidance.yaml",
        f"""\
    welcome: {{kk: Сәлем, ru: Привет, uz: Salom}}
    main_menu: [a]
    screens:
      a:
        button: {{kk: А, ru: "Очень длинная надпись на кнопке, которую обрежет телефон", uz: A}}
        text: {{kk: "{long_text}", ru: Текст, uz: Matn}}
    """,
    )
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any(line.startswith("content/guidance.yaml:6: [kk] error: 4399 characters") for line in lines), lines
    assert any(line.startswith("content/guidance.yaml:5: [ru] error:") and "40 at most" in line for line in lines)


def test_screens_deeper_than_three_taps(content_dir, capsys) -> None:
    screens = (
        "".join(
            f"  s{i}:\n    button: {{kk: B{i}, ru: B{i}, uz: B{i}}}\n    text: {{kk: T, ru: T, uz: T}}\n"
            f"    links: [s{i + 1}]\n"
            for i in range(1, 5)
        )
        + "  s5:\n    button: {kk: B, ru: B, uz: B}\n    text: {kk: T, ru: T, uz: T}\n"
    )
    write(content_dir, "guidance.yaml", "welcome: {kk: С, ru: П, uz: S}\nmain_menu: [s1]\nscreens:\n" + screens)
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any("guidance.yaml:16:" in line and "4 taps" in line for line in lines), lines


def test_contact_problems(content_dir, capsys) -> None:
    write(
        content_dir,
        "contacts.yaml",
        """\
    countries:
      KZ:
        name: {kk: Қазақстан, ru: Казахстан, uz: Qozogʻiston}
        contacts:
          - id: no_source
            number: "112"
            kind: emergency
            label: {kk: Құтқару, ru: Спасение, uz: Qutqaruv}
            verified: true
          - id: bad_number
            number: "call us"
            kind: police
            label: {kk: Полиция, ru: Полиция, uz: Politsiya}
            source: a leaflet
            verified: true
          - id: unconfirmed
            number: "116 16"
            kind: hotline
            label: {kk: Желі, ru: Линия, uz: Liniya}
            source: one NGO site
            verified: false
    """,
    )
    code, lines = check(content_dir, capsys)
    assert code == 1
    # a missing key is reported where its contact starts
    assert any(line.startswith("content/contacts.yaml:5:") and "no source" in line for line in lines), lines
    assert any(line.startswith("content/contacts.yaml:11:") and "does not parse" in line for line in lines), lines
    assert any(line.startswith("content/contacts.yaml:21: warning:") and "never shown" in line for line in lines)


def test_broken_yaml_and_unknown_field(content_dir, capsys) -> None:
    write(content_dir, "canned.yaml", "answers:\n  passport: {title: x, text: {kk: a, ru: b, uz: c}\n")
    write(content_dir, "escalation.yaml", (content_dir / "escalation.yaml").read_text() + "surprise: 1\n")
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any(line.startswith("content/canned.yaml") and "not valid YAML" in line for line in lines), lines
    assert any(line.startswith("content/escalation.yaml:") and "surprise" in line for line in lines), lines


def test_placeholder_and_unknown_language(content_dir, capsys) -> None:
    text = (content_dir / "escalation.yaml").read_text(encoding="utf-8")
    text = text.replace("Вам ответят {when}.", "Вам ответят скоро.").replace(
        "talk_intro:\n", "talk_intro:\n  ky: Жазыңыз\n"
    )
    (content_dir / "escalation.yaml").write_text(text, encoding="utf-8")
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any("escalation.yaml" in line and "[ru]" in line and "{when}" in line for line in lines), lines
    assert any("escalation.yaml" in line and "unknown language 'ky'" in line for line in lines), lines


def test_the_bot_refuses_broken_content(content_dir) -> None:
    write(content_dir, "guidance.yaml", GUIDANCE_OK_HEAD + "  a: {button: {kk: А}, text: {kk: Т, ru: Т, uz: T}}\n")
    with pytest.raises(ContentError) as raised:
        load_content(content_dir)
    assert "guidance.yaml:4: [ru] error: missing translation" in str(raised.value)


def test_unverified_numbers_are_never_offered() -> None:
    content, _ = check_content(CONTENT_DIR)
    assert content is not None
    shown = {c.number for country in content.contacts.countries.values() for c in country.shown()}
    hidden = {c.number for country in content.contacts.countries.values() for c in country.contacts if not c.verified}
    assert "116 16" in hidden and "116 16" not in shown
    assert not shown & {"1899", "189", "+7 495 967-98-44"}


def test_the_json_schemas_for_editors_are_up_to_date(tmp_path: Path) -> None:
    from bot.content.schema import write_schemas

    for written in write_schemas(tmp_path):
        shipped = CONTENT_DIR / "schema" / written.name
        assert shipped.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
            f"{shipped} is stale: run `helpline content schema`"
        )
    for file in (CONTENT_DIR).rglob("*.yaml"):
        assert file.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema="), file


def test_a_number_in_a_text_must_be_a_verified_contact(content_dir, capsys) -> None:
    text = (content_dir / "canned.yaml").read_text(encoding="utf-8")
    text = text.replace("answers:\n", "answers:\n  leak:\n    title: a leak\n    text: {kk: Қоңырау шалыңыз 116 16,"
                        " ru: Звоните +7 495 967-98-44, uz: Qoʻngʻiroq qiling 112}\n", 1)  # fmt: skip
    (content_dir / "canned.yaml").write_text(text, encoding="utf-8")
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any(
        "canned.yaml" in line and "[kk]" in line and "'116 16' is not a verified contact" in line for line in lines
    )
    assert any("canned.yaml" in line and "[ru]" in line and "+7 495 967-98-44" in line for line in lines), lines
    assert not any("canned.yaml" in line and "[uz]" in line and "112" in line for line in lines)


# -- a first run, and the checks that keep texts short, consistent and never empty-handed ----------


def test_a_clean_check_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["content", "check", "--dir", str(CONTENT_DIR)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == "" and captured.err == "", captured.out + captured.err


def test_a_yaml_syntax_error_names_file_and_line(content_dir, capsys) -> None:
    write(content_dir, "canned.yaml", "answers:\n  passport:\n    title: x\n    text: {kk: a, ru: b, uz: c\n")
    code, lines = check(content_dir, capsys)
    assert code == 1
    broken = [line for line in lines if line.startswith("content/canned.yaml")]
    assert len(broken) == 1 and broken[0].startswith("content/canned.yaml:5: error: not valid YAML"), lines


def test_one_broken_file_does_not_hide_the_warnings_of_the_others(content_dir, capsys) -> None:
    write(content_dir, "canned.yaml", "answers: [\n")
    guidance = (content_dir / "guidance.yaml").read_text(encoding="utf-8")
    (content_dir / "guidance.yaml").write_text(guidance.replace("Договор — ваша защита.", "Контракт — ваша защита."),
                                               encoding="utf-8")  # fmt: skip
    contacts = (content_dir / "contacts.yaml").read_text(encoding="utf-8")
    (content_dir / "contacts.yaml").write_text(contacts.replace('        status: "launch not confirmed"\n', ""),
                                               encoding="utf-8")  # fmt: skip
    code, lines = check(content_dir, capsys)
    assert code == 1
    assert any(line.startswith("content/canned.yaml:") and "not valid YAML" in line for line in lines), lines
    assert any(line.startswith("content/guidance.yaml:") and "«Контракт»" in line for line in lines), lines
    assert any("contacts.yaml" in line and "'tj_emergency' is not verified" in line for line in lines), lines


def test_a_missing_content_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["content", "check", "--dir", str(tmp_path / "nowhere")])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.out.splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0], lines


def test_a_text_longer_than_a_phone_screen_is_a_warning(content_dir, capsys) -> None:
    guidance = (content_dir / "guidance.yaml").read_text(encoding="utf-8")
    long_line = "        • " + "Очень длинное объяснение. " * 40 + "\n"
    guidance = guidance.replace("        Договор — ваша защита.\n", "        Договор — ваша защита.\n" + long_line)
    (content_dir / "guidance.yaml").write_text(guidance, encoding="utf-8")
    code, lines = check(content_dir, capsys)
    assert code == 0
    assert any("guidance.yaml" in line and "[ru] warning:" in line and "more than a phone screen" in line
               for line in lines), lines  # fmt: skip


def test_the_glossary_warns_about_the_other_word_for_a_thing(content_dir, capsys) -> None:
    advice = (content_dir / "offers" / "advice.yaml").read_text(encoding="utf-8")
    advice = advice.replace("жазбаша келісімшартқа қол қойыңыз", "жазбаша шартқа қол қойыңыз")
    (content_dir / "offers" / "advice.yaml").write_text(advice, encoding="utf-8")
    code, lines = check(content_dir, capsys)
    assert code == 0
    assert any(line.startswith("content/offers/advice.yaml:") and "[kk] warning: «шартқа»" in line
               and "«келісімшарт»" in line for line in lines), lines  # fmt: skip


def test_a_country_without_a_verified_emergency_number_is_a_warning(content_dir, capsys) -> None:
    contacts = (content_dir / "contacts.yaml").read_text(encoding="utf-8")
    start = contacts.index("    # Users in Kyrgyzstan")
    end = contacts.index("\n", contacts.index("    status:", start)) + 1
    (content_dir / "contacts.yaml").write_text(contacts[:start] + contacts[end:], encoding="utf-8")
    code, lines = check(content_dir, capsys)
    assert code == 0
    assert any("contacts.yaml" in line and "KG has no verified emergency" in line for line in lines), lines


def test_the_call_back_answer_names_every_country(content_dir, capsys) -> None:
    canned = (content_dir / "canned.yaml").read_text(encoding="utf-8")
    start = canned.index("        • Кыргызстан:")
    (content_dir / "canned.yaml").write_text(canned[:start] + canned[canned.index("\n", start) + 1 :], encoding="utf-8")
    _, lines = check(content_dir, capsys)
    assert any("canned.yaml" in line and "[ru] warning: call_back does not name Кыргызстан" in line
               for line in lines), lines  # fmt: skip


def test_a_kazakh_case_ending_after_a_number_is_reported(content_dir, capsys) -> None:
    questions = (content_dir / "offers" / "questions.yaml").read_text(encoding="utf-8")
    questions = questions.replace('kk: "{n}-сұрақ / {total}"', 'kk: "{total} сұрақтың {n}-і"')
    (content_dir / "offers" / "questions.yaml").write_text(questions, encoding="utf-8")
    _, lines = check(content_dir, capsys)
    assert any("questions.yaml" in line and "[kk] warning:" in line and "vowel harmony" in line
               for line in lines), lines  # fmt: skip
