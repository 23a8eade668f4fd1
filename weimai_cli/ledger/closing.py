"""Closing a month: its lines frozen, every distributor's statement stored with
a checksum; :func:`verify` recomputes a closed statement and lists what drifted."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from weimai_cli.clock import now_iso
from weimai_cli.db.tx import transaction
from weimai_cli.errors import BadInput, NotFound
from weimai_cli.i18n import _
from weimai_cli.ledger.scope import ALL, OPEN_LINES, check_month, current_month
from weimai_cli.ledger.statements import LIVE_KEYS, compute, compute_many


def _canonical(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum(data: dict) -> str:
    return hashlib.sha256(_canonical(data).encode()).hexdigest()


def close(conn: sqlite3.Connection, month: str, *, force: bool = False) -> dict:
    """Freeze a month: snapshot its lines, store every distributor's statement and its checksum."""
    check_month(month)
    cur = current_month()
    if month > cur:
        raise BadInput(_("{month} has not begun (this month is {current})").format(month=month, current=cur),
                       _("close a finished month"))
    if month == cur and not force:
        raise BadInput(
            _("{month} is not over yet (this month is {current})").format(month=month, current=cur),
            _("close a finished month, or add --force to close it anyway"),
        )
    with transaction(conn):
        if conn.execute("SELECT 1 FROM closed_periods WHERE period = ?", (month,)).fetchone():
            raise BadInput(_("{month} is already closed").format(month=month),
                           _("see `weimai earnings --month {month}`").format(month=month))
        earlier = conn.execute(
            "SELECT min(period) FROM ledger_totals WHERE period < ? "
            "AND period NOT IN (SELECT period FROM closed_periods)", (month,),
        ).fetchone()[0]
        if earlier:
            raise BadInput(
                _("{earlier} is still open and comes before {month}").format(earlier=earlier, month=month),
                _("close months in order: `weimai earnings close --month {earlier}` first").format(earlier=earlier),
            )
        # the month's lines as they are now; the expected rate only where the
        # ledger recorded a finding for the month, as its open statement listed them
        # (findings are the only reader of a snapshot's expected rate)
        conn.execute(
            "INSERT INTO closed_lines " + OPEN_LINES.format(months="?").replace(
                "SELECT o.platform", "SELECT o.month, o.platform", 1
            ).replace("o.month AS period, ", "", 1) + " ORDER BY o.platform, o.line_key",  # in key order
            (month,),
        )
        conn.executemany(
            "UPDATE closed_lines SET expected_rate_bp = ? WHERE period = ? AND platform = ? AND line_key = ?",
            conn.execute(
                "SELECT expected_rate_bp, month, platform, line_key FROM ledger_state "
                "WHERE month = ? AND reported_rate_bp != expected_rate_bp", (month,),
            ).fetchall(),
        )
        conn.execute("INSERT INTO closed_periods (period, closed_at) VALUES (?, ?)", (month, now_iso()))
        # every distributor gets its frozen statement, even an empty one
        who = [r[0] for r in conn.execute(
            "SELECT handle FROM distributors UNION SELECT DISTINCT distributor FROM ledger_totals WHERE period = ? "
            "ORDER BY 1", (month,),
        )]
        stored = []
        closed_at = now_iso()
        every = compute_many(conn, [month], [None, *who])
        for d in [None, *who]:
            data = every[d]
            conn.execute(
                "INSERT INTO statements (period, distributor, data, checksum, closed_at) VALUES (?, ?, ?, ?, ?)",
                (month, d if d is not None else ALL, _canonical(data), checksum(data), closed_at),
            )
            stored.append({"distributor": d if d is not None else ALL, "checksum": checksum(data),
                           "net_fen": data["currencies"][0]["net_fen"]})
    return {"period": month, "statements": stored, "lines": conn.execute(
        "SELECT count(*) FROM closed_lines WHERE period = ?", (month,)).fetchone()[0]}


def verify(conn: sqlite3.Connection, month: str, distributor: str | None) -> list[str]:
    """Recompute a closed statement; the list of what drifted (empty = identical)."""
    row = conn.execute(
        "SELECT data, checksum FROM statements WHERE period = ? AND distributor = ?",
        (month, distributor if distributor is not None else ALL),
    ).fetchone()
    if row is None:
        if not conn.execute("SELECT 1 FROM closed_periods WHERE period = ?", (month,)).fetchone():
            raise BadInput(_("{month} is not closed").format(month=month),
                           _("close it with `weimai earnings close --month {month}`").format(month=month))
        raise NotFound(_("no closed statement for {who} in {month}").format(who=distributor, month=month),
                       _("see `weimai distributors list`"))
    problems = []
    stored = json.loads(row[0])
    if checksum(stored) != row[1]:
        problems.append(_("the stored statement does not match its checksum"))
    fresh = compute(conn, months=[month], distributor=distributor)
    for key in sorted((set(stored) | set(fresh)) - LIVE_KEYS):
        if stored.get(key) != fresh.get(key):
            problems.append(_("{key}: closed {closed}, now {now}").format(
                key=key, closed=_short(stored.get(key)), now=_short(fresh.get(key))))
    return problems


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."
