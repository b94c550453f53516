"""`helpline stats` reports real figures after a scripted session through the stand-in."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from support.harness import GROUP_ID, OPERATORS, FakeClock, Person, RunningBot, button_data

from bot.standin.server import StandIn

OFFER = (Path(__file__).resolve().parent.parent / "data" / "offers" / "ru" / "d02.txt").read_text(encoding="utf-8")


def stats_json(database: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINE_")} | {"HELPLINE_DATABASE": str(database)}
    since = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    done = subprocess.run([sys.executable, "-m", "bot", "stats", "--since", since, "--json"],  # noqa: S603
                          env=env, capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout)


async def test_stats_after_a_scripted_session(
    standin: StandIn, bot: RunningBot, database: Path, clock: FakeClock
) -> None:
    for user_id, payload in [(6001, "kk-post_a"), (6002, "kk-post_a"), (6003, "ru-post_b")]:
        await Person(standin, user_id).start(payload)
    reader = Person(standin, 6004)
    await reader.start("ru")
    await reader.send(OFFER, forward_from_chat={"id": -100779, "type": "channel", "title": "Jobs"})
    urgent = Person(standin, 6005)
    await urgent.start("ru")
    await urgent.send("Помогите, у меня забрали паспорт и не выпускают")
    await standin.wait_until(lambda: any("ticket #1" in (m.get("text") or "") for m in standin.bot_messages(GROUP_ID)))
    card = next(m for m in standin.bot_messages(GROUP_ID) if "ticket #1" in (m.get("text") or ""))
    clock.advance(minutes=3)
    query = await standin.press(OPERATORS[0], card["message_id"], button_data(card, "Claim"), chat_id=GROUP_ID)
    await standin.wait_until(lambda: standin.callback_answer(query) is not None)
    clock.advance(minutes=2)
    await standin.group_sends(GROUP_ID, OPERATORS[0], "Мы на связи", thread_id=card["message_thread_id"])
    await standin.wait_until(lambda: standin.bot_messages(urgent.id)[-1].get("text") == "Мы на связи")

    stats = stats_json(database)
    assert stats["starts_by_source"] == {"post_a": 2, "post_b": 1, "direct": 2}
    assert stats["starts_by_lang"] == {"kk": 2, "ru": 3}
    assert stats["checks_by_risk"] == {"scan": {"high": 1}}
    assert stats["tickets_total"] == 1
    (held,) = stats["tickets"]  # "not let out" outranks "passport taken"
    assert held["category"] == "held" and held["claimed"] == 1 and held["answered"] == 1
    assert 2.9 <= stats["to_claim"]["median"] <= 3.2
    assert 4.9 <= stats["to_answer"]["median"] <= 5.3
    assert "6005" not in json.dumps(stats), "no user ids in statistics"
