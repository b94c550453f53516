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
from bot.judgement.features import NGRAMS, Ngrams, features_without_cues, sentences
from bot.judgement.features import analyzer as features_with
from bot.judgement.model import FORMAT, Part, skeletons
from bot.text.normalize import prepare

SEED = 0
FOLDS = 5
C = 30.0  # little regularisation: char grams are many and each is weak (chosen by cross-validation: 3, 10, 30, 100)
MAX_FEATURES = {"urgency": 20_000, "offers": 12_000, "flags": 12_000}  # the strongest: ≤ 10 MB in memory (8.3 MB)
MIN_FLAG_SENTENCES = 4  # a flag model needs this many marked sentences
GRID = np.round(np.arange(0.005, 1.0, 0.005), 3)
# Targets the thresholds are chosen for (per language, on cross-validated scores).
NORMAL_TICKET, URGENT_SEEN, NORMAL_CONFIRM, URGENT_TICKET = 0.05, 0.99, 0.15, 0.95
# Character grams and C the urgency model is tried with (by cross-validation when it is trained). On 2,397
# messages longer grams kept fewer normal messages in the confirm band at the same urgent recall; the data decide.
URGENCY_SETTINGS: tuple[tuple[Ngrams, float], ...] = tuple(
    (ngrams, c) for ngrams in ((3, 5), (4, 6), (5, 6), (4, 7)) for c in (10.0, 30.0)
)
LEGIT_HIGH, DECEPTIVE_SEEN = 0.05, 0.98
# Flags shown as sure: the target is 85 % precision; thresholds chosen on cross-validated scores promise a little
# more than they keep on new offers, so the nested figures must reach 87 %. Costs of a wrong sure flag, in
# right ones, and how far a flag's thresholds lean to the common ones, tried by nested cross-validation.
SURE_PRECISION = 0.87
SURE_COSTS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)
SURE_SHRINKS = (0.0, 20.0, 60.0)  # 0: each flag's threshold its own
NOT_READ = frozenset({"reported_recruiter"})  # a lookup in the list of reported recruiters, not a reading of the text

Analyzer = Callable[[str], list[str]]


@dataclass
class Head:
    rows: list[int]  # the texts this head learns from
    labels: list[int]


