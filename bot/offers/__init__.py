"""Checking a job offer: the guided yes/no check and the free-text scan. Pure logic, no Telegram, no database.

checker = OfferChecker(load_offers(content_dir))
assessment = checker.check(text)            # scan.py → assess.py
render(assessment, checker.content, "uz")   # report.py
state = start(questions); state = answer(state, "yes"); result(state, content)   # guided.py
"""

from bot.offers.assess import Assessment, FlagHit, assess
from bot.offers.report import check_offer_json, check_offer_report, render, to_json
from bot.offers.scan import OfferChecker

__all__ = [
    "Assessment", "FlagHit", "OfferChecker", "assess", "check_offer_json", "check_offer_report", "render", "to_json",
]  # fmt: skip
