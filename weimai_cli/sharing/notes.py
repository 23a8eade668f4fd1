"""Warnings that scripts read in English and people in their language.

A share's warnings go into ``weimai share --format json`` (``warnings``) and
onto stderr. JSON values stay English whatever the interface language
(issue 14), so a warning is a :class:`Note`: a ``str`` holding the English
text (what JSON, comparisons and ``str()`` see) with the text in the interface
language as ``shown`` (what the CLI prints).
"""

from __future__ import annotations

from collections.abc import Callable


class Note(str):
    """English text (the str itself) and ``shown``, the same in the interface language."""

    shown: str


def note(build: Callable[[str | None], str]) -> Note:
    """A Note from ``build(language)``: called with "en", then with None (the
    interface language, as :func:`weimai_cli.i18n.tr` takes it)."""
    out = Note(build("en"))
    out.shown = build(None)
    return out


def shown(text: str) -> str:
    """What to print for a warning: a Note's ``shown``, any other text as it is."""
    return getattr(text, "shown", text)
