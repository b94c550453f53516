"""Looking into a real SQLite file for traces of a person."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def rows_holding(database: Path, needles: list[str | int]) -> list[tuple[str, str, object]]:
    """Every (table, column, value) of the file where a needle appears: equal to it, or inside a text."""
    found = []
    with sqlite3.connect(database) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from sqlite_master
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    for needle in needles:
                        if value == needle or (isinstance(value, str | bytes) and str(needle) in str(value)):
                            found.append((table, column, value))
    return found
