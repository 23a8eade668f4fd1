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
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PY, WEIMAI, bench_env, median, print_table, run_checked, timed, write_goods_csv

TARGET_ROWS_PER_S = 50_000
# peak memory may grow by at most this much when the file doubles (KiB)
MEMORY_SLACK_KIB = 8 * 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows in the CSV (default 100000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each import (default 3)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="weimai-bench-") as tmp:
        tmp = Path(tmp)
        env = bench_env(tmp / "home")
        small = write_goods_csv(tmp / "goods.csv", args.rows)
        big = write_goods_csv(tmp / "goods-2x.csv", 2 * args.rows)
        where = run_checked([PY, "-c", "import weimai_cli; print(weimai_cli.__file__)"], env).stdout.strip()

        def fresh_import(csv_path: Path, n: int) -> tuple[float, int]:
            db = tmp / f"fresh-{n}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            return timed([*WEIMAI, "--db", str(db), "goods", "import", str(csv_path)], env)

        populated = tmp / "populated.db"
        run_checked([*WEIMAI, "--db", str(populated), "goods", "import", str(small)], env)
        check = run_checked([*WEIMAI, "--db", str(populated), "goods", "import", "--json", str(small)], env)
        if f'"unchanged": {args.rows}' not in check.stdout:
            raise SystemExit(f"re-import did not find every row unchanged:\n{check.stdout}")
        run_checked([*WEIMAI, "--help"], env)

        results: dict[str, list[tuple[float, int]]] = {
            "typer": [], "help": [], "fresh": [], "reimport": [], "fresh2x": [],
        }
        for _ in range(args.repeat):  # round-robin, as in bench_startup
            results["typer"].append(timed([PY, "-c", "import typer"], env))
            results["help"].append(timed([*WEIMAI, "--help"], env))
            results["fresh"].append(fresh_import(small, args.rows))
            results["reimport"].append(
                timed([*WEIMAI, "--db", str(populated), "goods", "import", str(small)], env)
            )
            results["fresh2x"].append(fresh_import(big, 2 * args.rows))
        sizes = {"fresh": small.stat().st_size, "fresh2x": big.stat().st_size}

    def med(key):
        return median([t for t, _ in results[key]])

    def rss(key):
        return max(m for _, m in results[key])

    rows_of = {"fresh": args.rows, "reimport": args.rows, "fresh2x": 2 * args.rows}
    labels = {
        "typer": "python -c 'import typer' (reference)",
        "help": "weimai --help (memory floor)",
        "fresh": f"goods import {args.rows:,} rows, fresh db",
        "reimport": f"goods import {args.rows:,} rows again (unchanged)",
        "fresh2x": f"goods import {2 * args.rows:,} rows, fresh db",
    }
    failed = False
    table = []
    for key, label in labels.items():
        m = med(key)
        rate = f"{rows_of[key] / m:,.0f}" if key in rows_of else ""
        verdict = ""
        if key in rows_of:
            ok = rows_of[key] / m >= TARGET_ROWS_PER_S
            failed |= not ok
            verdict = "PASS" if ok else "FAIL"
        table.append([
            label, f"{m * 1000:,.0f}", f"{min(t for t, _ in results[key]) * 1000:,.0f}",
            f"{m / med('typer'):.1f}", rate, f"{rss(key) / 1024:.1f}", verdict,
        ])
    growth = rss("fresh2x") - rss("fresh")
    mem_ok = growth <= MEMORY_SLACK_KIB
    failed |= not mem_ok

    print(f"weimai from {Path(where).parent}; python {sys.version.split()[0]}; "
          f"CSV {sizes['fresh'] / 1e6:.1f} MB and {sizes['fresh2x'] / 1e6:.1f} MB; "
          f"{args.repeat} runs each, round-robin")
    print_table(
        ["command", "median ms", "min ms", "x import typer", "rows/s", "peak RSS MiB", "result"],
        table, right={1, 2, 3, 4, 5},
    )
    print(f"target: >= {TARGET_ROWS_PER_S:,} rows/s for each import")
    print(f"peak RSS, {2 * args.rows:,} rows vs {args.rows:,}: {growth / 1024:+.1f} MiB "
          f"(allowed {MEMORY_SLACK_KIB / 1024:+.0f} MiB): {'PASS' if mem_ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
