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
    """typer's own words in the interface language (once per process and language)."""
    language = lang()
    if language == "en" or language in _installed:
        return
    from typer import rich_utils
    from typer._click import core, formatting

    for name, text in TYPER_WORDS.items():
        setattr(rich_utils, name, tr(text, language))
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
