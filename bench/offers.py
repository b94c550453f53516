"""Offer checking, rules alone beside rules and model: risk and flags per language and script, on the training set
by cross-validation and on the held-out set (tests/data/heldout/offers/) when it is there; speed; model size.

    python bench/offers.py [--content DIR] [--heldout DIR] [--no-cv] [--misses]

Targets (held-out, every language): deceptive → high ≥ 90 %, legitimate → high ≤ 10 %; flags shown as sure:
precision ≥ 85 %, recall ≥ 70 %; a 2,000-character offer in ≤ 3 ms. Cross-validation needs scikit-learn ([train]).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.offers import load_offers  # noqa: E402
from bot.judgement.data import Offer  # noqa: E402
from bot.judgement.data import load_offers as load_examples  # noqa: E402
from bot.judgement.model import MODEL_FILE, flag_verdict, load_judgement  # noqa: E402
from bot.offers.scan import OfferChecker  # noqa: E402

LANGS = ("kk", "ru", "uz")
TRAINING = ROOT / "content" / "training" / "offers"
HELDOUT = ROOT / "tests" / "data" / "heldout" / "offers"
DECEPTIVE_TARGET, LEGIT_TARGET, PRECISION_TARGET, RECALL_TARGET, MS_TARGET = 0.9, 0.1, 0.85, 0.7, 3.0


def script(text: str) -> str:
    letters = [c for c in text.casefold() if c.isalpha()]
    return "Cyrl" if sum("\u0400" <= c <= "\u04ff" for c in letters) * 2 > len(letters) else "Latn"


def load_corpus(folder: Path, pattern: str = "*.yaml") -> dict[str, dict[str, Any]]:
    """id → lang, deceptive, flags (ids), text: the labelled offers of a folder."""
    return {
        offer.id: {
            "lang": offer.lang,
            "deceptive": offer.deceptive,
            "flags": sorted({f.flag for f in offer.flags}),
            "text": offer.text,
        }
        for offer in load_examples(folder, pattern)
    }


class Verdict(NamedTuple):
    risk: str
    sure: set[str]
    possible: set[str]
    lang: str | None = None


# Flags added after both held-out sets were frozen: their writers could not mark them, so on a held-out set a
# hit of one is neither right nor wrong. It is left out of the flag figures and counted apart instead.
NEWER_THAN_HELDOUT = frozenset({"movement_restricted"})


def evaluate(
    checker: OfferChecker, corpus: dict[str, dict[str, Any]], unscored: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Counts per flag and language (sure flags), risk shares, and each offer's result; `unscored` flags are
    taken out of the flag counts (the risk still counts them)."""
    verdicts = {name: verdict_of(checker, label["text"]) for name, label in corpus.items()}
    scored = {
        name: v._replace(sure=v.sure - unscored, possible=v.possible - unscored) for name, v in verdicts.items()
    }
    report = summarise(corpus, scored)
    def shown(flag: str, deceptive: bool) -> int:
        return sum(flag in v.sure for name, v in verdicts.items() if corpus[name]["deceptive"] == deceptive)

    report["unscored"] = {flag: {"deceptive": shown(flag, True), "legit": shown(flag, False)} for flag in unscored}
    return report


def verdict_of(checker: OfferChecker, text: str) -> Verdict:
    assessment = checker.check(text)
    return Verdict(
        assessment.risk,
        {h.flag for h in assessment.flags if not h.possible},
        {h.flag for h in assessment.flags if h.possible},
        assessment.lang,
    )


def summarise(corpus: dict[str, dict[str, Any]], verdicts: dict[str, Verdict]) -> dict[str, Any]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    possible: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    risks: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"deceptive": [], "legit": []})
    results = {}
    for name, label in sorted(corpus.items()):
        verdict = verdicts[name]
        expected = set(label["flags"])
        lang, kind = label["lang"], "deceptive" if label["deceptive"] else "legit"
        for table, found in ((counts, verdict.sure), (possible, verdict.sure | verdict.possible)):
            for flag in found | expected:
                for key in ((flag, lang), (flag, "all")):
                    outcome = "tp" if flag in found and flag in expected else "fp" if flag in found else "fn"
                    table[key][outcome] += 1
        for group in (lang, f"{lang} {script(label['text'])}", "all"):
            risks[group][kind].append(verdict.risk)
        results[name] = {
            "risk": verdict.risk,
            "found": sorted(verdict.sure),
            "possible": sorted(verdict.possible),
            "expected": sorted(expected),
            "lang": verdict.lang,
            "label_lang": lang,
        }
    shares = {
        group: {
            "deceptive_high": _share(r["deceptive"], "high"),
            "legit_high": _share(r["legit"], "high"),
            "deceptive": len(r["deceptive"]),
            "legit": len(r["legit"]),
        }
        for group, r in risks.items()
    }
    return {"counts": dict(counts), "possible": dict(possible), "shares": shares, "results": results}


