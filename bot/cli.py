"""The `helpline` command: run the bot, talk to it locally, check content, try the analysers, back up."""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.common import ContentError
from bot.dburl import StoreError
from bot.settings import OPERATOR_CHAT_MISSING, Settings, SettingsError, load_settings
from bot.yamlfile import YamlError

Command = Callable[[argparse.Namespace, Settings], int]
# Exit codes of `helpline run` when Telegram is out of reach or refuses the token (the README lists them).
EXIT_UNREACHABLE = 3
EXIT_TOKEN_REJECTED = 4


class InputError(Exception):
    """A file or folder the user named cannot be used: said in one line, exit code 2."""


def _unreadable(source: str, error: Exception) -> InputError:
    if isinstance(error, UnicodeDecodeError):
        return InputError(f"{source}: not a text file (UTF-8 expected)")
    reason = error.strerror if isinstance(error, OSError) and error.strerror else type(error).__name__
    return InputError(f"{source}: {reason}")


def _lines(source: str) -> Iterator[str]:
    try:
        stream = sys.stdin if source == "-" else Path(source).open(encoding="utf-8")
        with stream:
            yield from (line.rstrip("\n") for line in stream)
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(source, error) from None


def _read_text(source: str) -> str:
    try:
        return sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(source, error) from None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_application
    from bot.logs import setup_logging
    from bot.runner import run_polling, run_webhook, stop_on_signals

    token = settings.token()
    if settings.operator_chat_id is None:
        raise SettingsError(OPERATOR_CHAT_MISSING)
    setup_logging(settings.log_level, settings.log_format, [token])
    application = build_application(settings)

    async def main() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        if args.webhook:
            await run_webhook(application, settings, args.webhook, stop)
        else:
            await run_polling(application, settings, stop)

    try:
        asyncio.run(main())
    except InvalidToken:
        print("helpline: Telegram rejected the token (HELPLINE_BOT_TOKEN): check it with @BotFather", file=sys.stderr)
        return EXIT_TOKEN_REJECTED
    except NetworkError as error:  # the error's text may hold an address, never printed with the token
        print(f"helpline: cannot reach the Bot API at {settings.api_base_url} ({type(error).__name__})",
              file=sys.stderr)  # fmt: skip
        return EXIT_UNREACHABLE
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.standin.terminal import run_terminal_chat

    try:
        return asyncio.run(run_terminal_chat(settings, lang=args.lang, payload=args.start, operator=args.operator))
    except KeyboardInterrupt:  # Ctrl-C: the chat has stopped the bot on its way out
        print(file=sys.stderr)
        return 130


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.bundle import check_content, load_glossary
    from bot.i18n.check import catalog_problems
    from bot.i18n.languages import load_languages
    from bot.paths import LOCALES_DIR

    content_dir = Path(args.dir) if args.dir else settings.content_dir
    _, problems = check_content(content_dir)
    for problem in problems:
        print(f"{content_dir.name}/{problem}")
    # Interface strings too: a text missing in one language is a bug wherever it lives.
    catalogs = catalog_problems(LOCALES_DIR, load_languages(), load_glossary(content_dir))
    for problem in catalogs:
        print(problem)
    problems += catalogs
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    if problems:  # a clean check is silent
        print(f"content check: {errors} errors, {warnings} warnings in {content_dir}", file=sys.stderr)
    return 1 if errors else 0


