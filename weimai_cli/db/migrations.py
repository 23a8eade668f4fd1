"""Named, ordered, append-only migrations, recorded in the ``_migrations`` table.

The steps live in :mod:`.steps_tables` (m001–m006, the tables) and
:mod:`.steps_changes` (m007 on); add a new one at the end of the latter's
``STEPS``, and never edit or reorder one that has shipped. :func:`migrate` runs the pending ones in one
``BEGIN IMMEDIATE`` transaction when the database is opened, so running it
again is a no-op and two processes opening a new database at once are safe.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable

from weimai_cli.clock import now_iso
from weimai_cli.db import steps_changes, steps_tables

MIGRATIONS: list[tuple[str, Callable]] = [
    (fn.__name__, fn) for fn in (*steps_tables.STEPS, *steps_changes.STEPS)
]


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def _import_sqlite_utils():
    """Import sqlite_utils without numpy and pandas.

    sqlite_utils imports both when they are installed, only so that it can
    store their scalar types; weimai never hands it those, and numpy alone
    costs about 75 ms of every first run against a new database. Either one
    imported before (by anything else) is left alone and used as usual.
    """
    # one thread at a time: another thread's first open would otherwise find
    # sqlite_utils in sys.modules half imported (no Database yet)
    with _IMPORTING:
        if "sqlite_utils" in sys.modules:
            return sys.modules["sqlite_utils"]
        blocked = [name for name in ("numpy", "pandas") if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # makes `import name` raise ImportError
        try:
            import sqlite_utils
        finally:
            for name in blocked:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
        return sqlite_utils


_IMPORTING = threading.Lock()


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    done = set(applied(conn))
    if all(name in done for name, _ in MIGRATIONS):
        return []
    sqlite_utils = _import_sqlite_utils()

    from weimai_cli.db.tx import transaction

    ran = []
    with transaction(conn):
        # re-read inside the lock: another process may have migrated meanwhile
        done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
        # no sqlite-utils plugins: their hooks would cost a scan of every installed
        # package (~25 ms) and have no business changing weimai's connection
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            fn(db)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, now_iso())
            )
            ran.append(name)
    return ran
