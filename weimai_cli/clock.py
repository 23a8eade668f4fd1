"""Time: ISO 8601 with an offset, Asia/Shanghai (+08:00) by default.

China keeps one offset all year, so a fixed +08:00 zone is exact and needs
no tz database. ``WEIMAI_NOW`` (an ISO time) freezes the clock, for tests,
golden files and reproducible demos.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def now() -> datetime:
    frozen = os.environ.get("WEIMAI_NOW")
    if frozen:
        dt = datetime.fromisoformat(frozen)
        return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI)


def now_iso() -> str:
    return now().isoformat(timespec="seconds")
