"""The labelled examples in content/training/ (formats in content/training/README.md) and their hash.

A file's language is its name up to the first '-' or '.': `urgency/kk.tsv` and `urgency/kk-first.tsv` are both Kazakh.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from bot.content.triage import CATEGORIES
from bot.judgement import features

TRAINING_DIR = "training"
LANGS = ("kk", "ru", "uz")
NORMAL_KINDS = ("future", "past", "other", "complaint", "figurative", "question")


class TrainingDataError(ValueError):
    """A line of the training data that cannot be read: file, line and what is wrong."""


@dataclass(frozen=True)
class Message:
    lang: str
    category: str | None  # None: normal
    kind: str | None  # the kind of a hard normal message, if given
    text: str
    where: str  # file:line, to point an editor at it

    @property
    def urgent(self) -> bool:
        return self.category is not None


@dataclass(frozen=True)
class MarkedFlag:
    flag: str
    sentence: str | None  # the sentence that shows it, copied from the text (None: not marked)


@dataclass(frozen=True)
class Offer:
    id: str
    lang: str
    deceptive: bool
    text: str
    flags: tuple[MarkedFlag, ...]
    where: str


class FlagMark(BaseModel):
    """One red flag of an offer and the sentence that shows it (copied exactly from the text)."""

    model_config = ConfigDict(extra="forbid")

    flag: str = Field(pattern=r"^[a-z0-9_]+$")
    sentence: str | None = None


class OfferExample(BaseModel):
    """One labelled job offer of content/training/offers/<lang>.yaml."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    deceptive: bool
    text: str = Field(min_length=1)
    flags: list[FlagMark] = []


class OfferExamples(RootModel[list[OfferExample]]):
    """content/training/offers/<lang>.yaml: labelled job offers."""


def _lang(path: Path) -> str:
    lang = path.name.split("-", 1)[0].split(".", 1)[0]
    if lang not in LANGS:
        raise TrainingDataError(f"{path.name}: the name must start with kk, ru or uz")
    return lang


def training_files(content_dir: Path) -> list[Path]:
    """Every file the models learn from, in a fixed order."""
    root = content_dir / TRAINING_DIR
    return sorted(
        [*root.glob("urgency/*.tsv"), *root.glob("offers/*.yaml")], key=lambda p: p.relative_to(root).as_posix()
    )


def training_hash(content_dir: Path) -> str:
    """sha256 of the training files (names and bytes) and the feature version: what the shipped model was built on."""
    digest = hashlib.sha256(f"features {features.VERSION}\n".encode())
    root = content_dir / TRAINING_DIR
    for path in training_files(content_dir):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def parse_label(label: str) -> tuple[str | None, str | None]:
    """(category, kind) of a label; ValueError if it is not one."""
    head, _, tail = label.partition(":")
    if head == "urgent" and tail in CATEGORIES:
        return tail, None
    if head == "normal" and (not tail or tail in NORMAL_KINDS):
        return None, tail or None
    raise ValueError(f"unknown label {label!r}")


def read_messages(path: Path, lang: str | None = None) -> list[Message]:
    lang = lang or _lang(path)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, tab, text = line.partition("\t")
        where = f"{path.name}:{number}"
        if not tab or not text.strip():
            raise TrainingDataError(f"{where}: a label, a tab, then the message")
        try:
            category, kind = parse_label(label.strip())
        except ValueError as error:
            raise TrainingDataError(f"{where}: {error}") from None
        rows.append(Message(lang, category, kind, text.strip(), where))
    return rows


def read_offers(path: Path, lang: str | None = None) -> list[Offer]:
    lang = lang or _lang(path)
    try:
        examples = OfferExamples.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    except yaml.YAMLError as error:
        raise TrainingDataError(f"{path.name}: not YAML ({error})".replace("\n", " ")) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise TrainingDataError(f"{path.name}: {where}: {first['msg']}") from None
    return [Offer(example.id, lang, example.deceptive, example.text,
                  tuple(MarkedFlag(f.flag, f.sentence.strip() if f.sentence else None) for f in example.flags),
                  f"{path.name}: {example.id}") for example in examples.root]  # fmt: skip


def load_messages(folder: Path, pattern: str = "*.tsv") -> list[Message]:
    """Every message of a folder of `<lang>*.tsv` files (content/training/urgency, tests/data/heldout/urgency)."""
    return [row for path in sorted(folder.glob(pattern)) for row in read_messages(path)]


def load_offers(folder: Path, pattern: str = "*.yaml") -> list[Offer]:
    return [offer for path in sorted(folder.glob(pattern)) for offer in read_offers(path)]
