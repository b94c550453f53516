"""JSON Schemas of the content files, so editors get completion and validation as they type.

Each YAML file names its schema on its first line (the YAML language server reads it):
    # yaml-language-server: $schema=schema/guidance.schema.json
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.content.bundle import content_files


def schemas() -> dict[str, dict[str, object]]:
    from bot.judgement.data import OfferExamples

    files = content_files() | {"training-offers.yaml": OfferExamples}  # content/training/offers/*.yaml
    return {file: model.model_json_schema() for file, model in files.items()}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file, schema in schemas().items():
        path = folder / (Path(file).name.removesuffix(".yaml") + ".schema.json")
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
