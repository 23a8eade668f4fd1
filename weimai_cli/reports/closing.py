"""Closing a month before its monthly report (``weimai report monthly --close``)."""

from __future__ import annotations

import sqlite3
import time

from weimai_cli.errors import BadInput, DatabaseBusy


def close_month(conn: sqlite3.Connection, month: str, *, wait_seconds: float = 0.0) -> bool:
    """Close ``month`` as `earnings close` does; True if closed now, False if it already was.

    A concurrent run that closes it first is not an error (cron overlap): the
    loser finds it closed. Busy past the timeout, it retries until
    ``wait_seconds`` have passed, then raises DatabaseBusy (exit 3).
    """
    from weimai_cli.ledger import closing
    from weimai_cli.ledger.booking import closed_periods

    deadline = time.monotonic() + wait_seconds
    while True:
        if month in closed_periods(conn):
            return False
        try:
            closing.close(conn, month)
            return True
        except DatabaseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(0.25, max(0.01, deadline - time.monotonic())))
        except BadInput:
            if month in closed_periods(conn):  # closed by the run we were waiting for
                return False
            raise
