"""The one owner of the SQLite database: every query of the bot lives in this package."""

from bot.storage.database import Store, Tx

__all__ = ["Store", "Tx"]
