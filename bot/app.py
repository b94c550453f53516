"""Builds the python-telegram-bot HelplineApp: every handler registered here, in one visible order."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import traceback
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import conversation, guard, profile, screens
from bot.clock import Clock, SystemClock
from bot.content.bundle import Content, load_content
from bot.durable import DurableBot, Inbox, ReadableUpdatesRequest, heartbeat_file, read_update, replay_unhandled
from bot.escalation import handlers as escalation
from bot.escalation.dispatcher import Dispatcher
from bot.escalation.service import Escalation
from bot.escalation.triage import Triage
from bot.floodgate import FloodGate
from bot.guidance import handlers as guidance
from bot.i18n.catalogs import I18n
from bot.judgement.model import Judgement, load_judgement
from bot.messaging import remember, stale_button
from bot.offers import handlers as offers
from bot.offers.scan import OfferChecker
from bot.paths import LOCALES_DIR
from bot.privacy import handlers as privacy
from bot.privacy.retention import retention_job
from bot.ratelimit import PerChatRateLimiter
from bot.services import CONTEXT_TYPES, SERVICES, Context, HelplineApp, Services
from bot.settings import OPERATOR_CHAT_MISSING, Settings, SettingsError
from bot.stats.handlers import stats_command
from bot.stats.metrics import METRICS, Metrics, count_update
from bot.storage import Store
from bot.ui import OPERATOR

log = logging.getLogger(__name__)

LADDER_EVERY = dt.timedelta(seconds=30)
# The ladder and the retention run on one replica at a time: the one holding this lease, renewed at every
# run; a dead holder's runs out and the next replica to run a job takes it over.
JOBS_LEASE = dt.timedelta(seconds=75)
REPLICA = "replica"  # bot_data key: this process's name on the lease
# An update a replica wrote down and did not handle this long after is a dead replica's: another adopts it.
ORPHAN_AFTER = dt.timedelta(seconds=10)
ADOPT_EVERY = dt.timedelta(seconds=5)
ADOPTED = "adopted"  # bot_data key: update id → when this replica queued it (queued once a minute at most)
PROFILE = "profile"  # bot_data key of the task that sets the bot's profile


class PerChatProcessor(BaseUpdateProcessor):
    """Many chats at once, but each chat's updates in order: a user's messages reach the operator as sent.

    Slots are plentiful (a waiting update costs a few hundred bytes) so that a chat flooding the bot
    waits on its own lock without taking the slots other chats need.
    """

    def __init__(self, max_concurrent_updates: int = 4096) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        # Set once the store is open. On PostgreSQL its chat lock keeps a chat's updates in order across
        # replicas too, and a second delivery of an update waits there, then finds it handled (the guard).
        self.store: Store | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        try:
            async with lock:
                if self.store is None or not self.store.postgres or not isinstance(update, Update):
                    await coroutine
                else:
                    await self._in_turn(self.store, chat.id, update.update_id, coroutine)
        finally:
            if not lock.locked() and not lock._waiters:
                self._locks.pop(chat.id, None)

    @staticmethod
    async def _in_turn(store: Store, chat_id: int, update_id: int, coroutine: Awaitable[Any]) -> None:
        """On PostgreSQL: under the chat's lock, once no earlier update of the chat waits in another replica.
        One a dead replica left waits for its adoption no longer than ORPHAN_AFTER: then this one goes first."""
        deadline = asyncio.get_running_loop().time() + ORPHAN_AFTER.total_seconds()
        while True:
            async with store.chat_lock(chat_id):
                async with store.read() as tx:
                    waiting = await tx.inbox.earlier(chat_id, update_id)
                late = waiting and asyncio.get_running_loop().time() > deadline
                if late:
                    log.warning("update %s goes before an earlier one of its chat, left unhandled", update_id)
                if not waiting or late:
                    await coroutine
                    return
            await asyncio.sleep(0.02)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class HelplineApplication(HelplineApp):
    """python-telegram-bot's Application, without its memory of every chat and user id it ever saw.

    The Application marks each update's chat and user for its persistence's next save; the sets are emptied
    only by that save, which never comes without a persistence (the bot keeps its state in its own database).
    They grew by some 300 bytes per distinct user, for as long as the process lives.
    """

    def _mark_for_persistence_update(self, *, update: object | None = None, job: Any = None) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


TICKET_COMMANDS = ["claim", "close", "transfer", "note", "say"]
OPERATOR_COMMANDS = [*TICKET_COMMANDS, "queue", "oncall", "offcall", "stats"]


class OperatorButtonHandler(CallbackQueryHandler[Context, None]):
    """A card's button pressed by an operator in their group (callback queries take no filters)."""

    def __init__(self, callback: Any, operator_ids: frozenset[int], group: int) -> None:
        super().__init__(callback, pattern=rf"^{OPERATOR}")
        self.operator_ids = operator_ids
        self.group = group

    def check_update(self, update: object) -> Any:
        query = update.callback_query if isinstance(update, Update) else None
        if query is None or query.from_user.id not in self.operator_ids or query.message is None:
            return None
        return super().check_update(update) if query.message.chat.id == self.group else None


