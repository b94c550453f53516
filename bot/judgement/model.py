"""The shipped judgement model (content/model/judgement.json.gz), scored without scikit-learn.

Each part (urgency, offers, flags) is a tf-idf vocabulary and linear heads over it, exactly as scikit-learn's
TfidfVectorizer(sublinear_tf=True) and LogisticRegression compute them: features → 1 + log(count) × idf, scaled
to unit length, → a dot product per head, → the logistic function. A message costs a few hundred dict lookups.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.common import ContentError, Problem
from bot.judgement.features import NGRAMS, PAIR, WORD, Ngrams, cues, sentences, word_grams
from bot.text.normalize import Token, tokenize

MODEL_FILE = Path("model") / "judgement.json.gz"  # inside the content folder
FORMAT = 1

# Words that carry no evidence of their own, as skeletons: an operator reads "заперли", not "нас".
FUNCTION_WORDS = frozenset(
    # ru
    "i v vo na ne ni s so k ko u o ob ot do po za iz pod nad pri dla bez a no ili da to eto chto kak tak tut tam "
    "gde kogda uje esche vot li bi je mne mena menia ia mi nas nam nami ti tebe tebja vi vas vam on ona ono oni "
    "ego ee ih im ei moi moa moe moi nash nasha vash svoi ves vse vsego uze kto chem tolko ochen sebe sebja "
    # kk
    "men sen ol biz siz olar meni mening menin bizdi bizge bizdin sizge ogan onin jane men ja ma me ba be pa pe "
    "da de ta te bul sol osi kazir jok bar dep degen eken ush ushin gana kana tur tim ed "
    # uz
    "va bu shu u ular menga meni mening bizni bizga biz sen siz uni unga ham ham da esa bilan uchun ga ni ning "
    "dan chi mi emas yok bor deb ekan edi hozir juda"
    .split()
)  # fmt: skip
EVIDENCE_WORDS = 3
MEMORY_WORDS = 65_536  # words whose feature rows a part remembers


class ModelError(ValueError):
    """The model file is missing a part or cannot be read: one line for the operator."""


def _floats(encoded: str, length: int) -> npt.NDArray[np.float64]:
    values = np.frombuffer(base64.b64decode(encoded), dtype="<f4").astype(np.float64)
    if len(values) != length:
        raise ValueError(f"{len(values)} numbers where {length} belong")
    return values


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


class Part:
    """One vocabulary and its heads: head name → column of `weights`."""

    def __init__(self, data: dict[str, Any]) -> None:
        vocab: list[str] = data["vocabulary"].split("\n")
        self.heads: tuple[str, ...] = tuple(data["heads"])
        self.index = {feature: row for row, feature in enumerate(vocab)}
        self.idf = _floats(data["idf"], len(vocab))
        columns = [_floats(data["weights"][head], len(vocab)) for head in self.heads]
        # float32: half the memory, and the file holds no more precision than that
        self.weights = np.stack(columns, axis=1).astype(np.float32) if columns else np.zeros((len(vocab), 0))
        self.bias = np.asarray([data["bias"][head] for head in self.heads], dtype=np.float64)
        self.thresholds = {key: float(value) for key, value in data.get("thresholds", {}).items()}
        low, high = data.get("ngrams", NGRAMS)
        self.ngrams: Ngrams = (int(low), int(high))  # the character grams this part was trained on
        # Word → the rows of its own features: people's texts share most of their words (bounded, as the matcher's).
        self._word_rows: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        return cls(data)

    def rows_of_word(self, word: str) -> tuple[int, ...]:
        rows = self._word_rows.get(word)
        if rows is None:
            rows = tuple(row for gram in word_grams(word, self.ngrams) if (row := self.index.get(gram)) is not None)
            if len(self._word_rows) >= MEMORY_WORDS:
                self._word_rows.clear()
            self._word_rows[word] = rows
        return rows

    def rows(self, words: Sequence[str]) -> list[int]:
        """The rows of every feature of these words, as `features.token_features` makes them (one per occurrence)."""
        found: list[int] = []
        known = self._word_rows  # most words are known: a lookup, not a call
        for word in words:
            found.extend(known.get(word) or self.rows_of_word(word))
        index = self.index
        for a, b in pairwise(words):
            if (row := index.get(f"{PAIR}{a} {b}")) is not None:
                found.append(row)
        for cue in cues(words):
            if (row := index.get(cue)) is not None:
                found.append(row)
        return found

    def vector(self, words: Sequence[str]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The tf-idf vector of a text's words: (rows, values), values of unit length."""
        found = self.rows(words)
        if not found:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        rows, counts = np.unique(np.asarray(found, dtype=np.intp), return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[rows]
        return rows, values / np.linalg.norm(values)

    def decision(self, words: Sequence[str]) -> npt.NDArray[np.float64]:
        """Each head's decision value (before the logistic function)."""
        rows, values = self.vector(words)
        return self.bias + values @ self.weights[rows]  # type: ignore[no-any-return]

    def decisions(self, texts: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """`decision` of many texts (an offer's sentences) at once: one count, one gather, one sum for all."""
        result = np.tile(self.bias, (len(texts), 1))
        found: list[int] = []
        lengths = []
        for words in texts:
            before = len(found)
            found.extend(self.rows(words))
            lengths.append(len(found) - before)
        if not found:
            return result
        size = len(self.idf)
        # One key a (text, row): counted in one sort, for all texts.
        keys = np.asarray(found, dtype=np.int64) + np.repeat(np.arange(len(texts), dtype=np.int64) * size, lengths)
        unique, counts = np.unique(keys, return_counts=True)
        owner, rows = np.divmod(unique, size)
        values = (1.0 + np.log(counts)) * self.idf[rows]
        firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        norms = np.sqrt(np.add.reduceat(values * values, firsts))
        values /= np.repeat(norms, np.diff(np.r_[firsts, len(values)]))
        # float32 products: the weights hold no more precision, and summing them is twice as quick (decisions
        # move by < 1e-4)
        scaled = self.weights[rows] * values.astype(np.float32)[:, None]
        result[owner[firsts]] += np.add.reduceat(scaled, firsts, axis=0)
        return result

    def probabilities(self, words: Sequence[str]) -> dict[str, float]:
        return {head: _sigmoid(float(value)) for head, value in zip(self.heads, self.decision(words), strict=True)}

    def column(self, head: str) -> int:
        return self.heads.index(head)


@dataclass(frozen=True)
class Urgency:
    score: float  # 0–1: the model's belief that someone is in danger now
    category: str | None  # the most likely category, by the category heads


def skeletons(text: str) -> list[str]:
    return [token.skeleton for token in tokenize(text)]


class Judgement:
    """The three models: urgency of a message (and its category), risk of an offer, flags of an offer's sentences."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ModelError(f"model format {data.get('format')!r}, expected {FORMAT}: run `helpline train`")
        try:
            self.training_sha256: str = data["training_sha256"]
            self.urgency = Part(data["urgency"])
            self.offers = Part(data["offers"])
            self.flags = Part(data["flags"])
            self.reader = OfferReader(self.offers, self.flags)
            self.categories = tuple(h.removeprefix("category:") for h in self.urgency.heads if h != "urgent")
            self._urgent = self.urgency.column("urgent")
            for name in ("ticket", "rule_ticket", "confirm"):
                self.urgency.thresholds[name]
            for name in ("high", "rule_high", "medium"):
                self.offers.thresholds[name]
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ModelError(
                f"the model file is damaged ({type(error).__name__}: {error}): run `helpline train`"
            ) from None

    # ---------------------------------------------------------------- messages

    def urgency_of(self, text: str, tokens: Sequence[Token] | None = None) -> Urgency:
        tokens = tokenize(text) if tokens is None else tokens
        words = [token.skeleton for token in tokens]
        rows, values = self.urgency.vector(words)
        decision = self.urgency.bias + values @ self.urgency.weights[rows]
        score = _sigmoid(float(decision[self._urgent]))
        category = None
        if self.categories:
            others = [i for i in range(len(self.urgency.heads)) if i != self._urgent]
            category = self.categories[int(np.argmax(decision[others]))]
        return Urgency(score, category)

    def evidence(self, text: str, tokens: Sequence[Token]) -> tuple[str, ...]:
        """The words of the original text whose own features (word, character grams, pairs) weigh most for urgency
        (function words left out), in the order of the text."""
        rows, values = self.urgency.vector([token.skeleton for token in tokens])
        if not len(rows):
            return ()
        weights = (values * self.urgency.weights[rows, self._urgent]).tolist()
        contribution = dict(zip(rows.tolist(), weights, strict=True))
        part = self.urgency
        words = [token.skeleton for token in tokens]
        by_token: list[float] = []
        for position, word in enumerate(words):
            weight = sum(contribution.get(row, 0.0) for row in set(part.rows_of_word(word)))
            # A pair's weight is shared by its two words.
            pairs = (words[position - 1 : position + 1] if position else [], words[position : position + 2])
            for pair in pairs:
                if len(pair) == 2 and (row := part.index.get(f"{PAIR}{pair[0]} {pair[1]}")) is not None:
                    weight += contribution.get(row, 0.0) / 2
            by_token.append(weight)
        ranked = sorted(
            (i for i, word in enumerate(words) if by_token[i] > 0 and word not in FUNCTION_WORDS and len(word) > 2),
            key=lambda i: -by_token[i],
        )[:EVIDENCE_WORDS]
        seen: dict[str, None] = {}
        for i in sorted(ranked):  # in the order of the text, as an operator reads it
            seen.setdefault(text[tokens[i].start : tokens[i].end], None)
        return tuple(seen)

    def threshold(self, name: str) -> float:
        return self.urgency.thresholds[name]

    # ---------------------------------------------------------------- offers

    def offer_score(self, text: str) -> float:
        return self.offers.probabilities(skeletons(text))["deceptive"]

    def sentence_flags(self, sentence: str) -> dict[str, float]:
        """Each flag model's probability that this sentence shows its flag."""
        return self.flags.probabilities(skeletons(sentence))

    def offer(self, text: str) -> OfferReading:
        return self.reader.read(text)

    def flag_reading(self, reading: OfferReading) -> dict[str, tuple[float, int | None]]:
        return self.reader.flag_scores(reading)


class OfferReader:
    """The offer-risk part (with a head per flag on the whole offer) and the per-sentence flag part together."""

    def __init__(self, offers: Part, flags: Part) -> None:
        self.offers, self.flags = offers, flags

    def read(self, text: str) -> OfferReading:
        """The offer read once: its score, each flag's offer-level probability, its sentences and each flag
        model's probability per sentence."""
        tokens = tokenize(text)
        whole = self.offers.probabilities([token.skeleton for token in tokens])
        spans, texts = [], []
        position = 0
        for start, end in sentences(text):
            while position < len(tokens) and tokens[position].start < start:
                position += 1
            first = position
            while position < len(tokens) and tokens[position].end <= end:
                position += 1
            if position > first:
                spans.append((start, end))
                texts.append([token.skeleton for token in tokens[first:position]])
        offer_flags = {head.removeprefix("flag:"): p for head, p in whole.items() if head.startswith("flag:")}
        if not texts or not self.flags.heads:
            return OfferReading(whole["deceptive"], offer_flags, [], np.zeros((0, len(self.flags.heads))))
        return OfferReading(whole["deceptive"], offer_flags, spans, 1.0 / (1.0 + np.exp(-self.flags.decisions(texts))))

    def flag_scores(self, reading: OfferReading) -> dict[str, tuple[float, int | None]]:
        """Per flag a sentence model knows: its score (`flag_score`: the strongest sentence's probability with the
        offer-level one) and that sentence (an index into `reading.spans`; None: the offer has no sentence)."""
        found: dict[str, tuple[float, int | None]] = {}
        strongest = reading.sentences.argmax(axis=0) if len(reading.spans) else None
        for column, head in enumerate(self.flags.heads):
            flag = head.removeprefix("flag:")
            sentence = 0.0 if strongest is None else float(reading.sentences[strongest[column], column])
            where = None if strongest is None else int(strongest[column])
            found[flag] = (flag_score(sentence, reading.flags.get(flag), reading.score), where)
        return found


@dataclass(frozen=True)
class OfferReading:
    score: float  # 0–1: how likely the offer is deceptive
    flags: dict[str, float]  # flag → the offer-level model's probability
    spans: list[tuple[int, int]]  # the sentences (start, end)
    sentences: npt.NDArray[np.float64]  # sentences × flag heads: each sentence model's probability


def flag_score(sentence: float, offer: float | None, deceptive: float) -> float:
    """One score per flag: the mean of its strongest sentence's and the whole offer's probability (the sentence's
    alone when no offer-level head knows the flag), times √(the offer's deceptive score): cross-validated, this
    found more flags at the same precision than either alone, their maximum, geometric mean or other weights."""
    mean = sentence if offer is None else (sentence + offer) / 2
    return mean * math.sqrt(deceptive)


Verdict = Literal["sure", "possible"]


def flag_verdict(thresholds: dict[str, float], flag: str, rule_hit: bool, score: float) -> Verdict | None:
    """How a flag is shown, with the thresholds chosen by cross-validation (bot/judgement/train.py): a rule's hit is
    sure from `rule:<flag>` (below it the model doubts it: possible, with the rule's evidence); a flag only the
    models see is sure from `sure:<flag>` and possible from `flag:<flag>`. A flag without thresholds (no model
    knows it) is sure when a rule finds it."""
    if rule_hit:
        return "sure" if score >= thresholds.get(f"rule:{flag}", 0.0) else "possible"
    if score >= thresholds.get(f"sure:{flag}", 1.1):
        return "sure"
    return "possible" if score >= thresholds.get(f"flag:{flag}", 1.1) else None


def read_model(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        raise ModelError(f"{path}: no model file: run `helpline train`") from None
    except (OSError, ValueError, EOFError) as error:
        raise ModelError(f"{path}: cannot read the model ({type(error).__name__}): run `helpline train`") from None
    return data


def load_judgement(content_dir: Path) -> Judgement | None:
    """The shipped model, or None if the content has none (the rules then decide alone); ContentError if damaged."""
    path = content_dir / MODEL_FILE
    if not path.exists():
        return None
    try:
        return Judgement(read_model(path))
    except ModelError as error:
        raise ContentError([Problem(MODEL_FILE.as_posix(), None, str(error))]) from None


def model_problems(content_dir: Path) -> list[Problem]:
    """For `helpline content check`: the shipped model must have been trained on the training files as they are."""
    from bot.judgement.data import TrainingDataError, training_files, training_hash

    if not training_files(content_dir):
        return []
    path = content_dir / MODEL_FILE
    try:
        built_on = read_model(path).get("training_sha256")
        if built_on != training_hash(content_dir):
            raise ModelError("the model was not trained on the training files as they are now: run `helpline train`")
    except (ModelError, TrainingDataError) as error:
        return [Problem(MODEL_FILE.as_posix(), None, str(error).removeprefix(f"{path}: "))]
    return []


__all__ = [
    "FUNCTION_WORDS",
    "MODEL_FILE",
    "WORD",
    "Judgement",
    "ModelError",
    "OfferReading",
    "Urgency",
    "flag_score",
    "flag_verdict",
    "load_judgement",
    "model_problems",
]
