"""Goods import benchmark: `weimai goods import` of a large supplier CSV.

Generates a --rows goods CSV (default 100,000; realistic Chinese titles,
prices written as 12.50 / ¥1,299.00, rates as 12.5% / 12.5 % / 12.5) and
times, each as a fresh subprocess with stdout and stderr to /dev/null:

* import into a fresh database (median of --repeat runs, a new db each time);
* re-import of the same file into the populated database (every row unchanged);
* import into a fresh database of a file twice as long, to show that the
  child's peak memory does not grow with the file (the file is streamed).

Reports rows/s (target >= 50,000 rows/s) and the child's peak RSS (from
``os.wait4``), with ``python -c "import typer"`` timed in the same run as the
reference row, and the peak RSS of ``weimai --help`` as the memory floor.

    python benchmarks/bench_goods_import.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    PY,
    WEIMAI,
    Timing,
    bench_home,
    machine_note,
    median,
    print_table,
    run_checked,
    timed,
    write_goods_csv,
)

TARGET_ROWS_PER_S = 50_000
# peak memory may grow by at most this much when the file doubles (KiB)
MEMORY_SLACK_KIB = 8 * 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows in the CSV (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each import (default 3)")
    args = ap.parse_args(argv)

    note = machine_note()
    with bench_home() as (tmp, env, where):
        small = write_goods_csv(tmp / "goods.csv", args.rows)
        big = write_goods_csv(tmp / "goods-2x.csv", 2 * args.rows)

        def fresh_import(csv_path: Path) -> Timing:
            db = tmp / "fresh.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            return timed([*WEIMAI, "--db", str(db), "goods", "import", str(csv_path)], env)

        populated = tmp / "populated.db"
        run_checked([*WEIMAI, "--db", str(populated), "goods", "import", str(small)], env)
        check = run_checked([*WEIMAI, "--db", str(populated), "goods", "import", "--json", str(small)], env)
        if f'"unchanged": {args.rows}' not in check.stdout:
            raise SystemExit(f"re-import did not find every row unchanged:\n{check.stdout}")
        run_checked([*WEIMAI, "--help"], env)

        runs: dict[str, list[Timing]] = {k: [] for k in ("typer", "help", "fresh", "reimport", "fresh2x")}
        for _ in range(args.repeat):  # round-robin, as in bench_startup
            runs["typer"].append(timed([PY, "-c", "import typer"], env))
            runs["help"].append(timed([*WEIMAI, "--help"], env))
            runs["fresh"].append(fresh_import(small))
            runs["reimport"].append(
                timed([*WEIMAI, "--db", str(populated), "goods", "import", str(small)], env)
            )
            runs["fresh2x"].append(fresh_import(big))
        sizes = small.stat().st_size, big.stat().st_size

    def wall(key):
        return median([t.wall for t in runs[key]])

    def rss(key):
        return max(t.rss_kib for t in runs[key])

    rows_of = {"fresh": args.rows, "reimport": args.rows, "fresh2x": 2 * args.rows}
    labels = {
        "typer": "python -c 'import typer' (reference)",
        "help": "weimai --help (memory floor)",
        "fresh": f"goods import {args.rows:,} rows, new db",
        "reimport": f"goods import {args.rows:,} rows again (unchanged)",
        "fresh2x": f"goods import {2 * args.rows:,} rows, new db",
    }
    failed = False
    table = []
    for key, label in labels.items():
        n = rows_of.get(key)
        verdict = ""
        if n:
            ok = n / wall(key) >= TARGET_ROWS_PER_S
            failed |= not ok
            verdict = "PASS" if ok else "FAIL"
        table.append([
            label,
            f"{wall(key) * 1000:,.0f}",
            f"{min(t.wall for t in runs[key]) * 1000:,.0f}",
            f"{median([t.cpu for t in runs[key]]) * 1000:,.0f}",
            f"{wall(key) / wall('typer'):.1f}",
            f"{n / wall(key):,.0f}" if n else "",
            f"{rss(key) / 1024:.1f}",
            verdict,
        ])
    growth = rss("fresh2x") - rss("fresh")
    mem_ok = growth <= MEMORY_SLACK_KIB
    failed |= not mem_ok

    print(f"weimai from {where}; {note}")
    print(f"CSV {sizes[0] / 1e6:.1f} MB and {sizes[1] / 1e6:.1f} MB (UTF-8); "
          f"{args.repeat} runs of each, round-robin; output to /dev/null")
    print_table(
        ["command", "median ms", "min ms", "cpu ms", "x import typer", "rows/s", "peak RSS MiB", "result"],
        table, right={1, 2, 3, 4, 5, 6},
    )
    print(f"target: >= {TARGET_ROWS_PER_S:,} rows/s (from the median wall time) for each import")
    print(f"peak RSS, {2 * args.rows:,} rows vs {args.rows:,}: {growth / 1024:+.1f} MiB "
          f"(allowed {MEMORY_SLACK_KIB / 1024:+.0f} MiB): {'PASS' if mem_ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