def _share(values: list[str], wanted: str) -> float:
    return sum(value == wanted for value in values) / len(values) if values else 0.0


def prf(count: dict[str, int]) -> tuple[float | None, float | None]:
    tp, fp, fn = count["tp"], count["fp"], count["fn"]
    return (tp / (tp + fp) if tp + fp else None), (tp / (tp + fn) if tp + fn else None)


def pooled(counts: dict[tuple[str, str], dict[str, int]], lang: str) -> dict[str, int]:
    total = {"tp": 0, "fp": 0, "fn": 0}
    for (flag, key_lang), count in counts.items():
        if key_lang == lang and flag != "reported_recruiter":  # a list lookup, not a reading of the text
            for key in total:
                total[key] += count[key]
    return total


def pct(value: float | None) -> str:
    return "   -" if value is None else f"{value * 100:4.0f}"


def print_report(title: str, systems: dict[str, dict[str, Any]], per_flag: bool) -> bool:
    """Risk shares and pooled flag figures per group, systems side by side; True if the last meets the targets."""
    print(f"\n{title}")
    names = list(systems)
    header = "  ".join(f"{name + ': dec→high leg→high sure P/R  +possible P/R':<44}" for name in names)
    print(f"  {'':9} {'dec':>4} {'leg':>4}  {header}")
    first = systems[names[0]]["shares"]
    ok = True
    for group in sorted(first, key=lambda g: (g == "all", g)):
        cells = []
        for name in names:
            report = systems[name]
            share = report["shares"][group]
            lang = group.split()[0]
            sure, both = (prf(pooled(report[key], lang)) for key in ("counts", "possible"))
            flags = f"{pct(sure[0])}/{pct(sure[1])}  {pct(both[0])}/{pct(both[1])}" if " " not in group else ""
            cells.append(f"{'':{len(name) + 1}}{share['deceptive_high']:7.1%}  {share['legit_high']:7.1%}  {flags:24}")
        mark = ""
        if group in LANGS:
            report = systems[names[-1]]
            share = report["shares"][group]
            precision, recall = prf(pooled(report["counts"], group))
            good = (
                share["deceptive_high"] >= DECEPTIVE_TARGET
                and share["legit_high"] <= LEGIT_TARGET
                and (precision or 0) >= PRECISION_TARGET
                and (recall or 0) >= RECALL_TARGET
            )
            ok &= good
            mark = " ok" if good else " BELOW TARGET"
        row = first[group]
        print(f"  {group:9} {row['deceptive']:4d} {row['legit']:4d}  " + "  ".join(cells) + mark)
    if per_flag:
        report = systems[names[-1]]
        print(f"  per flag ({names[-1]}, all languages; precision / recall %, sure flags, then with possible ones):")
        for flag in sorted({flag for flag, _ in report["possible"]}):
            sure = report["counts"].get((flag, "all"), {"tp": 0, "fp": 0, "fn": 0})
            both = report["possible"][(flag, "all")]
            print(
                f"    {flag:22} {pct(prf(sure)[0])} / {pct(prf(sure)[1])}    {pct(prf(both)[0])} / {pct(prf(both)[1])}"
                f"   ({sure['tp'] + sure['fn']} offers have it)"
            )
    return ok


class Timing(NamedTuple):
    median: float  # ms, over every check
    p95: float
    best_round: float  # the median of the least disturbed round


def timing(checker: OfferChecker, texts: Sequence[str], rounds: int = 40) -> Timing:
    """How long checking a 2,000-character offer (offers glued together) takes, in ms.

    Rounds of 20 texts: on a shared machine whole rounds slow down when something else runs, so the best
    round is the code's own speed (the advice of Python's timeit); the median and p95 of all are printed too.
    """
    blob = ""
    i = 0
    while len(blob) < 2000:
        blob += texts[i % len(texts)] + "\n"
        i += 1
    samples = [blob[k * 7 % 300 :][:2000] + f" {k}" for k in range(20)]
    for text in samples:
        checker.check(text)
    times, round_medians = [], []
    for _ in range(rounds):
        this_round = []
        for text in samples:
            began = time.perf_counter()
            checker.check(text)
            this_round.append((time.perf_counter() - began) * 1000)
        times += this_round
        round_medians.append(statistics.median(this_round))
    times.sort()
    return Timing(statistics.median(times), times[int(len(times) * 0.95) - 1], min(round_medians))


