"""A bare python-telegram-bot echo bot: the baseline the load benchmark compares the helpline with."""

import os

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(update.effective_message.text or "ok")


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, "ok")


def main() -> None:
    application = (
        ApplicationBuilder()
        .token(os.environ["HELPLINE_BOT_TOKEN"])
        .base_url(os.environ["HELPLINE_API_BASE_URL"])
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(64)
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
