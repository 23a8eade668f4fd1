"""The ``--rejects`` file: the rows ``--skip-bad`` leaves out, with reasons."""

from __future__ import annotations

import csv

from weimai_cli.errors import WeimaiError
from weimai_cli.tables.cells import cell_text


class Rejects:
    """The ``--rejects`` CSV: file, row, column, reason, then the row's cells.

    The path is checked when this is made, before any import (weimai_cli.files:
    an existing file needs --force, a link is refused); the file is written
    beside it and put in place at the end, and only if a row was rejected. If
    the import stops on an error, the rows of the files whose import finished
    (committed, or checked with --dry-run) are kept: those of the file that
    failed are dropped, as its import is. A spreadsheet opens it, so every
    cell is neutralised as all CSV output is (output.py: a leading = + - @,
    tab or CR gets a ``'``; numbers stay)."""

    def __init__(self, path: str | None, force: bool = False):
        from weimai_cli.files import check_target

        self.path = path
        self.force = force
        self._out = None  # files.AtomicFile, made at the first rejected row
        self._fh = None
        self._writer = None
        self._headers: set[str] = set()
        self._kept = 0  # bytes of the files whose import finished
        if path is not None:
            check_target(path, force=force, option="--rejects")

    def _open(self):
        if self._writer is None:
            from weimai_cli.files import AtomicFile, csv_safe

            self._out = AtomicFile(self.path, force=self.force, encoding="utf-8-sig", option="--rejects")
            self._fh = self._out.file
            writer = csv.writer(self._fh)
            self._writer = lambda cells: writer.writerow([csv_safe(str(c)) for c in cells])
            self._writer(["file", "row", "column", "reason"])
        return self._writer

    def add(self, file: str, row: int | None, column: str | None, reason: str,
            header: list[str] | None = None, values: list | None = None) -> None:
        if self.path is None:
            return
        w = self._open()
        if header is not None and file not in self._headers:
            self._headers.add(file)
            w([file, "", "", "header", *header])
        w([file, row or "", column or "", reason, *(cell_text(v) for v in values or [])])

    def keep(self) -> None:
        """The rows so far belong to files whose import finished."""
        if self._fh:
            self._fh.flush()
            self._kept = self._fh.buffer.tell()

    def close(self, ok: bool = True) -> None:
        """Put the file in place (after an error: only the kept rows, if any)."""
        if self._out is None:
            return
        if ok:
            self._out.commit()
            return
        try:
            self._fh.flush()
            self._fh.buffer.truncate(self._kept)
            if self._kept:
                self._out.commit()
            else:
                self._out.discard()
        except WeimaiError:  # the import's own error is the one to report
            self._out.discard()

