"""The bot's public face comes from content, per language; a user can ask for silent messages."""

from __future__ import annotations

from support.harness import Person, RunningBot, shipped_content

from bot.standin.server import StandIn


async def test_name_descriptions_and_commands_come_from_content(standin: StandIn, bot: RunningBot) -> None:
    profile = shipped_content().profile
    # Set in the background after start.
    await standin.wait_until(lambda: len(standin.calls_to("setMyCommands", ok=True)) == 3, timeout=10)
    for lang in ("kk", "ru", "uz"):
        commands = {c["command"]: c["description"] for c in standin.my_commands(language_code=lang)}
        assert commands == {name: text.root[lang] for name, text in profile.commands.items()}
        names = [c.params["name"] for c in standin.calls_to("setMyName") if c.params.get("language_code") == lang]
        assert names == [profile.name.root[lang]]
        short = [c for c in standin.calls_to("setMyShortDescription") if c.params.get("language_code") == lang]
        assert short[0].params["short_description"] == profile.short_description.root[lang]


async def test_silent_messages_on_request(standin: StandIn, bot: RunningBot) -> None:
    person = Person(standin, 7701)
    await person.start("ru")
    await person.send("/silent")
    before = len(standin.calls_to("sendMessage"))
    await person.send("что-то непонятное")
    sent = [c for c in standin.calls_to("sendMessage")[before:] if int(c.params["chat_id"]) == person.id]
    assert sent and all(str(c.params.get("disable_notification")).lower() == "true" for c in sent)
