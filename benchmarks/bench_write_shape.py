"""The write shapes of an order import, side by side (issue 16).

    python benchmarks/bench_write_shape.py                       # 1,000,000 lines, 3 rounds
    python benchmarks/bench_write_shape.py --lines 200000 --rounds 1   # quick

What a large first import spends in SQLite, for each way of writing the same
lines, against the sqlite3 shell's ``.import --csv`` of the generic CSV they
came from (the reference of ``bench_orders.py``), measured in the same
rounds. The lines: ``bench_orders.generate``'s rows imported once by weimai
(``--sample`` rows), read back from ``orders`` and repeated with other keys
up to ``--lines``; every shape then writes those tuples, GROUP lines to a
statement as :class:`weimai_cli.orders.write.Grouped` does, in one
transaction, into a new database made by weimai's migrations. Per shape:
the load (the INSERTs), the index build after it, the COMMIT (with WAL's
checkpoint), the total, the CPU seconds of the process (the index sort's
helper threads included) and the database's size.

Shapes:

* ``today``: what ``write.Direct`` does (the day worked out by SQLite from
  paid_at/created_at, foreign keys on, ``orders_month_lines`` dropped and
  built after the load);
* ``day-bound``: the day computed by the reader and bound as a value;
* ``no-fk``: foreign keys off for the load;
* ``index-kept``: ``orders_month_lines`` kept up to date line by line;
* ``no-month-index``: without ``orders_month_lines`` (what the index costs);
* ``without-rowid``: ``orders`` as a WITHOUT ROWID table keyed by
  (platform, line_key);
* ``page-8k``, ``page-16k``: a database of 8 or 16 KiB pages;
* ``cache-64m``: a 64 MiB page cache for the load (today's is 8 MiB);
* ``hot+json``: a narrow hot table of the columns statements and
  attribution read, the rest of a line in one JSON text column;
* ``hot+side``: the same hot table, the rest in a side table (two inserts a
  line);
* ``json-each``: a chunk bound as ONE value, a JSON array of lines (made by
  the reader), unpacked by SQLite (``json_each``, ``value ->> i``) instead of
  binding every value;
* ``bind-only``: the statements of ``today`` bound and run with nothing
  inserted (``WHERE 0``): what binding the values costs by itself.

Reading (``--no-read`` skips it): the generic CSV read into tuples by the
csv module and, where pyarrow is installed, by pyarrow's streaming CSV
reader (columns to Python lists, zipped to tuples), with the time to import
pyarrow and its installed size.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_orders import generate, reference  # noqa: E402

# the columns statements, reports and attribution read (orders_month_lines,
# attribution, booking); the rest of a line is "cold"
HOT = ("line_key", "sku", "quantity", "paid_fen", "refunded_fen", "currency", "status", "month",
       "tracking_code", "code_share_id", "code_status", "slot", "reported_commission_fen",
       "settled_commission_fen", "reported_rate_bp")
FIXED = ("platform", "kind", "distributor", "first_import_id", "last_import_id", "updated_at")
SHAPES = ("today", "day-bound", "no-fk", "index-kept", "no-month-index", "without-rowid", "page-8k",
          "page-16k", "cache-64m", "hot+json", "hot+side", "json-each", "bind-only")


def source_lines(work: Path, sample: int, lines: int) -> tuple[tuple[str, ...], list[tuple]]:
    """(field names, line tuples): ``sample`` rows imported by weimai, repeated to ``lines``."""
    csv_path = work / "sample.csv"
    generate(csv_path, sample, "utf-8")
    home = work / "source-home"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "WEIMAI_HOME": str(home), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "weimai_cli", "orders", "import", str(csv_path)], env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from weimai_cli.orders.values import LINE_FIELDS

    fields = (*LINE_FIELDS, "day")
    src = sqlite3.connect(home / "weimai.db")
    base = src.execute(f"SELECT {', '.join(fields)} FROM orders ORDER BY rowid").fetchall()
    src.close()
    out: list[tuple] = []
    copy = 0
    while len(out) < lines:
        copy += 1
        out.extend((f"{r[0]}-{copy}", *r[1:]) for r in base[: lines - len(out)])
    return fields, out


def _new_db(path: Path, page: int | None):
    from weimai_cli.db.store import connect

    if page:
        c = sqlite3.connect(path)
        c.execute(f"PRAGMA page_size = {page}")
        c.execute("VACUUM")
        c.close()
    conn = connect(path)
    conn.isolation_level = None
    return conn


def _import_row(conn) -> None:
    cols = [r[1] for r in conn.execute("PRAGMA table_info(imports)")]
    vals = {c: "x" for c in cols}
    vals.update(id=1, size=1)
    conn.execute(f"INSERT INTO imports ({', '.join(vals)}) VALUES ({', '.join('?' * len(vals))})",
                 tuple(vals.values()))


def write_once(shape: str, fields: tuple[str, ...], data: list[tuple], work: Path) -> dict:
    from weimai_cli.clock import DAY_SQL
    from weimai_cli.db.indexes import plain_indexes_dropped
    from weimai_cli.orders.write import Grouped, fast_null_binding

    folder = Path(tempfile.mkdtemp(dir=work))
    path = folder / "w.db"
    conn = _new_db(path, {"page-8k": 8192, "page-16k": 16384}.get(shape))
    conn.execute(f"PRAGMA cache_size = -{65536 if shape == 'cache-64m' else 8192}")
    names = fields[:-1]  # without day
    rows = data
    if shape == "without-rowid":
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
        extra = [r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'orders' AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL")]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DROP TABLE orders")
        conn.execute(sql.rstrip().rstrip(";") + " WITHOUT ROWID")
        for s in extra:
            conn.execute(s)
        conn.execute("PRAGMA foreign_keys = ON")
    if shape == "no-month-index":
        conn.execute("DROP INDEX orders_month_lines")
    if shape == "no-fk":
        conn.execute("PRAGMA foreign_keys = OFF")
    fixed = ("generic", "shop", None, 1, 1, "2026-12-01T00:00:00+08:00")
    statements: list[Grouped] = []
    if shape in ("hot+json", "hot+side"):
        cold = tuple(f for f in names if f not in HOT)
        hot_cols = ", ".join(f"{f}" for f in (*FIXED, *HOT, "day"))
        conn.execute(f"CREATE TABLE hot ({hot_cols}, seen_valid INTEGER NOT NULL DEFAULT 0, "
                     f"{'rest TEXT, ' if shape == 'hot+json' else ''}PRIMARY KEY (platform, line_key))")
        conn.execute("CREATE INDEX hot_month_lines ON hot (month, distributor, status, currency, kind, "
                     "code_share_id, sku, day, paid_fen, refunded_fen, reported_rate_bp)")
        hot_at = [names.index(f) for f in HOT]
        cold_at = [names.index(f) for f in cold]
        day_at = len(names)
        if shape == "hot+json":
            import json

            dumps = json.dumps
            # the reader makes the JSON text (it would, in its child process)
            rows = [(*(r[i] for i in hot_at), r[day_at],
                     dumps({f: r[i] for f, i in zip(cold, cold_at) if r[i] is not None},
                           ensure_ascii=False, separators=(",", ":"))) for r in data]
            width = len(HOT) + 2
            statements.append(Grouped(
                f"INSERT INTO hot ({', '.join(FIXED)}, {', '.join(HOT)}, day, rest) VALUES {{}}",
                lambda first: "(?1, ?2, ?3, ?4, ?5, ?6, " + ", ".join(
                    f"?{first + i}" for i in range(width)) + ")", width, fixed))
        else:
            conn.execute(f"CREATE TABLE cold (platform TEXT NOT NULL, line_key TEXT NOT NULL, "
                         f"{', '.join(cold)}, PRIMARY KEY (platform, line_key)) WITHOUT ROWID")
            rows = [(*(r[i] for i in hot_at), r[day_at], *(r[i] for i in cold_at)) for r in data]
            width = len(HOT) + 1
            hot_ins = Grouped(
                f"INSERT INTO hot ({', '.join(FIXED)}, {', '.join(HOT)}, day) VALUES {{}}",
                lambda first: "(?1, ?2, ?3, ?4, ?5, ?6, " + ", ".join(
                    f"?{first + i}" for i in range(width)) + ")", width, fixed)
            cold_ins = Grouped(f"INSERT INTO cold (platform, line_key, {', '.join(cold)}) VALUES {{}}",
                               lambda first: "(?1, " + ", ".join(
                                   f"?{first + i}" for i in range(len(cold) + 1)) + ")",
                               len(cold) + 1, ("generic",))
            split = width
            statements = [hot_ins, cold_ins]
            rows = [(r[:split], (r[0], *r[split:])) for r in rows]
        table = "hot"
    elif shape == "json-each":
        import json

        encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        sel = ", ".join(f"coalesce(value ->> {i}, 0)" if f == "refunded_fen" else f"value ->> {i}"
                        for i, f in enumerate(names))
        day = DAY_SQL.format(paid=f"value ->> {names.index('paid_at')}",
                             created=f"value ->> {names.index('created_at')}")
        sql = (f"INSERT INTO orders ({', '.join(FIXED)}, {', '.join(names)}, day) "
               f"SELECT ?1, ?2, ?3, ?4, ?5, ?6, {sel}, {day} FROM json_each(?7)")
        texts = [encode([r[:-1] for r in data[i:i + 2000]]) for i in range(0, len(data), 2000)]

        class Unpacked:  # (the JSON text is the reader's work, made before the clock starts)
            def write(self, conn, chunk):
                conn.execute(sql, (*fixed, chunk[0]))

        statements.append(Unpacked())
        rows = [[t] for t in texts]
        table = "orders"
    else:
        table = "orders"
        bound = shape == "day-bound"

        def row(first: int) -> str:
            binds = [f"coalesce(?{i}, 0)" if f == "refunded_fen" else f"?{i}" for i, f in enumerate(names, first)]
            if bound:
                day = f"?{first + len(names)}"
            else:
                day = DAY_SQL.format(paid=f"?{first + names.index('paid_at')}",
                                     created=f"?{first + names.index('created_at')}")
            return f"(?1, ?2, ?3, ?4, ?5, ?6, {', '.join(binds)}, {day})"

        width = len(names) + (1 if bound else 0)
        if not bound:
            rows = [r[:-1] for r in data]
        if shape == "bind-only":
            conn.execute("CREATE TEMP TABLE void (x)")
            statements.append(Grouped("INSERT INTO void SELECT 1 FROM (VALUES {}) WHERE 0",
                                      row, width, fixed))
        else:
            statements.append(Grouped(
                f"INSERT INTO orders ({', '.join(FIXED)}, {', '.join(names)}, day) VALUES {{}} "
                "ON CONFLICT (platform, line_key) DO NOTHING", row, width, fixed))
    conn.execute("BEGIN IMMEDIATE")
    _import_row(conn)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    t0, c0 = time.perf_counter(), time.process_time()
    with fast_null_binding():
        with plain_indexes_dropped(conn, table, shape != "index-kept"):
            step = 1 if shape == "json-each" else 2000
            for i in range(0, len(rows), step):
                chunk = rows[i][0:1] if step == 1 else rows[i:i + 2000]
                if len(statements) == 1:
                    statements[0].write(conn, chunk)
                else:
                    statements[0].write(conn, [h for h, _ in chunk])
                    statements[1].write(conn, [c for _, c in chunk])
            t1 = time.perf_counter()
        t2 = time.perf_counter()
        conn.execute("COMMIT")
    t3, c3 = time.perf_counter(), time.process_time()
    conn.close()
    size = path.stat().st_size
    shutil.rmtree(folder)
    return {"load": t1 - t0, "index": t2 - t1, "commit": t3 - t2, "total": t3 - t0, "cpu": c3 - c0,
            "mib": size / 2**20}


def read_options(csv_path: Path, rounds: int) -> dict:
    """Seconds to read the CSV into tuples: the csv module, and pyarrow where installed."""
    out: dict = {}

    def by_csv():
        n = 0
        with open(csv_path, encoding="utf-8", newline="") as fh:
            r = csv.reader(fh)
            next(r)
            for _row in r:
                n += 1
        return n

    out["csv"] = statistics.median(_timed(by_csv) for _ in range(rounds))
    try:
        import pyarrow
    except ImportError:
        return out

    def start(code: str) -> float:
        return _timed(lambda: subprocess.run([sys.executable, "-c", code], check=True))

    # the start-up it would add to the import path: `import pyarrow.csv` less an empty start
    out["pyarrow_import_ms"] = 1000 * (statistics.median(start("import pyarrow.csv") for _ in range(5))
                                       - statistics.median(start("pass") for _ in range(5)))
    import pyarrow
    import pyarrow.csv as pacsv

    out["pyarrow_version"] = pyarrow.__version__
    root = Path(pyarrow.__file__).parent
    out["pyarrow_mib"] = sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 2**20
    libs = root.parent / "pyarrow.libs"
    if libs.is_dir():
        out["pyarrow_mib"] += sum(f.stat().st_size for f in libs.rglob("*") if f.is_file()) / 2**20

    def by_arrow():
        n = 0
        opts = pacsv.ConvertOptions(column_types={c: pyarrow.string() for c in _header(csv_path)})
        with pacsv.open_csv(csv_path, convert_options=opts,
                            read_options=pacsv.ReadOptions(block_size=1 << 20)) as reader:
            for batch in reader:
                for _row in zip(*(col.to_pylist() for col in batch.columns)):
                    n += 1
        return n

    out["pyarrow"] = statistics.median(_timed(by_arrow) for _ in range(rounds))
    return out


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=100_000, help="rows imported by weimai, then repeated")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; every shape once a round (medians)")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated, of: " + ", ".join(SHAPES))
    ap.add_argument("--no-read", action="store_true", help="skip the reading options")
    ap.add_argument("--read-only", action="store_true",
                    help="only the reading options (any Python with pyarrow; weimai not needed)")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    shapes = [s for s in args.shapes.split(",") if s]
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        ap.error(f"unknown shape(s): {', '.join(sorted(unknown))}")
    work = Path(args.workdir or tempfile.mkdtemp(prefix="weimai-shape-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["WEIMAI_HOME"] = str(work / "home")
    full = work / "orders.csv"
    generate(full, args.lines, "utf-8")
    if args.read_only:
        shapes = []
    else:
        fields, data = source_lines(work, args.sample, args.lines)
    refs: list[float] = []
    got: dict[str, list[dict]] = {s: [] for s in shapes}
    for _ in range(args.rounds):
        refs.append(reference(full, work)[0])
        for s in shapes:
            got[s].append(write_once(s, fields, data, work))
    ref = statistics.median(refs) if refs else float("nan")
    print(f"{args.lines:,} lines; medians of {args.rounds} round(s); load average "
          f"{os.getloadavg()[0]:.2f}; seconds")
    print(f"reference: sqlite3 .import --csv (TEXT PK) of the generic CSV: {ref:.2f} s")
    print(f"{'shape':16} {'load':>6} {'index':>6} {'commit':>6} {'total':>6} {'× ref':>6} {'CPU':>6} {'MiB':>6}")
    for s in shapes if refs else ():
        m = {k: statistics.median(r[k] for r in got[s]) for k in got[s][0]}
        print(f"{s:16} {m['load']:6.2f} {m['index']:6.2f} {m['commit']:6.2f} {m['total']:6.2f} "
              f"{m['total'] / ref:6.2f} {m['cpu']:6.2f} {m['mib']:6.0f}")
    if not args.no_read:
        r = read_options(full, args.rounds)
        print(f"reading the CSV into tuples: csv module {r['csv']:.2f} s", end="")
        if "pyarrow" in r:
            print(f"; pyarrow {r['pyarrow_version']} {r['pyarrow']:.2f} s "
                  f"(import {r['pyarrow_import_ms']:.0f} ms, installed {r['pyarrow_mib']:.0f} MiB)")
        else:
            print("; pyarrow not installed (pip install pyarrow to measure it)")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
