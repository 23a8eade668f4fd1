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

from weimai_cli.i18n import N_, _, lang, tr

BUG_HINT = N_("this is a bug in weimai: please report the command; WEIMAI_DEBUG=1 shows the traceback")


def describe(exc: Exception) -> tuple[str, str | None, int]:
    """(message, hint, exit code) for an exception."""
    from typer import _click

    from weimai_cli.errors import WeimaiError

    if isinstance(exc, WeimaiError):
        return str(exc), exc.hint, exc.exit_code
    if isinstance(exc, _click.exceptions.ClickException):  # usage: as one line and a hint (exit 2)
        hint = None
        if isinstance(exc, _click.exceptions.UsageError):
            hint = _("see `{command} --help`").format(command=exc.ctx.command_path if exc.ctx else "weimai")
        return click_message(exc), hint, exc.exit_code
    if isinstance(exc, sqlite3.OperationalError):
        from weimai_cli.db.tx import translate

        err = translate(exc)
        return str(err), err.hint, err.exit_code
    if isinstance(exc, sqlite3.DatabaseError):
        return _("database error: {error}").format(error=exc), _("run `weimai db check`, or restore a backup"), 5
    if isinstance(exc, OSError):
        # last resort: a path the system refuses where no check caught it first
        # (a name too long, a folder, permissions, a full disk)
        import errno

        where = f"{exc.filename}: " if exc.filename else ""
        bad_path = exc.errno in (errno.ENAMETOOLONG, errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EEXIST)
        return (f"{where}{_strerror(exc)}", _("check the path, its folder's permissions and free space"),
                1 if bad_path else 5)
    # last resort: a bug (each known cause is a WeimaiError where it happens). One line,
    # the exception's kind only: its text could hold data or a secret.
    return _("unexpected error ({kind})").format(kind=type(exc).__name__), tr(BUG_HINT), 1


# the system's words for the errors a path meets (os.strerror is English whatever the locale)
_STRERROR = {
    "ENOENT": N_("No such file or directory"),
    "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "ENOSPC": N_("No space left on device"),
    "EISDIR": N_("Is a directory"),
    "ENOTDIR": N_("Not a directory"),
    "ENAMETOOLONG": N_("File name too long"),
    "EEXIST": N_("File exists"),
    "EROFS": N_("Read-only file system"),
    "EIO": N_("Input/output error"),
    "ELOOP": N_("Too many levels of symbolic links"),
}


def _strerror(exc: OSError) -> str:
    import errno

    text = exc.strerror or str(exc)
    name = errno.errorcode.get(exc.errno or 0)
    if lang() == "en" or name not in _STRERROR or text != _STRERROR[name]:
        return text
    return tr(_STRERROR[name])


# click's and typer's own messages (they have no catalog): the English, read
# back, in the interface's language. A message none of these match stays as it is.
_CLICK = (
    (r"No such option: (?P<option>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {option} (Possible options: {options})")),
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (r"No such command (?P<name>'.*')\. Did you mean (?P<names>.+)\?", N_("No such command {name}. Did you mean {names}?")),
    (r"No such command (?P<name>'.*')\.", N_("No such command {name}.")),
    (r"Missing argument (?P<name>.+?)\. Choose from: (?P<choices>.+)", N_("Missing argument {name}. Choose from: {choices}")),
    (r"Missing option (?P<name>.+?)\. Choose from: (?P<choices>.+)", N_("Missing option {name}. Choose from: {choices}")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter: (?P<name>.+)", N_("Missing parameter: {name}")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"Option (?P<option>'.*') requires an argument\.", N_("Option {option} requires an argument.")),
    (r"Option (?P<option>'.*') requires (?P<n>\d+) arguments\.", N_("Option {option} requires {n} arguments.")),
    (r"Option (?P<option>'.*') does not take a value\.", N_("Option {option} does not take a value.")),
    (r"Argument (?P<name>'.*') takes (?P<n>\d+) values\.", N_("Argument {name} takes {n} values.")),
    (r"Could not open file (?P<name>'.*'): (?P<reason>.+)", N_("Could not open file {name}: {reason}")),
    (r"Invalid value for (?P<param>.+?): (?P<reason>.+)", N_("Invalid value for {param}: {reason}")),
    (r"Invalid value: (?P<reason>.+)", N_("Invalid value: {reason}")),
    # why a value is refused (pydantic's and typer's words): a {reason} above
    (r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"Input should be a valid integer, unable to parse string as an integer",
     N_("Input should be a valid integer, unable to parse string as an integer")),
    (r"Input should be a valid integer(?P<rest>.*)", N_("Input should be a valid integer{rest}")),
    (r"Input should be a valid number, unable to parse string as a number",
     N_("Input should be a valid number, unable to parse string as a number")),
    (r"Input should be a valid boolean, unable to interpret input", N_("Input should be a valid boolean, unable to interpret input")),
    (r"Input should be greater than or equal to (?P<n>\S+)", N_("Input should be greater than or equal to {n}")),
    (r"Input should be less than or equal to (?P<n>\S+)", N_("Input should be less than or equal to {n}")),
    (r"Input should be greater than (?P<n>\S+)", N_("Input should be greater than {n}")),
    (r"Input should be less than (?P<n>\S+)", N_("Input should be less than {n}")),
    (r"Value (?P<value>.+) is not a valid (?P<type>\w+)\.", N_("Value {value} is not a valid {type}.")),
    (r"Value must be an iterable\.", N_("Value must be an iterable.")),
)


def _read_back(text: str) -> str | None:
    import re

    for pattern, message in _CLICK:
        match = re.fullmatch(pattern, text, re.S)
        if match:
            groups = match.groupdict()
            if "reason" in groups:
                groups["reason"] = _read_back(groups["reason"]) or groups["reason"]
            return tr(message).format(**groups)
    return None


def click_message(exc) -> str:
    """A click usage error's message in the interface's language; an unknown
    command at the root gets the did-you-mean typer gives a group's."""
    text = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if text.startswith("No such command ") and "Did you mean" not in text and ctx is not None:
        import re
        from difflib import get_close_matches

        match = re.fullmatch(r"No such command '(.*)'\.", text)
        try:
            names = list(ctx.command.list_commands(ctx))
        except Exception:  # a suggestion is a nicety
            names = []
        close = get_close_matches(match.group(1), names) if match else []
        if close:
            text = f"{text[:-1]}. Did you mean {', '.join(repr(c) for c in close)}?"
    if lang() == "en":
        return text
    return _read_back(" ".join(text.split())) or text


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