def fit_part(
    texts: Sequence[str],
    heads: dict[str, Head],
    limit: int,
    analyzer: Analyzer | None = None,
    *,
    ngrams: Ngrams = NGRAMS,
    c: float = C,
) -> dict[str, Any]:
    """Fit a vocabulary and its heads; keep the `limit` features that weigh most, refit on them; as JSON data."""
    analyzer = _cached(analyzer or features_with(ngrams))
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    vocabulary = vectorizer.get_feature_names_out()
    coefs = _fit_heads(matrix, heads, c)
    strength = np.max(np.abs(np.vstack([coef for coef, _ in coefs.values()])), axis=0)
    order = sorted(range(len(vocabulary)), key=lambda i: (-strength[i], vocabulary[i]))
    kept = sorted(str(vocabulary[i]) for i in order[:limit] if strength[i] > 0)
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, vocabulary=kept, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    coefs = _fit_heads(matrix, heads, c)
    return {
        "ngrams": list(ngrams),
        "c": c,
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


def _fit_heads(matrix: Any, heads: dict[str, Head], c: float) -> dict[str, tuple[np.ndarray, float]]:
    fitted = {}
    for name in sorted(heads):
        head = heads[name]
        # The dual problem: far fewer texts than features, so several times faster than the primal.
        model = LogisticRegression(C=c, solver="liblinear", dual=True, class_weight="balanced", random_state=SEED,
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
    messages: Sequence[training.Message],
    content_dir: Path,
    analyzer: Analyzer | None = None,
    *,
    ngrams: Ngrams = NGRAMS,
    c: float = C,
    rule_hits: tuple[np.ndarray, list[str | None]] | None = None,
    categories: bool = True,
) -> UrgencyCV:
    """Each message scored by a model that did not see it (`categories=False`: the urgent head only, quicker)."""
    from bot.escalation.triage import Triage

    texts = [m.text for m in messages]
    if rule_hits is None:
        verdicts = [Triage(load_triage(content_dir)).classify(text) for text in texts]
        rule_hits = np.array([v.matched is not None for v in verdicts]), [v.category for v in verdicts]
    scores = np.zeros(len(messages))
    guessed: list[str | None] = [None] * len(messages)
    for train, test in _folds([f"{m.lang}:{m.category}" for m in messages]):
        heads = urgency_heads([messages[i] for i in train])
        if not categories:
            heads = {"urgent": heads["urgent"]}
        part = Part.from_json(fit_part([texts[i] for i in train], heads, MAX_FEATURES["urgency"], analyzer,
                                       ngrams=ngrams, c=c))  # fmt: skip
        others = [i for i, head in enumerate(part.heads) if head != "urgent"]
        for i in test:
            decision = part.decision(skeletons(texts[i]))
            scores[i] = 1 / (1 + np.exp(-decision[part.column("urgent")]))
            if others:
                guessed[i] = part.heads[others[int(np.argmax(decision[others]))]].removeprefix("category:")
    return UrgencyCV(scores, guessed, rule_hits[0], rule_hits[1])


def urgency_figures(cv: UrgencyCV, messages: Sequence[training.Message], t: dict[str, float]) -> dict[str, list[float]]:
    """Per language: urgent → ticket, urgent → ticket or confirm, normal → ticket, normal → confirm."""
    b = bands(cv.scores, cv.rule_hits, t)
    urgent = np.array([m.urgent for m in messages])
    lang_of = np.array([m.lang for m in messages])
    figures = {}
    for lang in sorted(set(lang_of)):
        u, n = urgent & (lang_of == lang), ~urgent & (lang_of == lang)
        seen, normal = (b[u] if u.any() else np.array([2])), (b[n] if n.any() else np.array([0]))
        figures[lang] = [float(np.mean(seen == 2)), float(np.mean(seen >= 1)), float(np.mean(normal == 2)),
                         float(np.mean(normal == 1))]  # fmt: skip
    return figures


def shortfall(figures: dict[str, list[float]]) -> float:
    """How far the weakest language falls short of the four targets, added up: what a setting is chosen by."""
    urgent_ticket, urgent_seen = (min(f[k] for f in figures.values()) for k in (0, 1))
    normal_ticket, normal_confirm = (max(f[k] for f in figures.values()) for k in (2, 3))
    return (max(0.0, URGENT_TICKET - urgent_ticket) + max(0.0, URGENT_SEEN - urgent_seen)
            + max(0.0, normal_ticket - NORMAL_TICKET) + max(0.0, normal_confirm - NORMAL_CONFIRM))  # fmt: skip


def choose_urgency_settings(messages: Sequence[training.Message], content_dir: Path) -> tuple[Ngrams, float, list[str]]:
    """The character grams and regularisation of the urgency model, by cross-validation (the urgent head alone,
    each at the thresholds it would get): the least shortfall from the targets in the weakest language."""
    from bot.escalation.triage import Triage

    rules = Triage(load_triage(content_dir))
    verdicts = [rules.classify(m.text) for m in messages]
    hits = np.array([v.matched is not None for v in verdicts]), [v.category for v in verdicts]
    lines = ["urgency settings, 5-fold cross-validation of the urgent head (per language kk/ru/uz: urg→tkt urg→t|c "
             "nrm→tkt nrm→cnf)"]  # fmt: skip
    tried = []
    for ngrams, c in URGENCY_SETTINGS:
        cv = cross_validate_urgency(messages, content_dir, ngrams=ngrams, c=c, rule_hits=hits, categories=False)
        thresholds, _ = choose_urgency_thresholds(cv, messages)
        figures = urgency_figures(cv, messages, thresholds)
        tried.append((round(shortfall(figures), 9), ngrams, c))
        shares = "  ".join(f"{lang} " + "/".join(f"{v:.1%}" for v in f) for lang, f in figures.items())
        lines.append(f"  grams {ngrams[0]}–{ngrams[1]}, C {c:g}: {shares}  shortfall {tried[-1][0]:.3f}")
    _, ngrams, c = min(tried, key=lambda t: t[0])  # the first of equals
    lines.append(f"  chosen: grams {ngrams[0]}–{ngrams[1]}, C {c:g}")
    return ngrams, c, lines


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
    flag_scores: list[dict[str, float]]  # per offer: flag → its out-of-fold `flag_score` (offer and sentence)
    flag_heads: list[str] = field(default_factory=list)  # the flags the models know


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
    for flag in sorted({f for flags in marked for f in flags} - NOT_READ):
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
    """Deceptive or not, and one head per flag on the whole offer (flags marked in enough offers)."""
    everyone = list(range(len(offers)))
    heads = {"deceptive": Head(everyone, [int(o.deceptive) for o in offers])}
    has = [{f.flag for f in o.flags} for o in offers]
    for flag in sorted({f for flags in has for f in flags} - NOT_READ):
        labels = [int(flag in flags) for flags in has]
        if sum(labels) >= MIN_FLAG_SENTENCES:
            heads[f"flag:{flag}"] = Head(everyone, labels)
    return heads


def cross_validate_offers(offers: Sequence[training.Offer], content: OffersContent) -> OffersCV:
    """Each offer read by models that did not see it, exactly as the bot reads it (Judgement.offer)."""
    from bot.judgement.model import OfferReader
    from bot.offers.scan import OfferChecker

    rules = OfferChecker(content)
    texts = [o.text for o in offers]
    scores = np.zeros(len(offers))
    flag_scores: list[dict[str, float]] = [{} for _ in offers]
    for train, test in _folds([f"{o.lang}:{o.deceptive}" for o in offers]):
        train_offers = [offers[i] for i in train]
        s_texts, _, heads = sentence_rows(train_offers)
        offer_part = fit_part([texts[i] for i in train], offer_heads(train_offers), MAX_FEATURES["offers"])
        model = OfferReader(Part(offer_part), Part(fit_part(s_texts, heads, MAX_FEATURES["flags"])))
        for i in test:
            reading = model.read(texts[i])
            scores[i] = reading.score
            flag_scores[i] = {flag: score for flag, (score, _) in model.flag_scores(reading).items()}
    checks = [rules.check(text) for text in texts]
    known = sorted({flag for found in flag_scores for flag in found})
    return OffersCV(scores, [c.risk for c in checks], [{h.flag for h in c.flags} for c in checks], flag_scores,
                    known)  # fmt: skip


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
    notes: list[str] = []

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
    return chosen, notes


# ---------------------------------------------------------------- flags shown as sure


@dataclass
class FlagTable:
    """Per flag the models know, over the offers: its combined score, whether a rule found it, whether it is there."""

    score: dict[str, np.ndarray]
    rule: dict[str, np.ndarray]
    truth: dict[str, np.ndarray]
    rule_only: list[tuple[np.ndarray, np.ndarray]]  # (found, there) of the flags only the rules know


def flag_table(cv: OffersCV, offers: Sequence[training.Offer]) -> FlagTable:
    has = [{f.flag for f in o.flags} for o in offers]
    known = set(cv.flag_heads)
    table = FlagTable({}, {}, {}, [])
    for flag in cv.flag_heads:
        table.score[flag] = np.array([s.get(flag, 0.0) for s in cv.flag_scores])
        table.rule[flag] = np.array([flag in found for found in cv.rule_flags])
        table.truth[flag] = np.array([flag in h for h in has])
    others = {f for found in cv.rule_flags for f in found} | {f for h in has for f in h}
    for flag in sorted(others - known - NOT_READ):
        found = np.array([flag in rule_flags for rule_flags in cv.rule_flags])
        table.rule_only.append((found, np.array([flag in h for h in has])))
    return table


_CUTS = np.r_[GRID, 1.1]  # 1.1: never


def _best_cut(score: np.ndarray, truth: np.ndarray, cost: float, *, rule: bool = False) -> float:
    """The threshold on `score` that maximises right − cost × wrong among these offers, the lowest of equals.
    For a rule's hits 0 is a candidate (every hit stays sure, the default without data); for a flag only the
    models see, nothing gained means never."""
    cuts = np.r_[0.0, _CUTS] if rule else _CUTS
    said = score[None, :] >= cuts[:, None]
    gain = (said & truth).sum(axis=1) - cost * (said & ~truth).sum(axis=1)
    best = int(np.argmax(gain))
    return float(cuts[best]) if rule or gain[best] > 0 else 1.1


def flag_cuts(table: FlagTable, rows: np.ndarray, cost: float, shrink: float) -> dict[str, float]:
    """`rule:<flag>` and `sure:<flag>` chosen on these rows. A rule's hit and a flag only the models see are
    apart (an offer is one or the other), so each threshold is chosen on its own: where a flag shown sure is worth
    `cost` wrong ones (a flag is shown where it is right at least cost/(1+cost) of the time). A flag's own
    threshold leans towards the one chosen for all flags together as it has fewer examples (`shrink`: as many
    examples as weigh half): a flag seen a dozen times would otherwise get a threshold that fits those only."""
    flags = list(table.score)
    rule = {flag: table.rule[flag][rows] for flag in flags}
    score = {flag: table.score[flag][rows] for flag in flags}
    truth = {flag: table.truth[flag][rows] for flag in flags}
    pooled_rule = _best_cut(np.concatenate([score[f][rule[f]] for f in flags]),
                            np.concatenate([truth[f][rule[f]] for f in flags]), cost, rule=True)  # fmt: skip
    pooled_sure = _best_cut(np.concatenate([score[f][~rule[f]] for f in flags]),
                            np.concatenate([truth[f][~rule[f]] for f in flags]), cost)  # fmt: skip
    cuts = {}
    for flag in flags:
        own_rule = _best_cut(score[flag][rule[flag]], truth[flag][rule[flag]], cost, rule=True)
        own_sure = _best_cut(score[flag][~rule[flag]], truth[flag][~rule[flag]], cost)
        weight = 1.0 if not shrink else truth[flag].sum() / (truth[flag].sum() + shrink)
        cuts[f"rule:{flag}"] = round(weight * own_rule + (1 - weight) * pooled_rule, 3)
        # never stays never: the flag's models found nothing worth showing as sure
        cuts[f"sure:{flag}"] = own_sure if own_sure > 1 else round(weight * own_sure + (1 - weight) * pooled_sure, 3)
    return cuts


def sure_counts(table: FlagTable, cuts: dict[str, float], rows: np.ndarray) -> tuple[int, int, int]:
    """(right, wrong, missed) of the flags shown as sure on these rows, pooled over flags."""
    tp = fp = fn = 0
    for flag, score in table.score.items():
        s, r, t = score[rows], table.rule[flag][rows], table.truth[flag][rows]
        said = np.where(r, s >= cuts[f"rule:{flag}"], s >= cuts[f"sure:{flag}"])
        tp, fp, fn = tp + int(np.sum(said & t)), fp + int(np.sum(said & ~t)), fn + int(np.sum(~said & t))
    for found, there in table.rule_only:
        f, t = found[rows], there[rows]
        tp, fp, fn = tp + int(np.sum(f & t)), fp + int(np.sum(f & ~t)), fn + int(np.sum(~f & t))
    return tp, fp, fn


def nested_sure(
    table: FlagTable, offers: Sequence[training.Offer], cost: float, shrink: float
) -> dict[str, tuple[float, float]]:
    """Per language, (precision, recall) of the sure flags when each fold's thresholds are chosen on the other
    folds: what thresholds chosen this way can promise on offers they were not chosen on."""
    langs = sorted({o.lang for o in offers})
    lang_of = np.array([o.lang for o in offers])
    counts = {lang: np.zeros(3) for lang in langs}
    for train, test in _folds([f"{o.lang}:{o.deceptive}" for o in offers]):
        cuts = flag_cuts(table, train, cost, shrink)
        for lang in langs:
            counts[lang] += sure_counts(table, cuts, test[lang_of[test] == lang])
    return {lang: (tp / max(tp + fp, 1), tp / max(tp + fn, 1)) for lang, (tp, fp, fn) in counts.items()}


def choose_flag_thresholds(
    cv: OffersCV, offers: Sequence[training.Offer]
) -> tuple[dict[str, float], list[str], list[str]]:
    """The thresholds that show flags as sure, possible or not at all. The cost of a wrong sure flag and how
    far thresholds lean to the common one are chosen by nested cross-validation: of those whose precision holds
    in every language, the one that finds the most flags in its weakest language."""
    table = flag_table(cv, offers)
    lines = ["flags shown as sure, nested cross-validation: the weakest language's precision/recall by cost "
             f"(rows) and shrink (columns {', '.join(f'{shrink:g}' for shrink in SURE_SHRINKS)})"]  # fmt: skip
    notes: list[str] = []
    best: tuple[float, float, float] | None = None  # (weakest recall, cost, shrink)
    results = {}
    for cost in SURE_COSTS:
        cells = []
        for shrink in SURE_SHRINKS:
            figures = results[cost, shrink] = nested_sure(table, offers, cost, shrink)
            precision, recall = min(p for p, _ in figures.values()), min(r for _, r in figures.values())
            cells.append(f"{precision:6.1%}/{recall:6.1%}")
            if precision >= SURE_PRECISION and (best is None or recall > best[0]):
                best = (recall, cost, shrink)
        lines.append(f"  cost {cost:4g}: " + "   ".join(cells))
    if best is None:
        best = (0.0, SURE_COSTS[-1], SURE_SHRINKS[-1])
        notes.append(f"flags shown as sure stay below {SURE_PRECISION:.0%} precision in some language at every cost")
    lines.append(f"  chosen: cost {best[1]:g}, shrink {best[2]:g}: " + ", ".join(
        f"{lang} {p:.1%}/{r:.1%}" for lang, (p, r) in results[best[1], best[2]].items()))  # fmt: skip
    chosen = flag_cuts(table, np.arange(len(offers)), best[1], best[2])
    # A flag only the models see is "possible" from the score where it is right at least half the time.
    for flag, score in table.score.items():
        free = ~table.rule[flag]
        chosen[f"flag:{flag}"] = min(_best_cut(score[free], table.truth[flag][free], 1.0), chosen[f"sure:{flag}"])
        if chosen[f"flag:{flag}"] > 1.0:
            notes.append(f"flag {flag}: its models find nothing reliable yet (more marked sentences would help)")
    return chosen, notes, lines


# ---------------------------------------------------------------- the whole


@dataclass
class Trained:
    data: dict[str, Any]
    urgency_cv: UrgencyCV
    offers_cv: OffersCV
    messages: list[training.Message]
    offers: list[training.Offer]
    notes: list[str]
    choice_lines: list[str] = field(default_factory=list)  # how the urgency settings and the sure flags were chosen


def train(content_dir: Path) -> Trained:
    root = content_dir / training.TRAINING_DIR
    messages = training.load_messages(root / "urgency")
    offers = training.load_offers(root / "offers")
    if not messages or not offers:
        raise training.TrainingDataError(f"{root}: no messages or no offers to learn from")
    offer_content = load_offers(content_dir)
    ngrams, c, setting_lines = choose_urgency_settings(messages, content_dir)
    urgency_cv = cross_validate_urgency(messages, content_dir, ngrams=ngrams, c=c)
    urgency_thresholds, notes = choose_urgency_thresholds(urgency_cv, messages)
    offers_cv = cross_validate_offers(offers, offer_content)
    offer_thresholds, offer_notes = choose_offer_thresholds(offers_cv, offers)
    flag_thresholds, flag_notes, flag_lines = choose_flag_thresholds(offers_cv, offers)
    urgency = fit_part([m.text for m in messages], urgency_heads(messages), MAX_FEATURES["urgency"], ngrams=ngrams, c=c)
    urgency["thresholds"] = urgency_thresholds
    offer_part = fit_part([o.text for o in offers], offer_heads(offers), MAX_FEATURES["offers"])
    offer_part["thresholds"] = offer_thresholds
    s_texts, _, heads = sentence_rows(offers)
    flag_part = fit_part(s_texts, heads, MAX_FEATURES["flags"])
    flag_part["thresholds"] = flag_thresholds
    data = {"format": FORMAT, "training_sha256": training.training_hash(content_dir), "urgency": urgency,
            "offers": offer_part, "flags": flag_part}  # fmt: skip
    return Trained(data, urgency_cv, offers_cv, messages, offers, notes + offer_notes + flag_notes,
                   setting_lines + flag_lines)


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
    """Cross-validated figures with and without the cue features, at the thresholds each would choose (with the
    character grams and C of the shipped model, if there is one)."""
    from bot.judgement.model import MODEL_FILE, read_model

    messages = training.load_messages(content_dir / training.TRAINING_DIR / "urgency")
    settings = read_model(content_dir / MODEL_FILE)["urgency"] if (content_dir / MODEL_FILE).exists() else {}
    ngrams: Ngrams = tuple(settings.get("ngrams", NGRAMS))  # type: ignore[assignment]
    c = float(settings.get("c", C))
    lines = []
    for name, analyzer in (("with cues", features_with(ngrams)), ("without cues", features_without_cues(ngrams))):
        cv = cross_validate_urgency(messages, content_dir, analyzer, ngrams=ngrams, c=c)
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
    lines += trained.choice_lines
    lines += [f"  note: {note}" for note in trained.notes]
    raw = model_bytes(trained.data)
    started = time.perf_counter()
    Judgement(json.loads(gzip.decompress(raw)))
    lines.append(f"model: {len(raw) / 1e6:.2f} MB on disk, loads in {time.perf_counter() - started:.2f} s; "
                 + ", ".join(f"{name} {trained.data[name]['vocabulary'].count(chr(10)) + 1} features"
                             for name in ("urgency", "offers", "flags")))  # fmt: skip
    return lines
