"""compose.yaml: the webhook block, uncommented as its comment says, gives a valid service (one
`environment:`); the leaflet one-off runs as the caller, who owns the folder it writes into."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "compose.yaml"
WEBHOOK_LINES = r"HELPLINE_WEBHOOK_LISTEN|HELPLINE_HEALTH_URL|command:|ports:|  - \"127\.0\.0\.1:8080|environment:"


class NoDuplicateKeys(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key) for key, _ in node.value]
        assert len(keys) == len(set(keys)), f"a key twice: {keys}"
        return super().construct_mapping(node, deep)


def test_the_webhook_block_uncommented_is_valid() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    uncommented = re.sub(rf"^(\s*)# ({WEBHOOK_LINES})", r"\1\2", text, flags=re.MULTILINE)
    assert uncommented != text
    bot = yaml.load(uncommented, NoDuplicateKeys)["services"]["bot"]  # noqa: S506 - a SafeLoader
    assert bot["environment"]["HELPLINE_DATABASE"] == "/data/helpline.db"
    assert bot["environment"]["HELPLINE_WEBHOOK_LISTEN"] == "0.0.0.0"  # noqa: S104
    assert bot["command"][:2] == ["run", "--webhook"] and bot["ports"]


def test_the_leaflet_one_off_runs_as_the_caller() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    one_off = text[text.index("docker compose run --rm --user"):].split("\n#     ")[1]
    assert '--user "$(id -u):$(id -g)"' in text and one_off.startswith("bot leaflet")