def build_application(settings: Settings, *, clock: Clock | None = None, content: Content | None = None) -> HelplineApp:
    """The whole bot. Tests pass their own clock; the content is loaded (and checked) before anything starts."""
    group = settings.operator_chat_id
    if group is None:  # `helpline run` says so before anything starts; urgent messages would reach nobody
        raise SettingsError(OPERATOR_CHAT_MISSING)
    content = content or load_content(settings.content_dir)
    judgement = load_judgement(settings.content_dir)  # a damaged model stops the start, in one line
    clock = clock or SystemClock()
    bot = DurableBot(
        settings.token(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_base_url.replace("/bot", "/file/bot"),
        request=HTTPXRequest(connection_pool_size=128),
        get_updates_request=ReadableUpdatesRequest(),
        rate_limiter=PerChatRateLimiter(max_retries=3),  # a 429 pauses its own chat, not everyone
        inbox=Inbox(),
        heartbeat=heartbeat_file(settings.database),
    )
    application = (
        ApplicationBuilder()
        .application_class(HelplineApplication)
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerChatProcessor())
        .post_init(lambda app: _post_init(app, settings, content, clock, judgement))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[METRICS] = Metrics()
    register_handlers(application, settings, group)
    return application


def register_handlers(application: HelplineApp, settings: Settings, group: int) -> None:
    """Every handler, in one place. Groups run in order; within a group the first match wins.

    -2  metrics: every update is counted, whatever happens to it next.
    -1  guard: replayed updates and floods stop here, before anything answers.
     0  operators first (their commands would otherwise read as a user's words), told apart here, at
        registration, by their user ids and the place (their group, or their private chat); beneath
        them one refusal per kind for everybody else (audited, told without spending the group's
        budget); then the users' commands, buttons by prefix, and last the private-message router.
    99  after: the update is recorded as handled, so a replay after a crash is skipped.
    """
    in_group = filters.Chat(group)
    operator_place = in_group | filters.ChatType.PRIVATE
    by_operator = filters.User(settings.operator_ids) & operator_place
    private = filters.ChatType.PRIVATE
    talk = ~filters.COMMAND & ~filters.StatusUpdate.ALL
    handlers: list[Any] = [
        CommandHandler(TICKET_COMMANDS, escalation.operator_command, by_operator),
        CommandHandler("queue", escalation.queue, by_operator),
        CommandHandler(["oncall", "offcall"], escalation.on_call, by_operator),
        CommandHandler("stats", stats_command, by_operator),
        CommandHandler(OPERATOR_COMMANDS, escalation.refuse_command, operator_place),  # anyone else
        MessageHandler(in_group & filters.User(settings.operator_ids) & talk, escalation.group_message),
        MessageHandler(in_group & talk, escalation.stranger_message),
        OperatorButtonHandler(escalation.operator_button, settings.operator_ids, group),
        CallbackQueryHandler(escalation.refuse_button, pattern=rf"^{OPERATOR}"),  # anyone else
        CommandHandler("start", guidance.start, private),
        CommandHandler("language", guidance.language, private),
        CommandHandler("help", escalation.talk, private),
        CommandHandler("check", offers.check_command, private),
        CommandHandler("hide", privacy.hide, private),
        CommandHandler("forget", privacy.forget, private),
        CommandHandler("silent", privacy.silent, private),
        CallbackQueryHandler(guidance.menu_button, pattern=r"^(m|lp|l:.+|s:.+)$"),
        CallbackQueryHandler(escalation.talk, pattern=r"^talk$"),
        CallbackQueryHandler(escalation.country_button, pattern=r"^c:[A-Z]{2}$"),
        CallbackQueryHandler(privacy.hide, pattern=r"^hide$"),
        CallbackQueryHandler(privacy.forget_button, pattern=r"^f:(yes|no)$"),
        CallbackQueryHandler(offers.button, pattern=r"^o:"),
        CallbackQueryHandler(escalation.confirm_button, pattern=r"^cf:"),
        CallbackQueryHandler(stale_button),
        MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, conversation.private_message),
        MessageHandler(private & filters.COMMAND, conversation.private_message),
    ]
    application.add_handler(TypeHandler(Update, count_update, block=False), group=-2)
    application.add_handler(TypeHandler(Update, guard.before), group=-1)
    application.add_handlers(handlers, group=0)
    application.add_handler(TypeHandler(Update, guard.after), group=99)
    application.add_error_handler(on_error)


