"""`helpline qr`: the deep link, its validation, and a QR code that decodes to it."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image

from bot.cli import main
from bot.leaflets.links import LinkError, bot_username, deep_link, qr_code
from bot.settings import SettingsError, load_settings
from bot.standin.server import StandIn

CODES = ("kk", "ru", "uz", "uzc")


def test_deep_link() -> None:
    link = deep_link("@HelplineBot", "uzc", "border_1", CODES)
    assert link.url == "https://t.me/HelplineBot?start=uzc-border_1"
    assert link.handle == "@HelplineBot"


@pytest.mark.parametrize(
    ("lang", "source", "message"),
    [("en", "x", "unknown language"), ("ru", "Border", "source"), ("ru", "a-b", "source"), ("ru", "", "source"),
     ("ru", "x" * 41, "source")],
)  # fmt: skip
def test_bad_links_are_refused(lang: str, source: str, message: str) -> None:
    with pytest.raises(LinkError, match=message):
        deep_link("HelplineBot", lang, source, CODES)


def test_payload_limit() -> None:
    with pytest.raises(LinkError, match="64"):
        deep_link("HelplineBot", "x" * 30, "y" * 40, ("x" * 30,))


def test_qr_matrix_encodes_the_url() -> None:
    link = deep_link("HelplineBot", "kk", "border1", CODES)
    code = qr_code(link)
    assert code.error == "M" and not code.is_micro
    # segno's own encoding of the same URL gives the same matrix: the data is the URL, byte mode, no extras.
    assert code.matrix == segno.make_qr(link.url, error="m", boost_error=False).matrix
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=6, border=4)
    buffer.seek(0)
    image = Image.open(buffer)
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [link.url]


def test_cli_writes_svg_and_png(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HELPLINE_BOT_USERNAME", "HelplineBot")
    assert main(["qr", "border1", "--lang", "ru", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "https://t.me/HelplineBot?start=ru-border1"
    svg, png = tmp_path / "qr-ru-border1.svg", tmp_path / "qr-ru-border1.png"
    assert svg.read_text().startswith("<?xml") and png.read_bytes()[:4] == b"\x89PNG"
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(png))] == [out[0]]


def test_cli_refuses_a_bad_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HELPLINE_BOT_USERNAME", "HelplineBot")
    assert main(["qr", "Border!", "--lang", "ru", "--out", str(tmp_path)]) == 2
    assert "source" in capsys.readouterr().err


def test_no_username_and_no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HELPLINE_BOT_USERNAME", raising=False)
    monkeypatch.delenv("HELPLINE_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="HELPLINE_BOT_USERNAME"):
        bot_username(load_settings())


async def test_username_from_get_me() -> None:
    """No username set: ask Telegram's getMe (here the local stand-in) with the token."""
    async with StandIn() as standin:
        settings = load_settings(bot_token="123456:TEST-token", api_base_url=standin.base_url, bot_username=None)
        assert await asyncio.to_thread(bot_username, settings) == "helpline_test_bot"


async def test_get_me_failure_is_one_line() -> None:
    settings = load_settings(bot_token="123456:TEST-token", api_base_url="http://127.0.0.1:9/bot", bot_username=None)
    with pytest.raises(SettingsError, match="HELPLINE_BOT_USERNAME") as error:
        await asyncio.to_thread(bot_username, settings)
    assert "\n" not in str(error.value)
