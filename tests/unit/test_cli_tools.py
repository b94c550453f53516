"""`helpline triage` and `helpline check-offer`: the tools NGO staff use to try patterns and offers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n.transliterate import latin_to_cyrillic

OFFERS = Path(__file__).resolve().parents[1] / "data" / "offers"


def test_triage_prints_one_json_object_a_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messages = tmp_path / "messages.txt"
    messages.write_text("Помогите, забрали паспорт и не выпускают\n\nкак продлить паспорт?\n", encoding="utf-8")
    assert main(["triage", str(messages), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(line) for line in lines] == [{"urgent", "category", "lang", "matched", "band", "score"}] * 2
    assert lines[0] | {"score": 1} == {"urgent": True, "category": "held", "lang": "ru", "matched": "не выпускают",
                                       "band": "ticket", "score": 1}  # fmt: skip
    assert lines[1] | {"score": 0} == {"urgent": False, "category": None, "lang": lines[1]["lang"], "matched": None,
                                       "band": "none", "score": 0}  # fmt: skip
    assert 0 <= lines[1]["score"] < lines[0]["score"] <= 1


def test_check_offer_prints_one_json_object_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(OFFERS / "kk" / "d02.txt"), str(OFFERS / "ru" / "l01.txt")]
    assert main(["check-offer", *files, "--json"]) == 0
    deceptive, legitimate = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert set(deceptive) == {"file", "risk", "flags", "lang", "score", "possible"} and deceptive["file"] == files[0]
    assert 0 <= legitimate["score"] < deceptive["score"] <= 1
    assert deceptive["risk"] == "high" and deceptive["lang"] == "kk"
    assert all(set(flag) == {"id", "evidence"} and flag["evidence"] for flag in deceptive["flags"])
    assert legitimate["risk"] != "high"


def test_check_offer_report_in_uzbek_cyrillic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-offer", str(OFFERS / "uz" / "d02.txt"), "--lang", "uzc"]) == 0
    report = capsys.readouterr().out
    latin = main(["check-offer", str(OFFERS / "uz" / "d02.txt"), "--lang", "uz"])
    assert latin == 0
    assert report == latin_to_cyrillic(capsys.readouterr().out)


def test_check_offer_refuses_an_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-offer", str(OFFERS / "uz" / "d02.txt"), "--lang", "xx"]) == 2
    assert "unknown language" in capsys.readouterr().out