def cmd_content_schema(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.schema import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def cmd_triage(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.bundle import load_content
    from bot.escalation.triage import Triage, triage_lines
    from bot.judgement.model import load_judgement

    triage = Triage(load_content(settings.content_dir).triage, load_judgement(settings.content_dir))
    for result in triage_lines(_lines(args.file), triage):
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(f"{result['band']}\t{result['score']:.2f}\t{result['category'] or '-'}\t{result['lang'] or '-'}"
                  f"\t{result['matched'] or ''}")  # fmt: skip
    return 0


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from bot.judgement import train
    except ImportError as error:
        print(f"helpline train needs scikit-learn ({error.name} is missing): pip install -e '.[train]'",
              file=sys.stderr)  # fmt: skip
        return 2
    from bot.judgement.data import TrainingDataError
    from bot.judgement.model import MODEL_FILE

    content_dir = Path(args.dir) if args.dir else settings.content_dir
    out = Path(args.out) if args.out else content_dir / MODEL_FILE
    try:
        if args.ablate:
            print("cue features (past / hypothetical framing), cross-validated:")
            print("\n".join(train.ablate_cues(content_dir)))
            return 0
        trained = train.train(content_dir)
    except TrainingDataError as error:
        print(f"helpline train: {error}", file=sys.stderr)
        return 1
    print("\n".join(train.report(trained)))
    train.write_model(trained.data, out)
    print(f"wrote {out}")
    return 0


def cmd_check_offer(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content.bundle import load_content
    from bot.i18n.transliterate import TRANSLITERATIONS
    from bot.judgement.model import load_judgement
    from bot.offers.report import check_offer_json, check_offer_report
    from bot.offers.scan import OfferChecker

    content = load_content(settings.content_dir)
    checker = OfferChecker(content.offers, load_judgement(settings.content_dir))
    language = content.languages.get(args.lang) if args.lang else None
    if args.lang and language is None:
        print(f"helpline: unknown language {args.lang!r}; use one of {', '.join(content.languages.codes)}")
        return 2
    lang = language.source if language else None
    for name in args.files:
        text = _read_text(name)
        if args.json:
            print(json.dumps(check_offer_json(name, text, checker, lang), ensure_ascii=False))
            continue
        report = check_offer_report(name, text, checker, lang)
        if language is not None and language.transliteration:
            report = TRANSLITERATIONS[language.transliteration](report)
        print(report)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database's schema up to this version; with --from, copy a SQLite database into it first."""
    from bot.dburl import database_target, describe
    from bot.storage.copy import copy_database
    from bot.storage.database import Store

    target = settings.store_target()
    if args.source:
        source = database_target(args.source)
        if not isinstance(source, Path) or not source.is_file():
            raise InputError(f"--from: no SQLite database at {args.source}")
        if not isinstance(database_target(target), str):
            raise InputError("--from copies into PostgreSQL: set HELPLINE_DATABASE_URL=postgresql://…")
        counts = asyncio.run(copy_database(source, str(target)))
        print(f"copied {describe(source)} into {describe(target)}: "
              + ", ".join(f"{table} {n}" for table, n in counts.items()))  # fmt: skip
    version = asyncio.run(Store(target).migrate())
    print(f"{describe(database_target(target))}: schema {version}")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.dburl import database_target
    from bot.storage.database import backup_file

    if isinstance(database_target(settings.store_target()), str):
        raise InputError("the database is PostgreSQL: back it up with pg_dump (README, PostgreSQL), e.g. "
                         'pg_dump --format=custom --file=helpline.dump "$HELPLINE_DATABASE_URL"')  # fmt: skip
    target = Path(args.path)
    if target.exists():
        print(f"{target} exists already; choose a new file", file=sys.stderr)
        return 2
    if not settings.database.is_file():
        raise InputError(f"no database at {settings.database} (HELPLINE_DATABASE)")
    if not target.parent.is_dir():
        raise InputError(f"no folder {target.parent} to write the backup into")
    try:
        backup_file(settings.database, target)
    except sqlite3.Error as error:
        raise InputError(f"could not back up {settings.database}: {error}") from None
    print(f"backed up {settings.database} to {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="helpline", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the bot against Telegram (long polling, or --webhook URL)")
    run.add_argument("--webhook", metavar="URL", help="serve Telegram's webhook at this public URL")
    run.set_defaults(handler=cmd_run)

    chat = commands.add_parser("chat", help="talk to the whole bot in this terminal, with no token and no network")
    chat.add_argument("--lang", help="your Telegram language code (kk, ru, uz …)")
    chat.add_argument("--start", default="", help="a leaflet's deep-link payload, e.g. kk-border1")
    chat.add_argument("--operator", action="store_true", help="start as an operator in the operators' group")
    chat.set_defaults(handler=cmd_chat)

    content = commands.add_parser("content", help="check the content, or export its JSON Schema")
    content_commands = content.add_subparsers(dest="content_command", required=True)
    check = content_commands.add_parser("check", help="report every problem with file, line and language")
    check.add_argument("--dir", help="the content folder (default: HELPLINE_CONTENT_DIR)")
    check.set_defaults(handler=cmd_content_check)
    schema = content_commands.add_parser("schema", help="write JSON Schemas for editors")
    schema.add_argument("--out", default="content/schema", help="folder for the schema files")
    schema.set_defaults(handler=cmd_content_schema)

    triage = commands.add_parser("triage", help="classify messages, one a line, as urgent or not")
    triage.add_argument("file", help="a file, or - for standard input")
    triage.add_argument("--json", action="store_true", help="one JSON object a line")
    triage.set_defaults(handler=cmd_triage)

    learn = commands.add_parser("train", help="rebuild the judgement model from content/training/ (needs [train])")
    learn.add_argument("--dir", help="the content folder (default: HELPLINE_CONTENT_DIR)")
    learn.add_argument("--out", help="where to write the model (default: the content's model/judgement.json.gz)")
    learn.add_argument("--ablate", action="store_true", help="only compare cross-validation with and without cues")
    learn.set_defaults(handler=cmd_train)

    offer = commands.add_parser("check-offer", help="scan job offers for warning signs")
    offer.add_argument("files", nargs="+", help="files, or - for standard input")
    offer.add_argument("--json", action="store_true", help="one JSON object a file")
    offer.add_argument("--lang", help="the language of the report (kk, ru, uz, uzc)")
    offer.set_defaults(handler=cmd_check_offer)

    migrate = commands.add_parser("migrate", help="bring the database's schema up to this version")
    migrate.add_argument("--from", dest="source", metavar="URL",
                         help="first copy this SQLite database (sqlite:///helpline.db) into HELPLINE_DATABASE_URL")
    migrate.set_defaults(handler=cmd_migrate)

    backup = commands.add_parser("backup", help="a consistent copy of the database, while the bot runs")
    backup.add_argument("path", help="the new file")
    backup.set_defaults(handler=cmd_backup)

    for register in _extra_commands():
        register(commands)
    return root


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    from bot.labels.cli import register_export_labels_command
    from bot.leaflets.cli import register_leaflet_commands
    from bot.stats.cli import register_stats_command

    return [register_leaflet_commands, register_stats_command, register_export_labels_command]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(args.handler(args, settings))
    except (SettingsError, InputError, StoreError) as error:
        print(f"helpline: {error}", file=sys.stderr)
        return 2
    except (ContentError, YamlError) as error:
        print(f"helpline: the content has errors; run `helpline content check`:\n{error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
