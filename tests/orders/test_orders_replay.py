"""Re-importing the same bytes with nothing changed since is answered from the
last import's record (orders/replay.py). Each case checks the replayed report
against the full comparison, and that anything which could change the outcome
(a later import, a share, attribution, options, the code secret, the code,
rejected rows, several parts) makes the import compare every line again."""

from __future__ import annotations

import json
import shutil

import pytest
from test_orders_golden import CASES, _import_case
from test_orders_import import GENERIC, row, write

from tests.orders_helpers import ORDERS, SECRET, add_share, read_events, read_orders, use_secret
from weimai_cli.orders import importer, replay
from weimai_cli.sharing.codes import make_code

IDS = ("import_id", "same_as_import")


@pytest.fixture
def replays(monkeypatch) -> list:
    """The files replayed (not compared line by line), in order."""
    seen: list = []
    real = importer._replayed

    def spy(conn, path, *args, **kw):
        seen.append(path)
        return real(conn, path, *args, **kw)

    monkeypatch.setattr(importer, "_replayed", spy)
    return seen


def imported(run, *args) -> list[dict]:
    return json.loads(run("orders", "import", "--json", *args).stdout)


def compared(run, monkeypatch, *args) -> list[dict]:
    """The same import with replays turned off: every line compared."""
    with monkeypatch.context() as m:
        m.setattr(replay, "find", lambda *a, **k: None)
        return imported(run, *args)


def strip(results: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in IDS} for r in results]


@pytest.mark.parametrize("case", sorted(CASES))
def test_replay_equals_full_comparison(case, run, home, monkeypatch, replays):
    conn, _ = _import_case(run, home, CASES[case])
    last = ORDERS / CASES[case][-1]
    orders, events = read_orders(conn), read_events(conn)
    again = imported(run, last)
    several_parts = last.suffix in (".zip", ".xlsx", ".xls") and len(again) > 1
    assert replays == ([] if several_parts else [str(last)])
    full = compared(run, monkeypatch, last)
    assert strip(again) == strip(full)
    assert all((r["new"], r["changed"]) == (0, 0) for r in again)
    assert read_orders(conn) == orders and read_events(conn) == events
    stored = conn.execute("SELECT rows, new, changed, unchanged, stale, attributed FROM imports "
                          "ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(stored) == tuple(full[-1][k] for k in ("rows", "new", "changed", "unchanged", "stale",
                                                          "attributed"))


def test_replayed_import_is_recorded_and_changes_no_line(run, db, tmp_path, replays):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", status="completed")])
    first = imported(run, f)[0]
    again = imported(run, f)[0]
    assert replays == [str(f)]
    assert (again["new"], again["changed"], again["unchanged"], again["same_as_import"]) == (
        0, 0, 2, first["import_id"])
    assert {r[0] for r in db.execute("SELECT last_import_id FROM orders")} == {first["import_id"]}
    assert db.execute("SELECT count(*), max(id) FROM imports").fetchone()[:] == (2, again["import_id"])
    # and a third time, from the replayed import's own record
    assert strip(imported(run, f)) == strip([again])
    assert len(replays) == 2


def test_older_file_after_a_newer_one_is_compared(run, db, tmp_path, replays):
    old = write(tmp_path / "old.csv", [row("L1", status="paid")])
    new = write(tmp_path / "new.csv", [row("L1", status="settled")])
    imported(run, old)
    imported(run, new)
    r = imported(run, old)[0]
    assert replays == [] and (r["stale"], r["stale_keys"]) == (1, ["L1"])
    # the older file again: its stale line is still stale, now from the record
    assert strip(imported(run, old)) == strip([r]) and replays == [str(old)]


def test_any_later_import_breaks_the_chain(run, db, tmp_path, replays):
    a = write(tmp_path / "a.csv", [row("L1")])
    b = write(tmp_path / "b.csv", [row("X1")])
    imported(run, a)
    imported(run, b)
    assert imported(run, a)[0]["unchanged"] == 1 and replays == []


def test_a_new_share_is_attributed_on_reimport(run, db, tmp_path, replays):
    use_secret()
    f = write(tmp_path / "o.csv", [row("L1", slot="S1"), row("L2", code=make_code(3, SECRET))])
    assert imported(run, f)[0]["attributed"] == 0
    add_share(db, 3, "SKU-9")
    r = imported(run, f)[0]
    assert replays == [] and r["attributed"] == 1
    add_share(db, 4, "SKU-1", slot="S1")
    assert imported(run, f)[0]["attributed"] == 2 and replays == []
    assert imported(run, f)[0]["attributed"] == 2 and replays == [str(f)]


def test_attribute_command_breaks_the_chain(run, db, tmp_path, replays):
    use_secret()
    f = write(tmp_path / "o.csv", [row("L1", code=make_code(5, SECRET))])
    imported(run, f)
    add_share(db, 5, "SKU-1")
    run("orders", "attribute")
    r = imported(run, f)[0]
    assert replays == [] and (r["attributed"], r["bad_codes"]) == (1, 0)


def test_other_options_secret_or_code_are_compared(run, db, tmp_path, replays, monkeypatch):
    f = write(tmp_path / "o.csv", [row("L1", code="wm0001ABCD")])
    first = imported(run, f)[0]
    assert first["bad_codes"] == 1
    imported(run, "--format", "generic", f)
    imported(run, "--platform", "weidian", f)
    use_secret()
    imported(run, "--platform", "weidian", f)
    with monkeypatch.context() as m:
        m.setattr(replay, "code_digest", lambda: "another version")
        imported(run, "--platform", "weidian", f)
    assert replays == []
    imported(run, f)  # platform "generic" again: a different line set, compared
    imported(run, f)
    assert replays == [str(f)]


def test_rejected_rows_are_read_again(run, db, tmp_path, replays):
    f = write(tmp_path / "o.csv", [row("L1"), row("L2", paid="NaN")])
    rej = tmp_path / "rejects.csv"
    imported(run, "--skip-bad", "--rejects", rej, f)
    rej.unlink()
    r = imported(run, "--skip-bad", "--rejects", rej, f)[0]
    assert replays == [] and r["rejected"] == 1 and rej.exists()


def test_replay_warns_with_the_path_given_and_dry_run_writes_nothing(run, db, tmp_path, replays):
    f = write(tmp_path / "o.csv", [row("L1"), GENERIC, row("L2")])
    imported(run, f)
    copy = tmp_path / "copy.csv"
    shutil.copyfile(f, copy)
    r = run("orders", "import", copy)
    assert f"warning: {copy}:3: repeated header row skipped" in r.stderr
    assert "2 rows: 0 new, 0 changed, 2 unchanged, 0 stale" in r.stderr
    count = db.execute("SELECT count(*) FROM imports").fetchone()[0]
    dry = imported(run, "--dry-run", copy)[0]
    assert (dry["unchanged"], dry["import_id"], dry["dry_run"]) == (2, None, True)
    assert db.execute("SELECT count(*) FROM imports").fetchone()[0] == count
    assert replays == [str(copy), str(copy)]


def test_code_digest_reads_every_source_there_is():
    """Each source of the code digest exists: a name left behind by a move
    (tables.py became the tables/ package) would break every import."""
    assert [name for name in replay._SOURCES if not (replay._PACKAGE / name).exists()] == []