def cross_validated(content: Path, offers: list[Offer]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Rules alone and rules+model on the training set, each offer judged by a model that did not see it."""
    from bot.judgement import train
    from bot.offers.assess import ModelRisk, combined_risk

    model = load_judgement(content)
    assert model is not None
    cv = train.cross_validate_offers(offers, load_offers(content))
    t = model.offers.thresholds
    flag_t = model.flags.thresholds
    corpus = {
        o.id: {"lang": o.lang, "deceptive": o.deceptive, "flags": sorted({f.flag for f in o.flags}), "text": o.text}
        for o in offers
    }
    alone, combined = {}, {}
    for i, offer in enumerate(offers):
        rules_risk = cv.rule_risk[i]
        alone[offer.id] = Verdict(rules_risk, cv.rule_flags[i], set())
        risk = combined_risk(ModelRisk(float(cv.scores[i]), t["high"], t["rule_high"], t["medium"]), rules_risk)  # type: ignore[arg-type]
        scores = cv.flag_scores[i]
        verdicts = {flag: flag_verdict(flag_t, flag, flag in cv.rule_flags[i], p) for flag, p in scores.items()}
        sure = {flag for flag in cv.rule_flags[i] if verdicts.get(flag, "sure") == "sure"}
        sure |= {flag for flag, verdict in verdicts.items() if verdict == "sure"}
        shown = (cv.rule_flags[i] | {flag for flag, verdict in verdicts.items() if verdict}) - sure
        combined[offer.id] = Verdict(risk, sure, shown)
    return summarise(corpus, alone), summarise(corpus, combined)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation on the training set")
    parser.add_argument("--misses", action="store_true", help="list every held-out offer whose flags or risk are off")
    args = parser.parse_args(argv)
    content = load_offers(args.content)
    model = load_judgement(args.content)
    if model is None:
        print(f"no model in {args.content / MODEL_FILE}: run `helpline train`")
        return 1
    alone, combined = OfferChecker(content), OfferChecker(content, model)
    training = load_examples(args.content / "training" / "offers")
    ok = True
    if not args.no_cv:
        rules_cv, model_cv = cross_validated(args.content, training)
        print_report(
            f"training set, 5-fold cross-validation ({len(training)} offers)",
            {"rules alone": rules_cv, "rules+model": model_cv},
            per_flag=True,
        )
    heldout = load_corpus(args.heldout) if args.heldout.is_dir() else {}
    if heldout:
        model_report = evaluate(combined, heldout, NEWER_THAN_HELDOUT)
        ok &= print_report(
            f"held-out set, never tuned on ({len(heldout)} offers)",
            {"rules alone": evaluate(alone, heldout, NEWER_THAN_HELDOUT), "rules+model": model_report},
            per_flag=True,
        )
        for flag, shown in model_report["unscored"].items():
            print(
                f"  {flag}: added after the held-out set was frozen, so not scored; shown as sure on "
                f"{shown['deceptive']} deceptive and {shown['legit']} legitimate offers"
            )
        if args.misses:
            for name, result in model_report["results"].items():
                deceptive = heldout[name]["deceptive"]
                wrong = (result["risk"] != "high") if deceptive else (result["risk"] == "high")
                if wrong or result["found"] != result["expected"]:
                    print(
                        f"    {name}: risk {result['risk']} sure {result['found']} possible {result['possible']} "
                        f"expected {result['expected']}"
                    )
    else:
        print(f"\nno held-out set in {args.heldout}")
    texts = [offer.text for offer in training]
    for name, checker in (("rules alone", alone), ("rules+model", combined)):
        speed = timing(checker, texts)
        fast = speed.best_round <= MS_TARGET
        ok &= fast or name == "rules alone"
        print(
            f"a 2,000-character offer ({name}): best round {speed.best_round:.2f} ms (≤ {MS_TARGET:g} ms) "
            f"{'ok' if fast else 'SLOW'}; median {speed.median:.2f} ms, p95 {speed.p95:.2f} ms"
        )
    size = (args.content / MODEL_FILE).stat().st_size / 1e6
    started = time.perf_counter()
    load_judgement(args.content)
    print(f"model: {size:.2f} MB on disk, loaded in {time.perf_counter() - started:.3f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
