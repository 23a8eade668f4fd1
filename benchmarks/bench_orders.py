"""Benchmark `weimai orders import` against the sqlite3 shell's `.import`.

    python benchmarks/bench_orders.py                 # 1,000,000 rows (~150 MB)
    python benchmarks/bench_orders.py --rows 20000    # quick

Generates a generic order CSV (UTF-8) and the same in GB18030, then times,
each in a fresh child process (wall time and peak RSS from wait4):

* reference: ``sqlite3 ref.db '.import --csv --skip 1 FILE t'`` into a table
  with a TEXT primary key (the same run, the same file);
* ``weimai orders import`` of the UTF-8 file into a fresh home (a file this
  large is read in a child process), and the same in one process
  (``WEIMAI_READER_PROCESS=never``);
* the same file again (everything unchanged), and again after another
  file (every line compared);
* the next export: as many new lines (other keys) for the same platform,
  into a copy of a home holding the first file (target, issue 16: ≤ 2 × the
  first import);
* the GB18030 file into a fresh home;
* each format's sample file (tests/data/orders) scaled to --sample-rows rows
  (medians of --repeat rounds, every format once a round; rows/s also as a
  ratio to generic's; ``--formats a,b`` for only some, generic always).

Targets (issue 4): import ≤ 2.0 × reference, re-import ≤ 1.5 × reference,
peak ≤ 100 MiB, GB18030 ≤ 1.15 × UTF-8.

On a shared machine the wall times wander: ``--repeat N`` runs the reference
and each import N times (the imports into fresh homes each time) and reports
medians; CPU seconds (user + system, from wait4, the reader child's
included) are reported beside them. Peak memory is the larger of the
process's own peak and its process tree's summed RSS, sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "orders"
SQLITE3 = os.environ.get("SQLITE3", "/usr/bin/sqlite3")

GENERIC_HEADER = ["order_id", "line_key", "sku", "title", "quantity", "unit_price", "paid", "status",
                  "created_at", "paid_at", "tracking_code", "slot", "commission"]
TITLES = ["宁夏中宁枸杞 500g 特级 礼盒装", "西湖龙井 明前特级 250g", "安溪铁观音 清香型 500g",
          "云南普洱 熟茶饼 357g", "Stainless Tea Kettle 1.7L"]
STATUSES = ["paid", "completed", "paid", "paid", "cancelled", "settled"]


def generate(path: Path, rows: int, encoding: str, prefix: str = "W") -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(GENERIC_HEADER)
        for i in range(1, rows + 1):
            qty = 1 + i % 3
            price = 1990 + (i * 37) % 20000
            day = 1 + i % 28
            hh, mm, ss = i % 24, i % 60, (i * 7) % 60
            when = f"2026-11-{day:02d} {hh:02d}:{mm:02d}:{ss:02d}"
            w.writerow([
                f"{prefix}{i // 2:09d}", f"{prefix}{i:010d}", f"SKU-{i % 5000:05d}", TITLES[i % len(TITLES)], qty,
                f"{price // 100}.{price % 100:02d}", f"{price * qty // 100}.{price * qty % 100:02d}",
                STATUSES[i % len(STATUSES)], when, when, f"wm{i % 900 + 100:04d}ABCD" if i % 10 == 0 else "",
                f"{100000000 + i % 50}" if i % 10 == 1 else "", f"{price * qty // 1000}.{price * qty // 10 % 100:02d}",
            ])


CPU: list[float] = []  # CPU seconds of each run, in order


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants now (0 when gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run(argv: list[str], env: dict | None = None, stdin: str | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of one child process; its CPU seconds go to CPU.

    The peak is the larger of the process's own and the sum over its process
    tree sampled every 20 ms (a large import reads in a child process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if stdin:
        proc.stdin.write(stdin)
        proc.stdin.close()
    tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    err = proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err}")
    CPU.append(usage.ru_utime + usage.ru_stime)
    return wall, max(usage.ru_maxrss * 1024, tree)


def median_of(n: int, once) -> tuple[float, int, float]:
    """Median wall, max peak RSS and median CPU of ``n`` calls of ``once``."""
    walls, peaks, cpus = [], [], []
    for _ in range(n):
        wall, rss = once()
        walls.append(wall)
        peaks.append(rss)
        cpus.append(CPU[-1])
    return statistics.median(walls), max(peaks), statistics.median(cpus)


def reference(csv_path: Path, work: Path) -> tuple[float, int]:
    db = work / "ref.db"
    db.unlink(missing_ok=True)
    cols = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "line_key" else f"{c} TEXT" for c in GENERIC_HEADER)
    script = f"CREATE TABLE t ({cols});\n.import --csv --skip 1 {csv_path} t\n"
    return run([SQLITE3, str(db)], stdin=script)


def weimai_import(path: Path, home: Path, *extra: str, env: dict | None = None) -> tuple[float, int]:
    env = {**os.environ, "WEIMAI_HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
    env.pop("WEIMAI_DB", None)
    return run([sys.executable, "-m", "weimai_cli", "orders", "import", str(path), *extra], env=env)


# ---- each format's sample, scaled ----------------------------------------------------

# fixture -> (encoding, delimiter, title lines, columns made unique per copy)
SAMPLES = {
    "taobao-union": ("taobao_union_2026-11.csv", "utf-16", ",", 0, ["淘宝子订单号"]),
    "taobao-refund": None,  # updates lines: measured after taobao-union, see below
    "jd-union": ("jd_union_2026-11.csv", "utf-8", ",", 0, ["orderId"]),
    "amazon-earnings": ("amazon_fee_earnings_2026-11.csv", "utf-8", ",", 1, ["ASIN"]),
    "shopify": ("shopify_orders_export.csv", "utf-8", ",", 0, ["Name"]),
    "douyin": ("douyin_orders.csv", "utf-8-sig", ",", 0, ["子订单编号"]),
    "douyin-affiliate": ("douyin_affiliate.csv", "utf-8-sig", ",", 0, ["子订单号"]),
    "generic": ("generic_orders.csv", "utf-8", ",", 0, ["line_key"]),
}


def scale(name: str, out: Path, rows: int) -> int:
    fixture, enc, delim, titles, keys = SAMPLES[name]
    with open(DATA / fixture, encoding=enc, newline="") as fh:
        lines = list(csv.reader(fh, delimiter=delim))
    head = lines[titles]
    body = [r for r in lines[titles + 1:] if r and r[0] not in ("Total", "合计")]
    idx = [head.index(k) for k in keys]
    written = 0
    with open(out, "w", encoding=enc, newline="") as fh:
        w = csv.writer(fh, delimiter=delim, lineterminator="\n")
        w.writerow(head)
        copy = 0
        while written < rows:
            copy += 1
            for r in body:
                r = list(r)
                for i in idx:
                    v = r[i].strip().strip("=\"'\t")
                    r[i] = f"{v}-{copy}" if not v.isdigit() else f"{v}{copy:07d}"
                w.writerow(r)
                written += 1
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sample-rows", type=int, default=100_000)
    ap.add_argument("--workdir", default=None, help="keep the generated files here")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement (medians reported)")
    ap.add_argument("--no-generate", action="store_true", help="reuse the files in --workdir")
    ap.add_argument("--no-formats", action="store_true", help="skip the per-format samples")
    ap.add_argument("--formats", default=None,
                    help="only these formats' samples, comma-separated (generic, the reference, always runs)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="weimai-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    utf8, gb = work / "orders-utf8.csv", work / "orders-gb18030.csv"
    nxt = work / "orders-next-utf8.csv"  # as many other lines (other keys), for the same platform
    if not (args.no_generate and utf8.exists() and gb.exists() and nxt.exists()):
        print(f"generating {args.rows:,} rows in {work} …", file=sys.stderr)
        generate(utf8, args.rows, "utf-8")
        generate(gb, args.rows, "gb18030")
        generate(nxt, args.rows, "utf-8", prefix="Y")
    fig: dict = {"rows": args.rows, "file_mb": round(utf8.stat().st_size / 2**20, 1)}

    n = args.repeat

    def fresh(name: str) -> Path:
        home = work / name
        shutil.rmtree(home, ignore_errors=True)
        return home

    ref_wall, ref_rss, ref_cpu = median_of(n, lambda: reference(utf8, work))
    fig["reference_s"], fig["reference_peak_mib"] = round(ref_wall, 2), round(ref_rss / 2**20, 1)
    fig["reference_cpu_s"] = round(ref_cpu, 2)
    homes: list[Path] = []

    def first():
        homes.append(fresh("home-utf8"))
        return weimai_import(utf8, homes[-1])

    wall, rss, cpu = median_of(n, first)
    fig["import_s"], fig["import_peak_mib"], fig["import_cpu_s"] = round(wall, 2), round(rss / 2**20, 1), round(cpu, 2)
    # the same in one process (no reader child: WEIMAI_READER_PROCESS=never)
    wall1, rss1, cpu1 = median_of(n, lambda: weimai_import(utf8, fresh("home-one"), env={"WEIMAI_READER_PROCESS": "never"}))
    fig["one_process_s"], fig["one_process_peak_mib"], fig["one_process_cpu_s"] = round(wall1, 2), round(rss1 / 2**20, 1), round(cpu1, 2)
    wall, rss2, cpu = median_of(n, lambda: weimai_import(utf8, homes[-1]))
    fig["reimport_s"], fig["reimport_peak_mib"], fig["reimport_cpu_s"] = round(wall, 2), round(rss2 / 2**20, 1), round(cpu, 2)
    # the same again after another file was imported: no replay, every line is compared
    other = work / "other.csv"
    with open(other, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([GENERIC_HEADER, ["X1", "X1", "SKU-X", "x", "1", "1.00", "1.00", "paid",
                                                   "2026-11-01 00:00:00", "", "", "", ""]])
    weimai_import(other, homes[-1], "--platform", "other")
    wall, rss4, cpu = median_of(1, lambda: weimai_import(utf8, homes[-1]))
    fig["reimport_full_s"], fig["reimport_full_peak_mib"], fig["reimport_full_cpu_s"] = round(wall, 2), round(rss4 / 2**20, 1), round(cpu, 2)
    # the next export: as many new lines again, for the platform that holds the
    # first file's lines (each run on a copy of a home that holds just those)
    held = fresh("home-held")
    weimai_import(utf8, held)

    def next_export():
        home = fresh("home-next")
        shutil.copytree(held, home)
        return weimai_import(nxt, home)

    wall, rss5, cpu = median_of(n, next_export)
    fig["next_s"], fig["next_peak_mib"], fig["next_cpu_s"] = round(wall, 2), round(rss5 / 2**20, 1), round(cpu, 2)
    fig["next_ratio"] = round(wall / ref_wall, 2)
    # issue 16: the next export ≤ 2 × a first import of the same size, the same run
    fig["next_vs_first"] = round(wall / fig["import_s"], 2)
    wall_gb, rss3, cpu_gb = median_of(n, lambda: weimai_import(gb, fresh("home-gb")))
    fig["gb18030_s"], fig["gb18030_peak_mib"], fig["gb18030_cpu_s"] = round(wall_gb, 2), round(rss3 / 2**20, 1), round(cpu_gb, 2)
    fig["import_ratio"] = round(fig["import_s"] / ref_wall, 2)
    fig["reimport_ratio"] = round(fig["reimport_s"] / ref_wall, 2)
    fig["reimport_full_ratio"] = round(fig["reimport_full_s"] / ref_wall, 2)
    fig["gb18030_ratio"] = round(wall_gb / fig["import_s"], 2)
    fig["import_cpu_ratio"] = round(fig["import_cpu_s"] / ref_cpu, 2)
    fig["one_process_ratio"] = round(fig["one_process_s"] / ref_wall, 2)
    fig["one_process_cpu_ratio"] = round(fig["one_process_cpu_s"] / ref_cpu, 2)
    fig["reimport_cpu_ratio"] = round(fig["reimport_cpu_s"] / ref_cpu, 2)
    fig["reimport_full_cpu_ratio"] = round(fig["reimport_full_cpu_s"] / ref_cpu, 2)
    fig["rows_per_s"] = round(args.rows / fig["import_s"])

    per_format = {}
    only = None if args.formats is None else {"generic", *args.formats.split(",")}
    unknown = (only or set()) - set(SAMPLES)
    if unknown:
        raise SystemExit(f"--formats: no sample for {', '.join(sorted(unknown))}")
    names = [name for name, spec in SAMPLES.items()
             if spec is not None and not args.no_formats and (only is None or name in only)]
    paths = {name: work / f"sample-{name}.csv" for name in names}
    rows = {name: scale(name, paths[name], args.sample_rows) for name in names}
    # round-robin (every format once, then again …): a spell of load on a
    # shared machine falls on every format alike rather than on one
    runs: dict[str, list] = {name: [] for name in names}
    for _ in range(n):
        for name in names:
            wall, rss = weimai_import(paths[name], fresh(f"home-{name}"), "--format", name)
            runs[name].append((wall, rss, CPU[-1]))
    for name in names:
        wall = statistics.median(r[0] for r in runs[name])
        rss = max(r[1] for r in runs[name])
        cpu = statistics.median(r[2] for r in runs[name])
        per_format[name] = {"rows": rows[name], "seconds": round(wall, 2), "cpu_s": round(cpu, 2),
                            "rows_per_s": round(rows[name] / wall), "peak_mib": round(rss / 2**20, 1)}
    generic = per_format.get("generic")
    for f in per_format.values():  # issue 12: each format ≥ 0.75 × generic's rows/s, the same run
        f["vs_generic"] = round(f["rows_per_s"] / generic["rows_per_s"], 2) if generic else None
    fig["formats"] = per_format

    if args.json:
        print(json.dumps(fig, indent=2))
        return
    print(f"rows: {fig['rows']:,} ({fig['file_mb']} MB generic CSV); medians of {n} run(s); "
          f"wall s (CPU s)")
    print(f"sqlite3 .import --csv (TEXT PK), reference: {ref_wall:.2f} s ({ref_cpu:.2f})")
    print(f"weimai orders import (new):     {fig['import_s']:.2f} s ({fig['import_cpu_s']:.2f}) = "
          f"{fig['import_ratio']}× reference ({fig['import_cpu_ratio']}× CPU) (target ≤ 2.0), "
          f"{fig['rows_per_s']:,} rows/s, peak {fig['import_peak_mib']} MiB")
    print(f"  the same in one process:      {fig['one_process_s']:.2f} s ({fig['one_process_cpu_s']:.2f}) = "
          f"{fig['one_process_ratio']}× reference ({fig['one_process_cpu_ratio']}× CPU), "
          f"peak {fig['one_process_peak_mib']} MiB")
    print(f"weimai orders import (again):   {fig['reimport_s']:.2f} s ({fig['reimport_cpu_s']:.2f}) = "
          f"{fig['reimport_ratio']}× reference ({fig['reimport_cpu_ratio']}× CPU) (target ≤ 1.5), "
          f"peak {fig['reimport_peak_mib']} MiB")
    print(f"  again, after another import:  {fig['reimport_full_s']:.2f} s ({fig['reimport_full_cpu_s']:.2f}) = "
          f"{fig['reimport_full_ratio']}× reference ({fig['reimport_full_cpu_ratio']}× CPU), "
          f"peak {fig['reimport_full_peak_mib']} MiB")
    print(f"next file, new lines, same platform: {fig['next_s']:.2f} s ({fig['next_cpu_s']:.2f}) = "
          f"{fig['next_ratio']}× reference, {fig['next_vs_first']}× the first import (target ≤ 2.0), "
          f"peak {fig['next_peak_mib']} MiB")
    print(f"GB18030 file:                   {fig['gb18030_s']:.2f} s ({fig['gb18030_cpu_s']:.2f}) = "
          f"{fig['gb18030_ratio']}× UTF-8 (target ≤ 1.15), peak {fig['gb18030_peak_mib']} MiB")
    if per_format:
        print("per format, sample scaled:")
    for name, f in per_format.items():
        print(f"  {name:18} {f['rows']:>8,} rows  {f['seconds']:>7.2f} s ({f['cpu_s']:.2f})  {f['rows_per_s']:>9,} rows/s  "
              f"peak {f['peak_mib']} MiB" + (f"  {f['vs_generic']:.2f}× generic" if f["vs_generic"] else ""))


if __name__ == "__main__":
    main()
