"""The one owner of the database (SQLite, or PostgreSQL): every query of the bot lives in this package."""

from bot.storage.database import Store, Tx
from bot.storage.url import StoreError

__all__ = ["Store", "StoreError", "Tx"]
