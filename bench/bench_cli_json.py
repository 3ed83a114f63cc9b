"""The command line's JSON at scale: ``list orders --json`` and ``alerts --json`` against a
plain Core SELECT of the same order lines (with their order's, vendor's, site's and
product's fields) plus a compact ``json.dumps`` of them, measured in the same run, for
25,000 to 200,000 lines (growth should be linear). Target: both within 2x at 100,000.

    python bench/bench_cli_json.py [--lines 25000 50000 100000 200000] [--repeat 3]

Each measurement runs in its own process; output goes to a file, as a script piping it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def baseline(db: str, out: Path) -> None:
    """The floor: one Core SELECT of the lines and what they show, dates and money made
    JSON's, one compact dumps."""
    from sqlalchemy import select

    from models import OrderLine, Product, PurchaseOrder, Site, Vendor
    from models.database import open_database

    database = open_database(db, upgrade=False)
    query = (
        select(
            PurchaseOrder.po_number,
            OrderLine.line_no,
            Vendor.name,
            Product.sku,
            OrderLine.quantity,
            Site.name.label("site"),
            PurchaseOrder.order_date,
            OrderLine.description,
            Product.category,
            OrderLine.unit_price,
            PurchaseOrder.currency,
            OrderLine.requested_date,
            OrderLine.promised_date,
            OrderLine.eta,
            OrderLine.received_qty,
            OrderLine.received_date,
            OrderLine.status,
            OrderLine.notes,
        )
        .join(PurchaseOrder, PurchaseOrder.id == OrderLine.order_id)
        .join(Vendor, Vendor.id == PurchaseOrder.vendor_id)
        .join(Site, Site.id == PurchaseOrder.site_id)
        .join(Product, Product.id == OrderLine.product_id)
    )
    with database.session() as session:
        result = session.execute(query)
        keys = list(result.keys())
        rows = [
            dict(
                zip(
                    keys,
                    (
                        v.isoformat()
                        if isinstance(v, dt.date)
                        else str(v)
                        if v is not None and not isinstance(v, int | str)
                        else v
                        for v in row
                    ),
                    strict=True,
                )
            )
            for row in result
        ]
    out.write_text(json.dumps(rows, separators=(",", ":"), ensure_ascii=False) + "\n")


def child(task: str, db: str, out: str) -> None:
    started = time.perf_counter()
    if task == "baseline":
        baseline(db, Path(out))
    else:
        import cli

        with open(out, "w", encoding="utf-8") as handle:
            argv = ["--db", db, *(["list", "orders"] if task == "list" else ["alerts"]), "--json"]
            if task == "alerts":
                argv += ["--as-of", "2026-06-01"]
            status = cli.run(argv, out=handle, err=io.StringIO())
        if status != 0:
            raise SystemExit(f"{task} failed with {status}")
    print(json.dumps({"seconds": time.perf_counter() - started}))


def run(task: str, db: str, out: Path) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, db, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the fastest counts")
    parser.add_argument("--child", nargs=3, metavar=("TASK", "DB", "OUT"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    import bench_import

    from models.database import open_database
    from services import importing

    folder = Path(tempfile.mkdtemp(prefix="rackbook-json-"))
    print(
        f"{'lines':>8} {'baseline':>9} {'list --json':>12} {'ratio':>6} {'alerts --json':>14} "
        f"{'ratio':>6} {'list us/line':>13}"
    )
    for lines in args.lines:
        file = Path(tempfile.gettempdir()) / "rackbook-bench" / f"orders-{lines}.xlsx"
        file.parent.mkdir(exist_ok=True)
        if not file.exists():
            bench_import.make_file(file, lines)
        db = str(folder / f"json-{lines}.db")
        bench_import.prepare_database(db)
        database = open_database(db)
        with database.write() as session:
            report = importing.import_file(
                session, file, importing.ImportRequest(kind="orders", vendor="Acme"), "bench"
            )
            assert report.ok
        database.dispose()
        out = folder / "out.json"
        best = {
            task: min(run(task, db, out) for _ in range(args.repeat))
            for task in ("baseline", "list", "alerts")
        }
        base = best["baseline"]
        print(
            f"{lines:8,} {base:8.2f}s {best['list']:11.2f}s {best['list'] / base:5.2f}x "
            f"{best['alerts']:13.2f}s {best['alerts'] / base:5.2f}x "
            f"{best['list'] / lines * 1e6:12.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
