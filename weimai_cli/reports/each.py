"""One report per distributor (``weimai report monthly --each-distributor``).

Decisions (documented in docs/delivery.md, "Each distributor's statement"):

* Every **active** distributor (``distributors.active = 1``), ``me``
  included, is considered, ``me`` first then by handle; a deactivated one
  gets no statement (their history stays; ``--as HANDLE`` still shows it).
* One with **nothing** in the period (:func:`weimai_cli.reports.data.build`'s
  ``empty``: no orders, commission, adjustments, payouts or balance owed) is
  skipped: an empty statement is not worth a message.
* Each report is exactly the one ``--as HANDLE`` makes, so its delivery key
  (``monthly:2026-10:anna:zh``) is the same: a statement sent either way is
  not sent again to the same target without ``--resend``.
* With ``--notify-from-distributor`` a statement goes to the delivery target
  named in the distributor's ``notify_target``.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from weimai_cli.reports.data import build
from weimai_cli.reports.periods import Period


@dataclass
class Recipient:
    handle: str
    notify_target: str | None
    data: dict | None = None  # the report, once built


def active_distributors(conn: sqlite3.Connection) -> list[Recipient]:
    """Every active distributor, ``me`` first, then by handle."""
    return [Recipient(r[0], (r[1] or "").strip() or None) for r in conn.execute(
        "SELECT handle, notify_target FROM distributors WHERE coalesce(active, 1) = 1 "
        "ORDER BY handle = 'me' DESC, handle")]


def with_reports(conn: sqlite3.Connection, period: Period,
                 recipients: list[Recipient]) -> tuple[list[Recipient], list[Recipient]]:
    """(those with something in the period, their reports built; those with nothing)."""
    busy, empty = [], []
    for r in recipients:
        r.data = build(conn, period, r.handle)
        (empty if r.data["empty"] else busy).append(r)
    return busy, empty


_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def file_name_part(handle: str) -> str:
    """A handle as it can stand in a file name: no path separators or control
    characters (each becomes ``_``), and never a leading dot."""
    safe = _UNSAFE.sub("_", handle)
    return "_" + safe if safe.startswith(".") else safe
