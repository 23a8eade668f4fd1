"""Every test runs in a fresh WEIMAI_HOME with a frozen clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from weimai_cli.cli.app import app

DATA = Path(__file__).parent / "data"
FROZEN_NOW = "2026-11-20T10:00:00+08:00"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("WEIMAI_HOME", str(h))
    monkeypatch.delenv("WEIMAI_DB", raising=False)
    monkeypatch.delenv("WEIMAI_FORCE_TERMINAL", raising=False)
    monkeypatch.delenv("WEIMAI_READER_PROCESS", raising=False)
    monkeypatch.setenv("WEIMAI_NOW", FROZEN_NOW)
    # English unless a test asks for Chinese (LANG=zh_CN…, WEIMAI_LANG=zh or --lang zh)
    for var in ("WEIMAI_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from weimai_cli import i18n

    monkeypatch.setattr(i18n, "_lang", None)
    return h


class Run:
    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0):
        result = self.runner.invoke(app, [str(a) for a in args], input=input)
        if code is not None and result.exit_code != code:
            raise AssertionError(
                f"weimai {' '.join(map(str, args))} exited {result.exit_code}, wanted {code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"exception: {result.exception!r}"
            )
        return result


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def db(home) -> sqlite3.Connection:
    """A connection to the test home's database (created and migrated)."""
    from weimai_cli.db.store import connect

    conn = connect(home / "weimai.db")
    yield conn
    conn.close()


def dump(conn: sqlite3.Connection, sql: str, params=()) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, params)]
