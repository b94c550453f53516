"""Leases: which process does a job that only one may do at a time (the ladder, the retention), for a while.

A holder renews its lease by taking it again before it runs out; when the holder dies, it runs out and the
next process to ask takes it over. On SQLite, with one process, the lease is always its own.
"""

from __future__ import annotations

import datetime as dt

from bot.storage.base import Repo, iso


class LeaseRepo(Repo):
    async def take(self, name: str, holder: str, until: dt.datetime) -> bool:
        """Hold (or go on holding) the lease until the moment; False while another holder's runs."""
        return bool(await self.run(
            "INSERT INTO leases (name, holder, until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = "
            "excluded.holder, until = excluded.until WHERE leases.holder = excluded.holder OR leases.until < ?",
            (name, holder, iso(until), self.stamp),
        ))  # fmt: skip
