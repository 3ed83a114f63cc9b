"""Benchmark: readiness, what-if, margin and cash over 100,000 order lines, 2,000 contracts,
200 PPAs, 50 sites and 200 deployments of 10 parts, each against a baseline measured in the
same run on the same database:

* readiness (the pegging pass with every deployment's parts) against one plain SELECT of all
  order lines into tuples (target ≤ 3x);
* a what-if (every open dated unit slipped 30 days: figures and alerts before and after)
  against evaluating the alerts alone (target ≤ 3x);
* margin (every binding contract's first month and term, every site and month of the
  horizon) and cash (every milestone of every line, 18 months) against the alerts alone
  (target ≤ 3x).

    python bench/bench_figures.py                # a temporary SQLite file
    python bench/bench_figures.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench
    python bench/bench_figures.py --lines 20000  # a smaller run

The data is the alerts benchmark's (bench/bench_alerts.py) with deployments added. Each timing
is the best of --repeat runs.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.bench_alerts import TODAY, best_of, data_arguments, generate_and_tell
from models import OrderLine
from models.database import open_database
from services import alerts, cash, figures, reports, whatif


def main(argv: list[str] | None = None) -> int:
    parser = data_arguments(__doc__.splitlines()[0])
    parser.add_argument("--deployments", type=int, default=200)
    args = parser.parse_args(argv)

    results: dict[str, tuple[float, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(args.db or str(Path(folder) / "bench.db"))
        try:
            generate_and_tell(database, args, deployments=args.deployments)

            for name, action in measures(database).items():
                results[name] = best_of(args.repeat, action)
        finally:
            database.dispose()
    return report(results)


def measures(database: Any) -> dict[str, Callable[[], int]]:
    """What is timed, each returning how many rows it made: the two baselines (a SELECT of
    the order lines, every alert rule) first."""

    def select_lines() -> int:
        with database.session() as session:
            return len(session.execute(select(OrderLine.__table__)).all())

    def evaluate() -> int:
        with database.session() as session:
            return len(alerts.evaluate(session, TODAY))

    def readiness() -> int:
        with database.session() as session:
            return len(reports.readiness(figures.picture(session, TODAY)))

    def what_if() -> int:
        with database.session() as session:
            outcome = whatif.run(session, [whatif.SlipRequest(whatif.ALL, 30)], TODAY)
        return len(outcome.contracts)

    def margin() -> int:
        with database.session() as session:
            found = reports.margin(figures.picture(session, TODAY))
        return len(found["contracts"]) + len(found["sites"])

    def cash_out() -> int:
        with database.session() as session:
            return len(cash.cash_out(session, TODAY).rows)

    return {
        "select": select_lines,
        "alerts": evaluate,
        "readiness": readiness,
        "whatif": what_if,
        "margin": margin,
        "cash": cash_out,
    }


def report(results: dict[str, tuple[float, Any]]) -> int:
    """Print each figure's time against its baseline; 0 when every one is within 3x."""
    base, lines = results["select"]
    alerts_time, count = results["alerts"]
    print(f"baseline: SELECT of {lines:,} order lines into tuples   {base:.3f} s")
    print(f"baseline: every alert rule ({count:,} alerts)           {alerts_time:.3f} s")
    failed = False
    for name, against, label in (
        ("readiness", base, "the SELECT"),
        ("whatif", alerts_time, "the alerts"),
        ("margin", alerts_time, "the alerts"),
        ("cash", alerts_time, "the alerts"),
    ):
        took, size = results[name]
        ratio = took / against
        failed = failed or ratio > 3
        verdict = "within" if ratio <= 3 else "NOT within"
        print(f"{name:10} {took:.3f} s ({size:,} rows): {ratio:.2f}x {label} ({verdict} 3x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
