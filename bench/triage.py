"""Triage against the labelled messages: how many urgent ones open a ticket, how many normal ones do, speed.

    python bench/triage.py [--content DIR] [--data DIR] [--misses]

Targets (per language): ≥ 95% of urgent messages open a ticket, ≤ 10% of normal ones do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.triage import load_triage  # noqa: E402
from bot.escalation.triage import Triage  # noqa: E402

LANGS = ("kk", "ru", "uz")
URGENT_TARGET, NORMAL_TARGET = 0.95, 0.10


def load_labelled(data_dir: Path, lang: str) -> list[tuple[str | None, str]]:
    """(category or None for normal, text) per line of `label<TAB>text`."""
    rows = []
    for number, line in enumerate((data_dir / f"{lang}.tsv").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label == "normal":
            rows.append((None, text))
        elif label.startswith("urgent:"):
            rows.append((label.split(":", 1)[1], text))
        else:
            raise ValueError(f"{lang}.tsv:{number}: unknown label {label!r}")
    return rows


def evaluate(triage: Triage, data_dir: Path) -> dict[str, dict[str, Any]]:
    """Per language: shares of urgent and normal messages that open a ticket, misses, false alarms, languages."""
    report = {}
    for lang in LANGS:
        rows = load_labelled(data_dir, lang)
        urgent = [(cat, text) for cat, text in rows if cat is not None]
        normal = [text for cat, text in rows if cat is None]
        misses: dict[str, list[str]] = defaultdict(list)
        wrong_category: list[tuple[str, str, str]] = []
        lang_right = 0
        for category, text in urgent:
            result = triage.classify(text)
            lang_right += result.lang == lang
            if not result.urgent:
                misses[category].append(text)
            elif result.category != category:
                wrong_category.append((category, str(result.category), text))
        false_alarms = []
        for text in normal:
            result = triage.classify(text)
            lang_right += result.lang == lang
            if result.urgent:
                false_alarms.append((str(result.category), str(result.matched), text))
        caught = len(urgent) - sum(map(len, misses.values()))
        report[lang] = {
            "urgent": len(urgent), "normal": len(normal),
            "urgent_share": caught / len(urgent) if urgent else 1.0,
            "normal_share": len(false_alarms) / len(normal) if normal else 0.0,
            "misses": dict(misses), "false_alarms": false_alarms, "wrong_category": wrong_category,
            "per_category": Counter(cat for cat, _ in urgent), "lang_share": lang_right / len(rows),
        }  # fmt: skip
    return report


def timing(triage: Triage, data_dir: Path, rounds: int = 20) -> tuple[float, float]:
    """Mean and p99 classify time in milliseconds over every labelled message."""
    texts = [text for lang in LANGS for _, text in load_labelled(data_dir, lang)]
    times = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            triage.classify(text)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.fmean(times), times[int(len(times) * 0.99)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "triage")
    parser.add_argument("--misses", action="store_true", help="print every miss, false alarm and wrong category")
    args = parser.parse_args()
    triage = Triage(load_triage(args.content))
    report = evaluate(triage, args.data)
    ok = True
    for lang, row in report.items():
        good = row["urgent_share"] >= URGENT_TARGET and row["normal_share"] <= NORMAL_TARGET
        ok &= good
        print(
            f"{lang}: urgent → ticket {row['urgent_share']:6.1%} of {row['urgent']:3d} (≥ {URGENT_TARGET:.0%})  "
            f"normal → ticket {row['normal_share']:6.1%} of {row['normal']:3d} (≤ {NORMAL_TARGET:.0%})  "
            f"language right {row['lang_share']:6.1%}  {'ok' if good else 'BELOW TARGET'}"
        )
        for category in sorted(row["per_category"]):
            missed = len(row["misses"].get(category, []))
            wrong = sum(1 for expected, _, _ in row["wrong_category"] if expected == category)
            print(
                f"    {category:20s} {row['per_category'][category]:3d} urgent, {missed} missed, {wrong} other category"
            )
        if args.misses:
            for category, texts in row["misses"].items():
                for text in texts:
                    print(f"    MISS {category}: {text}")
            for category, matched, text in row["false_alarms"]:
                print(f"    FALSE ALARM {category} at {matched!r}: {text}")
            for expected, got, text in row["wrong_category"]:
                print(f"    CATEGORY {expected} → {got}: {text}")
    mean, p99 = timing(triage, args.data)
    count = sum(row["urgent"] + row["normal"] for row in report.values())
    print(f"classify: mean {mean:.3f} ms, p99 {p99:.3f} ms over {count} messages")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
