"""`helpline export-labels OUT.tsv`: operators' labels as training rows, masked; off unless the NGO turns it on."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

from bot.settings import ENV_PREFIX, Settings


def cmd_export_labels(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n.languages import load_languages
    from bot.judgement.data import TrainingDataError
    from bot.labels.export import export_labels
    from bot.storage import Store

    if not settings.export_labels:
        print(f"helpline export-labels: off. The NGO turns it on with {ENV_PREFIX}EXPORT_LABELS=true; the bot then "
              "tells its users so in its privacy text (/forget).", file=sys.stderr)  # fmt: skip
        return 2
    if settings.database_url is None and not settings.database.exists():
        print(f"helpline export-labels: no database at {settings.database} ({ENV_PREFIX}DATABASE)", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.exists():
        print(f"helpline export-labels: {out} exists already; choose a new file", file=sys.stderr)
        return 2
    source = {language.code: language.source for language in load_languages().languages}

    async def read() -> tuple[list[str], Counter[str]]:
        store = Store(settings.store_target())
        await store.open()
        try:
            return await export_labels(store, settings.content_dir, settings.retention_days, source, args.lang)
        finally:
            await store.close()

    try:
        lines, counts = asyncio.run(read())
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as error:
        print(f"helpline export-labels: cannot write {out}: {error.strerror}", file=sys.stderr)
        return 2
    except TrainingDataError as error:  # its words tell names from ordinary words, so it must be readable
        print(f"helpline export-labels: the training data has an error: {error}", file=sys.stderr)
        return 1
    per_lang = ", ".join(f"{lang} {count}" for lang, count in sorted(counts.items())) or "none"
    print(f"wrote {sum(counts.values())} rows to {out} ({per_lang}); read them before adding them to "
          f"content/training/urgency/, then run `helpline train`")  # fmt: skip
    return 0


def register_export_labels_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = commands.add_parser("export-labels", help="operators' labels on closed tickets as training rows, masked")
    export.add_argument("out", metavar="OUT.tsv", help="the new file")
    export.add_argument("--lang", choices=("kk", "ru", "uz"), help="only this language's rows")
    export.set_defaults(handler=cmd_export_labels)
