"""Report periods: Asia/Shanghai days, Monday-to-Sunday weeks and calendar
months; without ``--date`` the last *finished* one by :func:`weimai_cli.clock.now`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from weimai_cli.clock import now
from weimai_cli.errors import UsageError
from weimai_cli.i18n import _

KINDS = ("daily", "weekly", "monthly")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_RE = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def key(self) -> str:
        """The period as it appears in the report key: 2026-11-05, 2026-W46, 2026-11."""
        if self.kind == "daily":
            return self.start.isoformat()
        if self.kind == "weekly":
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()[:7]

    @property
    def finished(self) -> bool:
        return self.end < now().date()

    def previous(self) -> Period:
        return Period(self.kind, self.start - timedelta(days=7), self.end - timedelta(days=7))


def _parse_date(kind: str, text: str) -> date:
    text = text.strip()
    try:
        if _DATE_RE.fullmatch(text):
            return date.fromisoformat(text)
        if kind == "monthly" and _MONTH_RE.fullmatch(text):
            return date.fromisoformat(text + "-01")
    except ValueError:
        pass
    example = _("2026-10 or 2026-10-15") if kind == "monthly" else "2026-11-05"
    raise UsageError(_("--date {text!r} is not a date").format(text=text),
                     _("write it as YYYY-MM-DD, e.g. {example}").format(example=example))


def period_for(kind: str, date_text: str | None = None) -> Period:
    """The period of ``kind`` containing ``date_text``, else the last finished one."""
    if kind not in KINDS:
        raise UsageError(_("unknown report {kind!r}").format(kind=kind),
                         _("use one of: {choices}").format(choices=", ".join(KINDS)))
    today = now().date()
    if date_text is not None:
        day = _parse_date(kind, date_text)
    elif kind == "daily":
        day = today - timedelta(days=1)
    elif kind == "weekly":
        day = today - timedelta(days=today.weekday() + 7)
    else:
        day = today.replace(day=1) - timedelta(days=1)
    if kind == "daily":
        return Period(kind, day, day)
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(kind, start, following - timedelta(days=1))
