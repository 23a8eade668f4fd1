"""Every command, hostile arguments: one error line and a documented exit code,
never a traceback (issue #11, item 19).

The command tree is walked from the root typer app, so a new command or option
is covered without touching this file. Each argument and each option is given
every hostile value in turn while the others hold ordinary values (so the
command gets past its first check and reaches the code that uses the value).
"""

from __future__ import annotations

import os

import pytest
import typer

from tests.conftest import Run, dump

DOCUMENTED_EXIT_CODES = {0, 1, 2, 3, 4, 5}


def _hostile(folder: str) -> list[str]:
    return [
        "9" * 30,                    # too large for a 64-bit integer
        "-" + "9" * 30,
        "1e308", "NaN", "-1",
        "",
        "\x1b[2J\x1b]8;;x\x07\u202e\r\nX",  # control and bidi characters
        "é" * 5000,                  # very long
        folder,                      # a path that is a folder
        "https://h.example:99999/x",  # a bad port
        "http://[::1",               # not a URL
        "2026-13-45",
    ]


# ordinary values for arguments and for options a command needs, by parameter name
ORDINARY = {
    "sku": "G1", "handle": "d1", "name": "t1", "kind": "daily", "line_key": "L1",
    # URLs the address policy refuses before any connection: no invocation reaches the network
    "url": "https://127.0.0.1/x", "dest": "backup.db", "month": "2026-11", "amount": "1.00",
    "args": "G1 1.00", "target": "t1", "code": "wm0001XXXX",
    "notify add kind": "webhook", "feeds add url": "https://127.0.0.1/feed.csv",
}


def _commands():
    """(path, click command) for every command and every group with a callback of its own."""
    root = typer.main.get_command(typer_app())

    def walk(cmd, path):
        if hasattr(cmd, "list_commands"):
            if path and cmd.invoke_without_command:
                yield path, cmd
            ctx = cmd.make_context(path[-1] if path else "weimai", [], resilient_parsing=True)
            for name in cmd.list_commands(ctx):
                yield from walk(cmd.get_command(ctx, name), [*path, name])
        else:
            yield path, cmd

    return list(walk(root, []))


def typer_app():
    from weimai_cli.cli.app import app

    return app


def _invocations(path, cmd, hostile):
    """Argument lists: each parameter hostile in turn, the others ordinary."""
    params = [p for p in cmd.params if p.name not in ("install_completion", "show_completion", "help")]
    args = [p for p in params if p.param_type_name == "argument"]
    opts = [p for p in params if p.param_type_name == "option" and not p.is_flag]

    def ordinary(p) -> list[str]:
        value = ORDINARY.get(f"{' '.join(path)} {p.name}", ORDINARY.get(p.name, "x"))
        return value.split() if p.nargs == -1 else [value]

    def required_opts(skip=None) -> list[str]:
        out = []
        for p in opts:
            if p.required and p is not skip:
                out += [p.opts[0], ordinary(p)[0]]
        return out

    for bad in hostile:
        for target in args:
            argv = [bad if p is target else v for p in args for v in ([bad] if p is target else ordinary(p))]
            yield [*path, *argv, *required_opts()]
        for target in opts:
            argv = [v for p in args for v in ordinary(p)]
            yield [*path, *argv, *required_opts(skip=target), target.opts[0], bad]


@pytest.fixture
def stocked(run, tmp_path, monkeypatch):
    """A home with goods, a distributor, a share and an order line; cwd a scratch folder."""
    monkeypatch.chdir(tmp_path)
    run("goods", "add", "G1", "--title", "t", "--price", "1.00", "--rate", "10", "--url", "https://item.taobao.com/1")
    run("distributors", "add", "d1")
    orders = tmp_path / "o.csv"
    orders.write_text("order_id,line_key,sku,title,quantity,unit_price,paid,status,created_at,paid_at\n"
                      "O1,L1,G1,t,1,1.00,1.00,paid,2026-11-12 10:00:00,2026-11-12 10:01:00\n")
    run("orders", "import", orders)
    (tmp_path / "x").write_text("hello\n")  # the ordinary FILE argument (notify send)
    folder = tmp_path / "folder.png"  # a folder with a file's name
    folder.mkdir()
    return str(folder)


