"""The services every handler shares, kept in the Application's bot_data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from bot.clock import Clock
from bot.content.bundle import Content
from bot.i18n.catalogs import I18n, Translator
from bot.settings import Settings
from bot.storage import Store

if TYPE_CHECKING:
    from bot.escalation.dispatcher import Dispatcher
    from bot.escalation.service import Escalation
    from bot.escalation.triage import Triage
    from bot.guard import FloodGate
    from bot.offers.scan import OfferChecker

SERVICES = "services"


@dataclass
class Services:
    settings: Settings
    content: Content
    i18n: I18n
    store: Store
    clock: Clock
    triage: Triage
    flood: FloodGate
    escalation: Escalation
    dispatcher: Dispatcher
    offers: OfferChecker

    def translators(self) -> list[Translator]:
        return [self.i18n[code] for code in self.content.languages.codes]

    def default_translator(self) -> Translator:
        return self.i18n[self.content.languages.codes[0]]


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]


def services(context: Context) -> Services:
    found = context.bot_data[SERVICES]
    assert isinstance(found, Services)  # noqa: S101 - set once in post_init
    return found
