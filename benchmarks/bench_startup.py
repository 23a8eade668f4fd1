"""Start-up benchmark: `weimai --help` and `weimai list-goods --limit 50`.

Builds a database of --goods items (default 10,000) through weimai itself
(`weimai goods import` of a generated CSV) in a temporary folder, then times,
in one run and round-robin so machine noise spreads over every row alike:

* ``python -c "import typer"``                    the reference row;
* a one-command typer app's ``--help``            the floor for a typer CLI;
* ``weimai --help``                               target: <= 1.25 x that app;
* ``sqlite-utils rows DB goods --limit 50 -t``    the peer a user would reach for;
* ``weimai list-goods --limit 50``                target: no slower than that peer;
* both weimai rows again in Chinese (``WEIMAI_LANG=zh``), with the same peers
  and targets; the zh/en ratio of each is printed under the table (Chinese
  reads one compiled catalog; English reads none).

Every command is a fresh process under this interpreter, stdout and stderr to
/dev/null. weimai and sqlite-utils are both run as the body of their console
scripts (``python -c "from … import main; main()"``), see _common.py.

    python benchmarks/bench_startup.py [--runs 21] [--goods 10000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    PY,
    SQLITE_UTILS,
    WEIMAI,
    bench_home,
    machine_note,
    median,
    print_table,
    run_checked,
    timed,
    write_goods_csv,
)

ONE_COMMAND_APP = '''\
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world"):
    """Say hello."""
    typer.echo(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=21, help="timed runs of each command (default 21)")
    ap.add_argument("--goods", type=int, default=10_000, help="goods in the database (default 10000)")
    args = ap.parse_args(argv)

    note = machine_note()
    with bench_home() as (tmp, env, where):
        db = str(tmp / "bench.db")
        csv_path = write_goods_csv(tmp / "goods.csv", args.goods)
        run_checked([*WEIMAI, "--db", db, "goods", "import", str(csv_path)], env)
        app_py = tmp / "one_command.py"
        app_py.write_text(ONE_COMMAND_APP, encoding="utf-8")

        env_en = {**env, "WEIMAI_LANG": "en"}
        env_zh = {**env, "WEIMAI_LANG": "zh"}
        help_peer, list_peer = "typer one-command app --help", "sqlite-utils rows goods --limit 50 -t"
        list_goods = [*WEIMAI, "--db", db, "list-goods", "--limit", "50"]
        # name, argv, peer name, target ratio vs peer, environment
        rows = [
            ("python -c 'import typer'", [PY, "-c", "import typer"], None, None, env),
            (help_peer, [PY, str(app_py), "--help"], None, None, env),
            ("weimai --help", [*WEIMAI, "--help"], help_peer, 1.25, env_en),
            ("weimai --help (zh)", [*WEIMAI, "--help"], help_peer, 1.25, env_zh),
            (list_peer, [*SQLITE_UTILS, "rows", db, "goods", "--limit", "50", "-t"], None, None, env),
            ("weimai list-goods --limit 50", list_goods, list_peer, 1.0, env_en),
            ("weimai list-goods --limit 50 (zh)", list_goods, list_peer, 1.0, env_zh),
        ]
        times: dict[str, list[float]] = {name: [] for name, *_ in rows}
        for _, cmd, *_, row_env in rows:  # warm-up (page cache, .pyc files), checked for success
            run_checked(cmd, row_env)
        for r in range(args.runs):
            # round-robin, starting one further along each round
            for k in range(len(rows)):
                name, cmd, *_, row_env = rows[(r + k) % len(rows)]
                times[name].append(timed(cmd, row_env).wall)

    ref = median(times[rows[0][0]])
    table, failed = [], False
    for name, _, peer, target, _env in rows:
        med, best = median(times[name]), min(times[name])
        ratio = f"{med / median(times[peer]):.2f}" if peer else ""
        verdict = ""
        if peer:
            ok = med <= target * median(times[peer])
            failed |= not ok
            verdict = "PASS" if ok else "FAIL"
        table.append([
            name, f"{med * 1000:.1f}", f"{best * 1000:.1f}", f"{med / ref:.2f}",
            ratio, f"<= {target:.2f} x peer" if target else "", verdict,
        ])
    print(f"weimai from {where}; {note}")
    print(f"{args.goods:,} goods; {args.runs} runs of each command, round-robin; stdout to /dev/null")
    print_table(
        ["command", "median ms", "min ms", "x import typer", "vs peer", "target", "result"],
        table, right={1, 2, 3, 4},
    )
    for en in ("weimai --help", "weimai list-goods --limit 50"):
        print(f"zh/en {en.removeprefix('weimai ')}: {median(times[en + ' (zh)']) / median(times[en]):.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
