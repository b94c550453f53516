"""A sliding window of each user's recent updates, in memory: the guard's flood limit (see bot.guard)."""

from __future__ import annotations

from collections import defaultdict, deque

WINDOW = 60.0  # seconds
MAX_TRACKED = 10_000  # users in the window before idle ones are forgotten at once


class FloodGate:
    """A sliding window of each user's recent updates, in memory: it protects, it records nothing.

    Messages count against `per_minute`; button presses (cheap, and fast when someone reads through the
    menus) against a separate window `BUTTONS_FACTOR` times as wide.
    """

    BUTTONS_FACTOR = 3

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._times: dict[tuple[int, bool], deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}
        self._swept = 0.0  # when idle users were last forgotten

    def admit(self, user_id: int, now: float, *, button: bool = False) -> tuple[bool, bool]:
        """(let it through, warn the user now): one polite warning per window, then silence."""
        times = self._times[(user_id, button)]
        while times and now - times[0] > WINDOW:
            times.popleft()
        if len(times) < self.per_minute * (self.BUTTONS_FACTOR if button else 1):
            times.append(now)
            # Once a window, and at once past MAX_TRACKED: the map holds the last two minutes' users, not
            # everyone since the start (a user's window is 800 bytes; 10,000 of them were 8 MB).
            if now - self._swept > WINDOW or len(self._times) > MAX_TRACKED:
                self._forget_idle(now)
            return True, False
        warned = self._warned.get(user_id)
        warn = warned is None or now - warned > WINDOW
        if warn:
            self._warned[user_id] = now
        return False, warn

    def tracked(self) -> int:
        return len(self._times)

    def _forget_idle(self, now: float) -> None:
        self._swept = now
        for key in [k for k, times in self._times.items() if not times or now - times[-1] > WINDOW]:
            self._times.pop(key, None)
            self._warned.pop(key[0], None)
