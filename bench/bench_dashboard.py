"""Benchmark: the dashboard's one read (tiles, supply series per site, lead times, power)
over 100,000 order lines, 2,000 contracts, 200 PPAs, 50 sites, against evaluating the alerts
alone on the same database in the same run (the dashboard evaluates them too).

    python bench/bench_dashboard.py                # a temporary SQLite file
    python bench/bench_dashboard.py --lines 20000  # a smaller run

The data is the alerts benchmark's (bench/bench_alerts.py). Each timing is the best of
--repeat runs. Prints the ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_alerts import TODAY, best_of, generate
from models.database import open_database
from services import alerts, dashboard


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--contracts", type=int, default=2_000)
    parser.add_argument("--ppas", type=int, default=200)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(args.db or str(Path(folder) / "bench.db"))
        try:
            started = time.perf_counter()
            generate(database, args.lines, args.contracts, args.ppas, args.sites)
            print(
                f"data: {args.lines:,} order lines, {args.contracts:,} contracts, "
                f"{args.ppas} PPAs, {args.sites} sites "
                f"({time.perf_counter() - started:.1f} s to generate)"
            )

            def baseline() -> int:
                with database.session() as session:
                    return len(alerts.visible_alerts(session, TODAY))

            def board() -> dashboard.Dashboard:
                with database.session() as session:
                    return dashboard.dashboard(session, TODAY)

            baseline_time, count = best_of(args.repeat, baseline)
            board_time, result = best_of(args.repeat, board)
        finally:
            database.dispose()
    print(f"baseline: visible alerts ({count:,})                 {baseline_time:.3f} s")
    print(
        f"dashboard: tiles, {len(result.supply)} supply series, "
        f"{len(result.lead_times)} vendors' lead times   {board_time:.3f} s"
    )
    print(f"ratio: {board_time / baseline_time:.2f}x the alerts alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
