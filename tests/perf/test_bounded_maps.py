"""The in-memory maps that meet every user stay as small as the last minutes' traffic, not the day's."""

from __future__ import annotations

from bot.floodgate import WINDOW, FloodGate


def test_the_flood_gate_holds_the_last_two_windows_users_only() -> None:
    """An hour at 25 updates a second, each from a new user (50,000 of them, then round again)."""
    gate = FloodGate(30)
    rate, most = 25, 0
    for count in range(3600 * rate):
        gate.admit(1_000_000 + count % 50_000, count / rate)
        most = max(most, gate.tracked())
    assert most <= 2 * WINDOW * rate + 1, most  # it was 10,001: idle users were forgotten only past 10,000
