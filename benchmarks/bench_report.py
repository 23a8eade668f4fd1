"""Benchmark `weimai report` and `weimai earnings` on a 1,000,000-line database.

    python benchmarks/bench_report.py              # builds benchmarks/out/report-1m.db once, then times
    python benchmarks/bench_report.py --rebuild    # build the database again
    python benchmarks/bench_report.py --lines 100000 --runs 3   # quick
    python benchmarks/bench_report.py --only weekly,share --no-close   # some commands (and the reference)

The database: 10,000 goods, 20,000 shares (20 distributors), 1,000,000 order
lines over the 12 months 2025-12 … 2026-11 (2026-11, the 双11 month, has
100,000 of them), inserted with ``executemany``; then the ledger is booked with
``weimai_cli.ledger.booking.book_all`` in one transaction, exactly as imports book it.
It is cached under benchmarks/out/ (git-ignored).

Each command runs in a fresh child process (``python -m weimai_cli --db …``),
``--runs`` times, the commands taking turns round by round; the median wall
time is reported next to the reference, ``weimai list-goods --limit 1``,
measured in the same rounds. Targets:

* ``report daily --format json``            ≤ 2.5 × list-goods --limit 1 (issue 6)
* ``earnings --month M --format json``      ≤ 2.0 × list-goods --limit 1
* ``earnings --month M --by share|day``     ≤ 1.2 × the plain statement
* ``earnings close --month M`` (100k lines) < 1 s (on a fresh copy of the database each run)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
GEN_NOW = "2026-12-01T03:00:00+08:00"  # the clock while booking: every month is over, none closed
MONTHS = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
HEAVY = "2026-11"
DAYS_IN = {"2025-12": 31, "2026-01": 31, "2026-02": 28, "2026-03": 31, "2026-04": 30, "2026-05": 31,
           "2026-06": 30, "2026-07": 31, "2026-08": 31, "2026-09": 30, "2026-10": 31, "2026-11": 30}
STATUSES = ["paid"] * 8 + ["confirmed"] * 6 + ["settled"] * 4 + ["refunded", "cancelled"]
CHANNELS = ["weibo", "wechat", "moments", "xiaohongshu", "douyin", "qq", "link"]


def _month_sizes(lines: int) -> dict[str, int]:
    heavy = lines // 10
    rest = lines - heavy
    sizes = {m: rest // 11 for m in MONTHS if m != HEAVY}
    sizes[MONTHS[0]] += rest - sum(sizes.values())
    sizes[HEAVY] = heavy
    return sizes


def build(path: Path, lines: int, goods: int = 10_000, shares: int = 20_000) -> None:
    os.environ["WEIMAI_NOW"] = GEN_NOW
    sys.path.insert(0, str(ROOT))
    from weimai_cli.db.store import connect
    from weimai_cli.db.tx import transaction
    from weimai_cli.ledger.booking import book_all
    from weimai_cli.sharing.codes import make_code

    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    rnd = random.Random(6)
    conn = connect(path)
    conn.execute("PRAGMA cache_size = -262144")
    t0 = time.perf_counter()
    with transaction(conn):
        created = "2025-11-01T00:00:00+08:00"
        dists = ["me"] + [f"d{i:02d}" for i in range(1, 20)]
        conn.executemany(
            "INSERT OR IGNORE INTO distributors (handle, name, rate_bp, created_at) VALUES (?, ?, ?, ?)",
            [(d, d, None if i % 3 else 2500, created) for i, d in enumerate(dists)],
        )
        conn.executemany(
            "INSERT INTO goods (sku, title, price_fen, commission_bp, category, platform, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 'taobao', 'active', ?, ?)",
            [(f"SKU-{i:05d}", f"商品 {i:05d} 宁夏枸杞 礼盒装", 990 + (i * 37) % 30000, 500 + (i * 13) % 3000,
              f"类目{i % 40}", created, created) for i in range(goods)],
        )
        secret = bytes(range(32))
        conn.executemany(
            "INSERT INTO shares (id, code, sku, distributor, channel, campaign, link, price_fen, commission_bp, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, make_code(i, secret), f"SKU-{(i * 7) % goods:05d}", dists[i % len(dists)],
              CHANNELS[i % len(CHANNELS)], f"活动{i % 12}", f"https://example.com/x?i={i}", 1990,
              1000 + (i * 11) % 2000, created) for i in range(1, shares + 1)],
        )
        import_id = conn.execute(
            "INSERT INTO imports (file, name, sha256, format, platform, kind, distributor, rows, new, started_at, "
            "finished_at) VALUES ('bench.csv', 'bench.csv', 'x', 'generic', 'taobao', 'affiliate', 'me', ?, ?, ?, ?)",
            (lines, lines, GEN_NOW, GEN_NOW),
        ).lastrowid
        n = 0
        batch = []
        for month, size in _month_sizes(lines).items():
            days = DAYS_IN[month]
            for j in range(size):
                n += 1
                day = 1 + (j * days) // size
                when = f"{month}-{day:02d}T{rnd.randrange(24):02d}:{rnd.randrange(60):02d}:{rnd.randrange(60):02d}+08:00"
                sku_i = rnd.randrange(goods)
                qty = 1 + rnd.randrange(3)
                price = 990 + (sku_i * 37) % 30000
                paid = price * qty
                status = STATUSES[rnd.randrange(len(STATUSES))]
                affiliate = rnd.random() < 0.7
                share_id = 1 + rnd.randrange(shares) if rnd.random() < 0.6 else None
                if share_id is not None:
                    dist = dists[share_id % len(dists)] if not affiliate else "me"
                else:
                    dist = "me" if affiliate else None
                refunded = paid if status == "refunded" else (paid // 3 if rnd.random() < 0.03 else 0)
                rate = 500 + (sku_i * 13) % 3000
                if rnd.random() < 0.02:
                    rate += 100  # a reconciliation finding
                batch.append((
                    "taobao", f"L{n:09d}", f"O{n // 2:09d}", f"SKU-{sku_i:05d}", f"商品 {sku_i:05d} 宁夏枸杞 礼盒装",
                    qty, price, paid, refunded, "CNY", status, when, when, month, share_id, dist,
                    paid * rate // 10000 if affiliate else None, rate if affiliate else None,
                    "affiliate" if affiliate else "shop", import_id, import_id, GEN_NOW,
                ))
                if len(batch) == 20_000:
                    _insert_orders(conn, batch)
                    batch.clear()
        _insert_orders(conn, batch)
        t1 = time.perf_counter()
        booked = book_all(conn)
    t2 = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no ANALYZE: weimai never runs it, so neither does this
    conn.close()
    print(f"built {path.name}: {lines:,} lines in {t1 - t0:.1f} s, ledger booked with book_all in {t2 - t1:.1f} s "
          f"({booked.entries:,} entries)")


def _insert_orders(conn, batch) -> None:
    conn.executemany(
        "INSERT INTO orders (platform, line_key, order_id, sku, title, quantity, unit_price_fen, paid_fen, "
        "refunded_fen, currency, status, created_at, paid_at, month, share_id, distributor, "
        "reported_commission_fen, reported_rate_bp, kind, first_import_id, last_import_id, updated_at, day) "
        # the line's day as the importer keeps it (clock.DAY_SQL: its Asia/Shanghai date)
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, date(?13, '+8 hours'))",
        batch,
    )


def once(db: Path, args: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "weimai_cli", "--db", str(db), *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"weimai {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return took


def timed_rounds(db: Path, commands: list[list[str]], runs: int, env: dict) -> list[float]:
    """Median wall time of each command, the commands taking turns (round 1 runs
    each once, then round 2 …), so a burst of load on the shared machine
    falls on all of them alike rather than on whichever was timed then."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, args in enumerate(commands):
            times[i].append(once(db, args, env))
    return [statistics.median(t) for t in times]


