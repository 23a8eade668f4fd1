"""Benchmark: `weimai goods sync` of a 10,000-item feed from a local http.server.

Target (issue 6): >= 20,000 items/s after download. The reference measured in
the same run is `weimai goods import` of the same file from disk (no network).

    python benchmarks/bench_feed_sync.py [--items 10000]

Prints, per run: wall time of the whole command, the download and import
times weimai reports (`--json`), items/s after download, and peak RSS.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_feed(n: int, seed: int, price_shift: int = 0) -> list[dict]:
    rnd = random.Random(seed)
    words = ["枸杞", "普洱", "龙井", "白茶", "红枣", "大米", "蜂蜜", "核桃", "木耳", "香菇"]
    return [
        {
            "sku": f"SKU-{i:06d}",
            "title": f"{rnd.choice(words)} {rnd.choice(words)} 礼盒 {i}",
            "price": f"{rnd.randint(500, 99900) / 100 + price_shift:.2f}",
            "rate": f"{rnd.randint(5, 40)}%",
            "supplier": f"供应商{i % 50}",
            "category": rnd.choice(words),
            "stock": rnd.randint(0, 5000),
        }
        for i in range(n)
    ]


def weimai(home: Path, *args: str) -> tuple[float, dict | list | None, int, str]:
    """Run weimai in a subprocess: (seconds, parsed stdout JSON or None, peak RSS KiB, stderr)."""
    env = {**os.environ, "WEIMAI_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("WEIMAI_DB", None)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "weimai_cli", *args], env=env,
                                stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child alone
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"weimai {' '.join(args)} failed:\n{stderr}")
    data = json.loads(stdout) if stdout.strip().startswith((b"[", b"{")) else None
    return seconds, data, usage.ru_maxrss, stderr


def rewrite(feed: Path, items: list[dict]) -> None:
    """Write the feed again, with a modification time a few seconds later.

    http.server answers If-Modified-Since by the file's mtime in whole seconds, so a
    file rewritten within the second of the last sync would get 304 Not Modified.
    """
    before = feed.stat().st_mtime
    feed.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    later = max(before + 5, time.time())
    os.utime(feed, (later, later))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=10_000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="weimai-bench-feed-"))
    try:
        run(args.items, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(n: int, work: Path) -> None:
    www = work / "www"
    www.mkdir()
    feed = www / "feed.json"
    feed.write_text(json.dumps(make_feed(n, 1), ensure_ascii=False), encoding="utf-8")
    size = feed.stat().st_size

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.json"

    home = work / "home"
    weimai(home, "feeds", "add", "bench", url, "--format", "json", "--allow-private")
    print(f"feed: {n:,} items, {size / 1e6:.1f} MB JSON, served by http.server on 127.0.0.1")
    print(f"{'run':<34} {'wall s':>7} {'download s':>10} {'import s':>9} {'items/s after download':>23} {'peak RSS MB':>12}")

    def report(label, seconds, result, rss):
        if result is None:
            print(f"{label:<34} {seconds:7.2f} {'':>10} {'':>9} {'':>23} {rss / 1024:12.0f}")
            return
        r = result[0]
        rate = r["rows"] / r["import_seconds"] if r["import_seconds"] else float("inf")
        print(f"{label:<34} {seconds:7.2f} {r['download_seconds']:10.3f} {r['import_seconds']:9.3f} "
              f"{rate:23,.0f} {rss / 1024:12.0f}")
        return rate

    s, res, rss, _ = weimai(home, "goods", "sync", "--json")
    assert res[0]["added"] == n, res
    rates = [report("sync 1: all new", s, res, rss)]
    # every price changes: n history rows
    rewrite(feed, make_feed(n, 1, price_shift=1))
    s, res, rss, _ = weimai(home, "goods", "sync", "--json")
    assert res[0]["changed"] == n, res
    rates.append(report("sync 2: every price changed", s, res, rss))
    s, res, rss, _ = weimai(home, "goods", "sync", "--json")
    assert res[0]["status"] == "not modified", res
    print(f"{'sync 3: not modified (304)':<34} {s:7.2f} {res[0]['download_seconds']:10.3f} {'':>9} {'':>23} {rss / 1024:12.0f}")

    # reference in the same run: the same file imported from disk
    ref_home = work / "ref"
    s, res, rss, _ = weimai(ref_home, "goods", "import", str(feed), "--archive-missing", "--json")
    print(f"{'reference: goods import (disk)':<34} {s:7.2f} {'':>10} {'':>9} {'':>23} {rss / 1024:12.0f}")
    t0 = time.perf_counter()
    weimai(work / "empty", "--help")
    startup = time.perf_counter() - t0
    print(f"{'reference: weimai --help':<34} {startup:7.2f}")
    worst = min(rates)
    verdict = "PASS" if worst >= 20_000 else "FAIL"
    print(f"target: >= 20,000 items/s after download; measured {worst:,.0f} items/s (worst of the syncs): {verdict}")
    server.shutdown()
    if verdict == "FAIL":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
