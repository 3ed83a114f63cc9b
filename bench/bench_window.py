"""Window speed on 100,000 order lines, each figure as a ratio against a baseline measured in
the same run (docs/traps.md and issue 6):

* first rows: opening the orders screen until its first rows are painted, against a bare
  QTableView over a list of 100,000 tuples (built in this run) until painted (target ≤ 2x);
* search: one keystroke in the search box until the table is repainted, against filtering the
  same 100,000 tuples by that text in plain Python (target ≤ 3x);
* sort: a header click until repainted, against ``sorted`` of the same tuples by that column in
  plain Python (target ≤ 3x);
* start-up: process start to a shown main window, against a process showing a minimal
  QMainWindow (target ≤ 2x).

First rows are timed from ``refresh()`` (the screen asked to load) until its table's viewport
has painted: reading the first page, putting it in the model, showing and painting the whole
screen (its rows are marked by the alert rules once the whole list is in, in a task of their
own: not part of the first rows). The line printed under it splits the best run into those
phases and lists every run. One piece of work lands outside the timed region because the app
really does it earlier: a whole 100,000-line list ends its loading with a young-generation
garbage collection (``ListScreen._loaded``), which the next run's first rows would otherwise
pay (about 20 ms).

The bench database is written with SQLAlchemy Core bulk inserts (bench_alerts.generate).
Run: ``python bench/bench_window.py [--lines 100000] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import (  # noqa: E402
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
)
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from bench.bench_alerts import generate  # noqa: E402
from models.database import open_database  # noqa: E402
from services import records  # noqa: E402

MINIMAL_WINDOW = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication(sys.argv[:1])\n"
    "window = QMainWindow()\n"
    "window.setWindowTitle('minimal')\n"
    "window.resize(1400, 860)\n"
    "window.show()\n"
    "QTimer.singleShot(0, app.quit)\n"
    "app.exec()\n"
)


class TupleModel(QAbstractTableModel):
    """The baseline: the least a Python table model can be."""

    def __init__(self, rows: list[tuple[Any, ...]], columns: int) -> None:
        super().__init__()
        self.rows = rows
        self.columns = columns

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.rows[index.row()][index.column()]
            return "" if value is None else str(value)
        return None


class _PaintWatch(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def painted(view: Any) -> None:
    """Process events until the table's viewport has painted once (its rows are on screen)."""
    viewport = view.viewport()
    watch = _PaintWatch()
    viewport.installEventFilter(watch)
    deadline = time.perf_counter() + 10
    while not watch.seen and time.perf_counter() < deadline:
        QApplication.processEvents()
    viewport.removeEventFilter(watch)


