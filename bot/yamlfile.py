"""Safe YAML loading that remembers the line of every value, so problems can name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it (the wheels are): the content loads at every start-up
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    """A YAML file cannot be read; the message names the file and line."""

    def __init__(self, message: str, reason: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message  # the message without the file and line
        self.line = line


class LineMap:
    """Maps a path inside a YAML document (keys and list indexes) to its 1-based line."""

    def __init__(self, lines: dict[PathKey, int]) -> None:
        self._lines = lines

    def line(self, path: PathKey) -> int | None:
        # A path pydantic reports may go deeper than the YAML (a missing key): use the nearest ancestor.
        for end in range(len(path), -1, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _walk(node: yaml.Node, path: PathKey, lines: dict[PathKey, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Load one YAML file with the safe loader only, and the line of every value in it."""
    try:
        text = path.read_text(encoding="utf-8")
        loader = _Loader(text)
        try:  # parsed once: the nodes give the lines, and the same safe constructor builds the data from them
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as error:
        raise YamlError(f"{path}: cannot read: {error}", f"cannot read: {error}") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 0
        reason = f"not valid YAML: {error.problem}" + (f" ({error.context})" if error.context else "")
        raise YamlError(f"{path}:{line}: {reason}", reason, line or None) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, LineMap(lines)
