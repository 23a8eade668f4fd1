"""The one mapping from an exception to (message, hint, exit code): cli/failures.py."""

from __future__ import annotations

import errno
import sqlite3

import pytest
import typer

from weimai_cli.cli import failures
from weimai_cli.errors import BadInput, DatabaseBusy, DeliveryFailed, EnvironmentProblem, UsageError


@pytest.mark.parametrize("exc, expected", [
    (BadInput("no goods", "add one"), ("no goods", "add one", 1)),
    (UsageError("--as and --all-distributors exclude each other"),
     ("--as and --all-distributors exclude each other", None, 2)),
    (DatabaseBusy("busy", "try again"), ("busy", "try again", 3)),
    (DeliveryFailed("team: HTTP 500"), ("team: HTTP 500", None, 4)),
    (EnvironmentProblem("disk full"), ("disk full", None, 5)),
    (sqlite3.DatabaseError("file is not a database"),
     ("database error: file is not a database", "run `weimai db check`, or restore a backup", 5)),
    (OSError(errno.ENOENT, "No such file or directory", "/x/y"),
     ("/x/y: No such file or directory", "check the path, its folder's permissions and free space", 1)),
    (OSError(errno.EACCES, "Permission denied", "/x"),
     ("/x: Permission denied", "check the path, its folder's permissions and free space", 5)),
    (KeyError("secret"), ("unexpected error (KeyError)", failures.BUG_HINT, 1)),
])
def test_describe(exc, expected):
    assert failures.describe(exc) == expected


def test_busy_sqlite_is_database_busy():
    assert failures.describe(sqlite3.OperationalError("database is locked")) == (
        "database is busy (another weimai is writing)", "try again, or raise WEIMAI_BUSY_TIMEOUT_MS", 3)


def test_fail_prints_one_line_and_exits_with_the_code(capsys):
    with pytest.raises(typer.Exit) as info:
        failures.fail(BadInput("two\n  lines", "a hint"))
    assert info.value.exit_code == 1
    assert capsys.readouterr().err == "error: two lines\nhint: a hint\n"


def test_fail_lets_typer_exits_and_debugged_bugs_through(monkeypatch):
    with pytest.raises(typer.Exit):
        failures.fail(typer.Exit(7))
    monkeypatch.setenv("WEIMAI_DEBUG", "1")
    with pytest.raises(KeyError):
        failures.fail(KeyError("x"))
    with pytest.raises(typer.Exit):  # a known error is still mapped
        failures.fail(BadInput("x"))


def test_show_keeps_the_message_and_returns_the_code(capsys):
    assert failures.show(DeliveryFailed("a  b", "retry")) == 4
    assert capsys.readouterr().err == "error: a  b\nhint: retry\n"