async def _post_init(application: HelplineApp, settings: Settings, content: Content, clock: Clock,
                     judgement: Judgement | None) -> None:
    store = Store(settings.store_target(), clock)
    await store.open()
    if isinstance(application.bot, DurableBot):
        application.bot.inbox.store = store
    if isinstance(application.update_processor, PerChatProcessor):
        application.update_processor.store = store
    i18n = I18n(content.languages, LOCALES_DIR)
    triage = Triage(content.triage, judgement)
    esc = Escalation(store, content, i18n, settings, clock)
    labels = {key: category.label for key, category in content.triage.categories.items()}
    dispatcher = Dispatcher(application.bot, store, content, esc.group, labels)
    application.bot_data[SERVICES] = Services(
        settings=settings, content=content, i18n=i18n, store=store, clock=clock, triage=triage,
        flood=FloodGate(settings.user_messages_per_minute), escalation=esc, dispatcher=dispatcher,
        offers=OfferChecker(content.offers, judgement),
    )  # fmt: skip
    dispatcher.start()
    await replay_unhandled(application, store)
    jobs = application.job_queue
    if jobs is not None:
        application.bot_data[REPLICA] = uuid.uuid4().hex
        jobs.run_repeating(leading(escalation.ladder_job), interval=LADDER_EVERY, first=1, name="ladder")
        jobs.run_repeating(leading(retention_job), interval=dt.timedelta(hours=1), first=5, name="retention")
        if store.postgres:
            jobs.run_repeating(adopt_orphans, interval=ADOPT_EVERY, first=ADOPT_EVERY, name="adopt")
    # The bot's name, descriptions and commands: in the background, never holding up the start.
    application.bot_data[PROFILE] = profile.start(settings, content, i18n)


def leading(job: Callable[[Context], Coroutine[Any, Any, None]]) -> Callable[[Context], Coroutine[Any, Any, None]]:
    """The job, run only while this replica holds the jobs' lease."""

    async def run(context: Context) -> None:
        async with context.svc.store.autocommit() as tx:
            leader = await tx.leases.take("jobs", context.application.bot_data[REPLICA], tx.now + JOBS_LEASE)
        if leader:
            await job(context)

    run.__name__ = getattr(job, "__name__", "job")
    return run


async def adopt_orphans(context: Context) -> None:
    """On PostgreSQL: handle what a replica that died wrote to the inbox and never handled. Should its holder
    be alive after all, only slow, the chat's lock and the guard's check make it handled once all the same."""
    store = context.svc.store
    async with store.read() as tx:
        orphans = await tx.inbox.unhandled(received_before=tx.now - ORPHAN_AFTER)
        now = tx.now
    adopted: dict[int, dt.datetime] = context.application.bot_data.setdefault(ADOPTED, {})
    for key in [k for k, when in adopted.items() if now - when > dt.timedelta(minutes=1)]:
        del adopted[key]
    queued = 0
    for data in orphans:
        if data.get("update_id") in adopted:
            continue
        _, update = read_update(data, context.bot)
        adopted[update.update_id] = now
        await context.application.update_queue.put(update)
        queued += 1
    if queued:
        log.warning("adopted %s updates another replica left unhandled", queued)


async def _post_stop(application: HelplineApp) -> None:
    """After the handlers are done and before the bot's connections close: the background work stops,
    each part within a deadline, so that a stop never hangs on a request that does not return."""
    task = application.bot_data.pop(PROFILE, None)
    if isinstance(task, asyncio.Task):
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    svc = application.bot_data.get(SERVICES)
    if isinstance(svc, Services):
        await svc.dispatcher.stop()


async def _post_shutdown(application: HelplineApp) -> None:
    await _post_stop(application)  # again, in case the application was never started (no-op otherwise)
    svc = application.bot_data.get(SERVICES)
    if isinstance(svc, Services):
        await svc.store.close()


def _stale_query(error: BaseException | None) -> bool:
    text = str(error).lower() if isinstance(error, BadRequest) else ""
    return "query is too old" in text or "query id is invalid" in text


async def on_error(update: object, context: Context) -> None:
    """Log a trace id and the kind of update, never its text; tell the user sorry, with the main menu."""
    trace = uuid.uuid4().hex[:12]
    kind = next((name for name in ("message", "edited_message", "callback_query", "channel_post", "my_chat_member")
                 if isinstance(update, Update) and getattr(update, name, None)), type(update).__name__)  # fmt: skip
    error = context.error
    if isinstance(update, Update) and update.callback_query is not None and _stale_query(error):
        # A press handled just before a restart is handled again, and Telegram refuses a second answer.
        log.info("update %s: a button press answered before (replayed after a restart)", update.update_id)
        return
    frames = traceback.extract_tb(error.__traceback__) if error else []
    where = ", ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in frames[-4:])
    log.error("trace %s: %s while handling %s at %s", trace, type(error).__name__, kind, where)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_chat.type != "private":
        return
    try:
        svc = context.svc
        async with svc.store.read() as tx:
            user = await tx.users.get(update.effective_chat.id)
        sorry = screens.apology(svc.content, svc.translator(user.lang if user else None))
        sent = await context.bot.send_message(update.effective_chat.id, sorry.text, reply_markup=sorry.markup())
        await remember(svc, update.effective_chat.id, sent.message_id)  # "Hide this chat" must find it too
    except Exception as apology_error:  # the apology must never raise in its turn
        log.error("trace %s: could not apologise (%s)", trace, type(apology_error).__name__)
