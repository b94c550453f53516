"""Which database a setting names: a SQLite file (a path, or sqlite:///…) or a PostgreSQL server (postgresql://…).

Light on purpose: the settings check the URL with it before anything else is loaded.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit


class StoreError(Exception):
    """The database cannot be used: a bad URL, an unreachable server, a schema newer than the code. One line,
    never a password."""


def database_target(target: Path | str) -> Path | str:
    """A path for SQLite, or a PostgreSQL URL. `sqlite:///relative.db`, `sqlite:////abs.db` and plain paths
    are SQLite; `postgresql://` and `postgres://` are PostgreSQL; any other scheme is refused."""
    if isinstance(target, Path):
        return target
    text = target.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if not scheme:
        return Path(text)
    if scheme == "sqlite":
        rest = text.split("://", 1)[1]
        if not rest.startswith("/") or rest == "/":
            raise StoreError("a SQLite URL is sqlite:///path/to/file.db")
        return Path(rest[1:])
    if scheme in {"postgresql", "postgres"}:
        return text
    raise StoreError(f"unsupported database scheme {scheme!r}: use postgresql://… or sqlite:///… (or a path)")


def describe(target: Path | str) -> str:
    """Where the data is, for a message: the path, or the server and database without user or password."""
    if isinstance(target, Path):
        return str(target)
    parts = urlsplit(target)
    host = parts.hostname or "localhost (Unix socket)"
    port = f":{parts.port}" if parts.port else ""
    return f"PostgreSQL at {host}{port}{parts.path or ''}"
