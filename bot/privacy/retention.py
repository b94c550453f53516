"""The scheduled clean-up job: texts of closed tickets go after the retention period (a setting)."""

from __future__ import annotations

import datetime as dt
import logging

from bot.privacy.service import purge
from bot.services import Context

log = logging.getLogger(__name__)


async def retention_job(context: Context) -> None:
    svc = context.svc
    purged = await purge(svc.store, dt.timedelta(days=svc.settings.retention_days), svc.escalation.group)
    if purged:
        log.info("purged the texts of %s closed tickets", purged)
