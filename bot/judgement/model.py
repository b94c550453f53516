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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.content.problems import ContentError, Problem
from bot.judgement.features import PAIR, WORD, token_features, word_grams
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


class ModelError(ValueError):
    """The model file is missing a part or cannot be read: one line for the operator."""


def _floats(encoded: str, length: int) -> npt.NDArray[np.float64]:
    values = np.frombuffer(base64.b64decode(encoded), dtype="<f4").astype(np.float64)
    if len(values) != length:
        raise ValueError(f"{len(values)} numbers where {length} belong")
    return values


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True)
class Part:
    """One vocabulary and its heads: head name → column of `weights`."""

    index: dict[str, int]
    idf: npt.NDArray[np.float64]
    heads: tuple[str, ...]
    weights: npt.NDArray[np.float64]  # (features, heads)
    bias: npt.NDArray[np.float64]  # (heads,)
    thresholds: dict[str, float]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        vocab: list[str] = data["vocabulary"].split("\n")
        heads = tuple(data["heads"])
        weights = np.stack([_floats(data["weights"][head], len(vocab)) for head in heads], axis=1) if heads else None
        return cls(
            index={feature: row for row, feature in enumerate(vocab)},
            idf=_floats(data["idf"], len(vocab)),
            heads=heads,
            weights=weights if weights is not None else np.zeros((len(vocab), 0)),
            bias=np.asarray([data["bias"][head] for head in heads], dtype=np.float64),
            thresholds={key: float(value) for key, value in data.get("thresholds", {}).items()},
        )

    def vector(self, grams: Sequence[str]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """The tf-idf vector of a text's features: (rows, values), values of unit length."""
        counts = Counter(row for gram in grams if (row := self.index.get(gram)) is not None)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[rows]
        return rows, values / np.linalg.norm(values)

    def decision(self, grams: Sequence[str]) -> npt.NDArray[np.float64]:
        """Each head's decision value (before the logistic function)."""
        rows, values = self.vector(grams)
        return self.bias + values @ self.weights[rows]  # type: ignore[no-any-return]

    def probabilities(self, grams: Sequence[str]) -> dict[str, float]:
        return {head: _sigmoid(float(value)) for head, value in zip(self.heads, self.decision(grams), strict=True)}

    def column(self, head: str) -> int:
        return self.heads.index(head)


@dataclass(frozen=True)
class Urgency:
    score: float  # 0–1: the model's belief that someone is in danger now
    category: str | None  # the most likely category, by the category heads
    evidence: tuple[str, ...]  # the original words that pushed the score up most (function words left out)


class Judgement:
    """The three models: urgency of a message (and its category), risk of an offer, flags of an offer's sentences."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ModelError(f"model format {data.get('format')!r}, expected {FORMAT}: run `helpline train`")
        try:
            self.training_sha256: str = data["training_sha256"]
            self.urgency = Part.from_json(data["urgency"])
            self.offers = Part.from_json(data["offers"])
            self.flags = Part.from_json(data["flags"])
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ModelError(
                f"the model file is damaged ({type(error).__name__}: {error}): run `helpline train`"
            ) from None
        self.categories = tuple(head.removeprefix("category:") for head in self.urgency.heads if head != "urgent")
        self._urgent = self.urgency.column("urgent")

    # ---------------------------------------------------------------- messages

    def urgency_of(self, text: str, tokens: Sequence[Token] | None = None) -> Urgency:
        tokens = tokenize(text) if tokens is None else tokens
        grams = token_features(tokens)
        rows, values = self.urgency.vector(grams)
        decision = self.urgency.bias + values @ self.urgency.weights[rows]
        score = _sigmoid(float(decision[self._urgent]))
        category = None
        if self.categories:
            others = [i for i in range(len(self.urgency.heads)) if i != self._urgent]
            category = self.categories[int(np.argmax(decision[others]))]
        return Urgency(score, category, self._evidence(text, tokens, rows, values))

    def _evidence(
        self, text: str, tokens: Sequence[Token], rows: npt.NDArray[np.intp], values: npt.NDArray[np.float64]
    ) -> tuple[str, ...]:
        """The words of the original text whose own features (word, character grams, pairs) weigh most for urgency."""
        if not len(rows):
            return ()
        contribution = dict(
            zip(rows.tolist(), (values * self.urgency.weights[rows, self._urgent]).tolist(), strict=True)
        )
        index = self.urgency.index
        by_token: list[float] = []
        words = [token.skeleton for token in tokens]
        for position, word in enumerate(words):
            weight = sum(contribution.get(index.get(gram, -1), 0.0) for gram in word_grams(word))
            # A pair's weight is shared by its two words.
            for pair in (words[position - 1 : position + 1], words[position : position + 2]):
                if len(pair) == 2:
                    weight += contribution.get(index.get(f"{PAIR}{pair[0]} {pair[1]}", -1), 0.0) / 2
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
        return self.offers.probabilities(token_features(tokenize(text)))["deceptive"]

    def sentence_flags(self, sentence: str) -> dict[str, float]:
        """Each flag model's probability that this sentence shows its flag."""
        return self.flags.probabilities(token_features(tokenize(sentence)))


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
    "Urgency",
    "load_judgement",
    "model_problems",
]
