"""clock.DAY_SQL: an order line's Asia/Shanghai day in SQL, as day_of gives it."""

import sqlite3
from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from weimai_cli.clock import DAY_SQL, day_of

PARSED = "date(coalesce({paid}, {created}), '+8 hours')"  # what every time went through before

_offsets = st.sampled_from([8 * 60, 0, -5 * 60, 9 * 60, 5 * 60 + 30, -12 * 60, 14 * 60])
_times = st.builds(
    lambda dt, minutes, micro: dt.replace(microsecond=micro, tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2099, 12, 30)),
    _offsets, st.sampled_from([0, 0, 500000, 123456]),
)
_iso = st.builds(lambda t, spec: t.isoformat(timespec=spec), _times,
                 st.sampled_from(["seconds", "seconds", "microseconds", "milliseconds"]))


def _days(paid, created):
    conn = sqlite3.connect(":memory:")
    sql = f"SELECT {DAY_SQL.format(paid='?1', created='?2')}, {PARSED.format(paid='?1', created='?2')}"
    return conn.execute(sql, (paid, created)).fetchone()


@given(paid=st.none() | _iso, created=st.none() | _iso)
def test_day_sql_is_the_parsed_day_and_day_of(paid, created):
    cut, parsed = _days(paid, created)
    assert cut == parsed
    assert cut == day_of(paid or created)


def test_day_sql_edges():
    assert _days("2026-11-30T23:59:59+08:00", None) == ("2026-11-30", "2026-11-30")
    assert _days("2026-11-30T16:00:00+00:00", None) == ("2026-12-01", "2026-12-01")
    assert _days(None, "2026-11-01T00:00:00+08:00") == ("2026-11-01", "2026-11-01")
    assert _days(None, None) == (None, None)
    assert _days("", None) == (None, None)
