"""The judgement model beside the rules: reproducible training, the hash check, scoring without scikit-learn,
the bands, the evidence, offers' model score and possible flags, the JSON of the command-line tools."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.common import ContentError
from bot.content.offers import OffersContent, load_offers
from bot.content.triage import Category, Pattern, TriageRules, load_triage
from bot.escalation.triage import Triage, triage_lines
from bot.judgement.data import load_offers as load_examples
from bot.judgement.features import analyzer, sentences
from bot.judgement.model import FUNCTION_WORDS, MODEL_FILE, Judgement, flag_verdict, load_judgement
from bot.offers.report import check_offer_json
from bot.offers.scan import OfferChecker
from bot.text.normalize import tokenize

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def model() -> Judgement:
    loaded = load_judgement(CONTENT)
    assert loaded is not None, "the shipped content carries a model"
    return loaded


@pytest.fixture(scope="module")
def triage(model: Judgement) -> Triage:
    return Triage(load_triage(CONTENT), model)


@pytest.fixture(scope="module")
def offers() -> OffersContent:
    return load_offers(CONTENT)


@pytest.fixture
def small_content(tmp_path: Path) -> Path:
    """The content with only the first, small training set: quick to train."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    for path in (target / "training").glob("*/*"):
        if path.suffix in (".tsv", ".yaml") and "-first." not in path.name:
            path.unlink()
    return target


# ---------------------------------------------------------------- training and the hash


def test_training_twice_gives_the_same_bytes_and_the_content_check_follows_the_data(
    small_content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn")
    first, second = small_content / "one.json.gz", small_content / "two.json.gz"
    assert main(["train", "--dir", str(small_content), "--out", str(first)]) == 0
    printed = capsys.readouterr().out
    assert "cross-validation" in printed and "kk Latn" in printed and "rules alone" in printed
    assert main(["train", "--dir", str(small_content), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    # The shipped model was trained on more data: the check says so in one line, and passes once retrained.
    assert main(["content", "check", "--dir", str(small_content)]) == 1
    stale = [line for line in capsys.readouterr().out.splitlines() if "judgement.json.gz" in line]
    assert len(stale) == 1 and "helpline train" in stale[0], stale
    shutil.copy(first, small_content / MODEL_FILE)
    assert main(["content", "check", "--dir", str(small_content)]) == 0
    assert "judgement.json.gz" not in capsys.readouterr().out
    # An editor adds an example and forgets to retrain.
    with (small_content / "training" / "urgency" / "ru-first.tsv").open("a", encoding="utf-8") as file:
        file.write("urgent:held\tнас закрыли на складе и не отпускают\n")
    assert main(["content", "check", "--dir", str(small_content)]) == 1
    assert any("judgement.json.gz" in line for line in capsys.readouterr().out.splitlines())


def test_the_shipped_model_matches_the_shipped_training_data(capsys: pytest.CaptureFixture[str]) -> None:
    main(["content", "check"])
    assert "judgement.json.gz" not in capsys.readouterr().out


def test_a_damaged_model_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).parent.mkdir(parents=True)
    (tmp_path / MODEL_FILE).write_bytes(gzip.compress(b'{"format": 1, "urgency": {}}'))
    with pytest.raises(ContentError) as error:
        load_judgement(tmp_path)
    assert "run `helpline train`" in str(error.value) and "\n" not in str(error.value)
    assert load_judgement(tmp_path / "nowhere") is None  # no model: the rules decide alone


def test_bad_training_data_is_named_by_file_and_line(small_content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sklearn")
    with (small_content / "training" / "urgency" / "kk-first.tsv").open("a", encoding="utf-8") as file:
        file.write("urgent:kidnapped\tбір нәрсе\n")
    assert main(["train", "--dir", str(small_content), "--out", str(small_content / "m.json.gz")]) == 1
    assert "kk-first.tsv:70: unknown label 'urgent:kidnapped'" in capsys.readouterr().err


def test_scoring_needs_no_scikit_learn() -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bot.content.bundle import load_content\n"
        "from bot.escalation.triage import Triage\n"
        "from bot.judgement.model import load_judgement\n"
        "from bot.offers.scan import OfferChecker\n"
        f"content = load_content(Path({str(CONTENT)!r}))\n"
        f"model = load_judgement(Path({str(CONTENT)!r}))\n"
        "print(Triage(content.triage, model).classify('нас заперли в подвале').band)\n"
        "print(OfferChecker(content.offers, model).check('Паспорта сдаёте бригадиру.').model_score is not None)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
    band, scored, imported = out.stdout.splitlines()
    assert band in ("ticket", "confirm") and scored == "True" and imported == "[]", out.stdout


def test_the_run_time_features_are_the_training_features(model: Judgement) -> None:
    """The scorer counts the rows of the very features the analyzer gives scikit-learn."""
    for part in (model.urgency, model.offers, model.flags):
        for text in ("Помогите, нас заперли в подвале!", "agar pasportimni olib qoʻysa nima qilaman", "мені ұрды", ""):
            grams = analyzer(part.ngrams)(text)
            expected = sorted(row for gram in grams if (row := part.index.get(gram)) is not None)
            assert sorted(part.rows([t.skeleton for t in tokenize(text)])) == expected


def test_the_model_is_small_and_quick(model: Judgement, triage: Triage) -> None:
    assert (CONTENT / MODEL_FILE).stat().st_size < 10_000_000
    started = time.perf_counter()
    load_judgement(CONTENT)
    assert time.perf_counter() - started < 1.5  # 0.3 s on a quiet machine; the tests share two cores
    texts = ["Помогите, у меня забрали паспорт и не выпускают", "как продлить паспорт?", "akam telefonni olmayapti"]
    for text in texts:
        triage.classify(text)
    started = time.perf_counter()
    for _ in range(100):
        for text in texts:
            triage.classify(text)
    assert (time.perf_counter() - started) / 300 < 0.005


# ---------------------------------------------------------------- bands


def _rules(*patterns: Pattern) -> TriageRules:
    categories = {"held": Category(label="H", priority=5), "help": Category(label="?", priority=1)}
    return TriageRules(categories=categories, patterns=list(patterns))


def test_a_rule_match_the_model_doubts_asks_and_a_sure_one_opens_a_ticket(model: Judgement) -> None:
    # A rule written too wide: it matches "weather" too.
    triage = Triage(_rules(Pattern(id="wide", category="held", lang="ru", all_of=[["погод", "заперли"]])), model)
    doubted = triage.classify("какая погода завтра в Москве?")
    assert doubted.band == "confirm" and not doubted.urgent
    assert doubted.score < model.threshold("rule_ticket")
    assert doubted.matched == "погода" and doubted.category == "held"
    sure = triage.classify("нас заперли в подвале и не выпускают, помогите")
    assert sure.band == "ticket" and sure.urgent and sure.matched == "заперли" and sure.category == "held"


def test_the_model_alone_opens_a_ticket_with_its_category_and_evidence(model: Judgement) -> None:
    triage = Triage(_rules(), model)  # no patterns at all
    text = "Помогите, нас заперли в подвале, телефоны забрали и не выпускают"
    result = triage.classify(text)
    assert result.band == "ticket" and result.urgent and result.matched is None
    assert result.category is not None and result.score >= model.threshold("ticket")
    assert result.evidence and all(word in text for word in result.evidence)
    assert not any(tokenize(word)[0].skeleton in FUNCTION_WORDS for word in result.evidence)
    calm = triage.classify("подскажите, как продлить патент")
    assert calm.band == "none" and not calm.urgent and calm.evidence == () and calm.category is None


@pytest.mark.parametrize(
    ("now", "framed"),
    [
        ("работодатель забрал мой паспорт и не отдаёт", "если работодатель заберёт паспорт, что тогда делать?"),
        ("меня бьёт хозяин", "раньше, давно, меня бил хозяин, сейчас всё хорошо"),
        ("жұмыс беруші паспортымды алып қойды", "егер жұмыс беруші паспортты алып қойса не істеймін"),
        ("xoʻjayin pasportimni olib qoʻydi", "agar xoʻjayin pasportni olib qoʻysa nima qilish mumkin"),
    ],
)
def test_past_and_hypothetical_framing_lowers_the_score(triage: Triage, now: str, framed: str) -> None:
    assert triage.classify(framed).score < triage.classify(now).score


def test_urgent_is_exactly_the_ticket_band(triage: Triage) -> None:
    texts = [m for m in (CONTENT / "training" / "urgency" / "ru-first.tsv").read_text(encoding="utf-8").splitlines()]
    for line in texts[:40]:
        result = triage.classify(line.partition("\t")[2])
        assert result.urgent == (result.band == "ticket")
        assert 0.0 <= result.score <= 1.0


# ---------------------------------------------------------------- offers


def test_the_model_sets_the_risk_and_suggests_possible_flags(model: Judgement, offers: OffersContent) -> None:
    checker, rules = OfferChecker(offers, model), OfferChecker(offers)
    examples = load_examples(CONTENT / "training" / "offers")
    possible_seen = doubted_seen = model_sure_seen = 0
    for example in examples[:160]:
        assessment = checker.check(example.text)
        assert assessment.model_score is not None and 0 <= assessment.model_score <= 1
        sure = [hit for hit in assessment.flags if not hit.possible]
        maybe = [hit for hit in assessment.flags if hit.possible]
        assert assessment.flags == sure + maybe, "sure flags first"
        assert not {hit.flag for hit in sure} & {hit.flag for hit in maybe}
        # The rules' own hits weigh, as without a model (doubted or not); a flag model's finding weighs nothing.
        alone = rules.check(example.text)
        assert assessment.score == alone.score
        assert {hit.flag for hit in assessment.flags if hit.source != "model"} == {hit.flag for hit in alone.flags}
        for hit in assessment.flags:
            if hit.source == "model":
                assert hit.weight == 0 and hit.evidence
                assert any(example.text[start:end] == hit.evidence for start, end in sentences(example.text))
                possible_seen += hit.possible
                model_sure_seen += not hit.possible
            elif hit.possible:  # a rule's hit the flag models doubt: still quoted, by the rule's own words
                doubted_seen += 1
                assert hit.evidence in {h.evidence for h in alone.flags if h.flag == hit.flag}
    assert possible_seen and model_sure_seen and doubted_seen


def test_flags_are_shown_as_their_thresholds_say() -> None:
    t = {"rule:fee": 0.3, "sure:fee": 0.6, "flag:fee": 0.4}
    assert flag_verdict(t, "fee", True, 0.5) == "sure"
    assert flag_verdict(t, "fee", True, 0.1) == "possible"  # a rule's hit is never dropped, only doubted
    assert flag_verdict(t, "fee", False, 0.7) == "sure"
    assert flag_verdict(t, "fee", False, 0.5) == "possible"
    assert flag_verdict(t, "fee", False, 0.2) is None
    assert flag_verdict(t, "cash_pay", True, 0.0) == "sure"  # no model knows it: the rule decides
    assert flag_verdict(t, "cash_pay", False, 0.99) is None


def test_sure_thresholds_follow_the_cost_of_a_wrong_flag() -> None:
    from bot.judgement import train

    score = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    truth = np.array([True, True, True, False, True, False, False, False])
    assert 0.4 < train._best_cut(score, truth, 1.0) <= 0.5  # 4 right, 1 wrong
    assert 0.6 < train._best_cut(score, truth, 4.0) <= 0.7  # a wrong one costs more than the fourth right one brings
    assert train._best_cut(score[truth == 0], truth[truth == 0], 1.0) == 1.1  # nothing right: never sure
    assert train._best_cut(score[:0], truth[:0], 1.0, rule=True) == 0.0  # no rule hits seen: they stay sure


def test_check_offer_json_keeps_its_keys_and_adds_score_and_possible(model: Judgement, offers: OffersContent) -> None:
    checker = OfferChecker(offers, model)
    text = "Работа в Дубае, 3000$. Паспорта сдаёте бригадиру. Документы оформим по приезду, за оформление 200$."
    result = check_offer_json("a.txt", text, checker, None)
    assert set(result) == {"file", "risk", "flags", "lang", "score", "possible"}
    assert 0 <= result["score"] <= 1 and result["risk"] == "high"
    assert all(set(flag) == {"id", "evidence"} for flag in result["flags"] + result["possible"])
    json.dumps(result, ensure_ascii=False)
    rules_only = check_offer_json("a.txt", text, OfferChecker(offers), None)
    assert rules_only["score"] == 1.0 and rules_only["possible"] == []  # the rules' level, without a model


def test_triage_json_keeps_its_keys_and_adds_band_and_score(triage: Triage) -> None:
    lines = ["нас заперли в подвале и не выпускают", "как продлить паспорт?"]
    results = list(triage_lines(lines, triage))
    assert [set(r) for r in results] == [{"urgent", "category", "lang", "matched", "band", "score"}] * 2
    assert results[0]["band"] == "ticket" and results[0]["urgent"] is True
    assert results[1]["band"] == "none" and results[1]["urgent"] is False
    assert results[1]["score"] < results[0]["score"]
