"""Settings from HELPLINE_* environment variables or a .env file: the only reader of the environment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.paths import CONTENT_DIR

ENV_PREFIX = "HELPLINE_"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


OPERATOR_CHAT_MISSING = f"{ENV_PREFIX}OPERATOR_CHAT_ID is not set: urgent messages would reach nobody"


def _split_ints(value: object) -> object:
    # Environment variables hold "1, 2,3"; Python callers may pass a list already.
    if isinstance(value, str):
        return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    database: Path = Path("helpline.db")
    # The store: postgresql://user:password@host/db (PostgreSQL, for several replicas), sqlite:///path or a
    # path (SQLite). Unset: `database`, a SQLite file, the default.
    database_url: str | None = None
    operator_chat_id: int | None = None
    operator_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    content_dir: Path = CONTENT_DIR
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")

    webhook_secret: SecretStr | None = Field(default=None)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)

    # The escalation ladder: minutes after which an unclaimed ticket is announced again, then to everyone.
    unclaimed_minutes: Annotated[tuple[int, ...], NoDecode] = (2, 5, 10)
    # A claimed ticket with no operator answer for this long goes back to the queue.
    claimed_silence_minutes: int = Field(default=15, ge=1)
    retention_days: int = Field(default=30, ge=1)
    # "Are you in danger right now?" left unanswered this long opens an unconfirmed urgent ticket.
    confirm_minutes: int = Field(default=3, ge=1)
    # Operators' labels may leave the bot as training rows (`helpline export-labels`); off unless the NGO says so.
    export_labels: bool = False
    user_messages_per_minute: int = Field(default=20, ge=1)
    timezone: str = "Asia/Almaty"

    log_format: Literal["plain", "json"] = "plain"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    _split_operator_ids = field_validator("operator_ids", "unclaimed_minutes", mode="before")(_split_ints)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        from bot.dburl import StoreError, database_target

        if value is not None and value.strip():
            try:
                database_target(value)
            except StoreError as error:
                raise ValueError(str(error)) from None
            return value.strip()
        return None

    def store_target(self) -> Path | str:
        """What `bot.storage.Store` opens: HELPLINE_DATABASE_URL when set, else the file HELPLINE_DATABASE."""
        return self.database_url or self.database

    @field_validator("unclaimed_minutes")
    @classmethod
    def _ascending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or list(value) != sorted(set(value)) or value[0] < 1:
            raise ValueError("must be ascending whole minutes, e.g. 2,5,10")
        return value

    def token(self) -> str:
        """The bot token, for the one place that needs it; raises SettingsError when it is missing."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(f"{ENV_PREFIX}BOT_TOKEN is not set: the bot needs the token from @BotFather")
        return self.bot_token.get_secret_value().strip()


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + "_".join(str(part) for part in first["loc"][:1]).upper()
        # Never echo the input: it may be a secret.
        raise SettingsError(f"{name}: {first['msg']}") from None