def test_every_command_with_hostile_arguments_fails_cleanly(stocked, monkeypatch):
    monkeypatch.setenv("WEIMAI_HTTP_TIMEOUT", "0.2")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    run = Run()
    problems = []
    count = 0
    for path, cmd in _commands():
        if path in (["demo"], ["goods", "list"]):
            continue  # demo builds a whole demo home; `goods list` is `list-goods`
        for argv in _invocations(path, cmd, _hostile(stocked)):
            count += 1
            r = run(*argv, code=None)
            crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
            if crashed or "Traceback" in r.output or r.exit_code not in DOCUMENTED_EXIT_CODES:
                problems.append(f"{argv!r}: exit {r.exit_code}: {r.exception!r}")
    assert count > 1000, count
    assert problems == [], "\n".join(problems)


def test_root_db_option_pointing_at_a_folder(run, tmp_path):
    r = run("--db", str(tmp_path), "list-goods", code=5)
    assert "Traceback" not in r.output and r.stderr.startswith("error: ")


def test_walk_covers_every_command():
    names = {" ".join(p) for p, _ in _commands()}
    assert {"goods add", "orders import", "notify add", "share", "earnings", "report"} <= names
    assert os.environ.get("WEIMAI_HOME")


# ---- the causes, one by one: one line naming file:row:column, nothing written

def _goods(db):
    return dump(db, "SELECT sku, price_fen, stock FROM goods ORDER BY sku")


@pytest.mark.parametrize(("args", "message"), [
    (["--price", "9" * 30], "error: --price: amount too large (at most 999999999999.99): '" + "9" * 30 + "'"),
    (["--price", "1", "--stock", "9" * 5000],
     "error: --stock: number too large (at most 999999999999): '" + "9" * 35 + "…99'"),
    (["--price", "1", "--commission", "1e308"], "error: --commission: not an amount: '1e308'"),
])
def test_goods_add_huge_numbers(run, db, args, message):
    r = run("goods", "add", "A", "--title", "t", *args, code=1)
    assert r.stderr.splitlines()[0] == message
    assert _goods(db) == []


def test_largest_amount_is_taken(run, db):
    run("goods", "add", "A", "--title", "t", "--price", "999999999999.99", "--stock", "999999999999")
    r = run("goods", "edit", "A", "--price", "1000000000000.00", "--stock", "1000000000000", code=1)
    assert r.stderr.splitlines()[0] == "error: --price: amount too large (at most 999999999999.99): '1000000000000.00'"
    assert _goods(db) == [("A", 99999999999999, 999999999999)]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("g.csv", "sku,title,price\nA,t,1.00\nB,t,99999999999999999999999\n",
     "g.csv:3:3: price: amount too large (at most 999999999999.99): '99999999999999999999999'"),
    ("g.json", '[{"sku": "A", "title": "t", "price": 1e308}]',
     "g.json:1:3: price: amount too large (at most 999999999999.99): 1e+308"),
    ("g.json", '[{"sku": "A", "title": "t", "price": 1, "stock": 1.5}]',
     "g.json:1:4: stock: not a whole number: '1.5'"),
    ("g.json", '[{"sku": "A", "title": "t", "price": 1, "stock": NaN}]', "g.json:1:4: stock: not a whole number: 'nan'"),
    ("g.json", "[" * 100_000 + "]" * 100_000, "g.json: not valid JSON for a table (nested too deeply)"),
    ("g.jsonl", '{"sku": "A", "title": "t", "price": 1}\n{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
     "g.jsonl:2: not valid JSON for a table (nested too deeply)"),
])
def test_goods_import_hostile_files(run, db, tmp_path, name, text, message):
    f = tmp_path / name
    f.write_text(text)
    r = run("goods", "import", f, code=1)
    assert r.stderr.splitlines()[0] == f"error: {tmp_path}/{message}"
    assert _goods(db) == []


