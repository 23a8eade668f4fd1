"""The write transaction, and the damaged-database guard every write passes.

:func:`transaction` opens ``BEGIN IMMEDIATE`` so a writer takes the lock up
front and waits at most the busy timeout; past it, the caller gets
:class:`DatabaseBusy` (exit 3) and nothing is written. A database marked
damaged (``<db>.corrupt``) or failing ``PRAGMA quick_check`` is refused (see
:mod:`weimai_cli.db.store` for the three layers). Kept apart from
:mod:`weimai_cli.db.store` so the migrations, which store runs on open, can
write through it without importing store.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from weimai_cli.errors import DatabaseBusy, EnvironmentProblem
from weimai_cli.i18n import N_, _

# primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF)
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26
CORRUPT_HINT = N_("run `weimai db check`; if it finds problems, restore a `weimai db backup` copy "
                   "(a clean check lets weimai write again)")


def create_private(path: Path) -> None:
    """Create an empty file with mode 0600 whatever the umask (FileExistsError if it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if hasattr(os, "fchmod"):  # (not on Windows before Python 3.13)
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def translate(exc: sqlite3.Error, path: Path | str | None = None) -> Exception:
    msg = str(exc)
    where = f"{path}: " if path else ""
    if _code(exc) == _SQLITE_FULL:
        return EnvironmentProblem(_("{where}the disk is full (SQLite: {msg}); nothing was written").format(
            where=where, msg=msg), hint=_("free some disk space, then run the command again"))
    if is_corrupt(exc):
        return EnvironmentProblem(_("{where}{msg}; nothing was written").format(where=where, msg=msg),
                                  hint=_(CORRUPT_HINT))
    if "locked" in msg or "busy" in msg:
        return DatabaseBusy(
            _("{where}database is busy (another weimai is writing)").format(where=where),
            hint=_("try again, or raise WEIMAI_BUSY_TIMEOUT_MS"),
        )
    if "readonly" in msg or "unable to open" in msg:
        return EnvironmentProblem(f"{where}{msg}", hint=_("check the file's permissions"))
    if "disk" in msg and ("full" in msg or "I/O" in msg):
        return EnvironmentProblem(f"{where}{msg}", hint=_("free some disk space"))
    return EnvironmentProblem(f"{where}{msg}", hint=_("run `weimai db check`"))


def _code(exc: BaseException) -> int:
    """SQLite's primary result code of an error (0 when it carries none)."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def is_corrupt(exc: BaseException) -> bool:
    return _code(exc) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def main_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the connection's main database (None in memory)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def corrupt_marker(path: Path) -> Path:
    return Path(f"{path}.corrupt")


def mark_corrupt(path: Path | None, problem: str) -> None:
    """Leave ``<db>.corrupt`` (the problem, one line) so later writes refuse.
    Best effort: a folder we cannot write to keeps no marker."""
    if path is None:
        return
    marker = corrupt_marker(path)
    try:
        try:
            create_private(marker)
        except FileExistsError:
            pass
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(" ".join(problem.split()) + "\n")
    except OSError:
        pass


def clear_corrupt(path: Path | None) -> None:
    if path is not None:
        try:
            corrupt_marker(path).unlink()
        except OSError:
            pass


def _quick_check_bytes() -> int:
    text = os.environ.get("WEIMAI_QUICK_CHECK_MIB", "8")
    try:
        mib = float(text)
    except ValueError:
        from weimai_cli.errors import UsageError

        raise UsageError(_("WEIMAI_QUICK_CHECK_MIB={text!r} is not a number").format(text=text),
                         _("give a size in MiB (0 turns the check before writes off)")) from None
    return int(mib * (1 << 20))


def _refuse_damaged(conn: sqlite3.Connection, path: Path | None) -> None:
    """Raise if the database is marked damaged or (when small enough) fails
    ``PRAGMA quick_check``. Called inside the write lock, before any write."""
    if path is None:
        return
    marker = corrupt_marker(path)
    if marker.exists():
        try:
            seen = marker.read_text(encoding="utf-8").strip()
        except OSError:
            seen = ""
        seen = seen or _("see {marker}").format(marker=marker)
        raise EnvironmentProblem(
            _("{path}: the database is damaged ({seen}); weimai will not write to it").format(path=path, seen=seen),
            hint=_(CORRUPT_HINT),
        )
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    if page_count * conn.execute("PRAGMA page_size").fetchone()[0] > _quick_check_bytes():
        return
    found = [msg for (msg,) in conn.execute("PRAGMA quick_check(1)")]
    if found != ["ok"]:
        mark_corrupt(path, f"quick_check: {found[0]}")
        raise EnvironmentProblem(
            _("{path}: the database is damaged (quick_check: {found}); nothing was written").format(
                path=path, found=found[0]),
            hint=_(CORRUPT_HINT),
        )


def _rollback(conn: sqlite3.Connection) -> None:
    """ROLLBACK if a transaction is still open. After some errors (disk full, I/O,
    a failed COMMIT) SQLite has already rolled the whole transaction back, and a
    ROLLBACK would fail with "no transaction is active", hiding the error that
    matters; a ROLLBACK that fails otherwise is left to SQLite's recovery on the
    next open (the journal / WAL), for the same reason."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _environment_error(exc: sqlite3.Error, path: Path | None) -> Exception | None:
    """The user-facing error for a disk-full or damaged-database error (marking
    the database damaged), else None (the error goes on as it is)."""
    if is_corrupt(exc):
        mark_corrupt(path, str(exc))
    elif _code(exc) != _SQLITE_FULL:
        return None
    return translate(exc, path)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception. Refuses a
    damaged database (see the module's docstring); a full disk or damage met on
    the way is an :class:`EnvironmentProblem` naming it (exit 5)."""
    path = main_file(conn)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise translate(exc) from None
    try:
        _refuse_damaged(conn, path)
        yield conn
    except sqlite3.Error as exc:
        _rollback(conn)
        err = _environment_error(exc, path)
        if err is None:
            raise
        raise err from None
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise (_environment_error(exc, path) or translate(exc, path)) from None
