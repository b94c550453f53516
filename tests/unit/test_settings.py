"""Bad settings stop start-up with one line naming the variable, and never echo a secret."""

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("HELPLINE_BOT_TOKEN", "HELPLINE_OPERATOR_CHAT_ID", "HELPLINE_OPERATOR_IDS", "HELPLINE_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_operator_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_OPERATOR_IDS", "11, 22,33")
    assert load_settings().operator_ids == frozenset({11, 22, 33})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HELPLINE_OPERATOR_CHAT_ID", "the-group"),
        ("HELPLINE_OPERATOR_IDS", "1,two,3"),
        ("HELPLINE_UNCLAIMED_MINUTES", "10,5"),
        ("HELPLINE_WEBHOOK_PORT", "99999"),
        ("HELPLINE_WEBHOOK_SECRET", "has spaces"),
        ("HELPLINE_LOG_FORMAT", "xml"),
    ],
)
def test_a_malformed_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(variable + ":")
    assert "\n" not in message
    assert value not in message or variable == "HELPLINE_OPERATOR_IDS"


def test_run_without_a_token_says_which_variable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "HELPLINE_BOT_TOKEN" in err
    assert len(err.strip().splitlines()) == 1


def test_the_token_is_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_BOT_TOKEN", "123456:SECRET-token-value")
    settings = load_settings()
    assert "SECRET-token-value" not in repr(settings)
    assert "SECRET-token-value" not in str(settings.model_dump())
    assert settings.token() == "123456:SECRET-token-value"


def test_a_malformed_token_in_the_env_file_is_not_echoed(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("HELPLINE_OPERATOR_CHAT_ID=abc\nHELPLINE_BOT_TOKEN=1:TOPSECRET\n")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "HELPLINE_OPERATOR_CHAT_ID" in err
    assert "TOPSECRET" not in err
