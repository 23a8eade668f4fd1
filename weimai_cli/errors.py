"""The WeimaiError family: a one-line message, a hint, and an exit code.

Exit codes (DESIGN §6, also in the README and docs/commands.md):

    0  ok
    1  bad input or failed check (nothing written)
    2  usage
    3  database busy past the timeout (nothing written)
    4  delivery failed after the data was committed
    5  environment (corrupt db, disk full, permissions)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_BUSY = 3
EXIT_DELIVERY = 4
EXIT_ENVIRONMENT = 5


class WeimaiError(Exception):
    """A user-facing error. ``str(err)`` is the one-line message."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, hint: str | None = None, *, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code


class BadInput(WeimaiError):
    """Bad data in a file or argument; nothing was written."""

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        self.file, self.row, self.column = file, row, column
        super().__init__(message, hint)

    @property
    def where(self) -> str:
        parts = [str(p) for p in (self.file, self.row, self.column) if p is not None]
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


class NotFound(WeimaiError):
    exit_code = EXIT_BAD_INPUT


class UsageError(WeimaiError):
    exit_code = EXIT_USAGE


class DatabaseBusy(WeimaiError):
    exit_code = EXIT_BUSY


class DeliveryFailed(WeimaiError):
    exit_code = EXIT_DELIVERY


class EnvironmentProblem(WeimaiError):
    exit_code = EXIT_ENVIRONMENT


def did_you_mean(word: str, choices, n: int = 3) -> str | None:
    """'did you mean A, B?' for close matches (else substring matches), or None."""
    import difflib

    by_lower = {c.lower(): c for c in choices}
    low = word.lower()
    close = [by_lower[c] for c in difflib.get_close_matches(low, list(by_lower), n=n, cutoff=0.6)]
    if not close:
        close = [orig for c, orig in by_lower.items() if low and (low in c or c in low)][:n]
    if not close:
        return None
    return _("did you mean {choices}?").format(choices=", ".join(close))


def _(text: str) -> str:
    """Translate into the interface language. i18n reads the config, which raises
    these errors: it is looked up, not imported (no import cycle)."""
    import sys

    i18n = sys.modules.get("weimai_cli.i18n")
    return text if i18n is None else i18n.tr(text)
