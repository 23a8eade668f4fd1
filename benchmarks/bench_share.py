"""Benchmark: sharing on a big database.

Builds a home with 10,000 goods and 100,000 earlier shares (inserted with
executemany), then measures, in the same run:

* ``weimai share SKU --format json`` against ``weimai list-goods --limit 1``
  (subprocesses, alternating, median of --runs each; target ratio ≤ 1.5×);
* 10,000 shares made in a loop through the library API
  (``sharing.service.create_share``; target ≥ 2,000 shares/s), next to a
  reference loop that only inserts rows in the same per-share transactions.

Usage: python benchmarks/bench_share.py [--goods 10000] [--shares 100000]
       [--loop 10000] [--runs 9] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNELS = ("weibo", "wechat", "moments", "xiaohongshu", "douyin", "qq", "link")
PLATFORMS = ("taobao", "jd", "amazon", "shopify", "douyin")


def build(home: Path, n_goods: int, n_shares: int) -> None:
    from weimai_cli.config import save_config
    from weimai_cli.db.store import connect
    from weimai_cli.db.tx import transaction
    from weimai_cli.sharing.codes import make_code

    secret = os.urandom(32)
    save_config({"codes": {"secret": secret.hex()}})
    conn = connect(home / "weimai.db")
    now = "2026-11-01T09:00:00+08:00"
    goods = (
        (
            f"SKU{i:06d}", f"测试商品 第{i}号 宁夏枸杞 500g 头茬免洗", 1990 + i % 5000, 2990 + i % 5000,
            500 + i % 2500, PLATFORMS[i % len(PLATFORMS)], f"https://item.example.cn/item.htm?id={i}",
            "枸杞|养生", "头茬鲜果 颗颗饱满", "active", now, now,
        )
        for i in range(n_goods)
    )
    shares = (
        (
            i, make_code(i, secret), f"SKU{i % n_goods:06d}", "me", CHANNELS[i % len(CHANNELS)],
            f"https://item.example.cn/item.htm?id={i % n_goods}&wm={make_code(i, secret)}",
            "post text", 1990, 1000, f"2026-10-{1 + i % 28:02d}T10:00:00+08:00",
        )
        for i in range(1, n_shares + 1)
    )
    with transaction(conn):
        conn.executemany(
            "INSERT INTO goods (sku, title, price_fen, original_price_fen, commission_bp, platform, url, "
            "tags, selling_points, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            goods,
        )
        conn.executemany(
            "INSERT INTO shares (id, code, sku, distributor, channel, link, post, price_fen, "
            "commission_bp, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            shares,
        )
    conn.execute("ANALYZE")
    conn.close()


def time_cmd(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def library_loop(home: Path, n: int, n_goods: int) -> tuple[float, float]:
    from weimai_cli.db.store import connect
    from weimai_cli.db.tx import transaction
    from weimai_cli.sharing.service import create_share, load_settings

    conn = connect(home / "weimai.db")
    settings = load_settings()
    start = time.perf_counter()
    for i in range(n):
        create_share(conn, f"SKU{(i * 7919) % n_goods:06d}", channel=CHANNELS[i % len(CHANNELS)],
                     campaign="双11" if i % 2 else None, settings=settings)
    loop = time.perf_counter() - start
    # reference: the same number of one-row inserts, one transaction each
    conn.execute("CREATE TABLE bench_ref (id INTEGER PRIMARY KEY, code TEXT UNIQUE, sku TEXT, post TEXT)")
    start = time.perf_counter()
    for i in range(n):
        with transaction(conn):
            conn.execute("INSERT INTO bench_ref (code, sku, post) VALUES (?, ?, ?)",
                         (f"c{i}", f"SKU{i % n_goods:06d}", "post text"))
    ref = time.perf_counter() - start
    conn.execute("DROP TABLE bench_ref")
    conn.close()
    return loop, ref


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--goods", type=int, default=10_000)
    ap.add_argument("--shares", type=int, default=100_000)
    ap.add_argument("--loop", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--keep", help="build the home here and keep it")
    args = ap.parse_args()

    home = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="weimai-bench-share-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["WEIMAI_HOME"] = str(home)
    os.environ.pop("WEIMAI_DB", None)
    os.environ.pop("WEIMAI_NOW", None)
    try:
        t0 = time.perf_counter()
        build(home, args.goods, args.shares)
        print(f"built {args.goods:,} goods and {args.shares:,} shares in {time.perf_counter() - t0:.2f} s ({home})")

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        py = [sys.executable, "-m", "weimai_cli"]
        share_cmd = [*py, "share", f"SKU{args.goods // 2:06d}", "--format", "json"]
        list_cmd = [*py, "list-goods", "--limit", "1"]
        time_cmd(list_cmd, env)  # warm the page cache and .pyc files
        time_cmd(share_cmd, env)
        t_list, t_share = [], []
        for _ in range(args.runs):
            t_list.append(time_cmd(list_cmd, env))
            t_share.append(time_cmd(share_cmd, env))
        m_list, m_share = statistics.median(t_list), statistics.median(t_share)

        loop, ref = library_loop(home, args.loop, args.goods)
        rate, ref_rate = args.loop / loop, args.loop / ref

        print()
        print(f"{'measure':<52} {'median':>10} {'result':>16} {'target':>10}")
        print("-" * 91)
        print(f"{'weimai list-goods --limit 1 (reference)':<52} {m_list * 1000:>8.1f}ms {'':>16} {'':>10}")
        print(f"{'weimai share SKU --format json':<52} {m_share * 1000:>8.1f}ms "
              f"{m_share / m_list:>14.2f} × {'≤ 1.5 ×':>10}")
        print(f"{f'create_share × {args.loop:,} (library loop)':<52} {loop:>9.2f}s "
              f"{rate:>10,.0f} /s {'≥ 2,000/s':>10}")
        print(f"{f'INSERT × {args.loop:,}, one transaction each (reference)':<52} {ref:>9.2f}s "
              f"{ref_rate:>10,.0f} /s {'':>10}")
        print()
        print(f"runs: {args.runs} each, alternating; python {sys.version.split()[0]}")
        ok = m_share / m_list <= 1.5 and rate >= 2000
        print("targets met" if ok else "TARGETS MISSED")
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
