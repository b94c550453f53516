"""`helpline export-labels`: operators' labels as training rows, masked, only when the NGO turned it on, only
within the retention period, never of a user who used /forget."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.harness import GROUP_ID, FakeClock

from bot.cli import main
from bot.judgement.data import read_messages
from bot.labels.mask import mask
from bot.privacy.service import forget
from bot.storage import Store
from bot.storage.tickets import Label

REAL = ("Помогите, меня зовут Айгуль Нурланова, мой номер +7 701 234 56 78, живу ул. Абая 15, кв 3, "
        "хозяин забрал паспорт N12345678 и карту 4400 4301 2345 6789")  # fmt: skip
NOT_URGENT = "Менің атым Айгүл, Абай көшесі 12, пәтер 4. Телефоным 87012345678, бәрі жақсы, жай сұрақ"
FORGOTTEN = "Мой брат Тимур пропал, его телефон 8 912 345 67 89"
EXPIRED = "Mening ismim Dilnoza, Navoiy ko'chasi 12 uy 5, tel 90 123 45 67, pasportimni olib qo'yishdi"


async def labelled_ticket(store: Store, chat_id: int, lang: str, text: str, label: Label,
                          category: str | None = "documents") -> None:  # fmt: skip
    async with store.tx() as tx:
        user = await tx.users.get_or_create(chat_id)
        ticket = await tx.tickets.create(user_id=user.id, urgent=True, kind="help", category=category, lang=lang,
                                         source=None, country=None, pseudonym="Calm Lark 12")  # fmt: skip
        await tx.tickets.add_message(ticket.id, "user", "text", text, chat_id=chat_id, message_id=1)
        await tx.tickets.add_message(ticket.id, "user", "text", "Спасибо, я в безопасности", chat_id=chat_id,
                                     message_id=2)  # fmt: skip
        await tx.tickets.close(ticket.id, None)
        await tx.tickets.set_label(ticket.id, label)


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "helpline.db"
    clock = FakeClock()
    store = Store(path, clock)
    await store.open()
    clock.advance(days=-40)  # closed 40 days ago: past the 30 days of retention
    await labelled_ticket(store, 104, "uz", EXPIRED, "real")
    clock.advance(days=40)
    await labelled_ticket(store, 101, "ru", REAL, "real")
    await labelled_ticket(store, 102, "kk", NOT_URGENT, "noturgent")
    await labelled_ticket(store, 103, "ru", FORGOTTEN, "real", "missing_relative")
    await forget(store, 103, GROUP_ID)
    await store.close()
    return path


def run(monkeypatch: pytest.MonkeyPatch, database: Path, out: Path, *, on: bool) -> int:
    monkeypatch.setenv("HELPLINE_DATABASE", str(database))
    monkeypatch.setenv("HELPLINE_EXPORT_LABELS", "true" if on else "false")
    return main(["export-labels", str(out)])


def test_off_unless_the_ngo_turns_it_on(monkeypatch, database: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "labels.tsv"
    assert run(monkeypatch, database, out, on=False) == 2
    assert not out.exists()
    assert "HELPLINE_EXPORT_LABELS=true" in capsys.readouterr().err


def test_rows_are_masked_within_retention_and_never_of_forgotten_users(monkeypatch, database: Path,
                                                                       tmp_path: Path, capsys) -> None:  # fmt: skip
    out = tmp_path / "labels.tsv"
    assert run(monkeypatch, database, out, on=True) == 0
    assert "wrote 2 rows" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert [label for label, _ in rows] == ["normal", "urgent:documents"], "kk first, then ru; one row a ticket"
    kk, ru = rows[0][1], rows[1][1]
    for secret in ("Айгуль", "Нурланова", "701", "234 56 78", "Абая", "15", "кв 3", "N12345678", "4400", "6789"):
        assert secret not in ru, secret
    assert "NAME" in ru and "PHONE" in ru and "ADDRESS" in ru and "DOCUMENT" in ru and "CARD" in ru
    assert "хозяин забрал паспорт" in ru, "the words that teach stay"
    for secret in ("Айгүл", "Абай", "12", "87012345678"):
        assert secret not in kk, secret
    assert "Спасибо" not in text, "the message that was judged, not the conversation after it"
    assert "Тимур" not in text and "912" not in text, "never a forgotten user's"
    assert "Dilnoza" not in text and "Navoiy" not in text, "never past the retention period"
    # The rows are in the training data's own format.
    training = tmp_path / "ru-labels.tsv"
    training.write_text(text, encoding="utf-8")
    assert len(read_messages(training)) == 2


def test_an_existing_file_is_not_overwritten(monkeypatch, database: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.tsv"
    out.write_text("keep me", encoding="utf-8")
    assert run(monkeypatch, database, out, on=True) == 2
    assert out.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("Мой номер 8 (701) 234-56-78, звоните", ["701", "234"], ["Мой номер", "звоните"]),
    ("qo'ng'iroq qiling +998 90 123 45 67", ["998", "123"], ["qiling"]),
    ("карта 5614 6814 1234 5678 для зарплаты", ["5614", "5678"], ["для зарплаты"]),
    ("паспорт серии АН 1234567 у бригадира", ["1234567"], ["у бригадира"]),
    ("пишите @karim_2000 или karim@mail.ru", ["karim"], ["пишите"]),
    ("Нас держат в подвале, Москва, мкр Южный дом 5", ["Москва", "Южный", "дом 5"], ["Нас держат в подвале"]),
    ("Mening ismim Dilnoza, Navoiy ko'chasi 12", ["Dilnoza", "Navoiy"], []),
])  # fmt: skip
def test_mask(text: str, gone: list[str], kept: list[str]) -> None:
    masked = mask(text, frozenset({"нас", "mening", "мой"}))
    for secret in gone:
        assert secret not in masked, masked
    for words in kept:
        assert words in masked, masked
