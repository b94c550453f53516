"""The services every handler shares, kept in the Application's bot_data, and the typed context that
hands them to the handlers (python-telegram-bot's ContextTypes)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.clock import Clock
from bot.content.bundle import Content
from bot.durable import DurableBot
from bot.i18n.catalogs import I18n, Translator
from bot.settings import Settings
from bot.storage import Store

if TYPE_CHECKING:
    from bot.escalation.dispatcher import Dispatcher
    from bot.escalation.service import Escalation
    from bot.escalation.triage import Triage, TriageResult
    from bot.floodgate import FloodGate
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

    def translator(self, lang: str | None) -> Translator:
        """The user's language, or the first one while they have not chosen (or chose one since removed)."""
        return self.i18n.get(lang) or self.default_translator()


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """What every handler and job is given: python-telegram-bot's context, with the services at hand.

    python-telegram-bot makes one context per update and hands the same one to every handler group, so what
    the guard learns about an update is still there for the conversation.
    """

    _verdict: tuple[str, TriageResult] | None = None

    @property
    def svc(self) -> Services:
        found = self.bot_data[SERVICES]
        assert isinstance(found, Services)  # noqa: S101 - set once in post_init, before any update
        return found

    def classify(self, text: str, lang_hint: str | None = None) -> TriageResult:
        """`Triage.classify` of this update's text, run once however many handlers ask (the guard during a
        flood, then the conversation). The hint only fills in a language the text does not show, so it is
        applied to the one result rather than classifying again."""
        if self._verdict is None or self._verdict[0] != text:
            self._verdict = (text, self.svc.triage.classify(text))
        verdict = self._verdict[1]
        return verdict if verdict.lang or not lang_hint else dataclasses.replace(verdict, lang=lang_hint)


CONTEXT_TYPES = ContextTypes(context=Context)
# The bot is the DurableBot (bot.durable); python-telegram-bot's builder types the job queue with its default context.
HelplineApp = Application[DurableBot, Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[Any]]