def settle(seconds: float) -> None:
    """Let timers and queued work of the previous measure run before the next one."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        QApplication.processEvents()


def best(repeat: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def start_up(repeat: int, db: Path, home: Path) -> tuple[float, float]:
    env = {**os.environ, "RACKBOOK_QUIT_AFTER_SHOWN": "1", "RACKBOOK_HOME": str(home)}

    def run(argv: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
        return time.perf_counter() - start

    ours, minimal = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine
        minimal.append(run([sys.executable, "-c", MINIMAL_WINDOW]))
        ours.append(run([sys.executable, str(ROOT / "main.py"), "--db", str(db)]))
    return statistics.median(ours), statistics.median(minimal)


def attach_files(database: Any, lines: int) -> int:
    """Files attached to every 50th order line and every 20th purchase order (one stored
    quote, linked by Core inserts), so the list reads and counts attachments as it would in
    use; how many lines have one."""
    from sqlalchemy import insert, select

    from models import Attachment, AttachmentBlob, OrderLine, PurchaseOrder

    data = b"%PDF-1.7 quote" * 1000
    digest = hashlib.sha256(data).hexdigest()
    with database.write() as session:
        session.execute(
            insert(AttachmentBlob), [{"sha256": digest, "size": len(data), "data": data}]
        )
        line_ids = session.scalars(select(OrderLine.id).order_by(OrderLine.id)).all()[::50]
        order_ids = session.scalars(select(PurchaseOrder.id).order_by(PurchaseOrder.id)).all()[::20]
        links = [
            {
                "record_kind": kind,
                "record_id": record_id,
                "record_key": str(record_id),
                "file_name": "quote.pdf",
                "sha256": digest,
                "size": len(data),
                "added_by": "bench",
            }
            for kind, ids in (("orders", line_ids), ("purchase_orders", order_ids))
            for record_id in ids
        ]
        session.execute(insert(Attachment), links)
    return len(line_ids)


@dataclass
class Bench:
    """What every measure works on: the database, the lines as tuples, the contexts."""

    repeat: int
    folder: Path
    db_path: Path
    database: Any
    names: tuple[str, ...]
    tuples: list[tuple[Any, ...]]
    settings: QSettings
    context: Any
    screens: list[Any] = field(default_factory=list)


@dataclass
class Measures:
    """Each figure with its baseline (seconds)."""

    baseline_show: float = 0.0
    baseline_read_show: float = 0.0
    ours_show: float = 0.0
    phases: tuple[float, ...] = ()
    all_first_rows: list[float] = field(default_factory=list)
    ours_app: float = 0.0
    whole_list_at: float = 0.0
    marked_at: float = 0.0
    needle: str = "vendor 1"
    baseline_filter: float = 0.0
    ours_filter: float = 0.0
    shown_after_search: int = 0
    sorts: list[tuple[str, float, float]] = field(default_factory=list)
    footer: float = 0.0
    ours_start: float = 0.0
    minimal_start: float = 0.0


SHOWN_COLUMNS = 13


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    bench = prepare(args.lines, args.repeat)
    measures = Measures()
    first_rows(bench, measures)
    as_the_app_runs(bench, measures)

    screen = bench.screens[-1]
    screen.show()
    assert screen.model.total_rows == len(bench.tuples), "the whole list did not load"
    search(bench, screen, measures)
    sort(bench, screen, measures)
    begin = time.perf_counter()
    screen.update_footer()
    measures.footer = time.perf_counter() - begin
    for other in bench.screens:
        other.deleteLater()
    bench.database.dispose()

    # --- start-up ------------------------------------------------------------------------
    measures.ours_start, measures.minimal_start = start_up(
        bench.repeat, bench.db_path, bench.folder
    )
    report(len(bench.tuples), measures)
    app.quit()
    return 0


def prepare(lines: int, repeat: int) -> Bench:
    """A bench database of ``lines`` order lines, read once into tuples (the baselines')."""
    folder = Path(tempfile.mkdtemp(prefix="rackbook-bench-window-"))
    db_path = folder / "bench.db"
    database = open_database(db_path)
    start = time.perf_counter()
    generate(database, lines, contracts=200, ppas=40, sites=12)
    files = attach_files(database, lines)
    print(
        f"generated {lines:,} order lines ({files:,} with files attached, the list "
        f"counting them) in {time.perf_counter() - start:.1f} s"
    )

    from services import paths
    from ui.context import AppContext
    from ui.workers import Tasks

    paths.set_home(folder)
    with database.session() as session:
        found = records.list_records(session, "orders")
    names = tuple(found[0])
    tuples = [tuple(r[n] for n in names) for r in found]
    del found
    settings = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    context = AppContext("bench", Tasks(synchronous=True), settings)
    context.set_database(database)
    return Bench(repeat, folder, db_path, database, names, tuples, settings, context)


def bare_view(rows: list[tuple[Any, ...]]) -> None:
    """The baseline: a bare QTableView over tuples, until painted."""
    view = QTableView()
    view.resize(1200, 700)
    view.setModel(TupleModel(rows, SHOWN_COLUMNS))
    view.show()
    painted(view)
    view.close()
    view.deleteLater()


def first_rows(bench: Bench, measures: Measures) -> None:
    """The orders screen until its first rows are painted, against the bare view."""

    def read_and_show() -> None:
        # The simple way: read every line into tuples, then show them in a bare view.
        with bench.database.session() as session:
            rows = [tuple(r.values()) for r in records.list_records(session, "orders")]
        bare_view(rows)

    bare_view(bench.tuples)  # warm up Qt's first-paint costs for both
    measures.baseline_show = best(bench.repeat, lambda: bare_view(bench.tuples))
    measures.baseline_read_show = best(max(1, bench.repeat // 2), read_and_show)
    times = []
    for _ in range(bench.repeat):
        times.append(timed_first_rows(bench))
        settle(0.3)  # the selected line's order loads after a pause: not in the next timing
        bench.screens[-1].close()
    measures.ours_show, measures.phases = min(times)
    measures.all_first_rows = sorted(t for t, _ in times)


def timed_first_rows(bench: Bench) -> tuple[float, tuple[float, ...]]:
    """One opening of the orders screen: its time, and where the time went (reading the
    first page, putting it in the model, showing the screen, painting it)."""
    from ui.screens.orders_screen import OrdersScreen

    # Tasks are synchronous here, so refresh() runs both loads; time the first one only.
    screen = OrdersScreen(bench.context)
    screen.resize(1200, 900)
    stop: dict[str, float] = {}
    original = screen._loaded

    def loaded(result: Any, generation: int) -> None:
        if "t" in stop:
            original(result, generation)
            return
        stop["read"] = time.perf_counter()
        original(result, generation)
        stop["rows"] = time.perf_counter()
        screen.show()
        stop["shown"] = time.perf_counter()
        painted(screen.view)
        stop["t"] = time.perf_counter()

    setattr(screen, "_loaded", loaded)  # noqa: B010  # the screen's own, timed
    begin = time.perf_counter()
    screen.refresh()
    bench.screens.append(screen)
    phases = (
        stop["read"] - begin,
        stop["rows"] - stop["read"],
        stop["shown"] - stop["rows"],
        stop["t"] - stop["shown"],
    )
    return stop["t"] - begin, phases


def as_the_app_runs(bench: Bench, measures: Measures) -> None:
    """First rows as the app runs, from building the screen, the loads in a worker thread."""
    from ui.context import AppContext
    from ui.screens.orders_screen import OrdersScreen
    from ui.workers import Tasks

    threaded = AppContext("bench", Tasks(), bench.settings)
    threaded.set_database(bench.database)

    def run() -> tuple[float, tuple[float, float]]:
        # On a SQLite file the first page (a LIMIT query) is read at once on this thread,
        # the whole list in the worker thread after it (on PostgreSQL the first page too);
        # time until the painted table holds rows.
        begin = time.perf_counter()
        screen = OrdersScreen(threaded)
        screen.resize(1200, 900)
        screen.refresh()
        screen.show()
        while screen.model.rowCount() == 0:
            QApplication.processEvents()
        painted(screen.view)
        elapsed = time.perf_counter() - begin
        while not screen.complete:  # the whole list follows: let it finish before timing more
            QApplication.processEvents()
        whole_list = time.perf_counter() - begin
        while screen.row_marks is None:  # then its marks (every alert rule evaluated)
            QApplication.processEvents()
        marked = time.perf_counter() - begin
        threaded.tasks.wait()
        settle(0.3)
        screen.close()
        screen.deleteLater()
        return elapsed, (whole_list, marked)

    runs = [run() for _ in range(bench.repeat)]
    measures.ours_app, (measures.whole_list_at, measures.marked_at) = min(runs)


def search(bench: Bench, screen: Any, measures: Measures) -> None:
    """One keystroke in the search box until repainted, against a plain Python filter."""
    searched = [bench.names.index(n) for n in screen.model.searched]
    needle = measures.needle

    def plain_filter() -> int:
        lowered = needle.casefold()
        return len(
            [
                t
                for t in bench.tuples
                if lowered in "\x1f".join(str(t[i]) for i in searched).casefold()
            ]
        )

    def keystroke() -> float:
        screen.search.setText("")
        begin = time.perf_counter()
        screen.search.setText(needle)
        painted(screen.view)
        return time.perf_counter() - begin

    measures.baseline_filter = best(bench.repeat, plain_filter)
    measures.ours_filter = min(keystroke() for _ in range(bench.repeat))
    measures.shown_after_search = screen.model.rowCount()
    assert measures.shown_after_search == plain_filter(), "the window and the baseline disagree"
    screen.search.setText("")


def sort(bench: Bench, screen: Any, measures: Measures) -> None:
    """A header click until repainted, against ``sorted`` of the tuples by that column."""
    header = screen.view.horizontalHeader()
    for name in ("quantity", "order_date", "vendor"):
        column = [c.name for c in screen.model.columns].index(name)
        by = itemgetter(bench.names.index(name))

        def plain_sort(by: Callable[[tuple[Any, ...]], Any] = by) -> list[tuple[Any, ...]]:
            return sorted(bench.tuples, key=by)

        baseline_sort = best(bench.repeat, plain_sort)

        def click(column: int = column) -> float:
            # A first click on this column: nothing kept from an earlier sort. The sort keys
            # were made by the loading task, off the UI thread.
            header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
            screen.model.forget_sort_orders()
            begin = time.perf_counter()
            header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)  # what a click does
            painted(screen.view)
            return time.perf_counter() - begin

        ours_sort = min(click() for _ in range(bench.repeat))
        measures.sorts.append((name, ours_sort, baseline_sort))


def report(lines: int, m: Measures) -> None:
    print()
    print(f"order lines: {lines:,}")
    print(
        f"first rows on screen: {m.ours_show * 1000:.0f} ms vs bare QTableView "
        f"{m.baseline_show * 1000:.0f} ms -> ratio {m.ours_show / m.baseline_show:.2f} "
        "(target <= 2)"
    )
    phases = " ".join(f"{t * 1000:.0f}" for t in m.all_first_rows)
    read, rows, shown, paint = (p * 1000 for p in m.phases)
    print(
        f"  (best run: read the first page {read:.1f} ms, into the model {rows:.1f} ms, show "
        f"{shown:.1f} ms, paint {paint:.1f} ms; all runs: {phases})"
    )
    print(
        f"  (as the app runs, building the screen included, the whole list then read by the "
        f"worker: "
        f"{m.ours_app * 1000:.0f} ms -> ratio {m.ours_app / m.baseline_show:.2f})"
    )
    print(
        f"  (then the whole list is searchable and sortable after {m.whole_list_at:.2f} s, "
        f"its rows marked by the alert rules after {m.marked_at:.2f} s)"
    )
    print(
        f"  (same, against reading the 100,000 lines into tuples and then showing them: "
        f"{m.baseline_read_show * 1000:.0f} ms -> ratio "
        f"{m.ours_show / m.baseline_read_show:.2f})"
    )
    print(
        f"search keystroke '{m.needle}' ({m.shown_after_search:,} rows): "
        f"{m.ours_filter * 1000:.0f} ms vs plain Python filter "
        f"{m.baseline_filter * 1000:.0f} ms -> ratio "
        f"{m.ours_filter / m.baseline_filter:.2f} (target <= 3)"
    )
    for name, ours_sort, baseline_sort in m.sorts:
        print(
            f"header click on {name}: {ours_sort * 1000:.0f} ms vs sorted() "
            f"{baseline_sort * 1000:.0f} ms -> ratio {ours_sort / baseline_sort:.2f} (target <= 3)"
        )
    print(
        f"start-up to a shown window: {m.ours_start * 1000:.0f} ms vs minimal QMainWindow "
        f"{m.minimal_start * 1000:.0f} ms -> ratio {m.ours_start / m.minimal_start:.2f} "
        "(target <= 2)"
    )
    print(
        f"(footer counts and totals over all rows, after a 120 ms pause: {m.footer * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
