"""Safety guidance: the main menu and its screens (content/guidance.yaml)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from bot.common import Label, Localized
from bot.content.findings import Finding

ScreenId = str
MAX_TAPS = 3  # every screen within three taps of the main menu
MAX_ID = 30


class Screen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    button: Label
    text: Localized
    links: list[ScreenId] = []
    # ISO country code: the screen ends with that country's verified contacts.
    country: str | None = None


class Guidance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    welcome: Localized
    main_menu: list[ScreenId] = Field(min_length=1)
    screens: dict[ScreenId, Screen]

    def findings(self, countries: set[str]) -> Iterator[Finding]:
        for index, screen_id in enumerate(self.main_menu):
            if screen_id not in self.screens:
                yield Finding(("main_menu", index), f"the main menu points at a missing screen {screen_id!r}")
        for screen_id, screen in self.screens.items():
            # A button carries two ids ("s:target:from") within Telegram's 64 bytes.
            if len(screen_id) > MAX_ID or not screen_id.replace("_", "").isalnum() or not screen_id.isascii():
                yield Finding(("screens", screen_id), f"screen id {screen_id!r}: use a-z, 0-9 and _, {MAX_ID} at most")
            for index, target in enumerate(screen.links):
                if target not in self.screens:
                    yield Finding(("screens", screen_id, "links", index), f"link to a missing screen {target!r}")
            if screen.country is not None and screen.country not in countries:
                yield Finding(("screens", screen_id, "country"), f"no contacts for country {screen.country!r}")
        depths = self.depths()
        for screen_id in self.screens:
            if screen_id not in depths:
                yield Finding(("screens", screen_id), "no way leads to this screen from the main menu")
            elif depths[screen_id] > MAX_TAPS:
                yield Finding(
                    ("screens", screen_id), f"{depths[screen_id]} taps from the main menu; {MAX_TAPS} at most"
                )

    def depths(self) -> dict[ScreenId, int]:
        """Taps from the main menu to each screen (a breadth-first walk)."""
        depths = {screen_id: 1 for screen_id in self.main_menu if screen_id in self.screens}
        frontier = list(depths)
        while frontier:
            following = []
            for screen_id in frontier:
                for target in self.screens[screen_id].links:
                    if target in self.screens and target not in depths:
                        depths[target] = depths[screen_id] + 1
                        following.append(target)
            frontier = following
        return depths

    def parent(self, screen_id: ScreenId) -> ScreenId | None:
        """The screen one step nearer the main menu, for the Back button (None: the main menu)."""
        depths = self.depths()
        depth = depths.get(screen_id)
        if depth is None or depth <= 1:
            return None
        return next(
            (
                other
                for other, screen in self.screens.items()
                if screen_id in screen.links and depths.get(other) == depth - 1
            ),
            None,
        )
