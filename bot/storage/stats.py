"""Anonymous counts: starts per leaflet source, checks and their results. Never linked to a user."""

from __future__ import annotations

import datetime as dt

from bot.storage.base import Repo, iso


class StatsRepo(Repo):
    async def count_start(self, source: str, lang: str) -> None:
        await self.run(
            "INSERT INTO start_counts (day, source, lang, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (day, source, lang) DO UPDATE SET count = start_counts.count + 1",
            (self.now.date().isoformat(), source, lang),
        )

    async def count_event(self, name: str, lang: str, value: str) -> None:
        await self.run(
            "INSERT INTO events (day, name, lang, value, count) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT (day, name, lang, value) DO UPDATE SET count = events.count + 1",
            (self.now.date().isoformat(), name, lang, value),
        )

    async def starts(self, since: dt.date) -> list[tuple[str, str, str, int]]:
        rows = await self.all(
            "SELECT day, source, lang, count FROM start_counts WHERE day >= ? ORDER BY day, source, lang",
            (since.isoformat(),),
        )
        return [(row["day"], row["source"], row["lang"], row["count"]) for row in rows]

    async def events(self, since: dt.date) -> list[tuple[str, str, str, int]]:
        rows = await self.all(
            "SELECT name, lang, value, SUM(count) AS total FROM events WHERE day >= ? "
            "GROUP BY name, lang, value ORDER BY name, lang, value",
            (since.isoformat(),),
        )
        return [(row["name"], row["lang"], row["value"], row["total"]) for row in rows]

    async def ticket_timings(self, since: dt.date) -> list[tuple[str | None, str, str | None, str | None]]:
        """(category, created, claimed, first answer) of each ticket since the day."""
        rows = await self.all(
            "SELECT category, created_at, claimed_at, first_answer_at FROM tickets WHERE created_at >= ?",
            (iso(dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)),),
        )
        return [(r["category"], r["created_at"], r["claimed_at"], r["first_answer_at"]) for r in rows]

    async def labels(self, since: dt.date) -> list[tuple[str, str, int]]:
        """(language, operator's label, tickets) of tickets opened since the day and marked on closing."""
        rows = await self.all(
            "SELECT lang, label, COUNT(*) AS n FROM tickets WHERE label IS NOT NULL AND created_at >= ? "
            "GROUP BY lang, label ORDER BY lang, label",
            (iso(dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)),),
        )
        return [(row["lang"], row["label"], row["n"]) for row in rows]

    async def confirm_answers(self, since: dt.date) -> list[tuple[str, str, int]]:
        """(language, answer, questions) of "are you in danger right now?" asked since the day and answered."""
        rows = await self.all(
            "SELECT lang, answer, COUNT(*) AS n FROM confirms WHERE answer IS NOT NULL AND asked_at >= ? "
            "GROUP BY lang, answer ORDER BY lang, answer",
            (iso(dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)),),
        )
        return [(row["lang"], row["answer"], row["n"]) for row in rows]
