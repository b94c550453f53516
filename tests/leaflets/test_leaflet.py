"""The printed leaflet: renders in every language, says the right things, prints only verified numbers."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from bot.cli import main
from bot.content.leaflet import LeafletContent, load_contacts, load_leaflet
from bot.i18n.transliterate import latin_to_cyrillic
from bot.leaflets.cli import translator
from bot.leaflets.links import deep_link
from bot.leaflets.render import FONT, FONT_BOLD, leaflet_texts, register_fonts, render_leaflet
from bot.paths import CONTENT_DIR

DATA = Path(__file__).parent / "data"
LANGS = ("kk", "ru", "uz", "uzc")
CODES = ("kk", "ru", "uz", "uzc")
USERNAME = "HelplineTestBot"
# Numbers in the reference that are not verified: a leaflet must never print them.
UNVERIFIED = ("116 16", "11616", "1899", "967-98-44", "189")
TITLES = {"kk": "Шетелде жұмыс", "ru": "Работа за границей", "uz": "Chet elda ish", "uzc": "Чет элда иш"}
SIGN = {"kk": "Паспортыңызды", "ru": "паспорт", "uz": "Pasportingizni", "uzc": "Паспортингизни"}


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """The shipped leaflet.yaml with a test contacts.yaml (verified and unverified numbers)."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(CONTENT_DIR / "leaflet.yaml", folder / "leaflet.yaml")
    shutil.copy(DATA / "contacts.yaml", folder / "contacts.yaml")
    return folder


def _text(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_shipped_leaflet_texts_are_complete() -> None:
    leaflet = load_leaflet(CONTENT_DIR)
    assert list(leaflet.findings(("kk", "ru", "uz"))) == []
    for _, text in leaflet.texts():
        uz = text.get("uz") or ""
        assert not re.search(r"[oOgG][‘’'`]", uz), f"Uzbek oʻ/gʻ must use U+02BB: {uz!r}"
    # Neutral: a checked phone or bag shows nothing alarming in big letters.
    for code in ("kk", "ru", "uz"):
        title = (leaflet.title.get(code) or "").lower()
        assert not any(word in title for word in ("трафик", "торгов", "traffick", "savdo", "қул", "рабств"))


def test_leaflet_texts_may_not_carry_phone_numbers() -> None:
    data = load_leaflet(CONTENT_DIR).model_dump()
    data["footer"]["ru"] = "Звоните 116 16"
    with pytest.raises(ValueError, match="no phone numbers"):
        LeafletContent.model_validate(data)


def test_font_has_every_letter() -> None:
    register_fonts()
    letters = "әіңғүұқөһӘІҢҒҮҰҚӨҺ" + "ўқғҳЎҚҒҲ" + "ʻʼ«»—•" + "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    for name in (FONT, FONT_BOLD):
        face = pdfmetrics.getFont(name).face
        missing = [ch for ch in letters if ord(ch) not in face.charToGlyph]
        assert missing == [], f"{name} lacks {missing}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sheet", [False, True])
def test_leaflet_renders_with_expected_text(lang: str, sheet: bool, content_dir: Path, tmp_path: Path) -> None:
    link = deep_link(USERNAME, lang, "border1", CODES)
    texts = leaflet_texts(load_leaflet(content_dir), load_contacts(content_dir), translator(lang), link)
    pdf = render_leaflet(texts, link, tmp_path / f"{lang}.pdf", sheet=sheet)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == ((595, 842) if sheet else (298, 420))  # A4 or A6, in points
    front, back = (_squash(page) for page in _text(pdf))
    assert TITLES[lang] in front
    assert f"@{USERNAME}" in front
    assert SIGN[lang] in back
    assert "112" in back and "999" in back and "102" in back
    for number in UNVERIFIED:
        assert number not in front + back
    if sheet:
        assert back.count(SIGN[lang]) == 4
    if lang == "uzc":
        assert latin_to_cyrillic("Ehtiyot boʻling") in back
    if lang == "uz":
        assert "Ehtiyot boʻling" in back  # U+02BB survives into the PDF text


