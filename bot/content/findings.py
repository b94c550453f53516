"""Findings a content model reports about itself, before the loader turns paths into lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.yamlfile import PathKey


@dataclass(frozen=True)
class Finding:
    path: PathKey
    message: str
    lang: str | None = None
    severity: Literal["error", "warning"] = "error"
