"""The bot under tracemalloc, for `bench/soak.py --tracemalloc`: the first SIGUSR1 starts tracing (tracing
from the start makes the imports a minute long), and each writes a snapshot to DIR/snapshot-N.pickle (N from 1):
what the last holds and the first did not was allocated after tracing began and is still alive.

    python bench/traced_bot.py DIR
"""

from __future__ import annotations

import itertools
import signal
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.cli import main


def _dumper(folder: Path) -> Callable[[int, FrameType | None], None]:
    numbers = itertools.count(1)

    def dump(_signum: int, _frame: FrameType | None) -> None:
        if not tracemalloc.is_tracing():
            tracemalloc.start(8)  # deep enough to reach the bot's frame; deeper is too slow for the pace
        path = folder / f"snapshot-{next(numbers)}.pickle"
        tracemalloc.take_snapshot().dump(str(path.with_suffix(".part")))
        path.with_suffix(".part").rename(path)  # the soak waits for the finished file

    return dump


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _dumper(Path(sys.argv[1])))
    sys.exit(main(["run"]))