def test_countries_home_first_and_unverified_left_out(content_dir: Path) -> None:
    link = deep_link(USERNAME, "ru", "border1", CODES)
    texts = leaflet_texts(load_leaflet(content_dir), load_contacts(content_dir), translator("ru"), link)
    assert [c.country for c in texts.numbers] == ["Казахстан", "Узбекистан", "Россия", "ОАЭ", "Турция", "Южная Корея"]
    kz = texts.numbers[0]
    assert [number for number, _ in kz.numbers] == ["112", "102", "103"]
    # South Korea's 1345 is verified but not an emergency number: the leaflet has room for those only.
    assert "1345" not in texts.all_text()
    for number in UNVERIFIED:
        assert number not in texts.all_text()


def test_cli_writes_the_pdf(content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("HELPLINE_BOT_USERNAME", USERNAME)
    monkeypatch.setenv("HELPLINE_CONTENT_DIR", str(content_dir))
    out = tmp_path / "out" / "kk.pdf"
    assert main(["leaflet", "--lang", "kk", "--source", "border1", "--out", str(out), "--sheet"]) == 0
    assert out.exists() and "start=kk-border1" in capsys.readouterr().out
    assert main(["leaflet", "--lang", "kk", "--source", "Bad-Source", "--out", str(out)]) == 2
    assert "source 'Bad-Source'" in capsys.readouterr().err


def test_cli_without_username_or_token_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.delenv("HELPLINE_BOT_USERNAME", raising=False)
    monkeypatch.delenv("HELPLINE_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    assert main(["leaflet", "--lang", "ru", "--source", "x", "--out", str(tmp_path / "a.pdf")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "HELPLINE_BOT_USERNAME" in err


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_contacts_leaflet(lang: str, tmp_path: Path) -> None:
    contacts = load_contacts(CONTENT_DIR)
    link = deep_link(USERNAME, lang, "border1", CODES)
    texts = leaflet_texts(load_leaflet(CONTENT_DIR), contacts, translator(lang), link)
    shown = {c.number for country in contacts.countries.values() for c in country.shown()}
    hidden = {c.number for country in contacts.countries.values() for c in country.contacts} - shown
    pdf = render_leaflet(texts, link, tmp_path / "x.pdf")
    text = "".join(_text(pdf))
    assert texts.numbers, "no verified emergency number to print"
    for number in hidden:
        assert number not in text


@pytest.mark.parametrize("lang", LANGS)
def test_page_one_rasterises(lang: str, content_dir: Path, tmp_path: Path) -> None:
    link = deep_link(USERNAME, lang, "border1", CODES)
    texts = leaflet_texts(load_leaflet(content_dir), load_contacts(content_dir), translator(lang), link)
    pdf = render_leaflet(texts, link, tmp_path / f"{lang}.pdf")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:  # a system tool, not a Python package: say what to install instead of failing blind
        pytest.fail("pdftoppm is not installed: install poppler-utils (apt-get install poppler-utils)", pytrace=False)
    subprocess.run([pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)  # noqa: S603
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 10_000
    found = zxingcpp.read_barcodes(Image.open(png))
    assert [code.text for code in found] == [link.url]


@pytest.mark.parametrize("sheet", [False, True])
def test_every_font_is_embedded(sheet: bool, content_dir: Path, tmp_path: Path) -> None:
    """The shipped DejaVu, embedded: the leaflet prints the same on any printer (Helvetica was only named)."""
    link = deep_link(USERNAME, "ru", "border1", CODES)
    texts = leaflet_texts(load_leaflet(content_dir), load_contacts(content_dir), translator("ru"), link)
    pdf = render_leaflet(texts, link, tmp_path / "x.pdf", sheet=sheet)
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{font['/BaseFont']} is not embedded"


def test_shipped_russian_leaflet_has_the_uzbek_and_tajik_numbers() -> None:
    """Russian leaflets reach people from Uzbekistan and Tajikistan too: their verified numbers are printed."""
    contacts = load_contacts(CONTENT_DIR)
    link = deep_link(USERNAME, "ru", "border1", CODES)
    texts = leaflet_texts(load_leaflet(CONTENT_DIR), contacts, translator("ru"), link)
    printed = {country.country: [number for number, _ in country.numbers] for country in texts.numbers}
    kinds = load_leaflet(CONTENT_DIR).kinds
    for code, name in (("UZ", "Узбекистан"), ("TJ", "Таджикистан")):
        country = contacts.country(code)
        assert country is not None
        verified = [c.number for c in country.shown() if c.kind in kinds]
        assert verified and printed.get(name) == verified, (name, printed)
