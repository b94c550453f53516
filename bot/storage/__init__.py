"""The one owner of the database (SQLite, or PostgreSQL): every query of the bot lives in this package."""

from bot.dburl import StoreError
from bot.storage.database import Store, Tx

__all__ = ["Store", "StoreError", "Tx"]