def test_orders_import_huge_amount_and_quantity(run, db, tmp_path):
    f = tmp_path / "o.csv"
    head = "order_id,line_key,sku,title,quantity,unit_price,paid,status,created_at,paid_at\n"
    f.write_text(head + "O1,L1,G1,t,1,1.00,99999999999999999999.00,paid,2026-11-12 10:00:00,2026-11-12 10:01:00\n")
    r = run("orders", "import", f, code=1)
    assert r.stderr.splitlines()[0] == (
        f"error: {f}:2:7: paid: amount too large (at most 999999999999.99): '99999999999999999999.00'")
    f.write_text(head + "O1,L1,G1,t,99999999999999,1.00,1.00,paid,2026-11-12 10:00:00,2026-11-12 10:01:00\n")
    r = run("orders", "import", f, code=1)
    assert r.stderr.splitlines()[0] == (
        f"error: {f}:2:5: quantity: number too large (at most 999999999999): '99999999999999'")
    assert dump(db, "SELECT count(*) FROM orders") == [(0,)]
    assert dump(db, "SELECT count(*) FROM imports") == [(0,)]


def test_notify_add_when_the_config_cannot_be_written(run, home):
    run("notify", "add", "a", "--kind", "webhook", "--url", "https://127.0.0.1/a", "--allow-private")
    before = (home / "config.toml").read_bytes()
    (home / "config.toml.tmp").mkdir()  # the atomic write's temporary file cannot be made
    r = run("notify", "add", "b", "--kind", "webhook", "--url", "https://127.0.0.1/b", "--allow-private", code=5)
    assert r.stderr == (
        f"error: {home}/config.toml: cannot write the config file (Is a directory)\n"
        f"hint: check that {home} is writable and the disk has room; the config is unchanged\n"
    )
    assert (home / "config.toml").read_bytes() == before


def test_webhook_url_with_a_bad_port(run, home):
    r = run("notify", "add", "a", "--kind", "webhook", "--url", "https://h.example:99999/x?key=SECRET1", code=1)
    assert r.stderr.splitlines()[0] == (
        "error: webhook URL https://h.example:99999/x?key=*** is not a valid URL (Port out of range 0-65535)")
    assert not (home / "config.toml").exists()


def test_output_paths_that_are_folders_record_nothing(run, db, stocked, tmp_path):
    before = dump(db, "SELECT count(*) FROM shares")
    for option in ("--card", "--qr"):
        r = run("share", "G1", option, stocked, code=1)
        assert r.stderr.splitlines()[0] == f"error: {stocked}: is a folder"
    assert dump(db, "SELECT count(*) FROM shares") == before
    r = run("orders", "import", "--skip-bad", "--rejects", tmp_path, tmp_path / "o.csv", code=1)
    assert r.stderr.splitlines()[0] == f"error: {tmp_path}: is a folder"


def test_huge_limit_and_share_id(run, stocked):
    r = run("list-goods", "--limit", "9" * 30, code=2)
    assert r.stderr.splitlines()[0] == (
        "error: Invalid value for '--limit' / '-n': Input should be less than or equal to 1000000000000")
    r = run("orders", "list", "--share", "9" * 30, code=1)
    assert r.stderr.splitlines()[0] == f"error: no share '{'9' * 30}'"


def test_last_resort_is_one_line_and_debug_shows_the_traceback(run, monkeypatch):
    from weimai_cli.catalog import goods as catalog

    def boom(*a, **k):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(catalog, "query_goods", boom)
    r = run("list-goods", code=1)
    assert r.stderr == (
        "error: unexpected error (OverflowError)\n"
        "hint: this is a bug in weimai: please report the command; WEIMAI_DEBUG=1 shows the traceback\n"
    )
    monkeypatch.setenv("WEIMAI_DEBUG", "1")
    r = run("list-goods", code=None)
    assert isinstance(r.exception, OverflowError)


def test_last_resort_for_a_path_the_system_refuses(run, tmp_path):
    r = run("db", "backup", tmp_path / ("é" * 5000), code=1)
    assert r.stderr.splitlines()[0].endswith(": File name too long")
