"""One cell as text the same way for every container: :func:`cell_text`,
and :func:`id_text` for ids (a spreadsheet's ``1.2E+15`` or ``123.0`` is an
:class:`IdError`)."""

from __future__ import annotations

import re

from weimai_cli.i18n import N_, _

_SCI = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_DOT_ZERO = re.compile(r"\d+\.0+")


def cell_text(value: object) -> str:
    """A cell as text: strip spaces, tabs, ``="…"`` and a leading ``'``."""
    if type(value) is str:
        s = value.strip()
        if s[:1] not in ("'", "="):  # the common case: nothing to unwrap
            return s
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if not isinstance(value, str):
        return str(value)
    s = value.strip().strip("\t")
    if s.startswith('="') and s.endswith('"') and len(s) >= 3:
        s = s[2:-1]
    if s.startswith("'"):
        s = s[1:]
    return s.strip()


ID_HINT = N_("format the id column as Text in the spreadsheet (or download the CSV again) and re-import")


class IdError(ValueError):
    pass


def id_text(value: object) -> str:
    """An id as exact text. Scientific notation or ``123.0`` is an error."""
    if isinstance(value, bool):
        raise IdError(_("not an id: {value!r}").format(value=value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise IdError(_("id is a fractional number {value!r}; re-export ids as text").format(value=value))
        if abs(value) >= 1e15:
            raise IdError(
                _("id {value:.0f} is a number with more than 15 digits, so its last digits "
                  "are lost; re-export ids as text").format(value=value)
            )
        return str(int(value))
    s = cell_text(value)
    if "." not in s and "e" not in s and "E" not in s:  # neither check below can match
        return s
    if _SCI.fullmatch(s):
        raise IdError(_("id {value!r} was turned into scientific notation; re-export ids as text").format(value=s))
    if _DOT_ZERO.fullmatch(s):
        raise IdError(_("id {value!r} was turned into a number; re-export ids as text").format(value=s))
    return s