def timed(db: Path, args: list[str], runs: int, env: dict) -> float:
    return timed_rounds(db, [args], runs, env)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--date", default="2026-11-11", help="the day of the daily report")
    ap.add_argument("--only", default="", help="comma-separated words: time only the commands whose label has one "
                    "(the reference and the plain statement always run), e.g. weekly,share")
    ap.add_argument("--no-close", action="store_true", help="skip timing earnings close")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"report-{args.lines // 1000}k.db"
    if args.rebuild or not db.exists():
        build(db, args.lines)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WEIMAI_NOW": "2026-12-02T08:00:00+08:00"}
    env.pop("WEIMAI_DB", None)
    with tempfile.TemporaryDirectory() as tmp:
        env["WEIMAI_HOME"] = tmp
        month = HEAVY
        # (label, argv, target, index of the base it is compared with: 0 = list-goods)
        plan = [
            ("list-goods --limit 1 (reference)", ["list-goods", "--limit", "1"], None, None),
            (f"report daily --date {args.date} --format json",
             ["report", "daily", "--date", args.date, "--format", "json"], 2.5, 0),
            (f"report weekly --date {args.date} --format json",
             ["report", "weekly", "--date", args.date, "--format", "json"], None, 0),
            (f"earnings --month {month} --format json", ["earnings", "--month", month, "--format", "json"], 2.0, 0),
            (f"earnings --month {month} --by share --format json",
             ["earnings", "--month", month, "--by", "share", "--format", "json"], 1.2, 3),
            (f"earnings --month {month} --by day --format json",
             ["earnings", "--month", month, "--by", "day", "--format", "json"], 1.2, 3),
            (f"report monthly --date {month} --format json --all-distributors",
             ["report", "monthly", "--date", month, "--format", "json", "--all-distributors"], None, 0),
        ]
        words = [w for w in args.only.split(",") if w]
        wanted = [i for i, (label, *_rest) in enumerate(plan) if i in (0, 3) or not words
                  or any(w in label for w in words)]
        timed_plan = [plan[i] for i in wanted]
        loads = [os.getloadavg()[0]]
        got = timed_rounds(db, [argv for _, argv, _, _ in timed_plan], args.runs, env)
        loads.append(os.getloadavg()[0])
        medians = dict(zip(wanted, got))
        rows = []
        for i in wanted:
            label, _, target, base = plan[i]
            t = medians[i]
            rows.append((label, t, None if base is None else t / medians[base], target,
                         None if base in (None, 0) else t / medians[0]))
            if i == 3:
                rows.append(("  (the plain statement is the base of the next two)", t, None, None, None))
        closes = []
        for _ in range(0 if args.no_close else max(1, min(args.runs, 3))):
            copy = Path(tmp) / "close.db"
            shutil.copyfile(db, copy)
            # months close in order: the earlier ones first, untimed
            for earlier in MONTHS[:MONTHS.index(month)]:
                subprocess.run([sys.executable, "-m", "weimai_cli", "--db", str(copy), "-q", "earnings", "close",
                                "--month", earlier], check=True, env=env, capture_output=True)
            closes.append(timed(copy, ["earnings", "close", "--month", month], 1, env))
            copy.unlink()
        lines_in_month = sqlite3.connect(db).execute(
            "SELECT count(*) FROM orders WHERE month = ?", (month,)).fetchone()[0]
        if closes:
            rows.append((f"earnings close --month {month} ({lines_in_month:,} lines)",
                         statistics.median(closes), None, "< 1 s", None))
    print(f"\n{args.lines:,} order lines; median of {args.runs} runs, each a fresh process; "
          f"load average {loads[0]:.2f} → {loads[1]:.2f}\n")
    width = max(len(r[0]) for r in rows)
    for label, t, ratio, target, to_ref in rows:
        extra = ""
        if ratio is not None:
            ok = "ok" if target is None or ratio <= target else "MISSED"
            extra = f"  {ratio:4.2f} ×" + (f"  (target ≤ {target} ×: {ok})" if target else "")
            if to_ref is not None:
                extra += f"  = {to_ref:4.2f} × list-goods"
        elif isinstance(target, str):
            extra = f"  (target {target}: {'ok' if t < 1.0 else 'MISSED'})"
        print(f"{label:<{width}}  {t * 1000:8.0f} ms{extra}")


if __name__ == "__main__":
    main()
