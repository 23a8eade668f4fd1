"""Opening the database: checks, pragmas, migrations, and the write helper.

Every write goes through :func:`transaction`, which opens ``BEGIN IMMEDIATE``
so a writer takes the lock up front and waits at most the busy timeout; past
it, the caller gets :class:`DatabaseBusy` (exit 3) and nothing is written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from weimai_cli.errors import DatabaseBusy, EnvironmentProblem

BUSY_TIMEOUT_MS = int(os.environ.get("WEIMAI_BUSY_TIMEOUT_MS", "5000"))
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_path(path: Path, create_dirs: bool = True) -> None:
    if path.is_dir():
        raise EnvironmentProblem(
            f"{path}: is a directory, not a database file",
            hint="point --db or WEIMAI_DB at a file path",
        )
    if path.exists():
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head and head != _SQLITE_MAGIC:
            raise EnvironmentProblem(
                f"{path}: is not a SQLite database",
                hint="point --db at a weimai database, or move this file away",
            )
    elif not create_dirs and not path.parent.is_dir():
        raise EnvironmentProblem(
            f"{path.parent}: no such folder",
            "check the --db / WEIMAI_DB path (weimai creates the database file, not its folders)",
        )
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(
                f"{path.parent}: cannot create folder ({exc.strerror})",
                hint="check WEIMAI_HOME / --db and permissions",
            ) from None


def connect(path: Path, *, migrate: bool = True, create_dirs: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` and bring it up to date.

    ``create_dirs=False`` (a path the user typed) refuses a missing folder
    rather than creating it, so a typo does not give an empty new database."""
    path = Path(path)
    _check_path(path, create_dirs)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        _wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as exc:
        raise _translate(exc, path) from None
    except sqlite3.DatabaseError as exc:
        raise EnvironmentProblem(
            f"{path}: {exc}", hint="run `weimai db check`, or restore from a backup"
        ) from None
    if migrate:
        from weimai_cli.migrations import migrate as run_migrations

        run_migrations(conn)
    return conn


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


def _translate(exc: sqlite3.Error, path: Path | str | None = None) -> Exception:
    msg = str(exc)
    where = f"{path}: " if path else ""
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(
            f"{where}database is busy (another weimai is writing)",
            hint="try again, or raise WEIMAI_BUSY_TIMEOUT_MS",
        )
    if "readonly" in msg or "unable to open" in msg:
        return EnvironmentProblem(f"{where}{msg}", hint="check the file's permissions")
    if "disk" in msg and ("full" in msg or "I/O" in msg):
        return EnvironmentProblem(f"{where}{msg}", hint="free some disk space")
    return EnvironmentProblem(f"{where}{msg}", hint="run `weimai db check`")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _translate(exc) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        raise _translate(exc) from None


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Integrity and foreign-key checks, as a list of problems (empty = clean)."""
    problems = []
    for (msg,) in conn.execute("PRAGMA integrity_check"):
        if msg != "ok":
            problems.append(f"integrity: {msg}")
    for row in conn.execute("PRAGMA foreign_key_check"):
        problems.append(
            f"foreign key: {row[0]} rowid {row[1]} points at missing {row[2]} row"
        )
    return problems


def backup(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write)."""
    dest = Path(dest)
    if dest.exists():
        from weimai_cli.errors import BadInput

        raise BadInput(f"{dest}: already exists", hint="choose a new file name")
    tmp = dest.with_name(dest.name + ".partial")
    target = sqlite3.connect(tmp)
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(tmp, dest)
    return dest


@contextmanager
def plain_indexes_dropped(conn: sqlite3.Connection, table: str, drop: bool) -> Iterator[None]:
    """With ``drop``, the plain indexes of ``table`` are dropped for the block
    and built again after it: one sort instead of a random insert per row,
    several times faster when the table doubles or more. Unique and partial
    indexes stay. Call inside a transaction: a failure or a kill restores
    them with everything else."""
    rebuild: list[str] = []
    if drop:
        for _, name, unique, origin, partial in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
            if unique or partial or origin != "c":
                continue
            rebuild.append(conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
            ).fetchone()[0])
            conn.execute(f'DROP INDEX "{name}"')
    yield
    if rebuild:
        # helper threads for the sorts: about 1.3 × faster on 2 cores (and a
        # few MiB more memory, so only here)
        threads = conn.execute("PRAGMA threads").fetchone()[0]
        conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
        try:
            for sql in rebuild:
                conn.execute(sql)
        finally:
            conn.execute(f"PRAGMA threads = {threads}")
