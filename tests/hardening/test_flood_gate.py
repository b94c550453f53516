"""The flood gate's arithmetic, without Telegram: a sliding minute per user, one warning per window."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.floodgate import MAX_TRACKED, WINDOW, FloodGate


def test_the_first_twenty_pass_then_one_warning_then_silence() -> None:
    gate = FloodGate(20)
    results = [gate.admit(1, 100.0 + i * 0.01) for i in range(60)]
    assert results[:20] == [(True, False)] * 20
    assert results[20] == (False, True)
    assert results[21:] == [(False, False)] * 39


def test_a_minute_later_the_user_writes_again_and_would_be_warned_again() -> None:
    gate = FloodGate(3)
    for i in range(5):
        gate.admit(1, float(i))
    assert gate.admit(1, 10.0) == (False, False)
    assert gate.admit(1, 4.0 + WINDOW + 0.1) == (True, False)
    results = [gate.admit(1, 70.0) for _ in range(3)]  # 64.1 is still in the window: the third is one too many
    assert results == [(True, False), (True, False), (False, True)]


def test_one_user_flooding_does_not_limit_another() -> None:
    gate = FloodGate(20)
    for i in range(500):
        gate.admit(1, i * 0.001)
    assert gate.admit(2, 0.6) == (True, False)


def test_idle_users_are_forgotten_so_memory_stays_bounded() -> None:
    gate = FloodGate(5)
    for user in range(MAX_TRACKED + 1):
        gate.admit(user, 0.0)
    gate.admit(-1, WINDOW + 1.0)
    assert gate.tracked() <= 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.floats(0, 0.5)), max_size=300), st.integers(1, 30))
def test_never_more_than_the_limit_in_any_window(events: list[tuple[int, float]], limit: int) -> None:
    gate = FloodGate(limit)
    now = 0.0
    admitted: dict[int, list[float]] = {}
    warnings: dict[int, list[float]] = {}
    for user, step in events:
        now += step
        let_in, warn = gate.admit(user, now)
        assert not (let_in and warn)
        if let_in:
            admitted.setdefault(user, []).append(now)
        if warn:
            warnings.setdefault(user, []).append(now)
    for times in admitted.values():
        for i, start in enumerate(times):
            assert sum(1 for t in times[i:] if t - start <= WINDOW) <= limit
    for times in warnings.values():
        assert all(b - a > WINDOW for a, b in itertools.pairwise(times))


def test_button_presses_have_their_own_wider_window() -> None:
    gate = FloodGate(20)
    assert all(gate.admit(1, i * 0.01, button=True)[0] for i in range(60))
    assert gate.admit(1, 1.0, button=True) == (False, True)
    assert gate.admit(1, 1.0) == (True, False), "messages still have their own twenty"
