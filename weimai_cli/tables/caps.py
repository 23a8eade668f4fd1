"""Caps on what one file may make the reader hold or unpack (hostile or
broken files: a zip bomb, one endless line, a huge shared string table).

The caps are read at call time as ``caps.NAME`` by the modules that hold
them (tests lower them with ``monkeypatch.setattr(caps, ...)``).
"""

from __future__ import annotations

import os
import zipfile
import zlib

from weimai_cli.errors import BadInput
from weimai_cli.i18n import N_, _

# Caps on what one file may make us hold or unpack (hostile or broken files:
# a zip bomb, one endless line). No real export comes near them; over a cap
# the file is refused (exit 1) before, or while, it is read, nothing written.
DEFAULT_MAX_UNCOMPRESSED = 1 << 30  # bytes of one zip member / XLSX part (WEIMAI_MAX_UNCOMPRESSED)
MAX_RATIO = 100  # uncompressed : compressed, of a part of RATIO_FLOOR bytes or more
RATIO_FLOOR = 1 << 20  # (a small XML part can compress 200:1 and is harmless)
MAX_LINE = 4 << 20  # bytes of one line of a CSV/TSV file (more than a 64 KiB read)
MAX_CELL = 131072  # characters of one CSV cell (the csv module's own default limit)
MAX_XML_CELL = 1 << 20  # bytes of one XLSX cell or shared string, as XML
MAX_SHARED_STRINGS = 10_000_000  # strings in an XLSX's shared string table
MAX_UNCACHED = 10_000  # formula cells without a saved value kept per sheet (for errors)
CAP_HINT = N_("a real export never gets there: check the file (download it again)")


def max_uncompressed() -> int:
    """The cap on one zip member's or XLSX part's unpacked size, in bytes."""
    raw = os.environ.get("WEIMAI_MAX_UNCOMPRESSED")
    if not raw:
        return DEFAULT_MAX_UNCOMPRESSED
    if not raw.isdigit() or int(raw) == 0:
        raise BadInput(
            _("WEIMAI_MAX_UNCOMPRESSED={raw!r} is not a byte count").format(raw=raw), _("give a whole number")
        )
    return int(raw)


def check_packed(info: zipfile.ZipInfo, where: str) -> None:
    """A zip member's declared size and compression ratio against the caps
    (read from the directory: nothing is unpacked)."""
    cap = max_uncompressed()
    if info.file_size > cap:
        raise BadInput(
            _("unpacks to {size:,} bytes, over the cap of {cap:,} bytes (WEIMAI_MAX_UNCOMPRESSED)").format(
                size=info.file_size, cap=cap),
            _(CAP_HINT), file=where,
        )
    if info.file_size >= RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise BadInput(
            _("unpacks {ratio:,} times its packed size, over the cap of {max}:1 (a zip bomb?)").format(
                ratio=ratio, max=MAX_RATIO),
            _(CAP_HINT), file=where,
        )


# what unpacking a damaged zip member raises (a bad CRC, a cut or broken stream)
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


def _damaged(where: str, exc: Exception) -> BadInput:
    return BadInput(
        _("the zip file is damaged ({exc})").format(exc=exc), _("download or export it again"), file=where
    )


def _over_cap(where: str, cap: int) -> BadInput:
    """A part that unpacks to more than its directory said, and more than the cap."""
    return BadInput(
        _("unpacks to more than the cap of {cap:,} bytes (WEIMAI_MAX_UNCOMPRESSED)").format(cap=cap),
        _(CAP_HINT), file=where,
    )
