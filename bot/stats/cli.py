"""`helpline stats`: the anonymous statistics, as a table or JSON, read from the database while the bot runs."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from bot.settings import Settings


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date such as 2025-01-31") from None


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.stats.report import Stats
    from bot.stats.screens import format_stats
    from bot.stats.service import read_stats
    from bot.storage import Store

    if settings.database_url is None and not settings.database.exists():
        print(f"helpline stats: no database at {settings.database} (HELPLINE_DATABASE)", file=sys.stderr)
        return 2

    async def read() -> Stats:
        store = Store(settings.store_target())
        await store.open()
        try:
            return await read_stats(store, args.since)
        finally:
            await store.close()

    stats = asyncio.run(read())
    print(stats.model_dump_json(indent=2) if args.json else format_stats(stats))
    return 0


def register_stats_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    stats = commands.add_parser("stats", help="anonymous statistics: starts per leaflet, checks, ticket timings")
    stats.add_argument(
        "--since", type=_date, metavar="YYYY-MM-DD",
        default=dt.date.today() - dt.timedelta(days=30), help="first day counted (default: 30 days ago)",
    )  # fmt: skip
    stats.add_argument("--json", action="store_true", help="JSON instead of a table")
    stats.set_defaults(handler=cmd_stats)
