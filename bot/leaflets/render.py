"""A printable leaflet with ReportLab: A6, two sides, or an A4 sheet of four A6 leaflets per side.

Front: a neutral title, the QR code of the bot's deep link, how to open the bot. Back: five warning signs of a
deceptive job offer and the verified emergency numbers of the home and destination countries. Every number
comes from contacts.yaml through `Country.shown()`: nothing unverified is ever printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer

from bot.common import Localized
from bot.content.contacts import Contacts
from bot.content.leaflet import LeafletContent
from bot.i18n.catalogs import Translator
from bot.leaflets.links import DeepLink, qr_code

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "HelplineSans", "HelplineSans-Bold"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
MARGIN = 7 * mm
INK = colors.HexColor("#1f2d3d")
ACCENT = colors.HexColor("#0b6e4f")


def register_fonts() -> None:
    """DejaVu Sans, shipped in bot/fonts: it has every Kazakh, Uzbek Cyrillic and Latin letter (ʻ too)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class CountryNumbers:
    country: str
    numbers: tuple[tuple[str, str], ...]  # (number, label)


@dataclass(frozen=True)
class LeafletTexts:
    """Everything printed, in one language, resolved from the content."""

    lang: str
    title: str
    subtitle: str
    about: str
    open_bot: str
    signs_heading: str
    signs: tuple[str, ...]
    numbers_heading: str
    numbers: tuple[CountryNumbers, ...]
    footer: str

    def all_text(self) -> str:
        parts = [self.title, self.subtitle, self.about, self.open_bot, self.signs_heading, *self.signs]
        parts += [self.numbers_heading, self.footer]
        for country in self.numbers:
            parts += [country.country, *(f"{number} {label}" for number, label in country.numbers)]
        return "\n".join(parts)


def _with_bot(t: Translator, text: Localized, handle: str) -> str:
    """The text with {bot} replaced by @username, transliterating only the words around it."""
    source = text.get(t.language.source) or ""
    convert = t.transliterate or (lambda part: part)
    return handle.join(convert(part) for part in source.split("{bot}"))


def leaflet_texts(content: LeafletContent, contacts: Contacts, t: Translator, link: DeepLink) -> LeafletTexts:
    numbers: list[CountryNumbers] = []
    for code in content.countries(t.language.source):
        country = contacts.country(code)
        if country is None:
            continue
        # Country.shown(): verified contacts with a source, the only ones a user may ever see.
        shown = [c for c in country.shown() if c.kind in content.kinds]
        if shown:
            numbers.append(CountryNumbers(t.text(country.name), tuple((c.number, t.text(c.label)) for c in shown)))
    return LeafletTexts(
        lang=t.code,
        title=t.text(content.title),
        subtitle=t.text(content.subtitle),
        about=t.text(content.about),
        open_bot=_with_bot(t, content.open_bot, link.handle),
        signs_heading=t.text(content.signs_heading),
        signs=tuple(t.text(sign) for sign in content.signs),
        numbers_heading=t.text(content.numbers_heading),
        numbers=tuple(numbers),
        footer=t.text(content.footer),
    )


class QRFlowable(Flowable):  # type: ignore[misc]
    """The QR code drawn as vector squares: sharp at any print size, no image to embed."""

    def __init__(self, link: DeepLink, size: float) -> None:
        super().__init__()
        self.rows = [list(row) for row in qr_code(link).matrix_iter(scale=1, border=4)]
        self.size = size
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas, count = self.canv, len(self.rows)
        module = self.size / count
        canvas.saveState()
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.rows):
            x = 0
            while x < count:
                if row[x]:
                    start = x
                    while x < count and row[x]:
                        x += 1
                    # A hair wider than the module, so printers leave no white seams between squares.
                    canvas.rect(start * module, self.size - (y + 1) * module, (x - start) * module + 0.05,
                                module + 0.05, stroke=0, fill=1)  # fmt: skip
                else:
                    x += 1
        canvas.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, bulletFontName=FONT, fontSize=8.5, leading=11, textColor=INK,
                          alignment=TA_LEFT)  # bullets too: the default is Helvetica, never embedded
    return {
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=19, leading=23, alignment=TA_CENTER, textColor=ACCENT
        ),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=13.5, alignment=TA_CENTER),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER),
        "open": ParagraphStyle("open", base, fontSize=9.5, leading=12.5, alignment=TA_CENTER),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, alignment=TA_CENTER, textColor=ACCENT),
        "heading": ParagraphStyle(
            "heading", base, fontName=FONT_BOLD, fontSize=12, leading=15, textColor=ACCENT, spaceAfter=4
        ),
        "sign": ParagraphStyle("sign", base, fontSize=9.5, leading=12, leftIndent=10, bulletIndent=0, spaceAfter=3.5),
        "number": ParagraphStyle("number", base, fontSize=9, leading=11.5, spaceAfter=2.5),
    }


