"""`helpline qr` and `helpline leaflet`: what the NGO prints and hands out at border posts and bus stations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.i18n.catalogs import Translator
    from bot.leaflets.links import DeepLink


def _languages() -> tuple[str, ...]:
    from bot.i18n.languages import load_languages

    return load_languages().codes


def translator(code: str) -> Translator:
    """The Translator of one language. The leaflet needs only content texts, so it works without catalogs."""
    from babel import Locale
    from babel.support import Translations

    from bot.i18n.catalogs import I18n, Translator
    from bot.i18n.languages import load_languages
    from bot.i18n.transliterate import TRANSLITERATIONS
    from bot.paths import LOCALES_DIR

    languages = load_languages()
    try:
        return I18n(languages, LOCALES_DIR)[code]
    except OSError:
        language = languages.get(code)
        if language is None:
            raise KeyError(code) from None
        convert = TRANSLITERATIONS[language.transliteration] if language.transliteration else None
        return Translator(language, Locale.parse(language.locale), Translations(), convert)


def _link(args: argparse.Namespace, settings: Settings) -> DeepLink:
    from bot.leaflets.links import bot_username, deep_link

    return deep_link(bot_username(settings), args.lang, args.source, _languages())


def cmd_qr(args: argparse.Namespace, settings: Settings) -> int:
    from bot.leaflets.links import LinkError, write_qr_files

    try:
        link = _link(args, settings)
    except LinkError as error:
        print(f"helpline qr: {error}", file=sys.stderr)
        return 2
    svg, png = write_qr_files(link, Path(args.out))
    print(link.url)
    print(svg)
    print(png)
    return 0


def cmd_leaflet(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.leaflet import LeafletError, load_contacts, load_leaflet
    from bot.leaflets.links import LinkError
    from bot.leaflets.render import leaflet_texts, render_leaflet

    try:
        link = _link(args, settings)
        content_dir = Path(args.content) if args.content else settings.content_dir
        leaflet, contacts = load_leaflet(content_dir), load_contacts(content_dir)
    except (LinkError, LeafletError) as error:
        print(f"helpline leaflet: {error}", file=sys.stderr)
        return 2
    texts = leaflet_texts(leaflet, contacts, translator(args.lang), link)
    if not texts.numbers:
        print("helpline leaflet: no verified number to print; check contacts.yaml", file=sys.stderr)
        return 1
    out = render_leaflet(texts, link, Path(args.out), sheet=args.sheet)
    kind = "A4 sheet of four A6 leaflets" if args.sheet else "A6 leaflet, two sides"
    print(f"{out}: {kind}, {args.lang}, {link.url}")
    return 0


def register_leaflet_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    codes = _languages()

    qr = commands.add_parser("qr", help="QR code (SVG and PNG) of the bot's link for one leaflet source")
    qr.add_argument("source", metavar="SOURCE", help="where the leaflet is handed out: a-z, 0-9, _ (e.g. border1)")
    qr.add_argument("--lang", required=True, choices=codes, help="the language the bot starts in")
    qr.add_argument("--out", default=".", metavar="DIR", help="folder for qr-LANG-SOURCE.svg and .png")
    qr.set_defaults(handler=cmd_qr)

    leaflet = commands.add_parser("leaflet", help="printable PDF leaflet (A6, two sides) with the QR code")
    leaflet.add_argument("--lang", required=True, choices=codes, help="the leaflet's language")
    leaflet.add_argument("--source", required=True, help="where it is handed out: a-z, 0-9, _ (e.g. border1)")
    leaflet.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    leaflet.add_argument("--sheet", action="store_true", help="an A4 sheet of four A6 leaflets per side")
    leaflet.add_argument("--content", metavar="DIR", help="the content folder (default: HELPLINE_CONTENT_DIR)")
    leaflet.set_defaults(handler=cmd_leaflet)
