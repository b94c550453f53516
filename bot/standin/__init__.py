"""A local Telegram Bot API stand-in: the real bot runs against it while tests play users and operators."""

from bot.standin.models import ApiCall, ApiError, buttons, find_button
from bot.standin.server import StandIn

__all__ = ["ApiCall", "ApiError", "StandIn", "buttons", "find_button"]
