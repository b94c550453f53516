"""The Telegram stand-in, driven by the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.standin import ApiError, StandIn, buttons, find_button
from bot.standin.models import inline_markup

TOKEN = "123456:TEST"
USER = 42
GROUP = -1001234567890
OPERATOR = 7


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn() as server:
        server.add_user(USER, "Aida", language_code="kk")
        yield server


@pytest.fixture
async def bot(standin: StandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.base_url) as client:
        yield client


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"Button {d}", callback_data=d)] for d in data])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"echo: {update.message.text}", reply_markup=keyboard("yes", "no"))


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"you chose {query.data}")


def build_app(standin: StandIn) -> Application:
    app = ApplicationBuilder().token(TOKEN).base_url(standin.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(on_press))
    return app


async def run_app(app: Application) -> None:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=5)


async def stop_app(app: Application) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def test_real_application_echoes_and_handles_button_presses(standin: StandIn) -> None:
    app = build_app(standin)
    await run_app(app)
    try:
        await standin.user_sends(USER, "hello")
        reply = await standin.wait_for_bot_message(USER)
        assert reply["text"] == "echo: hello"
        assert buttons(reply) == [("Button yes", "yes"), ("Button no", "no")]

        query_id = await standin.press(USER, reply["message_id"], find_button(reply, "no")[1])
        edited = await standin.wait_for_bot_message(USER)
        assert edited["message_id"] == reply["message_id"]
        assert edited["text"] == "you chose no"
        assert "reply_markup" not in edited  # an edit without reply_markup drops the keyboard, as in Telegram
        assert standin.callback_answer(query_id) == {"text": "got no"}
        await standin.wait_idle()
    finally:
        await stop_app(app)
    assert standin.pending_updates() == 0  # PTB's last getUpdates on stop confirmed everything
    assert [c.method for c in standin.calls[:2]] == ["getMe", "deleteWebhook"]


async def test_unconfirmed_update_is_delivered_again_after_a_crash(standin: StandIn, bot: Bot) -> None:
    await standin.user_sends(USER, "are you there?")
    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)  # no offset: nothing confirmed, as when a bot crashes
    assert [u.update_id for u in first] == [u.update_id for u in again]
    assert standin.pending_updates() == 1

    app = build_app(standin)  # the "restarted" bot gets the same update
    await run_app(app)
    try:
        reply = await standin.wait_for_bot_message(USER, after_message_id=0)
        assert reply["text"] == "echo: are you there?"
    finally:
        await stop_app(app)
    assert standin.pending_updates() == 0


async def test_offsets_confirm_updates_and_long_poll_returns_early(standin: StandIn, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        await standin.user_sends(USER, text)
    updates = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in updates if u.message] == ["one", "two"]
    rest = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert standin.pending_updates() == 1
    await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)
    assert standin.pending_updates() == 0

    async def send_later() -> None:
        await asyncio.sleep(0.1)
        await standin.user_sends(USER, "late")

    started = time.monotonic()
    sender = asyncio.create_task(send_later())
    polled = await bot.get_updates(timeout=5)
    await sender
    assert [u.message.text for u in polled if u.message] == ["late"]
    assert time.monotonic() - started < 2


async def test_send_message_validation(standin: StandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "line<br>break", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(USER, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "hi", reply_to_message_id=500)
    sent = await bot.send_message(USER, "x" * 4096)
    assert len(sent.text or "") == 4096
    html = await bot.send_message(USER, "<b>Help</b> &amp; advice", parse_mode=ParseMode.HTML)
    assert html.text == "Help & advice"  # Telegram stores the visible text
    assert [c.error for c in standin.calls_to("sendMessage")][:3] == [
        "Bad Request: message text is empty",
        "Bad Request: message is too long",
        "Bad Request: chat not found",
    ]


async def test_callback_data_over_64_bytes_is_refused(standin: StandIn, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "pick", reply_markup=keyboard("ж" * 33))  # 66 bytes in UTF-8
    sent = await bot.send_message(USER, "pick", reply_markup=keyboard("d" * 64))
    assert buttons(standin.chat_messages(USER)[-1]) == [("Button " + "d" * 64, "d" * 64)]
    assert sent.reply_markup is not None


@given(st.text(min_size=1, max_size=80))
def test_callback_data_limit_is_in_bytes(data: str) -> None:
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}
    if len(data.encode()) <= 64:
        assert inline_markup(markup) == markup
    else:
        with pytest.raises(ApiError, match=r"(?i)BUTTON_DATA_INVALID"):
            inline_markup(markup)


async def test_edits_that_change_nothing_are_refused(standin: StandIn, bot: Bot) -> None:
    sent = await bot.send_message(USER, "status: open", reply_markup=keyboard("close"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("status: open", USER, sent.message_id, reply_markup=keyboard("close"))
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("reopen"))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=keyboard("reopen"))
    assert buttons(standin.last_bot_message(USER) or {}) == [("Button reopen", "reopen")]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("gone", USER, 999)


async def test_delete_messages_removes_both_sides_of_a_private_chat(standin: StandIn, bot: Bot) -> None:
    from_user = await standin.user_sends(USER, "my passport was taken")
    from_bot = await bot.send_message(USER, "we hear you")
    kept = await bot.send_message(USER, "kept")
    assert await bot.delete_messages(USER, [from_user["message_id"], from_bot.message_id, 999])
    assert [m["text"] for m in standin.chat_messages(USER)] == ["kept"]
    assert len(standin.chat_messages(USER, include_deleted=True)) == 3
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, from_bot.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message identifiers are not specified"):
        await bot.delete_messages(USER, [])
    assert await bot.delete_message(USER, kept.message_id)


async def test_copy_message_into_a_forum_topic_and_operator_reply(standin: StandIn, bot: Bot) -> None:
    standin.add_group(GROUP, "Operators", is_forum=True)
    topic = await bot.create_forum_topic(GROUP, "Case 17")
    photo = await standin.user_sends(USER, photo=True, caption="my contract")
    thread_id = topic.message_thread_id
    copied = await bot.copy_message(GROUP, USER, photo["message_id"], message_thread_id=thread_id)

    card = standin.chat_messages(GROUP)[-1]
    assert card["message_id"] == copied.message_id
    assert card["caption"] == "my contract"
    assert card["photo"][0]["file_id"] == photo["photo"][0]["file_id"]
    assert card["message_thread_id"] == thread_id
    assert card["reply_to_message"]["forum_topic_created"]["name"] == "Case 17"

    standin.add_user(OPERATOR, "Operator")
    answer = await standin.group_sends(GROUP, OPERATOR, "hello, we can help", thread_id=thread_id)
    updates = await bot.get_updates(timeout=0)
    message = updates[-1].message
    assert message is not None and message.message_thread_id == thread_id
    assert message.is_topic_message and message.message_id == answer["message_id"]

    card_with_button = await bot.send_message(
        GROUP, "claim?", message_thread_id=thread_id, reply_markup=keyboard("c")
    )
    query_id = await standin.press(OPERATOR, card_with_button.message_id, "c", chat_id=GROUP)
    press = (await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0))[-1].callback_query
    assert press is not None and press.id == query_id and press.from_user.id == OPERATOR
    assert press.message is not None and press.message.chat.id == GROUP

    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(GROUP, "x", message_thread_id=9999)
    assert await bot.close_forum_topic(GROUP, thread_id)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(GROUP, thread_id)
    assert standin.topics(GROUP)[0]["closed"] is True
    standin.add_group(-100999, "Not a forum", is_forum=False)
    with pytest.raises(BadRequest, match=r"(?i)not a forum"):
        await bot.create_forum_topic(-100999, "nope")


async def test_injected_faults_surface_as_ptb_errors(standin: StandIn, bot: Bot) -> None:
    standin.inject("sendMessage", "retry_after", retry_after=3)
    with pytest.raises(RetryAfter, match=r"(?i)Retry in 3"):
        await bot.send_message(USER, "hi")
    standin.inject("sendMessage", "server_error", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(USER, "hi")
        assert not isinstance(caught.value, BadRequest)
    standin.inject(None, "drop")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "hi")
    standin.inject("sendMessage", "forbidden", chat_id=43)
    await bot.send_message(USER, "only chat 43 is affected")
    assert [c.status for c in standin.calls_to("sendMessage")] == [429, 500, 500, 0, 200]
    assert standin.bot_messages(USER)[-1]["text"] == "only chat 43 is affected"


async def test_blocked_user_gives_forbidden_until_they_write_again(standin: StandIn, bot: Bot) -> None:
    standin.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "are you safe?")
    await standin.user_sends(USER, "/start")
    assert (await bot.send_message(USER, "welcome back")).text == "welcome back"


async def test_commands_carry_a_bot_command_entity(standin: StandIn, bot: Bot) -> None:
    sent = await standin.user_sends(USER, "/start kk-border1")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    updates = await bot.get_updates(timeout=0)
    assert updates[0].message is not None and updates[0].message.text == "/start kk-border1"


async def test_flood_limits_when_enforced(standin: StandIn, bot: Bot) -> None:
    standin.enforce_flood_limits = True
    for n in range(5):
        await bot.send_message(USER, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "one too many")


async def test_a_throttled_chat_is_refused_until_its_wait_ends_while_others_are_served(standin: StandIn,
                                                                                     bot: Bot) -> None:  # fmt: skip
    standin.add_user(USER + 1, "Other")
    standin.throttle(USER, 1.5)
    with pytest.raises(RetryAfter, match=r"(?i)Retry in 2"):
        await bot.send_message(USER, "too soon")
    with pytest.raises(RetryAfter):
        await bot.send_chat_action(USER, "typing")  # every method addressed to the chat, not only sends
    assert (await bot.send_message(USER + 1, "served")).text == "served"
    await asyncio.sleep(1.6)
    assert (await bot.send_message(USER, "after the wait")).text == "after the wait"


async def test_webhook_mode_pushes_updates_with_the_secret(standin: StandIn, bot: Bot) -> None:
    received: asyncio.Queue[tuple[str | None, dict[str, object]]] = asyncio.Queue()

    async def receive(request: web.Request) -> web.Response:
        await received.put((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        port = runner.addresses[0][1]
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret-Token_1")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await standin.user_sends(USER, "via webhook")
        secret, body = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cret-Token_1"
        assert body["message"]["text"] == "via webhook"  # type: ignore[index]
        await standin.wait_until(lambda: standin.pending_updates() == 0)
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        assert await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()


async def test_profile_commands_and_chat_info(standin: StandIn, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("help", "Help")], language_code="ru")
    assert [c.command for c in await bot.get_my_commands(language_code="ru")] == ["start", "help"]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Start", "Begin")])
    await bot.set_my_short_description("Safe migration help", language_code="uz")
    assert (await bot.get_my_short_description("uz")).short_description == "Safe migration help"
    standin.add_user(OPERATOR, "Operator")
    chat = await bot.get_chat(USER)
    assert chat.first_name == "Aida" and chat.type == "private"
    standin.add_group(GROUP, "Operators", is_forum=True)
    assert (await bot.get_chat_member(GROUP, OPERATOR)).status == "member"
    standin.set_member(GROUP, USER, "left")
    assert (await bot.get_chat_member(GROUP, USER)).status == "left"
    me = await bot.get_chat_member(GROUP, bot.id)
    assert me.status == "administrator"


async def test_envelopes_unknown_methods_and_tokens() -> None:
    async with StandIn(token=TOKEN) as standin, aiohttp.ClientSession() as session:
        url = f"{standin.base_url}{TOKEN}"
        async with session.post(f"{url}/getMe", json={}) as response:
            body = await response.json()
        assert body["ok"] is True and body["result"]["is_bot"] is True
        async with session.post(f"{url}/noSuchMethod", json={}) as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with session.post(f"{url}/sendMessage", json={"chat_id": 5, "text": "x"}) as response:
            assert response.status == 400
            assert (await response.json())["description"] == "Bad Request: chat not found"


async def test_wrong_token_is_unauthorized() -> None:
    async with StandIn(token=TOKEN) as standin:
        with pytest.raises(InvalidToken):
            async with Bot("999:WRONG", base_url=standin.base_url):
                pass


async def test_wait_for_bot_message_times_out_with_context(standin: StandIn, bot: Bot) -> None:
    await bot.send_message(USER, "earlier reply")
    await standin.user_sends(USER, "hello?")
    with pytest.raises(TimeoutError, match=r"(?i)earlier reply"):
        await standin.wait_for_bot_message(USER, timeout=0.2)


async def test_hooks_hang_up_at_an_exact_point(standin: StandIn, bot: Bot) -> None:
    seen: list[dict[str, object]] = []

    def hang_up_once(params: dict[str, object]) -> bool:
        seen.append(params)
        return len(seen) == 1

    standin.hook("sendMessage", hang_up_once)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "lost in transit")
    await bot.send_message(USER, "second try")
    standin.unhook("sendMessage")
    await bot.send_message(USER, "unhooked")
    assert [m["text"] for m in standin.bot_messages(USER)] == ["second try", "unhooked"]
    assert seen[0]["chat_id"] == USER and len(seen) == 2
    assert len(standin.calls_to("sendMessage", ok=True)) == 2
    assert len(standin.calls_to("sendMessage", ok=False)) == 1
