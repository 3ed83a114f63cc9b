"""Benchmark: the dashboard's one read (tiles, supply series per site, lead times, power)
over 100,000 order lines, 2,000 contracts, 200 PPAs, 50 sites, against evaluating the alerts
alone on the same database in the same run (the dashboard evaluates them too).

    python bench/bench_dashboard.py                # a temporary SQLite file
    python bench/bench_dashboard.py --lines 20000  # a smaller run

The data is the alerts benchmark's (bench/bench_alerts.py). Each timing is the best of
--repeat runs. Prints the ratio.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_alerts import TODAY, best_of, data_arguments, generate_and_tell
from models.database import open_database
from services import alerts, dashboard


def main(argv: list[str] | None = None) -> int:
    parser = data_arguments(__doc__.splitlines()[0])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(args.db or str(Path(folder) / "bench.db"))
        try:
            generate_and_tell(database, args)

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
