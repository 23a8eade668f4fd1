"""The interface in the user's language: typer's help texts through the catalog.

Help texts stay English in the code (they are the catalog's message ids,
extracted from ``help="…"`` and command docstrings by weimai_cli/i18n_extract.py).
A command's click object is translated when it is built for a run
(:func:`command`), so English costs nothing and every language is one
catalog. typer's own words (the panels' titles, ``[default: …]``, the help
option, ``Usage:``) are translated by :func:`install` from the same catalog.
"""

from __future__ import annotations

from weimai_cli.i18n import N_, lang, tr

# typer's and click's own words, as they print them (typer.rich_utils names)
TYPER_WORDS = {
    "DEPRECATED_STRING": N_("(deprecated) "),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
}
USAGE = N_("Usage: ")
HELP_OPTION = N_("Show this message and exit.")
COMPLETION = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)

_installed: set[str] = set()


def install() -> None:
    """typer's own words in the interface language (once per process and language).
    Its help panels' words are set when a help is shown (:func:`_rich_help`):
    rich is not imported by a command that shows none."""
    language = lang()
    if language in _installed:
        return
    from typer import core as typer_core
    from typer._click import core, formatting

    for cls in (typer_core.TyperCommand, typer_core.TyperGroup):
        format_help = cls.__dict__["format_help"]
        if not getattr(format_help, "_weimai", False):
            cls.format_help = _rich_help(format_help)
    if language == "en":  # (only the wrapping of CJK text in help)
        _installed.add(language)
        return
    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "_weimai", False):
        def translated_usage(self, prog, args="", prefix=None):
            return write_usage(self, prog, args, tr(USAGE) if prefix is None else prefix)

        translated_usage._weimai = True
        formatting.HelpFormatter.write_usage = translated_usage
    get_help_option = core.Command.get_help_option
    if not getattr(get_help_option, "_weimai", False):
        def translated_help_option(self, ctx):
            option = get_help_option(self, ctx)
            if option is not None and option.help:
                option.help = tr(option.help)
            return option

        translated_help_option._weimai = True
        core.Command.get_help_option = translated_help_option
    _installed.add(language)


def _rich_help(format_help):
    def translated_help(self, ctx, formatter):
        language = lang()
        if language != "en":
            from typer import rich_utils

            for name, text in TYPER_WORDS.items():
                setattr(rich_utils, name, tr(text, language))
        wrap_cjk()  # (English help names 淘口令, 联盟 … too)
        return format_help(self, ctx, formatter)

    translated_help._weimai = True
    return translated_help


# Chinese has no spaces: rich breaks lines only at whitespace, so a long run of
# CJK characters is cut with "…" in a help column (and in a table). In help and
# tables (in any language: English help and goods titles hold Chinese too)
# each CJK character is a word of its own (closing punctuation kept
# with the character before it, opening with the one after), and a line's
# trailing space is measured in cells, not characters (rich's rstrip_end
# compares characters with cells: a CJK line that fits but for its trailing
# space was cut with "…" too).
_OPEN = "（「『【《〈“‘〔［｛"
_CLOSE = "）」』】》〉”’〕］｝，。、：；！？…·"
_CJK = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WORD = (f"\\s*(?:[{_OPEN}]*[{_CJK}][{_CLOSE}]*|[{_OPEN}]*[^\\s{_CJK}{_OPEN}]+[{_CLOSE}]*|\\S)\\s*")


def _cjk_words(text: str):
    """rich._wrap.words, with a break allowed between two CJK characters."""
    for match in _cjk_word().finditer(text):
        yield match.start(), match.end(), match.group()


def _cjk_word():
    global _word_re
    if _word_re is None:
        import re

        _word_re = re.compile(_WORD)
    return _word_re


_word_re = None


def _rstrip_end(self, size: int) -> None:
    """rich.text.Text.rstrip_end, measuring the line in cells."""
    from rich.cells import cell_len

    plain = self.plain
    excess = cell_len(plain) - size
    if excess > 0:
        spaces = len(plain) - len(plain.rstrip())
        if spaces:
            self.right_crop(min(spaces, excess))


_unwrapped: tuple = ()  # rich's own words and rstrip_end, once replaced (for tests)


def wrap_cjk() -> None:
    """Let rich wrap Chinese text by character (once per process)."""
    global _unwrapped
    from rich import _wrap, text

    if _wrap.words is not _cjk_words:
        _unwrapped = (_wrap.words, text.Text.rstrip_end)
        _wrap.words = _cjk_words
        text.Text.rstrip_end = _rstrip_end


def command(cmd, *, recurse: bool = True):
    """Translate a click command's help, short help and its parameters' help, and
    (``recurse``) its subcommands' (a group's), in place; returns it."""
    language = lang()
    if language == "en":
        return cmd
    for attr in ("help", "short_help", "epilog"):
        value = getattr(cmd, attr, None)
        if isinstance(value, str) and value:
            setattr(cmd, attr, tr(value, language))
    for param in getattr(cmd, "params", ()):
        value = getattr(param, "help", None)
        if isinstance(value, str) and value:
            param.help = tr(value, language)
    for sub in (getattr(cmd, "commands", None) or {}).values() if recurse else ():
        command(sub)
    return cmd
