"""The house has one direction: nothing in a lower floor imports a higher one, and no module imports itself
back through others. Read from the source with ast, so a new upward import fails here, not in review.

Imports under `if TYPE_CHECKING:` are annotations only (they never run) and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"

# Lowest first. A module is on the floor of the longest prefix that names it (bot.escalation.handlers is a
# handler; the rest of bot.escalation, its service and screens included, is a feature). Keep in step with
# ARCHITECTURE.md.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("bot", "bot.paths", "bot.clock", "bot.settings", "bot.dburl", "bot.yamlfile", "bot.logs", "bot.common",
              "bot.text", "bot.ui", "bot.floodgate", "bot.ratelimit", "bot.i18n.languages", "bot.i18n.transliterate",
              "bot.stats.metrics", "bot.stats.report", "bot.leaflets.links", "bot.standin.models",
              "bot.standin.balancer", "bot.standin.server")),
    ("content", ("bot.content", "bot.i18n", "bot.judgement")),  # the trained model ships with the content
    ("storage", ("bot.storage",)),
    ("shared screens", ("bot.screens",)),
    ("features", ("bot.escalation", "bot.offers", "bot.privacy", "bot.guidance", "bot.stats", "bot.leaflets",
                  "bot.standin", "bot.labels")),
    ("wiring", ("bot.services", "bot.messaging", "bot.durable", "bot.profile")),
    ("handlers", ("bot.escalation.handlers", "bot.guidance.handlers", "bot.offers.handlers", "bot.privacy.handlers",
                  "bot.privacy.retention", "bot.stats.handlers", "bot.guard")),
    ("app", ("bot.conversation", "bot.app", "bot.runner", "bot.cli", "bot.__main__", "bot.leaflets.cli",
             "bot.stats.cli", "bot.standin.terminal", "bot.labels.cli", "bot.judgement.train")),
]

# Features that must not reach into each other even on one floor: the urgent path stays on its own. And a
# feature's screens are pure: they never call its service (the service uses them).
FEATURES = ("escalation", "offers", "privacy", "guidance", "stats")
FORBIDDEN = [("bot.escalation", "bot.guidance"), ("bot.escalation", "bot.privacy"),
             *((f"bot.{feature}.screens", f"bot.{feature}.service") for feature in FEATURES)]  # fmt: skip


def modules() -> dict[str, Path]:
    found = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The bot's modules that `name` imports when it runs (a `from bot.x import y` of a module y counts y)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit_else(child)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in child.names)
            visit(child)

    def visit_else(node: ast.If) -> None:
        for child in node.orelse:
            visit(ast.Module(body=[child], type_ignores=[]))

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {module for module in found if module in known and module != name}


def floor(name: str) -> int:
    best, level = -1, -1
    for index, (_, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            # "bot" (the package) is on the lowest floor by itself, not everything under it.
            inside = prefix != "bot" and name.startswith(prefix + ".")
            if (name == prefix or inside) and len(prefix) > best:
                best, level = len(prefix), index
    return level


KNOWN = modules()
GRAPH = {name: imports(name, path, KNOWN) for name, path in KNOWN.items()}


def test_every_module_has_a_floor() -> None:
    assert [name for name in KNOWN if floor(name) < 0] == []


def test_no_upward_import() -> None:
    upward = [f"{name} ({FLOORS[floor(name)][0]}) imports {target} ({FLOORS[floor(target)][0]})"
              for name, targets in GRAPH.items() for target in sorted(targets) if floor(target) > floor(name)]
    assert upward == []


@pytest.mark.parametrize(("low", "high"), FORBIDDEN)
def test_features_kept_apart(low: str, high: str) -> None:
    crossing = [f"{name} imports {target}" for name, targets in GRAPH.items() for target in targets
                if (name == low or name.startswith(low + ".")) and (target == high or target.startswith(high + "."))]
    assert crossing == []


def test_no_cycle() -> None:
    seen: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles: list[list[str]] = []

    def walk(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(GRAPH[name]):
            if seen.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in seen:
                walk(target, [*path, target])
        seen[name] = 2

    for name in sorted(GRAPH):
        if name not in seen:
            walk(name, [name])
    assert cycles == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The test itself can fail: storage importing a handler is caught."""
    fake = tmp_path / "bot" / "storage"
    fake.mkdir(parents=True)
    (fake / "users.py").write_text("from bot.escalation.handlers import talk\n", encoding="utf-8")
    known = {**KNOWN, "bot.storage.users": fake / "users.py"}
    found = imports("bot.storage.users", fake / "users.py", known)
    assert found == {"bot.escalation.handlers"} and floor("bot.escalation.handlers") > floor("bot.storage.users")
