"""Opening the database: checks, pragmas, migrations; writes go through :mod:`.tx`.

Every write goes through :func:`weimai_cli.db.tx.transaction`, which opens ``BEGIN IMMEDIATE``
so a writer takes the lock up front and waits at most the busy timeout; past
it, the caller gets :class:`DatabaseBusy` (exit 3) and nothing is written.

A damaged database is never written to. SQLite reports damage only on the pages a
statement reads, so three layers (exit 5, nothing written):

* a write transaction first runs ``PRAGMA quick_check`` when the database is at
  most ``WEIMAI_QUICK_CHECK_MIB`` (default 8) MiB. Measured: about 2.5 ms per MiB
  (8 ms at 10,000 order lines, 85 ms at 100,000, 0.8 s at 1,000,000 = 320 MiB), so
  larger databases skip it rather than add seconds to every write;
* "database disk image is malformed" (or "not a database") met anywhere in a write,
  or by :func:`integrity_problems` (`db check`, `doctor`), leaves a marker file
  ``<db>.corrupt`` beside the database;
* while that marker exists every write transaction refuses. A clean
  :func:`integrity_problems` (``weimai db check`` after a restore) removes it.

Files: the database, its ``-wal``/``-shm`` (SQLite gives them the database's
mode) and backups are created 0600, a folder weimai creates 0700; an existing
database file of ours that group or others may read is tightened to 0600 on open.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from weimai_cli.db.tx import (
    clear_corrupt,
    create_private,
    is_corrupt,
    main_file,
    mark_corrupt,
    translate,
)
from weimai_cli.errors import EnvironmentProblem
from weimai_cli.i18n import _

BUSY_TIMEOUT_MS = int(os.environ.get("WEIMAI_BUSY_TIMEOUT_MS", "5000"))
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_path(path: Path, create_dirs: bool = True) -> None:
    if path.is_dir():
        raise EnvironmentProblem(
            _("{path}: is a directory, not a database file").format(path=path),
            hint=_("point --db or WEIMAI_DB at a file path"),
        )
    if path.exists():
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head and head != _SQLITE_MAGIC:
            raise EnvironmentProblem(
                _("{path}: is not a SQLite database").format(path=path),
                hint=_("point --db at a weimai database, or move this file away"),
            )
    elif not create_dirs and not path.parent.is_dir():
        raise EnvironmentProblem(
            _("{path}: no such folder").format(path=path.parent),
            _("check the --db / WEIMAI_DB path (weimai creates the database file, not its folders)"),
        )
    else:
        try:
            from weimai_cli.config import make_private_dir

            make_private_dir(path.parent)
        except OSError as exc:
            raise EnvironmentProblem(
                _("{path}: cannot create folder ({reason})").format(path=path.parent, reason=exc.strerror),
                hint=_("check WEIMAI_HOME / --db and permissions"),
            ) from None


def connect(path: Path, *, migrate: bool = True, create_dirs: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` and bring it up to date.

    ``create_dirs=False`` (a path the user typed) refuses a missing folder
    rather than creating it, so a typo does not give an empty new database."""
    path = Path(path)
    _check_path(path, create_dirs)
    _private_files(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:
        raise translate(exc, path) from None
    except sqlite3.DatabaseError as exc:
        if is_corrupt(exc):
            mark_corrupt(path, str(exc))
        raise EnvironmentProblem(
            f"{path}: {exc}", hint=_("run `weimai db check`, or restore from a backup")
        ) from None
    if migrate:
        from weimai_cli.db.migrations import migrate as run_migrations

        run_migrations(conn)
    return conn


def _private_files(path: Path) -> None:
    """A new database file is made here, empty and 0600, before SQLite opens it
    (SQLite would make it 0644, and its -wal/-shm copy the database's mode).
    An existing database, -wal or -shm that is ours and readable by group or
    others is tightened: it holds feed URLs with tokens. Best effort: a file we
    cannot change (not ours, read-only file system) is left as it is."""
    try:
        create_private(path)
        return
    except FileExistsError:
        pass
    except OSError:
        return  # sqlite3.connect reports it, with the path
    uid = os.getuid() if hasattr(os, "getuid") else None
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            st = os.stat(p)
            if st.st_mode & 0o077 and st.st_uid == uid:
                os.chmod(p, st.st_mode & 0o700)
        except OSError:
            continue


def _wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL. A new database being created by several processes at once
    can answer "locked" without waiting on the busy handler; retry a while."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Integrity and foreign-key checks, as a list of problems (empty = clean).

    Integrity problems mark the database damaged (writes refuse); a clean
    integrity check lifts the mark. Foreign-key problems do neither: they are
    data to fix, not damage."""
    path = main_file(conn)
    problems = []
    damage = []  # (in English: the marker file's line)
    try:
        for (msg,) in conn.execute("PRAGMA integrity_check"):
            if msg != "ok":
                damage.append(f"integrity: {msg}")
                problems.append(_("integrity: {problem}").format(problem=msg))
        for row in conn.execute("PRAGMA foreign_key_check"):
            problems.append(
                _("foreign key: {table} rowid {rowid} points at missing {parent} row").format(
                    table=row[0], rowid=row[1], parent=row[2])
            )
    except sqlite3.DatabaseError as exc:
        if not is_corrupt(exc):
            raise
        damage.append(f"integrity: {exc}")
        problems.append(_("integrity: {problem}").format(problem=exc))
    if damage:
        mark_corrupt(path, damage[0])
    else:
        clear_corrupt(path)
    return problems


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write)."""
    dest = Path(dest)
    if dest.exists():
        from weimai_cli.errors import BadInput

        raise BadInput(_("{path}: already exists").format(path=dest), hint=_("choose a new file name"))
    tmp = dest.with_name(dest.name + ".partial")
    try:
        create_private(tmp)  # the copy is 0600, as the database
    except FileExistsError:
        from weimai_cli.errors import BadInput

        # never removed here: it may be another backup's, still being written
        raise BadInput(_("{path}: left over from a backup that did not finish (or one still running)").format(
            path=tmp), hint=_("if no other `weimai db backup` is running, delete {path} and try again").format(
            path=tmp)) from None
    except FileNotFoundError:
        raise EnvironmentProblem(_("{path}: no such folder").format(path=dest.parent),
                                 hint=_("create the folder first, or give another path for the copy")) from None
    except OSError as exc:
        raise EnvironmentProblem(_("{path}: cannot create the copy ({reason})").format(path=tmp, reason=exc.strerror),
                                 hint=_("check the folder's permissions and free space")) from None
    try:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
        finally:
            target.close()
        os.replace(tmp, dest)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise translate(exc, dest) from None
        raise
    return dest


def open_db(*, migrate: bool = True) -> sqlite3.Connection:
    """Open the database weimai is pointed at (``--db``, ``WEIMAI_DB`` or home)."""
    from weimai_cli import config

    return connect(config.db_path(config.DB_OVERRIDE), migrate=migrate, create_dirs=not config.DB_OVERRIDE)
