"""`helpline triage` and `helpline check-offer`: the tools NGO staff use to try patterns and offers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n.transliterate import latin_to_cyrillic
from bot.standin.server import StandIn

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


# --- a user's mistake, or a Telegram out of reach, is one line and never a traceback (issue 10, item 14)


def _unusable(tmp_path: Path) -> dict[str, Path]:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 4)
    return {"missing": tmp_path / "nowhere.txt", "a directory": tmp_path, "binary": binary}


@pytest.mark.parametrize("kind", ["missing", "a directory", "binary"])
@pytest.mark.parametrize("command", [["triage"], ["check-offer"], ["triage", "--json"], ["check-offer", "--json"]])
def test_an_unusable_file_is_one_line(command: list[str], kind: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    path = _unusable(tmp_path)[kind]
    assert main([command[0], str(path), *command[1:]]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and str(path) in err, err


def _database(tmp_path: Path) -> Path:
    database = tmp_path / "helpline.db"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE t (x)")
    return database


def test_backup_without_a_database_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HELPLINE_DATABASE", str(tmp_path / "none.db"))
    assert main(["backup", str(tmp_path / "copy.db")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "none.db" in err, err
    assert not (tmp_path / "none.db").exists(), "looking for the database does not create it"


def test_backup_into_a_missing_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HELPLINE_DATABASE", str(_database(tmp_path)))
    assert main(["backup", str(tmp_path / "no" / "such" / "copy.db")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "no/such" in err, err


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("HELPLINE_")}
    fixed = {"HELPLINE_OPERATOR_CHAT_ID": "-1001", "HELPLINE_LOG_FORMAT": "plain"}
    return subprocess.run([sys.executable, "-m", "bot", "run"], capture_output=True, text=True, timeout=60,
                          env=clean | fixed | env)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_when_telegram_cannot_be_reached(tmp_path: Path) -> None:
    done = _run({"HELPLINE_BOT_TOKEN": "123:abc", "HELPLINE_DATABASE": str(tmp_path / "h.db"),
                 "HELPLINE_API_BASE_URL": f"http://127.0.0.1:{_free_port()}/bot"})  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "cannot reach" in done.stderr


async def test_run_when_telegram_rejects_the_token(tmp_path: Path) -> None:
    async with StandIn(token="123:right") as standin:
        env = {"HELPLINE_BOT_TOKEN": "123:wrong", "HELPLINE_DATABASE": str(tmp_path / "h.db"),
               "HELPLINE_API_BASE_URL": standin.base_url}  # fmt: skip
        done = await asyncio.to_thread(_run, env)
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "rejected the token" in done.stderr and "wrong" not in done.stderr


def test_ctrl_c_leaves_the_terminal_chat_at_once() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HELPLINE_")}
    chat = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--lang", "ru"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env | {"HELPLINE_LOG_LEVEL": "WARNING"})  # fmt: skip
    try:
        assert chat.stdout is not None
        while "bot → you" not in chat.stdout.readline():  # the welcome is shown: the chat is reading input
            pass
        time.sleep(0.5)
        chat.send_signal(signal.SIGINT)
        chat.wait(timeout=20)  # one press is enough, with the input still open as in a terminal
        assert chat.stderr is not None
        err = chat.stderr.read()
    finally:
        chat.kill()
    assert "Traceback" not in err, err
    assert chat.returncode == 130


def test_triage_gives_no_language_for_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messages = tmp_path / "messages.txt"
    messages.write_text("help me please\nI am locked in, they took my passport\n", encoding="utf-8")
    assert main(["triage", str(messages), "--json"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["lang"] is None and not first["urgent"]
    assert second["lang"] is None and second["urgent"], "danger in English is urgent too"
