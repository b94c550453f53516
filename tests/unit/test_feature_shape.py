"""Every feature has the same shape (ARCHITECTURE.md): its `service.py` and `screens.py` know nothing of
Telegram; its `handlers.py` builds no text or keyboard (that is the screens' job) and opens no transaction
(that is the service's); the wiring (`messaging`, `guard`, `app`, `conversation`) translates no text either.
Read from the source with ast, like the import graph, so a slip fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"
PLAIN = sorted([*BOT.rglob("service.py"), *BOT.rglob("screens.py")])  # bot/screens.py, the shared one, too
HANDLERS = sorted([*BOT.rglob("handlers.py"), BOT / "privacy" / "retention.py"])  # retention: a job's handler
WIRING = [BOT / "messaging.py", BOT / "guard.py", BOT / "app.py", BOT / "conversation.py"]  # they show screens only

# A handler that translates is writing a text: a msgid of the catalogs, or content (Translator.text).
TRANSLATE = {"gettext", "ngettext", "pgettext", "npgettext", "text"}
BUILD = {"Screen", "Button", "InlineKeyboardMarkup", "InlineKeyboardButton"}
OPEN = {"tx", "read", "autocommit"}  # Store's ways into the database


def _name(path: Path) -> str:
    return str(path.relative_to(BOT.parent))


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def telegram_imports(source: str) -> list[str]:
    """Every import of telegram, under TYPE_CHECKING too: a Telegram type in a signature is a Telegram type."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])  # fmt: skip
        found += [f"line {node.lineno}: {name}" for name in names if name.split(".")[0] == "telegram"]
    return found


def built_in_handler(source: str) -> list[str]:
    """Texts translated, screens or keyboards built, transactions opened: each with its line, in order."""
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _callee(node) in TRANSLATE | BUILD:
            found.append((node.lineno, node.col_offset, f"{_callee(node)}()"))
        if isinstance(node, ast.AsyncWith):
            for item in node.items:
                if isinstance(item.context_expr, ast.Call) and _callee(item.context_expr) in OPEN:
                    found.append((node.lineno, node.col_offset, f"async with ….{_callee(item.context_expr)}()"))
    return [f"line {line}: {what}" for line, _, what in sorted(found)]


def translated(source: str) -> list[str]:
    """Texts translated (the screens' job) in wiring, which unlike a handler may open a transaction."""
    return [line for line in built_in_handler(source) if line.split(": ", 1)[1].removesuffix("()") in TRANSLATE]


def test_there_is_something_to_check() -> None:
    names = {_name(path) for path in PLAIN + HANDLERS}
    assert {"bot/escalation/screens.py", "bot/privacy/service.py", "bot/privacy/screens.py", "bot/stats/service.py",
            "bot/stats/screens.py", "bot/stats/handlers.py", "bot/guidance/handlers.py"} <= names  # fmt: skip


@pytest.mark.parametrize("path", PLAIN, ids=_name)
def test_services_and_screens_know_no_telegram(path: Path) -> None:
    assert telegram_imports(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", HANDLERS, ids=_name)
def test_handlers_build_no_texts_and_open_no_transactions(path: Path) -> None:
    assert built_in_handler(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", WIRING, ids=_name)
def test_wiring_translates_no_texts(path: Path) -> None:
    assert translated(path.read_text(encoding="utf-8")) == []


def test_the_checks_see_what_they_look_for() -> None:
    """The checks themselves can fail: on lines as the handlers had them before their screens and services."""
    assert telegram_imports("from telegram import Update\nimport telegram.error\nfrom bot import telegramish\n") == [
        "line 1: telegram", "line 2: telegram.error"]  # fmt: skip
    handler = (
        "async def silent(update, context):\n"
        "    text = t.gettext('Messages will come silently.')\n"
        "    await show(context, chat_id, Screen(text, screens.footer(t, None)))\n"
        "    markup = InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext('Main menu'), callback_data='m')]])\n"
        "    async with svc.store.tx() as tx:\n"
        "        await tx.users.update(chat_id, silent=1)\n"
    )
    assert built_in_handler(handler) == [
        "line 2: gettext()", "line 3: Screen()", "line 4: InlineKeyboardMarkup()", "line 4: InlineKeyboardButton()",
        "line 4: gettext()", "line 5: async with ….tx()"]  # fmt: skip
    wiring = (
        "async def stale_button(update, context):\n"
        "    await query.answer(t.gettext('This menu has changed.'))\n"
        "    async with svc.store.read() as tx:\n"
        "        user = await tx.users.get(chat_id)\n"
        "    await context.bot.send_message(chat_id, notice + t.text(svc.content.guidance.welcome))\n"
    )
    assert translated(wiring) == ["line 2: gettext()", "line 5: text()"]
