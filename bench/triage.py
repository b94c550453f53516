"""Triage, rules alone beside rules and model: bands per language and script, on the training set by
cross-validation and on the held-out set (tests/data/heldout/urgency/) when it is there; speed; model size.

    python bench/triage.py [--content DIR] [--heldout DIR] [--no-cv] [--misses]

Targets (held-out, every language): urgent → ticket ≥ 95 %, urgent → ticket or confirm ≥ 99 %,
normal → ticket ≤ 5 %, normal → confirm ≤ 15 %; ≤ 1 ms a message. Cross-validation needs scikit-learn ([train]).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.triage import load_triage  # noqa: E402
from bot.escalation.triage import Triage  # noqa: E402
from bot.judgement.data import Message, load_messages  # noqa: E402
from bot.judgement.model import MODEL_FILE, load_judgement, read_model  # noqa: E402

LANGS = ("kk", "ru", "uz")
URGENT_TARGET, SEEN_TARGET, NORMAL_TARGET, CONFIRM_TARGET = 0.95, 0.99, 0.05, 0.15
TRAINING = ROOT / "content" / "training" / "urgency"
HELDOUT = ROOT / "tests" / "data" / "heldout" / "urgency"
BANDS = {"ticket": 2, "confirm": 1, "none": 0}


def script(text: str) -> str:
    letters = [c for c in text.casefold() if c.isalpha()]
    return "Cyrl" if sum("\u0400" <= c <= "\u04ff" for c in letters) * 2 > len(letters) else "Latn"


def load_labelled(data_dir: Path, lang: str, pattern: str = "*.tsv") -> list[tuple[str | None, str]]:
    """(category or None for normal, text) of one language's messages in a folder."""
    return [(m.category, m.text) for m in load_messages(data_dir, pattern) if m.lang == lang]


