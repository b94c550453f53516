"""`helpline train`: learn the judgement models from content/training/ and write content/model/judgement.json.gz.

Needs scikit-learn (`pip install -e ".[train]"`); the bot itself scores the file without it (bot/judgement/model.py).
Everything is seeded and the file is written with sorted keys, rounded numbers and a fixed gzip header: the same
training files give the same bytes. The band thresholds are chosen on cross-validated scores (each message scored
by a model that did not see it), computed by the run-time scorer itself, not by scikit-learn.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.content.offers import OffersContent, load_offers
from bot.content.triage import load_triage
from bot.judgement import data as training
from bot.judgement.features import features, features_without_cues, sentences
from bot.judgement.model import FORMAT, Part, skeletons
from bot.text.normalize import prepare

SEED = 0
FOLDS = 5
C = 30.0  # little regularisation: char grams are many and each is weak (chosen by cross-validation: 3, 10, 30, 100)
MAX_FEATURES = {"urgency": 20_000, "offers": 8_000, "flags": 12_000}  # the strongest: ≤ 10 MB in memory
MIN_FLAG_SENTENCES = 4  # a flag model needs this many marked sentences
GRID = np.round(np.arange(0.005, 1.0, 0.005), 3)
# Targets the thresholds are chosen for (per language, on cross-validated scores).
NORMAL_TICKET, URGENT_SEEN, NORMAL_CONFIRM = 0.05, 0.99, 0.15
LEGIT_HIGH, DECEPTIVE_SEEN = 0.05, 0.98
SURE_PRECISION, SURE_SUPPORT = 0.85, 3  # a model flag is sure only where it was this right (CV: 0.8–0.95 tried)

Analyzer = Callable[[str], list[str]]


@dataclass
class Head:
    rows: list[int]  # the texts this head learns from
    labels: list[int]


def fit_part(texts: Sequence[str], heads: dict[str, Head], limit: int, analyzer: Analyzer = features) -> dict[str, Any]:
    """Fit a vocabulary and its heads; keep the `limit` features that weigh most, refit on them; as JSON data."""
    analyzer = _cached(analyzer)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    vocabulary = vectorizer.get_feature_names_out()
    coefs = _fit_heads(matrix, heads)
    strength = np.max(np.abs(np.vstack([coef for coef, _ in coefs.values()])), axis=0)
    order = sorted(range(len(vocabulary)), key=lambda i: (-strength[i], vocabulary[i]))
    kept = sorted(str(vocabulary[i]) for i in order[:limit] if strength[i] > 0)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, vocabulary=kept, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    coefs = _fit_heads(matrix, heads)
    return {
        "vocabulary": "\n".join(kept),
        "idf": _floats(vectorizer.idf_),
        "heads": sorted(heads),
        "weights": {name: _floats(coef) for name, (coef, _) in coefs.items()},
        "bias": {name: round(bias, 6) for name, (_, bias) in coefs.items()},
    }


def _floats(values: np.ndarray) -> str:
    """float32, little-endian, base64: a tenth of the JSON numbers' size, and read in one call."""
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode()


def _cached(analyzer: Analyzer) -> Analyzer:
    """The analyzer, remembering its answers: cross-validation reads every text a dozen times."""
    if analyzer in _CACHES:
        return _CACHES[analyzer]
    seen: dict[str, list[str]] = {}

    def cached(text: str) -> list[str]:
        found = seen.get(text)
        if found is None:
            found = seen[text] = analyzer(text)
        return found

    _CACHES[analyzer] = _CACHES[cached] = cached
    return cached


_CACHES: dict[Analyzer, Analyzer] = {}


def _fit_heads(matrix: Any, heads: dict[str, Head]) -> dict[str, tuple[np.ndarray, float]]:
    fitted = {}
    for name in sorted(heads):
        head = heads[name]
        # The dual problem: far fewer texts than features, so several times faster than the primal.
        model = LogisticRegression(C=C, solver="liblinear", dual=True, class_weight="balanced", random_state=SEED,
                                   max_iter=5000)  # fmt: skip
        model.fit(matrix[head.rows], head.labels)
        fitted[name] = (model.coef_[0], float(model.intercept_[0]))
    return fitted