def _front(texts: LeafletTexts, link: DeepLink, width: float) -> list[Flowable]:
    s = _styles()
    handle = escape(link.handle)
    open_bot = escape(texts.open_bot).replace(handle, f"<b>{handle}</b>")
    return [
        Paragraph(escape(texts.title), s["title"]),
        Spacer(1, 2 * mm),
        Paragraph(escape(texts.subtitle), s["subtitle"]),
        Spacer(1, 4 * mm),
        QRFlowable(link, min(width, 52 * mm)),
        Spacer(1, 3 * mm),
        Paragraph(open_bot, s["open"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(texts.about), s["center"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(texts.footer), s["small"]),
    ]


def _back(texts: LeafletTexts) -> list[Flowable]:
    s = _styles()
    flow: list[Flowable] = [Paragraph(escape(texts.signs_heading), s["heading"])]
    flow += [Paragraph(escape(sign), s["sign"], bulletText="•") for sign in texts.signs]
    flow += [Spacer(1, 5 * mm), Paragraph(escape(texts.numbers_heading), s["heading"])]
    for country in texts.numbers:
        numbers = "; ".join(f"<b>{escape(n)}</b> {escape(label)}" for n, label in country.numbers)
        flow.append(Paragraph(f"<b>{escape(country.country)}:</b> {numbers}", s["number"]))
    return flow


def _draw_side(canvas: Canvas, flow: Sequence[Flowable], x: float, y: float, width: float, height: float) -> None:
    """One A6 side in the rectangle; text shrinks rather than spill if a language runs long."""
    inner_w, inner_h = width - 2 * MARGIN, height - 2 * MARGIN
    box = KeepInFrame(inner_w, inner_h, list(flow), mode="shrink")
    _, used = box.wrapOn(canvas, inner_w, inner_h)
    # Centred on the page, a little above the middle, as the eye expects.
    box.drawOn(canvas, x + MARGIN, y + MARGIN + max(inner_h - used, 0) * 0.55)


def _cut_marks(canvas: Canvas, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colors.lightgrey)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    canvas.line(width / 2, 0, width / 2, height)
    canvas.line(0, height / 2, width, height / 2)
    canvas.restoreState()


def render_leaflet(texts: LeafletTexts, link: DeepLink, out: Path, *, sheet: bool = False) -> Path:
    """Write the PDF: two A6 pages (front, back), or with `sheet` two A4 pages of four leaflets each.

    On the sheet all four leaflets are the same, so duplex printing on either edge lines fronts up with backs.
    """
    register_fonts()
    out.parent.mkdir(parents=True, exist_ok=True)
    page = A4 if sheet else A6
    # The shipped DejaVu from the first mark on: left to its default, the canvas names Helvetica, which is
    # never embedded and prints with whatever font the printer substitutes.
    canvas = Canvas(str(out), pagesize=page, invariant=True, pageCompression=1, initialFontName=FONT)
    # Neutral metadata too: a file on a phone can be looked at.
    canvas.setTitle(texts.title)
    canvas.setAuthor("")
    canvas.setSubject(texts.subtitle)
    canvas.setCreator("helpline leaflet")
    cells = [(0.0, 0.0, A6[0], A6[1])]
    if sheet:
        w, h = page[0] / 2, page[1] / 2
        cells = [(col * w, row * h, w, h) for row in (1, 0) for col in (0, 1)]
    for make in (lambda w: _front(texts, link, w - 2 * MARGIN), lambda _w: _back(texts)):
        for x, y, w, h in cells:
            _draw_side(canvas, make(w), x, y, w, h)
        if sheet:
            _cut_marks(canvas, *page)
        canvas.showPage()
    canvas.save()
    return out
