"""Shared by the benchmark scripts: a realistic goods CSV, running weimai as a
subprocess, and timing helpers.

weimai is run as ``python -c "import sys; from weimai_cli.cli.app import main;
sys.exit(main())"`` — the body of the ``weimai`` console script — with the
repository root as the working directory and first on ``PYTHONPATH``, so the
checkout being measured wins over any installed copy. Peers are run the same
way (their console script's body under the same interpreter), which keeps
pyenv shims and ``python -m`` runpy overhead out of every row alike.
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
WEIMAI = [PY, "-c", "import sys; from weimai_cli.cli.app import main; sys.exit(main())"]
SQLITE_UTILS = [PY, "-c", "import sys; from sqlite_utils.cli import cli; sys.exit(cli())"]

HEADER = ["商品编码", "商品名称", "售价", "原价", "佣金比例", "供应商", "类目", "平台", "链接", "图片", "库存", "标签", "卖点"]

_PLACES = ["宁夏中宁", "云南勐海", "五常", "杭州西湖", "新疆阿克苏", "福建安溪", "山东烟台", "广西百色", "四川蒲江", "东北长白山", "浙江安吉", "贵州茅台镇"]
_GOODS = [
    ("枸杞", "滋补养生", "g"), ("普洱熟茶饼", "茶叶", "g"), ("稻花香大米", "粮油米面", "kg"),
    ("龙井绿茶", "茶叶", "g"), ("冰糖心苹果", "生鲜水果", "kg"), ("铁观音", "茶叶", "g"),
    ("红富士苹果", "生鲜水果", "kg"), ("芒果", "生鲜水果", "kg"), ("猕猴桃", "生鲜水果", "个"),
    ("野生蓝莓干", "休闲零食", "g"), ("白茶饼", "茶叶", "g"), ("黑木耳", "南北干货", "g"),
    ("玻尿酸精华液", "美妆护肤", "ml"), ("氨基酸洗面奶", "美妆护肤", "ml"), ("婴儿纸尿裤", "母婴用品", "片"),
    ("纯棉四件套", "家居家纺", "件"), ("不锈钢保温杯", "厨房用品", "ml"), ("蓝牙耳机", "数码配件", "个"),
]
_GRADES = ["特级", "一级", "头茬", "明前", "有机", "当季新品", "精选", "礼盒装", "家庭装", "旗舰款"]
_EXTRAS = ["免洗即食", "产地直发", "顺丰包邮", "买二送一", "破损包赔", "原产地直采", "七天无理由", "新客专享"]
_SHOPS = ["旗舰店", "官方直营", "专营店", "源头工厂", "农场直供"]
_PLATFORMS = ["taobao", "jd", "douyin", "weidian", "pdd"]
_TAGS = ["养生", "新品", "爆款", "包邮", "礼品", "有机", "进口", "特价"]


def goods_rows(n: int, seed: int = 20261120):
    """n rows of a supplier catalogue, as text cells (the way exports write them)."""
    rnd = random.Random(seed)
    for i in range(n):
        place = rnd.choice(_PLACES)
        name, category, unit = rnd.choice(_GOODS)
        qty = rnd.choice([1, 2, 3, 5, 10, 250, 357, 500]) if unit in ("g", "ml") else rnd.choice([1, 2, 3, 5, 10])
        title = f"{place}{name} {qty}{unit} {rnd.choice(_GRADES)} {rnd.choice(_EXTRAS)}"
        fen = rnd.randint(590, 129_900)
        price = f"{fen // 100}.{fen % 100:02d}"
        if fen >= 100_000 and rnd.random() < 0.5:
            price = f"{fen // 100:,}.{fen % 100:02d}"
        if rnd.random() < 0.4:
            price = "¥" + price
        orig = fen + rnd.randint(0, fen // 2)
        bp = rnd.choice([500, 800, 1000, 1250, 1500, 2000, 2550, 3000, 888])
        rate = f"{bp // 100}.{bp % 100:02d}".rstrip("0").rstrip(".")
        rate = rate + rnd.choice(["%", "%", " %", ""])
        sku = f"{place[:2]}-{i:07d}" if i % 3 else f"69{rnd.randint(10**10, 10**11 - 1)}{i % 10}"
        yield [
            sku,
            title,
            price,
            f"{orig // 100}.{orig % 100:02d}",
            rate,
            place + rnd.choice(_SHOPS),
            category,
            rnd.choice(_PLATFORMS),
            f"https://item.example.cn/item.htm?id={6750_0000_0000 + i}",
            f"https://img.example.cn/{i:07d}.jpg",
            str(rnd.randint(0, 5000)),
            "|".join(rnd.sample(_TAGS, 2)),
            f"{rnd.choice(_EXTRAS)} {rnd.choice(_EXTRAS)}",
        ]


def write_goods_csv(path: Path, n: int, seed: int = 20261120) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(goods_rows(n, seed))
    return path


def bench_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WEIMAI_HOME"] = str(home)
    env.pop("WEIMAI_DB", None)
    env.pop("WEIMAI_FORCE_TERMINAL", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def run_checked(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run once, capturing output; fail loudly if the command fails."""
    p = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(
            f"benchmark command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}"
        )
    return p


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss_kib: int  # the child's peak resident set size


def timed(cmd: list[str], env: dict[str, str]) -> Timing:
    """Run once as a child, stdout and stderr to /dev/null; its wall time, CPU time
    and peak memory (from os.wait4, so each child is measured on its own)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"benchmark command failed ({p.returncode}): {' '.join(cmd)}")
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


@contextmanager
def bench_home():
    """(temporary folder, environment for the children, where weimai_cli was found)."""
    with tempfile.TemporaryDirectory(prefix="weimai-bench-") as tmp:
        tmp = Path(tmp)
        env = bench_env(tmp / "home")
        where = run_checked([PY, "-c", "import weimai_cli; print(weimai_cli.__file__)"], env)
        yield tmp, env, Path(where.stdout.strip()).parent


def machine_note() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.2f} at the start"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def print_table(header: list[str], rows: list[list[str]], right: set[int]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r):
        return "  ".join(
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i]) for i, c in enumerate(r)
        ).rstrip()

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(fmt(r))