def figures(messages: Sequence[Message], bands: Sequence[int]) -> dict[str, dict[str, Any]]:
    """Per group (language, language and script, all): the four shares and their counts."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, message in enumerate(messages):
        for key in (message.lang, f"{message.lang} {script(message.text)}", f"all {script(message.text)}", "all"):
            groups[key].append(i)
    out = {}
    for name, rows in groups.items():
        urgent = [bands[i] for i in rows if messages[i].urgent]
        normal = [bands[i] for i in rows if not messages[i].urgent]

        def share(values: list[int], test: Any) -> float | None:
            return sum(map(test, values)) / len(values) if values else None

        out[name] = {
            "urgent": len(urgent), "normal": len(normal),
            "urgent_ticket": share(urgent, lambda b: b == 2), "urgent_seen": share(urgent, lambda b: b >= 1),
            "normal_ticket": share(normal, lambda b: b == 2), "normal_confirm": share(normal, lambda b: b == 1),
        }  # fmt: skip
    return out


def evaluate(triage: Triage, messages: Sequence[Message]) -> dict[str, dict[str, Any]]:
    """Per language, one triage on labelled messages: shares, misses, false alarms, wrong categories, language."""
    report = {}
    for lang in LANGS:
        rows = [m for m in messages if m.lang == lang]
        misses: dict[str, list[str]] = defaultdict(list)
        false_alarms: list[tuple[str, str, str]] = []
        confirms: list[str] = []
        wrong_category: list[tuple[str, str, str]] = []
        bands = []
        lang_right = 0
        for message in rows:
            result = triage.classify(message.text)
            bands.append(BANDS[result.band])
            lang_right += result.lang == lang
            if message.category is not None:
                if result.band == "none":
                    misses[message.category].append(message.text)
                elif result.category != message.category:
                    wrong_category.append((message.category, str(result.category), message.text))
            elif result.band == "ticket":
                false_alarms.append((str(result.category), str(result.matched or result.evidence), message.text))
            elif result.band == "confirm":
                confirms.append(message.text)
        shares = figures(rows, bands).get(lang, {})
        report[lang] = {
            "urgent": shares.get("urgent", 0), "normal": shares.get("normal", 0),
            "urgent_share": shares.get("urgent_ticket") or 0.0, "seen_share": shares.get("urgent_seen") or 0.0,
            "normal_share": shares.get("normal_ticket") or 0.0, "confirm_share": shares.get("normal_confirm") or 0.0,
            "misses": dict(misses), "false_alarms": false_alarms, "confirms": confirms,
            "wrong_category": wrong_category, "lang_share": lang_right / len(rows) if rows else 0.0,
            "bands": bands,
        }  # fmt: skip
    return report


def _pct(value: float | None) -> str:
    return "     -" if value is None else f"{value:6.1%}"


def print_table(title: str, messages: Sequence[Message], systems: dict[str, Sequence[int]]) -> bool:
    """One row per group, the systems side by side; True when the combined system meets the targets per language."""
    print(f"\n{title} ({len(messages)} messages)")
    names = list(systems)
    print(f"  {'':9} {'urg':>4} {'nrm':>4}  " + "  ".join(
        f"{name + ': urg→tkt urg→t|c nrm→tkt nrm→cnf':<39}" for name in names))  # fmt: skip
    tables = {name: figures(messages, bands) for name, bands in systems.items()}
    ok = True
    first = tables[names[0]]
    for group in sorted(first, key=lambda g: (g.startswith("all"), g)):
        row = first[group]
        cells = []
        for name in names:
            f = tables[name][group]
            cells.append(f"{'':{len(name) + 1}} {_pct(f['urgent_ticket'])}  {_pct(f['urgent_seen'])}  "
                         f"{_pct(f['normal_ticket'])}  {_pct(f['normal_confirm'])}")  # fmt: skip
        mark = ""
        if group in LANGS:
            f = tables[names[-1]][group]
            good = (
                (f["urgent_ticket"] or 0) >= URGENT_TARGET
                and (f["urgent_seen"] or 0) >= SEEN_TARGET
                and (f["normal_ticket"] or 0) <= NORMAL_TARGET
                and (f["normal_confirm"] or 0) <= CONFIRM_TARGET
            )
            ok &= good
            mark = "  ok" if good else "  BELOW TARGET"
        print(f"  {group:9} {row['urgent']:4d} {row['normal']:4d}  " + "  ".join(cells) + mark)
    return ok


def timing(triage: Triage, texts: Sequence[str], rounds: int = 10) -> tuple[float, float]:
    """Mean and p99 classify time in milliseconds."""
    times = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            triage.classify(text)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.fmean(times), times[int(len(times) * 0.99)]


def model_cost(content: Path) -> tuple[float, float, float]:
    """The model file's size (MB), its load time (s) and the memory it takes once loaded (MB)."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    model = load_judgement(content)
    took = time.perf_counter() - started
    memory = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    del model
    return (content / MODEL_FILE).stat().st_size / 1e6, took, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation on the training set")
    parser.add_argument("--misses", action="store_true", help="print every held-out miss and false alarm")
    args = parser.parse_args()
    rules = load_triage(args.content)
    model = load_judgement(args.content)
    if model is None:
        print(f"no model in {args.content / MODEL_FILE}: run `helpline train`")
        return 1
    alone, combined = Triage(rules), Triage(rules, model)
    training = load_messages(args.content / "training" / "urgency")
    ok = True
    if not args.no_cv:
        from bot.judgement import train

        settings = read_model(args.content / MODEL_FILE)["urgency"]  # the grams and C the model was chosen with
        cv = train.cross_validate_urgency(training, args.content, ngrams=tuple(settings["ngrams"]), c=settings["c"])
        thresholds = model.urgency.thresholds
        print_table("training set, 5-fold cross-validation (rules were written on part of it)", training, {
            "rules alone": [2 if hit else 0 for hit in cv.rule_hits],
            "rules+model": list(train.bands(cv.scores, cv.rule_hits, thresholds)),
        })  # fmt: skip
    heldout = load_messages(args.heldout) if args.heldout.is_dir() else []
    if heldout:
        rules_report, report = evaluate(alone, heldout), evaluate(combined, heldout)
        by_lang = {lang: [m for m in heldout if m.lang == lang] for lang in LANGS}
        ordered = [m for lang in LANGS for m in by_lang[lang]]
        ok &= print_table("held-out set (never tuned on)", ordered, {
            "rules alone": [b for lang in LANGS for b in rules_report[lang]["bands"]],
            "rules+model": [b for lang in LANGS for b in report[lang]["bands"]],
        })  # fmt: skip
        if args.misses:
            for lang in LANGS:
                for category, texts in report[lang]["misses"].items():
                    print(*(f"    MISS {lang} {category}: {text}" for text in texts), sep="\n")
                for category, matched, text in report[lang]["false_alarms"]:
                    print(f"    FALSE TICKET {lang} {category} at {matched}: {text}")
                for text in report[lang]["confirms"]:
                    print(f"    CONFIRM {lang}: {text}")
    else:
        print(f"\nno held-out set in {args.heldout}")
    texts = [m.text for m in (heldout or training)]
    for name, triage in (("rules alone", alone), ("rules+model", combined)):
        mean, p99 = timing(triage, texts)
        print(f"classify ({name}): mean {mean:.3f} ms, p99 {p99:.3f} ms over {len(texts)} messages")
    size, load, memory = model_cost(args.content)
    print(f"model: {size:.2f} MB on disk, loaded in {load:.3f} s, {memory:.1f} MB in memory")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