def _folds(strata: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds (by label and language), seeded; strata too small to split are spread by hand."""
    counts: dict[str, int] = {}
    for stratum in strata:
        counts[stratum] = counts.get(stratum, 0) + 1
    safe = [stratum if counts[stratum] >= FOLDS else "rare" for stratum in strata]
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(safe)), safe))


# ---------------------------------------------------------------- urgency


def urgency_heads(messages: Sequence[training.Message]) -> dict[str, Head]:
    heads = {"urgent": Head(list(range(len(messages))), [int(m.urgent) for m in messages])}
    urgent = [i for i, m in enumerate(messages) if m.urgent]
    for category in sorted({m.category for m in messages if m.category}):
        heads[f"category:{category}"] = Head(urgent, [int(messages[i].category == category) for i in urgent])
    return heads


@dataclass
class UrgencyCV:
    scores: np.ndarray  # out-of-fold model scores
    categories: list[str | None]  # out-of-fold category guesses
    rule_hits: np.ndarray  # bool: a rule matches the message
    rule_categories: list[str | None]


def cross_validate_urgency(
    messages: Sequence[training.Message], content_dir: Path, analyzer: Analyzer = features
) -> UrgencyCV:
    from bot.escalation.triage import Triage

    rules = Triage(load_triage(content_dir))
    texts = [m.text for m in messages]
    scores = np.zeros(len(messages))
    categories: list[str | None] = [None] * len(messages)
    for train, test in _folds([f"{m.lang}:{m.category}" for m in messages]):
        part_data = fit_part([texts[i] for i in train], urgency_heads([messages[i] for i in train]),
                             MAX_FEATURES["urgency"], analyzer)  # fmt: skip
        part = Part.from_json(part_data)
        others = [i for i, head in enumerate(part.heads) if head != "urgent"]
        for i in test:
            decision = part.decision(skeletons(texts[i]))
            scores[i] = 1 / (1 + np.exp(-decision[part.column("urgent")]))
            if others:
                categories[i] = part.heads[others[int(np.argmax(decision[others]))]].removeprefix("category:")
    verdicts = [rules.classify(text) for text in texts]
    return UrgencyCV(scores, categories, np.array([v.matched is not None for v in verdicts]),
                     [v.category for v in verdicts])  # fmt: skip


def bands(scores: np.ndarray, hits: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """The band of each message (2 ticket, 1 confirm, 0 none), exactly as Triage.classify combines them."""
    ticket = (scores >= thresholds["ticket"]) | (hits & (scores >= thresholds["rule_ticket"]))
    confirm = hits | (scores >= thresholds["confirm"])
    return np.where(ticket, 2, np.where(confirm, 1, 0))


def choose_urgency_thresholds(
    cv: UrgencyCV, messages: Sequence[training.Message]
) -> tuple[dict[str, float], list[str]]:
    """Ticket so that normal → ticket ≤ 5 %; a rule hit tickets from the lowest score that keeps it so; confirm as
    high as keeps urgent → ticket or confirm ≥ 99 %. Every language must meet each; notes say where none can."""
    langs = sorted({m.lang for m in messages})
    urgent = np.array([m.urgent for m in messages])
    lang_of = np.array([m.lang for m in messages])
    notes = []

    def shares(t: dict[str, float], hits: np.ndarray, wanted: np.ndarray, band: int) -> list[float]:
        """Per language, the share of the wanted messages in `band` (or, for band -1, in ticket or confirm)."""
        b = bands(cv.scores, hits, t)
        chosen = b >= 1 if band < 0 else b == band
        return [
            float(np.mean(chosen[wanted & (lang_of == lang)])) for lang in langs if np.any(wanted & (lang_of == lang))
        ]

    never = {"ticket": 1.1, "rule_ticket": 1.1, "confirm": 1.1}
    nothing = np.zeros(len(messages), dtype=bool)
    ticket = next((float(t) for t in GRID if max(shares(never | {"ticket": t}, nothing, ~urgent, 2)) <= NORMAL_TICKET),
                  float(GRID[-1]))  # fmt: skip
    # A rule's match is at least a confirm, whatever the score: confirm as high as the urgent messages allow.
    confirm = next((float(c) for c in GRID[::-1] if c <= ticket and min(
        shares(never | {"ticket": ticket, "confirm": c}, cv.rule_hits, urgent, -1)) >= URGENT_SEEN), None)  # fmt: skip
    if confirm is None:
        confirm = float(GRID[0])
        notes.append(f"no confirm threshold keeps urgent → ticket or confirm ≥ {URGENT_SEEN:.0%} in every language")
    # A match tickets from the lowest score (never below confirm: a match the model doubts is asked about) that
    # keeps normal → ticket within bounds.
    rule_ticket = next((float(r) for r in GRID if confirm <= r <= ticket and max(
        shares({"ticket": ticket, "rule_ticket": r, "confirm": confirm}, cv.rule_hits, ~urgent, 2)) <= NORMAL_TICKET),
        ticket)  # fmt: skip
    chosen = {"ticket": ticket, "rule_ticket": rule_ticket, "confirm": confirm}
    normal_confirm = max(shares(chosen, cv.rule_hits, ~urgent, 1))
    if normal_confirm > NORMAL_CONFIRM:
        notes.append(f"normal → confirm reaches {normal_confirm:.1%} (> {NORMAL_CONFIRM:.0%}) in some language: "
                     "more hard normal examples would help")  # fmt: skip
    return chosen, notes


# ---------------------------------------------------------------- offers


@dataclass
class OffersCV:
    scores: np.ndarray
    rule_risk: list[str]
    rule_flags: list[set[str]]
    sentence_scores: list[dict[str, float]]  # per offer: flag → its strongest sentence's out-of-fold score
    flag_heads: list[str] = field(default_factory=list)


def sentence_rows(offers: Sequence[training.Offer]) -> tuple[list[str], list[int], dict[str, Head]]:
    """The sentences of the offers (and the offer of each), and per flag which sentences show it."""
    texts: list[str] = []
    owner: list[int] = []
    marked: list[set[str]] = []
    unmarked: list[set[str]] = []  # flags an offer has without a marked sentence: its sentences teach nothing
    for number, offer in enumerate(offers):
        spans = sentences(offer.text)
        for start, end in spans:
            sentence = offer.text[start:end]
            texts.append(sentence)
            owner.append(number)
            marked.append({f.flag for f in offer.flags if f.sentence and _overlaps(offer.text, f.sentence, start, end)})
            unmarked.append({f.flag for f in offer.flags if not f.sentence})
    heads = {}
    for flag in sorted({f for flags in marked for f in flags}):
        rows = [i for i in range(len(texts)) if flag not in unmarked[i]]
        labels = [int(flag in marked[i]) for i in rows]
        if sum(labels) >= MIN_FLAG_SENTENCES:
            heads[f"flag:{flag}"] = Head(rows, labels)
    return texts, owner, heads


def _overlaps(text: str, sentence: str, start: int, end: int) -> bool:
    where = text.find(sentence)
    if where < 0:  # copied loosely: compare the words instead
        return (
            sentence.strip().casefold() in text[start:end].casefold()
            or text[start:end].casefold() in sentence.casefold()
        )
    return where < end and start < where + len(sentence)


def offer_heads(offers: Sequence[training.Offer]) -> dict[str, Head]:
    return {"deceptive": Head(list(range(len(offers))), [int(o.deceptive) for o in offers])}


def cross_validate_offers(offers: Sequence[training.Offer], content: OffersContent) -> OffersCV:
    from bot.offers.scan import OfferChecker

    rules = OfferChecker(content)
    texts = [o.text for o in offers]
    scores = np.zeros(len(offers))
    sentence_scores: list[dict[str, float]] = [{} for _ in offers]
    _, _, all_heads = sentence_rows(offers)
    for train, test in _folds([f"{o.lang}:{o.deceptive}" for o in offers]):
        train_offers = [offers[i] for i in train]
        part = Part.from_json(fit_part([texts[i] for i in train], offer_heads(train_offers), MAX_FEATURES["offers"]))
        s_texts, _, heads = sentence_rows(train_offers)
        flag_part = Part.from_json(fit_part(s_texts, heads, MAX_FEATURES["flags"])) if heads else None
        for i in test:
            scores[i] = part.probabilities(skeletons(texts[i]))["deceptive"]
            if flag_part is None:
                continue
            for start, end in sentences(texts[i]):
                for head, p in flag_part.probabilities(skeletons(texts[i][start:end])).items():
                    flag = head.removeprefix("flag:")
                    sentence_scores[i][flag] = max(sentence_scores[i].get(flag, 0.0), p)
    checks = [rules.check(text) for text in texts]
    return OffersCV(scores, [c.risk for c in checks], [{h.flag for h in c.flags} for c in checks], sentence_scores,
                    sorted(h.removeprefix("flag:") for h in all_heads))  # fmt: skip


def risk_levels(scores: np.ndarray, rule_risk: Sequence[str], t: dict[str, float]) -> list[str]:
    """As bot/offers/assess.py combines them: the model decides; the rules' high counts from a lower score."""
    levels = []
    for score, rules in zip(scores, rule_risk, strict=True):
        if score >= t["high"] or (rules == "high" and score >= t["rule_high"]):
            levels.append("high")
        elif score >= t["medium"] or rules in ("medium", "high"):
            levels.append("medium")
        else:
            levels.append("low")
    return levels


def choose_offer_thresholds(cv: OffersCV, offers: Sequence[training.Offer]) -> tuple[dict[str, float], list[str]]:
    deceptive = np.array([o.deceptive for o in offers])
    langs = sorted({o.lang for o in offers})
    lang_of = np.array([o.lang for o in offers])
    notes = []

    def legit_high(t: dict[str, float]) -> float:
        levels = np.array(risk_levels(cv.scores, cv.rule_risk, t))
        return max(float(np.mean(levels[~deceptive & (lang_of == lang)] == "high")) for lang in langs)

    never = {"high": 1.1, "rule_high": 1.1, "medium": 1.1}
    high = next((float(t) for t in GRID if legit_high(never | {"high": t}) <= LEGIT_HIGH), 0.995)
    rule_high = next((float(t) for t in GRID if t <= high and legit_high(never | {"high": high, "rule_high": t})
                      <= LEGIT_HIGH), high)  # fmt: skip
    chosen = {"high": high, "rule_high": rule_high, "medium": float(GRID[0])}
    for m in GRID[::-1]:
        trial = chosen | {"medium": float(min(m, rule_high))}
        levels = np.array(risk_levels(cv.scores, cv.rule_risk, trial))
        if min(float(np.mean(levels[deceptive & (lang_of == lang)] != "low")) for lang in langs) >= DECEPTIVE_SEEN:
            chosen = trial
            break
    # A flag model's sentence counts as "possible" from the score where it is right at least half the time.
    for flag in cv.flag_heads:
        truth = [flag in {f.flag for f in o.flags} for o in offers]
        best, best_f1 = 0.9, -1.0
        for t in GRID[GRID >= 0.3]:
            said = [s.get(flag, 0.0) >= t for s in cv.sentence_scores]
            tp = sum(a and b for a, b in zip(said, truth, strict=True))
            fp = sum(a and not b for a, b in zip(said, truth, strict=True))
            fn = sum(b and not a for a, b in zip(said, truth, strict=True))
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1 + 1e-9 and (tp + fp == 0 or tp / (tp + fp) >= 0.5):
                best, best_f1 = float(t), f1
        chosen[f"flag:{flag}"] = best
        if best_f1 <= 0:
            notes.append(f"flag {flag}: its model finds nothing reliable yet (more marked sentences would help)")
        # Where the rules missed it, the model's flag is shown as sure from the score where it has been right
        # at least SURE_PRECISION of the time (and at least a few times): else it stays "possible".
        missed = [flag not in found for found in cv.rule_flags]
        sure = 1.1
        for t in GRID[GRID >= max(best, 0.5)]:
            said = [s.get(flag, 0.0) >= t and m for s, m in zip(cv.sentence_scores, missed, strict=True)]
            tp = sum(a and b for a, b in zip(said, truth, strict=True))
            fp = sum(a and not b for a, b in zip(said, truth, strict=True))
            if tp >= SURE_SUPPORT and tp / (tp + fp) >= SURE_PRECISION:
                sure = float(t)
                break
        chosen[f"sure:{flag}"] = sure
    return chosen, notes


# ---------------------------------------------------------------- the whole


@dataclass
class Trained:
    data: dict[str, Any]
    urgency_cv: UrgencyCV
    offers_cv: OffersCV
    messages: list[training.Message]
    offers: list[training.Offer]
    notes: list[str]


def train(content_dir: Path) -> Trained:
    root = content_dir / training.TRAINING_DIR
    messages = training.load_messages(root / "urgency")
    offers = training.load_offers(root / "offers")
    if not messages or not offers:
        raise training.TrainingDataError(f"{root}: no messages or no offers to learn from")
    offer_content = load_offers(content_dir)
    urgency_cv = cross_validate_urgency(messages, content_dir)
    urgency_thresholds, notes = choose_urgency_thresholds(urgency_cv, messages)
    offers_cv = cross_validate_offers(offers, offer_content)
    offer_thresholds, offer_notes = choose_offer_thresholds(offers_cv, offers)
    urgency = fit_part([m.text for m in messages], urgency_heads(messages), MAX_FEATURES["urgency"])
    urgency["thresholds"] = urgency_thresholds
    offer_part = fit_part([o.text for o in offers], offer_heads(offers), MAX_FEATURES["offers"])
    offer_part["thresholds"] = {k: v for k, v in offer_thresholds.items() if not k.startswith(("flag:", "sure:"))}
    s_texts, _, heads = sentence_rows(offers)
    flag_part = fit_part(s_texts, heads, MAX_FEATURES["flags"])
    flag_part["thresholds"] = {k: v for k, v in offer_thresholds.items() if k.startswith(("flag:", "sure:"))}
    data = {"format": FORMAT, "training_sha256": training.training_hash(content_dir), "urgency": urgency,
            "offers": offer_part, "flags": flag_part}  # fmt: skip
    return Trained(data, urgency_cv, offers_cv, messages, offers, notes + offer_notes)


def model_bytes(data: dict[str, Any]) -> bytes:
    """The file's bytes: sorted keys, no spaces, gzip with no name and no time in its header."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def write_model(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model_bytes(data))


# ---------------------------------------------------------------- figures


def script_share(text: str) -> str:
    """Cyrl or Latn: the script most of a text's letters are in."""
    letters = [c for c in prepare(text) if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    return "Cyrl" if cyrillic * 2 > len(letters) else "Latn"


def _share(values: Iterable[bool]) -> str:
    values = list(values)
    return f"{sum(values) / len(values):6.1%}" if values else "     -"


def urgency_report(trained: Trained, thresholds: dict[str, float]) -> list[str]:
    messages, cv = trained.messages, trained.urgency_cv
    model_bands = bands(cv.scores, cv.rule_hits, thresholds)
    rule_bands = np.where(cv.rule_hits, 2, 0)
    lines = [f"urgency, {FOLDS}-fold cross-validation ({len(messages)} messages); thresholds "
             + ", ".join(f"{k} {v:g}" for k, v in sorted(thresholds.items()))]  # fmt: skip
    lines.append(f"  {'':10} {'n':>5} {'urg→tkt':>8} {'urg→t|c':>8} {'nrm→tkt':>8} {'nrm→cnf':>8}   rules alone: "
                 f"{'urg→tkt':>8} {'nrm→tkt':>8}")  # fmt: skip
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(messages):
        groups.setdefault(m.lang, []).append(i)
        groups.setdefault(f"{m.lang} {script_share(m.text)}", []).append(i)
        groups.setdefault(f"all {script_share(m.text)}", []).append(i)
        groups.setdefault("all", []).append(i)
    for name in sorted(groups, key=lambda g: (g.startswith("all"), g)):
        rows = groups[name]
        u = [i for i in rows if messages[i].urgent]
        n = [i for i in rows if not messages[i].urgent]
        lines.append(
            f"  {name:10} {len(rows):5d} {_share(model_bands[i] == 2 for i in u):>8} "
            f"{_share(model_bands[i] >= 1 for i in u):>8} {_share(model_bands[i] == 2 for i in n):>8} "
            f"{_share(model_bands[i] == 1 for i in n):>8}                "
            f"{_share(rule_bands[i] == 2 for i in u):>8} {_share(rule_bands[i] == 2 for i in n):>8}"
        )
    return lines


def offers_report(trained: Trained, thresholds: dict[str, float]) -> list[str]:
    offers, cv = trained.offers, trained.offers_cv
    levels = risk_levels(cv.scores, cv.rule_risk, thresholds)
    shown = ", ".join(f"{k} {v:g}" for k, v in sorted(thresholds.items()) if not k.startswith(("flag:", "sure:")))
    lines = [f"offers, {FOLDS}-fold cross-validation ({len(offers)} offers); thresholds {shown}"]
    lines.append(f"  {'':10} {'n':>5} {'dec→high':>9} {'leg→high':>9}   rules alone: {'dec→high':>9} {'leg→high':>9}")
    groups: dict[str, list[int]] = {}
    for i, o in enumerate(offers):
        for key in (o.lang, f"{o.lang} {script_share(o.text)}", "all"):
            groups.setdefault(key, []).append(i)
    for name in sorted(groups, key=lambda g: (g == "all", g)):
        rows = groups[name]
        d = [i for i in rows if offers[i].deceptive]
        legit = [i for i in rows if not offers[i].deceptive]
        lines.append(f"  {name:10} {len(rows):5d} {_share(levels[i] == 'high' for i in d):>9} "
                     f"{_share(levels[i] == 'high' for i in legit):>9}                "
                     f"{_share(cv.rule_risk[i] == 'high' for i in d):>9} "
                     f"{_share(cv.rule_risk[i] == 'high' for i in legit):>9}")  # fmt: skip
    return lines


def ablate_cues(content_dir: Path) -> list[str]:
    """Cross-validated figures with and without the cue features, at the thresholds each would choose."""
    messages = training.load_messages(content_dir / training.TRAINING_DIR / "urgency")
    lines = []
    for name, analyzer in (("with cues", features), ("without cues", features_without_cues)):
        cv = cross_validate_urgency(messages, content_dir, analyzer)
        thresholds, _ = choose_urgency_thresholds(cv, messages)
        urgent = np.array([m.urgent for m in messages])
        b = bands(cv.scores, cv.rule_hits, thresholds)
        hard = np.array([m.kind in ("past", "future") for m in messages])
        hard_seen = _share(b[i] >= 1 for i in np.flatnonzero(hard))
        lines.append(f"  {name:13}: urgent→ticket {np.mean(b[urgent] == 2):.1%}, normal→ticket "
                     f"{np.mean(b[~urgent] == 2):.1%}, normal→confirm {np.mean(b[~urgent] == 1):.1%}, "
                     f"past/future normal → ticket or confirm {hard_seen}")  # fmt: skip
    return lines


def report(trained: Trained) -> list[str]:
    """What `helpline train` prints: cross-validated figures, the notes, the model's size and load time."""
    import time

    from bot.judgement.model import Judgement

    lines = urgency_report(trained, trained.data["urgency"]["thresholds"])
    lines += offers_report(trained, trained.data["offers"]["thresholds"])
    lines += [f"  note: {note}" for note in trained.notes]
    raw = model_bytes(trained.data)
    started = time.perf_counter()
    Judgement(json.loads(gzip.decompress(raw)))
    lines.append(f"model: {len(raw) / 1e6:.2f} MB on disk, loads in {time.perf_counter() - started:.2f} s; "
                 + ", ".join(f"{name} {trained.data[name]['vocabulary'].count(chr(10)) + 1} features"
                             for name in ("urgency", "offers", "flags")))  # fmt: skip
    return lines
