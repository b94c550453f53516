from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.offers import OffersContent, load_offers
from bot.offers.scan import OfferChecker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def offers() -> OffersContent:
    return load_offers(ROOT / "content")


@pytest.fixture(scope="session")
def checker(offers: OffersContent) -> OfferChecker:
    return OfferChecker(offers)
