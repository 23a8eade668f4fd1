"""Time: ISO 8601 with an offset, Asia/Shanghai (+08:00) by default.

China keeps one offset all year, so a fixed +08:00 zone is exact and needs
no tz database. ``WEIMAI_NOW`` (an ISO time) freezes the clock, for tests,
golden files and reproducible demos.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


# an order line's day in SQL: the Asia/Shanghai date of its paid (else
# created) time, as day_of gives it (its month is the Asia/Shanghai month too).
# As day_of, a time at +08:00 (nearly every line) is cut, not parsed: date()
# costs a tenth of a large import's writes (benchmarks/bench_write_shape.py)
DAY_SQL = (
    "CASE WHEN substr(coalesce({paid}, {created}), -6) = '+08:00' "
    "THEN substr(coalesce({paid}, {created}), 1, 10) "
    "ELSE date(coalesce({paid}, {created}), '+8 hours') END"
)


def day_of(iso: str | None) -> str | None:
    """The Asia/Shanghai day (YYYY-MM-DD) of an ISO time."""
    if not iso:
        return None
    if iso.endswith("+08:00"):
        return iso[:10]
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d")


def now() -> datetime:
    frozen = os.environ.get("WEIMAI_NOW")
    if frozen:
        dt = datetime.fromisoformat(frozen)
        return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)
    return datetime.now(SHANGHAI)


def now_iso() -> str:
    return now().isoformat(timespec="seconds")


def today() -> str:
    """Today in Asia/Shanghai, YYYY-MM-DD."""
    return now().astimezone(SHANGHAI).strftime("%Y-%m-%d")


def parse_bound(text: str, *, end: bool = False) -> str:
    """A --since / --until value as an ISO time (+08:00) to compare stored times with.

    Takes ``YYYY-MM``, ``YYYY-MM-DD`` or a full ISO time (no offset means
    +08:00). With ``end=True`` a month or a day means its end: the bound is
    the start of the next month / day, to be compared with ``<``.
    """
    from weimai_cli.errors import UsageError

    s = text.strip()
    try:
        if len(s) == 7:  # YYYY-MM
            dt = datetime.strptime(s, "%Y-%m").replace(tzinfo=SHANGHAI)
            if end:
                dt = dt.replace(year=dt.year + dt.month // 12, month=dt.month % 12 + 1)
        elif len(s) == 10:  # YYYY-MM-DD
            dt = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=SHANGHAI)
            if end:
                dt += timedelta(days=1)
        else:
            dt = datetime.fromisoformat(s)
            dt = dt.replace(tzinfo=SHANGHAI) if dt.tzinfo is None else dt.astimezone(SHANGHAI)
            if end:
                dt += timedelta(seconds=1)
    except ValueError:
        raise UsageError(
            f"not a date: {text!r}", "write 2026-11, 2026-11-01 or 2026-11-01T08:00:00+08:00"
        ) from None
    return dt.isoformat(timespec="seconds")
