"""Where weimai keeps its files, and its config file.

Home is ``WEIMAI_HOME`` if set, else the platformdirs user data dir. The
database is ``--db PATH``, else ``WEIMAI_DB``, else ``<home>/weimai.db``.
The config file is ``<home>/config.toml``; it may hold secrets (the tracking
code secret, webhook tokens), so it is created with mode 0600 and weimai
refuses to read one that group or others can read. A home folder weimai
creates is 0700 (see :func:`make_private_dir`).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from weimai_cli.errors import EnvironmentProblem


def _(text: str) -> str:
    """Translate, once the interface language is known. i18n reads this config
    file (``[ui] lang``), so it is looked up, not imported (no import cycle), and
    an error met while the language is being resolved stays English."""
    i18n = sys.modules.get("weimai_cli.i18n")
    return text if i18n is None or i18n._lang is None else i18n.tr(text)


# the name of a delivery target or a feed in the config file
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")

APP_NAME = "weimai"
DB_NAME = "weimai.db"
CONFIG_NAME = "config.toml"


def home_dir() -> Path:
    env = os.environ.get("WEIMAI_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("WEIMAI_DB")
    if env:
        return Path(env).expanduser()
    return home_dir() / DB_NAME


def config_path() -> Path:
    return home_dir() / CONFIG_NAME


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; the folder itself, when
    created here, gets mode 0700 whatever the umask (the parents keep the
    usual mode). An existing folder is left as it is: WEIMAI_HOME may be a
    folder the user shares on purpose; the files weimai keeps in it are 0600."""
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def load_config(path: Path | None = None) -> dict[str, Any]:
    """Read the config file; a missing file is an empty config."""
    import tomllib

    path = path or config_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise EnvironmentProblem(
            _("{path}: config file mode is {mode}; it holds secrets").format(
                path=path, mode=f"{stat.S_IMODE(st.st_mode):04o}"),
            hint=_("run: chmod 600 {path}").format(path=path),
        )
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise EnvironmentProblem(
            _("{path}: not valid TOML ({error})").format(path=path, error=exc), hint=_("fix or remove the config file")
        ) from None
    except OSError as exc:  # (not readable: permissions, a directory, an I/O error)
        raise EnvironmentProblem(
            _("{path}: cannot read the config file ({error})").format(path=path, error=exc.strerror or exc),
            hint=_("make it readable by you (chmod 600 {path}), or restore it from a backup").format(path=path),
        ) from None


def save_config(data: dict[str, Any], path: Path | None = None) -> Path:
    """Write the config atomically with mode 0600."""
    import tomli_w

    path = path or config_path()
    tmp = path.with_name(path.name + ".tmp")
    try:
        make_private_dir(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            tomli_w.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp.is_file():
            tmp.unlink()
        raise EnvironmentProblem(
            _("{path}: cannot write the config file ({error})").format(path=path, error=exc.strerror),
            hint=_("check that {folder} is writable and the disk has room; the config is unchanged").format(
                folder=path.parent),
        ) from None
    return path


def update_config(section: str, key: str, value: Any, path: Path | None = None) -> None:
    data = load_config(path)
    data.setdefault(section, {})[key] = value
    save_config(data, path)


DB_OVERRIDE: str | None = None  # set by the root --db option
