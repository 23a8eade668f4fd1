"""The one place an exception becomes a message, a hint and an exit code.

:func:`describe` maps whatever a command raised: a
:class:`~weimai_cli.errors.WeimaiError` carries its own (exit codes in
:mod:`weimai_cli.errors`); SQLite's errors, an ``OSError`` no check caught
first, and at last a bug become one line each. The root command
(:class:`weimai_cli.cli.app.LazyGroup`) prints it and exits; a command that
goes on after a failure (several feeds, several delivery targets) prints it
with :func:`show`. Commands do not catch and map errors themselves.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import NoReturn

import typer

BUG_HINT = "this is a bug in weimai: please report the command; WEIMAI_DEBUG=1 shows the traceback"


def describe(exc: Exception) -> tuple[str, str | None, int]:
    """(message, hint, exit code) for an exception."""
    from typer import _click

    from weimai_cli.errors import WeimaiError

    if isinstance(exc, WeimaiError):
        return str(exc), exc.hint, exc.exit_code
    if isinstance(exc, _click.exceptions.ClickException):  # usage: as one line and a hint (exit 2)
        hint = None
        if isinstance(exc, _click.exceptions.UsageError):
            hint = f"see `{exc.ctx.command_path if exc.ctx else 'weimai'} --help`"
        return exc.format_message(), hint, exc.exit_code
    if isinstance(exc, sqlite3.OperationalError):
        from weimai_cli.db.tx import translate

        err = translate(exc)
        return str(err), err.hint, err.exit_code
    if isinstance(exc, sqlite3.DatabaseError):
        return f"database error: {exc}", "run `weimai db check`, or restore a backup", 5
    if isinstance(exc, OSError):
        # last resort: a path the system refuses where no check caught it first
        # (a name too long, a folder, permissions, a full disk)
        import errno

        where = f"{exc.filename}: " if exc.filename else ""
        bad_path = exc.errno in (errno.ENAMETOOLONG, errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EEXIST)
        return (f"{where}{exc.strerror or exc}", "check the path, its folder's permissions and free space",
                1 if bad_path else 5)
    # last resort: a bug (each known cause is a WeimaiError where it happens). One line,
    # the exception's kind only: its text could hold data or a secret.
    return f"unexpected error ({type(exc).__name__})", BUG_HINT, 1


def _expected(exc: Exception) -> bool:
    from weimai_cli.errors import WeimaiError

    return isinstance(exc, (WeimaiError, sqlite3.DatabaseError, OSError))


def show(exc: BaseException) -> int:
    """Print an error a command goes on after (its message and hint as they are); its exit code."""
    from weimai_cli.cli import output

    message, hint, code = describe(exc)
    output.error(message, hint)
    return code


def print_error(message: str, hint: str | None) -> None:
    """The error that ends a run: one line (whitespace folded) and its hint, on stderr."""
    from weimai_cli.cli import output

    output.error(" ".join(message.split()), hint)


def fail(exc: Exception) -> NoReturn:
    """End a command's run on ``exc``: its message, hint and exit code. typer's
    own exceptions (exits, usage errors) go on to the root's ``main``, and a bug
    under ``WEIMAI_DEBUG`` keeps its traceback."""
    from typer.exceptions import Abort, TyperException

    if isinstance(exc, BrokenPipeError):  # stdout closed early (| head): not an error
        sys.stderr.close()
        raise typer.Exit(0) from None
    if isinstance(exc, (typer.Exit, Abort, TyperException)) or (os.environ.get("WEIMAI_DEBUG") and not _expected(exc)):
        raise exc
    message, hint, code = describe(exc)
    print_error(message, hint)
    raise typer.Exit(code) from None
