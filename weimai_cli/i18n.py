"""One mechanism for every text weimai shows: standard gettext catalogs.

The English text is the message id; ``weimai_cli/locale/zh_CN/LC_MESSAGES/
weimai.po`` holds the Simplified Chinese, compiled to the ``weimai.mo``
beside it (shipped in the package; ``python -m weimai_cli.i18n_extract``
extracts, updates and compiles with Babel, see docs/architecture.md).

* ``_("no goods with SKU {sku!r}").format(sku=sku)``: translate now, in the
  interface language. Format *after* translating, never an f-string inside.
* ``N_("…")`` marks a text translated later (module-level constants); the
  extractor finds it, it returns the text unchanged.
* ``pgettext(context, text)`` where one English word has two Chinese ones
  (the statements' labels use their key as context).
* ``tr(text, lang)`` / ``ptr(context, text, lang)``: in a given language (a
  statement rendered with ``--lang en`` while the interface is Chinese).

The interface language: ``--lang`` on the root command, else ``WEIMAI_LANG``,
else ``[ui] lang`` in the config file, else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG`` starting with ``zh``), else English. English costs
nothing: no catalog is read unless Chinese is asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

LANGS = ("en", "zh")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "weimai"
_GNU = {"zh": "zh_CN"}

_lang: str | None = None
_catalogs: dict = {}


def N_(text: str) -> str:
    """Mark a text for the catalog; it is translated where it is shown."""
    return text


def normalise(value: str | None) -> str | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans`` → zh; ``en``, ``C``, ``en_US`` → en; else None."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("zh"):
        return "zh"
    if v.startswith("en") or v in ("c", "posix", "c.utf-8"):
        return "en"
    return None


def locale_lang() -> str:
    """The language of the locale: the first of LC_ALL, LC_MESSAGES, LANG that is set."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def resolve(option: str | None = None) -> str:
    """The interface language from --lang, WEIMAI_LANG, [ui] lang, the locale."""
    for value in (option, os.environ.get("WEIMAI_LANG")):
        lang = normalise(value)
        if lang:
            return lang
    try:
        from weimai_cli.config import config_path

        path = config_path()
        if path.is_file() and b"[ui]" in path.read_bytes():
            from weimai_cli.config import load_config

            lang = normalise(str((load_config().get("ui") or {}).get("lang") or ""))
            if lang:
                return lang
    except Exception:  # an unreadable config is reported by the command that needs it
        pass
    return locale_lang()


def set_lang(lang: str) -> None:
    global _lang
    _lang = lang if lang in LANGS else "en"


def lang() -> str:
    """The interface language (resolved from the environment on first use)."""
    if _lang is None:
        set_lang(resolve())
    return _lang  # type: ignore[return-value]


def catalog(language: str):
    """The gettext translations of a language (NullTranslations for English)."""
    if language not in _catalogs:
        import gettext

        if language == "en":
            _catalogs[language] = gettext.NullTranslations()
        else:
            _catalogs[language] = gettext.translation(
                DOMAIN, localedir=str(LOCALE_DIR), languages=[_GNU.get(language, language)], fallback=True)
    return _catalogs[language]


def tr(text: str, language: str | None = None) -> str:
    language = language or lang()
    return text if language == "en" or not text else catalog(language).gettext(text)


def ptr(context: str, text: str, language: str | None = None) -> str:
    language = language or lang()
    return text if language == "en" or not text else catalog(language).pgettext(context, text)


def _(text: str) -> str:
    """Translate into the interface language."""
    return tr(text)


def pgettext(context: str, text: str) -> str:
    return ptr(context, text)


def ngettext(singular: str, plural: str, n: int) -> str:
    if lang() == "en":
        return singular if n == 1 else plural
    return catalog(lang()).ngettext(singular, plural, n)
