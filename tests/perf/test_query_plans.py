"""Every statement an ordinary update and an urgent message run is read through an index: traced from a
real run of the bot, then explained with EXPLAIN QUERY PLAN. A full scan of a table that grows with users,
tickets or updates fails; a grown database would pay it on every update."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from support.harness import GROUP_ID, OPERATORS, Person, RunningBot

from bot.standin.server import StandIn

# Tables that stay small whatever happens: a scan of them costs nothing.
SMALL = {"operators", "start_counts", "events", "sqlite_master", "sqlite_schema"}
NAME = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.IGNORECASE)
URGENT = "Помогите, у меня забрали паспорт и не выпускают с работы"
KEYWORDS = {"where", "on", "set", "join", "group", "order", "limit", "values", "select", "union", "left", "inner"}


def cards(standin: StandIn) -> list[dict[str, Any]]:
    return [m for m in standin.bot_messages(GROUP_ID) if "ticket #" in (m.get("text") or "")]


def full_scans(connection: sqlite3.Connection, statement: str) -> list[str]:
    """The large tables this statement reads from end to end (by name, aliases resolved)."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    aliases = {}
    for table, alias in NAME.findall(statement):
        if table in tables:
            aliases[table] = table
            if alias and alias.lower() not in KEYWORDS:
                aliases[alias] = table
    scans = []
    for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}"):
        detail = row[3]
        found = re.fullmatch(r"SCAN (\w+)", detail)  # "SCAN x USING INDEX ..." walks an index: allowed
        if found and aliases.get(found.group(1), "") and aliases[found.group(1)] not in SMALL:
            scans.append(f"{detail} ({aliases[found.group(1)]})")
    return scans


def explainable(statement: str) -> bool:
    head = statement.lstrip().split(maxsplit=1)[0].upper() if statement.strip() else ""
    return head in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"}


async def test_the_hot_path_reads_through_indexes(standin: StandIn, bot: RunningBot, database: Path) -> None:
    statements: list[str] = []
    await bot.services.store.conn.set_trace_callback(statements.append)  # expanded: values in place
    person = Person(standin, 2001)
    await person.start("ru")  # a /start
    await person.tap("Перед отъездом")  # a menu button
    await person.send("как дела у вас")  # a free text
    await person.send(URGENT)  # an urgent message, to its card in the group
    await standin.wait_until(lambda: len(cards(standin)) == 1, timeout=5)
    thread = cards(standin)[0]["message_thread_id"]
    await standin.group_sends(GROUP_ID, OPERATORS[0], "Здравствуйте", thread_id=thread)  # the operator answers
    await standin.wait_until(lambda: any(m.get("text") == "Здравствуйте" for m in standin.bot_messages(2001)))
    await standin.user_sends(2001, "спасибо")  # the user answers inside the ticket: relayed to the topic
    await standin.wait_until(lambda: any(m.get("text") == "спасибо" for m in standin.chat_messages(GROUP_ID)))
    await standin.wait_idle(timeout=5, settle=0.3)
    await bot.services.store.conn.set_trace_callback(None)
    assert len(statements) > 20, "the trace saw the statements"

    connection = sqlite3.connect(database)
    try:
        problems = {}
        for statement in dict.fromkeys(s for s in statements if explainable(s)):
            scans = full_scans(connection, statement)
            if scans:
                problems[statement[:160]] = scans
    finally:
        connection.close()
    assert not problems, "full table scans on the hot path:\n" + "\n".join(f"{s}: {p}" for s, p in problems.items())


def test_the_checker_sees_a_full_scan(tmp_path: Path) -> None:
    """The check above can fail: a lookup by an unindexed column is reported."""
    connection = sqlite3.connect(tmp_path / "t.db")
    connection.execute("CREATE TABLE tickets (id INTEGER PRIMARY KEY, thread_id INTEGER)")
    assert full_scans(connection, "SELECT t.* FROM tickets t WHERE t.thread_id = 5") == ["SCAN t (tickets)"]
    connection.execute("CREATE INDEX by_thread ON tickets (thread_id)")
    assert full_scans(connection, "SELECT t.* FROM tickets t WHERE t.thread_id = 5") == []
