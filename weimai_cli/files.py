"""Output files: the one way weimai writes a file at a path the user names
(``share --qr/--card``, ``orders import --rejects``, ``report --out``).

The rules (docs/commands.md, "Output files"):

* An existing file is refused unless ``--force``; with ``--force`` it is
  replaced.
* A symbolic link at the target is refused, even with ``--force``: weimai
  never writes through a link (it may point anywhere) and never silently
  turns one into a plain file. Name the real file, or remove the link.
  Links among the folders above the target are followed as usual.
* A folder, a missing folder, or something that is not a regular file (a
  FIFO, a device such as /dev/null) is refused with a one-line error.
* The content goes to a temporary file ``.NAME.XXXX.tmp`` in the target's
  folder and is renamed over the target only once complete (flushed and
  synced): an error or an interrupt midway leaves the old file, or none, and
  no temporary file. Without ``--force`` the rename cannot replace a file
  that appeared meanwhile (it is a hard link, which fails if the name
  exists).
* ``-`` means standard output where a command says so; elsewhere it is
  refused.

:func:`check_target` is called before any work (so a refused path records
nothing); :class:`AtomicFile` / :func:`atomic_open` check again when they
write.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from weimai_cli.errors import BadInput, EnvironmentProblem
from weimai_cli.i18n import _

STDOUT = "-"


def check_target(path: str | os.PathLike, *, force: bool = False, option: str = "--out",
                 stdout: bool = False) -> Path | None:
    """The path to write (``~`` expanded), or None for ``-`` where ``stdout``
    is allowed; a BadInput (exit 1) naming the path otherwise."""
    if str(path) == STDOUT:
        if stdout:
            return None
        raise BadInput(
            _("{option} cannot write to standard output (-)").format(option=option),
            _("give {option} a file name").format(option=option),
        )
    p = Path(path).expanduser()
    if p.is_symlink():
        raise BadInput(
            _("{path}: is a symbolic link; weimai does not write through links, even with --force").format(path=p),
            _("name the real file, or remove the link"),
        )
    if p.is_dir():
        raise BadInput(_("{path}: is a folder").format(path=p), _("give {option} a file name in it").format(option=option))
    parent = p.parent
    if not parent.is_dir():
        what = _("{path}: is not a folder") if parent.exists() else _("{path}: no such folder")
        raise BadInput(
            what.format(path=parent), _("create the folder first, or choose another {option}").format(option=option)
        )
    if p.exists():
        if not stat.S_ISREG(p.stat().st_mode):
            raise BadInput(_("{path}: is not a regular file").format(path=p), _("choose another {option}").format(option=option))
        if not force:
            raise BadInput(
                _("{path}: already exists").format(path=p), _("add --force to replace it, or choose another file name")
            )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise EnvironmentProblem(_("{path}: cannot write in this folder (permission denied)").format(path=parent),
                                 _("check the folder's permissions, or choose another {option}").format(option=option))
    return p


def _cannot_write(path: Path, exc: OSError) -> EnvironmentProblem:
    return EnvironmentProblem(
        _("{path}: cannot write ({error})").format(path=path, error=exc.strerror or exc),
        _("check disk space and permissions"),
    )


class AtomicFile:
    """A file written beside ``path`` and renamed over it by :meth:`commit`;
    :meth:`discard` (or any failure of commit) leaves no trace. ``file`` is
    the open handle (text unless ``binary``)."""

    def __init__(self, path: str | os.PathLike, *, force: bool = False, binary: bool = False,
                 encoding: str = "utf-8", newline: str | None = "", option: str = "--out"):
        import tempfile

        self.force = force
        self.path: Path = check_target(path, force=force, option=option)  # type: ignore[assignment]
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise _cannot_write(self.path, exc) from None
        if binary:
            self.file: IO = os.fdopen(fd, "wb")
        else:
            self.file = os.fdopen(fd, "w", encoding=encoding, newline=newline)

    def commit(self) -> Path:
        """Sync the content and put it in place; returns the target path."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.tmp, 0o666 & ~mask)  # mkstemp makes 0600; an ordinary file instead
            self._install()
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise _cannot_write(self.path, exc) from None
            raise
        return self.path

    def _install(self) -> None:
        if self.path.is_symlink():  # appeared since the check: never replaced
            check_target(self.path, force=self.force)
        if self.force:
            os.replace(self.tmp, self.path)  # a rename never follows a link at the target
            return
        try:
            os.link(self.tmp, self.path)  # fails if the name exists: no clobbering in a race
        except FileExistsError:
            raise BadInput(
                _("{path}: already exists").format(path=self.path),
                _("add --force to replace it, or choose another file name"),
            ) from None
        except OSError:  # a file system without hard links
            check_target(self.path, force=False)
            os.replace(self.tmp, self.path)
            return
        os.unlink(self.tmp)

    def discard(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass
        Path(self.tmp).unlink(missing_ok=True)


@contextmanager
def atomic_open(path: str | os.PathLike, *, force: bool = False, binary: bool = False,
                encoding: str = "utf-8", newline: str | None = "", option: str = "--out") -> Iterator[IO]:
    """``with atomic_open(p) as fh: ...``: the file appears complete when the
    block ends, or not at all if it raises."""
    out = AtomicFile(path, force=force, binary=binary, encoding=encoding, newline=newline, option=option)
    try:
        yield out.file
    except BaseException as exc:
        out.discard()
        if isinstance(exc, OSError):
            raise _cannot_write(out.path, exc) from None
        raise
    out.commit()


def write_text(path: str | os.PathLike, text: str, *, force: bool = False, option: str = "--out") -> Path:
    """Write ``text`` (UTF-8) atomically; returns the path."""
    with atomic_open(path, force=force, option=option) as fh:
        fh.write(text)
    return Path(path).expanduser()


# a cell a spreadsheet would run as a formula (=, +, -, @ …) unless it is a number
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?%?")


def csv_safe(cell: str) -> str:
    """A CSV cell that Excel shows as text, not runs as a formula (a leading \')."""
    if cell and cell[0] in "=+-@\t\r" and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
