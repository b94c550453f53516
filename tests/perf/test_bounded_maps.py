"""The in-memory maps that meet every user stay as small as the last minutes' traffic, not the day's."""

from __future__ import annotations

from support.harness import Person, RunningBot

from bot.floodgate import WINDOW, FloodGate
from bot.standin.server import StandIn


def test_the_flood_gate_holds_the_last_two_windows_users_only() -> None:
    """An hour at 25 updates a second, each from a new user (50,000 of them, then round again)."""
    gate = FloodGate(30)
    rate, most = 25, 0
    for count in range(3600 * rate):
        gate.admit(1_000_000 + count % 50_000, count / rate)
        most = max(most, gate.tracked())
    assert most <= 2 * WINDOW * rate + 1, most  # it was 10,001: idle users were forgotten only past 10,000


async def test_the_application_keeps_no_id_of_the_users_it_has_seen(standin: StandIn, bot: RunningBot) -> None:
    """python-telegram-bot marks every update's chat and user for a persistence save that, without a
    persistence, never comes: two sets that grew with every distinct user for the life of the process."""
    users = [Person(standin, 3000 + i, language_code="ru") for i in range(30)]
    for person in users:
        await person.start("ru")
    await standin.wait_idle(timeout=10, settle=0.3)
    app = bot.app
    assert app is not None and app.persistence is None
    assert not app._user_ids_to_be_updated_in_persistence
    assert not app._chat_ids_to_be_updated_in_persistence
