"""Orders: every order line in one searchable list (the master), and for the selected line its
purchase order with all its lines, where goods are received, ETAs moved and lines cancelled
(the detail), plus the line's audit trail and ETA history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from services.errors import ConflictError
from services.orders import CLOSED_LINE_STATUSES as CLOSED
from ui import format as fmt
from ui.context import AppContext
from ui.screens import order_documents, several_lines
from ui.screens.list_loading import prepare
from ui.screens.list_screen import ListScreen
from ui.screens.money_panels import LineMilestonesPanel
from ui.screens.pegging import LineServesPanel
from ui.screens.several_lines import line_ref
from ui.screens.table_views import LazyTable, table_view
from ui.tables.model import Column, PlainTableModel, RecordTableModel
from ui.widgets import push_button, show_error

Record = dict[str, Any]

# How long the status bar says what an operation on several lines did.
MESSAGE_MS = 8000

LINE_COLUMNS = [
    Column("line", "Line", "int"),
    Column("sku", "SKU"),
    Column("description", "Description"),
    Column("quantity", "Quantity", "int"),
    Column("received_qty", "Received", "int"),
    Column("unit_price", "Unit price", "money", currency="currency"),
    Column("status", "Status", "choice"),
    Column("promised_date", "Promised", "date"),
    Column("eta", "ETA", "date"),
    Column("received_date", "Received on", "date"),
]


def _bold_label(text: str) -> QLabel:
    # Bold by its font rather than <b> markup: a rich-text label lays out and paints through
    # a text document, slower on the screen's first show for the same look.
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class OrdersScreen(ListScreen):
    # A deployment's ref: show it on the readiness timeline.
    readiness_requested = Signal(str)
    # A contract's ref: show it in the contracts.
    contract_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        self.order: Any = None
        #: What the last operation on several lines did (also in the window's status bar).
        self.last_message = ""
        super().__init__("orders", context, parent)
        from ui.screens.inline_edit import InlineEditing

        #: ETA, status, quantity and notes edited in the list (double-click, F2, typing).
        self.inline = InlineEditing(self)

    def _add_detail_tabs(self) -> None:
        page = QWidget()
        page.setObjectName("purchaseOrderTab")
        # Until the selected line's order has been read (a moment after the list shows), a
        # line of text stands where its header, buttons and lines will be: they are built
        # when the first order is shown, so the list's first rows wait for none of them.
        self.order_content: QWidget | None = None
        self.order_waiting = QLabel("Select an order line to see its purchase order.")
        self.order_waiting.setObjectName("orderWaiting")
        self.order_waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.order_stack = QStackedWidget()
        self.order_stack.addWidget(self.order_waiting)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(4, 4, 4, 4)
        page_layout.addWidget(self.order_stack)
        self.details.addTab(page, "Purchase order")
        self.eta_model = PlainTableModel(["Changed", "By", "Source", "Old ETA", "New ETA"], self)
        self.eta_tab = LazyTable(self.eta_model, "etaHistory")
        self.details.addTab(self.eta_tab, "ETA history")
        # What the line serves (contracts, deployments) or, overdue, what waits for it: read
        # from the figures while the tab is in front, for the line selected.
        self.serves = LineServesPanel()
        self.serves.readiness_requested.connect(self.readiness_requested)
        self.serves.contract_requested.connect(self.contract_requested)
        self.details.addTab(self.serves, "Serves")
        self.milestones = LineMilestonesPanel()
        self.details.addTab(self.milestones, "Payments")
        self._serves_line: int | None = None
        self.details.currentChanged.connect(lambda _i: self.load_serves())
        # Until the newly selected line's order is on screen, the buttons would act on the
        # line shown before: keep them off meanwhile.
        self.selection_changed.connect(self._order_pending)

    def _build_order_content(self) -> QWidget:
        """The purchase order's header, its lines and the line buttons (once)."""
        if self.order_content is not None:
            return self.order_content
        self.order_header = QFrame()
        self.order_header.setObjectName("orderHeader")
        grid = QGridLayout(self.order_header)
        self.header_labels: dict[str, QLabel] = {}
        for i, (name, title) in enumerate(
            [
                ("po_number", "PO"),
                ("vendor", "Vendor"),
                ("site", "Site"),
                ("order_date", "Ordered"),
                ("status", "Status"),
                ("value", "Order value"),
            ]
        ):
            label = QLabel()
            label.setObjectName(f"order_{name}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.header_labels[name] = label
            grid.addWidget(_bold_label(title), 0, i)
            grid.addWidget(label, 1, i)
        self.lines_model = RecordTableModel(LINE_COLUMNS, self)
        self.lines_view = table_view()
        self.lines_view.setObjectName("orderLines")
        self.lines_view.setModel(self.lines_model)
        self.lines_view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.receive_button = push_button(
            "Receive goods…", self.receive_goods, name="receiveButton"
        )
        self.eta_button = push_button("Change ETA…", self.change_eta, name="etaButton")
        self.cancel_button = push_button("Cancel line", self.cancel_line, name="cancelLineButton")
        buttons = QHBoxLayout()
        for button in (self.receive_button, self.eta_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.send_button = push_button(
            "Send…",
            self.send_order,
            name="sendOrder",
            tip="The purchase order as a PDF (or workbook) for its vendor: your letterhead, the "
            "addresses, terms, lines and totals; kept as a revision and attached to the order",
        )
        self.print_button = push_button(
            "Print…",
            self.print_order,
            name="printOrder",
            tip="The purchase order for its vendor, on a printer",
        )
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.print_button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.order_header)
        layout.addLayout(buttons)
        layout.addWidget(self.lines_view, 1)
        self.order_stack.addWidget(content)
        self.order_content = content
        self._enable()
        return content

    def send_order(self, path: str | None = None) -> None:
        """The shown purchase order to a PDF or workbook (``order_documents.send_order``)."""
        order_documents.send_order(self, path)

    def print_order(self, printer: Any = None) -> None:
        """The shown purchase order on a printer (``order_documents.print_order``)."""
        order_documents.print_order(self, printer)

    def _order_buttons(self) -> tuple[QPushButton, ...]:
        if self.order_content is None:
            return ()
        return (self.receive_button, self.eta_button, self.cancel_button)

    def _order_pending(self) -> None:
        for button in self._order_buttons():
            button.setEnabled(False)

    # --- the selected line's order -------------------------------------------------------

    def load_details(self) -> None:
        super().load_details()
        record = self.selected_record()
        if record is None or self.context.database is None:
            self.order_stack.setCurrentWidget(self.order_waiting)
            self._serves_line = None
            self.serves.clear()
            self.milestones.clear()
            return
        from services import audit, orders

        self._build_order_content()
        po_number, line_id, searched = record["po_number"], record["id"], self.lines_model.searched

        def work(session: Any) -> tuple[Any, Any, list[Any]]:
            view = orders.purchase_order(session, po_number)
            # Marked from the list's marks (evaluated with it), not by the rules once more.
            lines = prepare(session, "orders", view.lines, searched, True, evaluate_marks=False)
            return view, lines, audit.eta_history(session, line_id)

        self.context.read(
            work, lambda found: self._show_order(line_id, *found), lambda e: None, owner=self
        )
        self.load_milestones(line_id)
        if self.serves.pegging is not None and self.serves.pegging.line_id != line_id:
            self.serves.clear()  # never another line's, even behind another tab
        self._serves_line = None  # a new selection, or the figures moved (a save)
        self.load_serves()

    def load_milestones(self, line_id: int) -> None:
        """The selected line's payment milestones (its schedule read as of today)."""
        from services import cash, settings

        def work(session: Any) -> tuple[Any, str]:
            currency = str(settings.get_all(session)["reporting_currency"])
            return cash.line_schedule(session, line_id), currency

        def done(found: tuple[Any, str]) -> None:
            if line_id == self.selected_id():
                self.milestones.show_schedule(*found)

        self.milestones.clear("Reading the line's payment milestones…")
        self.context.read(
            work,
            done,
            lambda exc: self.milestones.clear(f"The milestones could not be read: {exc}"),
            owner=self,
        )

    def load_serves(self) -> None:
        """What the selected line serves, when the Serves tab is in front (it reads every
        figure: not for lines nobody looks at)."""
        if self.details.currentWidget() is not self.serves or self.context.database is None:
            return
        line_id = self.selected_id()
        if line_id is None:
            self._serves_line = None
            self.serves.clear()
            return
        if line_id == self._serves_line and self.serves.pegging is not None:
            return
        self._serves_line = line_id
        from services import pegging

        def done(found: Any) -> None:
            if line_id == self.selected_id():
                self.serves.show_pegging(found)

        def failed(error: BaseException) -> None:
            if line_id == self.selected_id():
                self._serves_line = None
                self.serves.clear(f"What the line serves could not be read: {error}")

        self.serves.clear("Reading what the line serves…")
        self.context.read(
            lambda session: pegging.line_pegging(session, line_id), done, failed, owner=self
        )

    def _show_order(self, line_id: int, view: Any, lines: Any, eta_moves: list[Any]) -> None:
        if line_id != self.selected_id():
            return  # the selection moved on meanwhile; its own order is on its way
        self.order = view
        self.order_stack.setCurrentWidget(self._build_order_content())
        labels = self.header_labels
        labels["po_number"].setText(view.po_number)
        labels["vendor"].setText(view.vendor)
        labels["site"].setText(view.site)
        labels["order_date"].setText(fmt.date(view.order_date))
        labels["status"].setText(fmt.choice(view.status))
        labels["value"].setText(fmt.money(view.order_value, view.currency))
        marks = (
            self.row_marks.for_rows(lines.names, lines.rows)
            if self.row_marks is not None
            else lines.marks
        )
        self.lines_model.set_rows(lines.names, lines.rows, marks, lines.haystack)
        row = self.lines_model.row_of_id(line_id)
        if row >= 0:
            self.lines_view.setCurrentIndex(self.lines_model.index(row, 0))
            self.lines_view.selectRow(row)
        self.lines_view.resizeColumnsToContents()
        self.eta_model.set_rows(
            (
                fmt.when(m.changed_at),
                m.changed_by,
                m.source_text,
                fmt.date(m.old_date) or "none",
                fmt.date(m.new_date) or "none",
            )
            for m in eta_moves
        )
        self.eta_tab.fit()
        self._enable()

    def target_line(self) -> Record | None:
        """The line the order buttons act on: the one selected in the order's lines."""
        if self.order_content is None:
            return None
        index = self.lines_view.currentIndex()
        if index.isValid():
            return self.lines_model.record(index.row())
        return None

    def _enable(self) -> None:
        line = self.target_line()
        status = line["status"] if line else None
        # In a reader's window the order operations stay off (each one writes).
        open_line = status is not None and status not in CLOSED and not self.context.read_only
        for button in self._order_buttons():
            button.setEnabled(open_line)

    # --- order operations ----------------------------------------------------------------

    def _for_target(self, act: Callable[[Record], None]) -> None:
        """``act`` on the line the order operations are for, if there is one."""
        line = self.target_line()
        if line is not None:
            act(line)

    def asked(self, dialog: QDialog) -> bool:
        """Whether the person went on with ``dialog`` (kept as the dialog open last)."""
        self.last_dialog = dialog
        return bool(dialog.exec())

    def receive_goods(self) -> None:
        self._for_target(lambda line: self._receive(line, None, ""))

    def _receive(self, line: Record, typed: Any, problem: str) -> None:
        from ui.dialogs.order_dialogs import ReceiveDialog

        dialog = ReceiveDialog(line, self)
        if typed is not None:
            typed_quantity, typed_day = typed
            dialog.set_values(typed_quantity, typed_day, problem)
        if not self.asked(dialog):
            return
        quantity, day = dialog.values()
        from services import orders

        self._line_operation(
            line,
            lambda s, a: orders.receive(
                s, line["id"], quantity, day, a, expected_version=line["version"]
            ),
            lambda problem: self._receive(line, (quantity, day), problem),
            f"receipt of {fmt.counted(quantity, 'unit')} on {line_ref(line)}",
        )

    def change_eta(self) -> None:
        self._for_target(lambda line: self._change_eta(line, None, ""))

    def _change_eta(self, line: Record, typed: Any, problem: str) -> None:
        from ui.dialogs.order_dialogs import EtaDialog

        dialog = EtaDialog(line, self)
        if problem:
            dialog.set_value(typed, problem)
        if not self.asked(dialog):
            return
        eta = dialog.value()
        from services import orders

        self._line_operation(
            line,
            lambda s, a: orders.change_eta(s, line["id"], eta, a, expected_version=line["version"]),
            lambda problem: self._change_eta(line, eta, problem),
            f"ETA change of {line_ref(line)}",
        )

    def correct_promise(self, line: Record | None = None) -> None:
        """Correct the line's promised date (typed wrong): the date it should have been and
        why; the promise and the first commitment change, audited with the reason."""
        line = line or self.target_line() or self.selected_record()
        if line is not None and not self.context.read_only:
            self._correct_promise(line, None, "", "")

    def _correct_promise(self, line: Record, day: Any, reason: str, problem: str) -> None:
        from ui.dialogs.order_dialogs import CorrectPromiseDialog

        dialog = CorrectPromiseDialog(line, self)
        if problem:
            dialog.set_values(day, reason, problem)
        if not self.asked(dialog):
            return
        new_day, why = dialog.values()
        from services import orders

        def again(problem: str) -> None:
            self._correct_promise(line, new_day, why, problem)

        self._line_operation(
            line,
            lambda s, a: orders.correct_promised_date(
                s, line["id"], new_day, why, a, expected_version=line["version"]
            ),
            again,
            refused=again,
        )

    def cancel_line(self) -> None:
        self._for_target(self._cancel)

    def _cancel(self, line: Record) -> None:
        self.cancel_lines([line])

    def delete_record(self) -> None:
        """Only draft lines are deleted; a placed line is cancelled (with a reason) and stays
        on record: the person is offered that instead."""
        lines = self.selected_lines()
        placed = [line for line in lines if line["status"] != "draft"]
        if self.context.read_only or not placed:
            super().delete_record()
            return
        named = ", ".join(line_ref(line) for line in placed[:8])
        more = f" and {fmt.number(len(placed) - 8)} more" if len(placed) > 8 else ""
        answer = QMessageBox.question(
            self,
            "Cancel, not delete",
            f"{named}{more} {'was' if len(placed) == 1 else 'were'} placed: a placed order "
            "line is cancelled, not deleted, and stays on record with the reason. "
            "Cancel instead?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.cancel_lines(lines)

    def new_order(self) -> None:
        """A new purchase order with all its lines at once (the order-entry grid)."""
        if self.context.read_only:
            return
        from services import catalogue, lists

        self.context.read(
            lambda session: (lists.reference_names(session), catalogue.catalogue(session)),
            lambda found: self._enter_order(*found),
            lambda exc: show_error(self, exc),
            owner=self,
        )

    def _enter_order(self, names: Any, items: Any) -> None:
        from ui.dialogs.order_entry import OrderEntryDialog

        dialog = OrderEntryDialog(self.context, names, items, self)
        if self.asked(dialog) and dialog.saved:
            saved = dialog.saved
            po = saved[0]["po_number"]
            self.say(
                f"Added {fmt.counted(len(saved), 'line')} to purchase order {po}"
                if dialog.existing is not None
                else f"Saved purchase order {po} with {fmt.counted(len(saved), 'line')}"
            )
            self.after_write(saved, (), True)

    def _row_actions(self, menu: QMenu) -> None:
        count = len(self.selected_rows())
        actions = [
            menu.addAction(
                f"Move the ETA of {fmt.number(count)} lines…" if count > 1 else "Move the ETA…",
                self.move_etas,
            )
        ]
        chase = menu.addAction(
            f"Copy a chase message for {fmt.number(count)} line{'s' if count > 1 else ''}",
            self.copy_chase,
        )
        chase.setToolTip(
            "A message to each vendor asking to confirm the dates of these lines (a new date "
            "for the late ones), copied to paste into a mail"
        )
        if count > 1:
            actions.append(
                menu.addAction(f"Receive goods on {fmt.number(count)} lines…", self.receive_lines)
            )
            actions.append(menu.addAction(f"Cancel {fmt.number(count)} lines…", self.cancel_lines))
        elif count == 1:
            # One line: received in part or in full, as from its order below.
            line = self.selected_lines()[0]
            still_open = line["status"] not in CLOSED
            receive = menu.addAction("Receive goods…", lambda: self._receive(line, None, ""))
            cancel = menu.addAction("Cancel line…", lambda: self._cancel(line))
            for action in (receive, cancel):
                action.setEnabled(still_open)
            actions += [a for a in (receive, cancel) if still_open]
            correct = menu.addAction(
                "Correct the promised date…", lambda: self.correct_promise(line)
            )
            correct.setToolTip(
                "A promised date typed wrong: corrected with a reason, with the line's first "
                "commitment (a new date from the vendor is an ETA change)"
            )
            actions.append(correct)
        for action in actions:
            action.setEnabled(not self.context.read_only)
        self._whatif_actions(menu)
        menu.addSeparator()

    def _whatif_actions(self, menu: QMenu) -> None:
        """What if these lines, or their orders, slipped (the What if… panel)."""
        lines = self.selected_lines()
        if not lines:
            return
        menu.addSeparator()
        refs = [f"{line['po_number']}/{line['line']}" for line in lines]
        orders = list(dict.fromkeys(str(line["po_number"]) for line in lines))
        menu.addAction(
            "What if this line slips…"
            if len(refs) == 1
            else f"What if these {len(refs)} lines slip…",
            lambda: self.what_if(refs),
        )
        menu.addAction(
            f"What if order {orders[0]} slips…"
            if len(orders) == 1
            else f"What if these {len(orders)} orders slip…",
            lambda: self.what_if(orders),
        )

    def what_if(self, targets: list[str]) -> Any:
        from ui.whatif_panel import open_whatif

        return open_whatif(self.context, self, targets)

    def selected_lines(self) -> list[Record]:
        """The selected order lines, top to bottom."""
        return [self.model.record(row) for row in self.selected_rows()]

    def say(self, message: str) -> None:
        """What an operation on several lines did, in the window's status bar."""
        self.last_message = message
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, MESSAGE_MS)

    def copy_chase(self) -> None:
        """A chase message per vendor for the selected lines, to the clipboard."""
        several_lines.copy_chase(self)

    def receive_lines(self, lines: list[Record] | None = None) -> None:
        """A whole delivery: every open unit of the selected lines (or ``lines``)."""
        several_lines.receive_lines(self, lines)

    def cancel_lines(self, lines: list[Record] | None = None) -> None:
        """Cancel the selected lines (or ``lines``), with a reason: each all or none."""
        several_lines.cancel_lines(self, lines)

    def move_etas(self, lines: list[Record] | None = None) -> None:
        """Move the ETAs of the selected lines (or ``lines``) together."""
        several_lines.move_etas(self, lines)

    def _line_operation(
        self,
        line: Record,
        work: Any,
        again: Any = None,
        text: str = "change",
        *,
        refused: Any = None,
    ) -> None:
        """Run ``work`` on ``line``; when the database could not take it for a passing reason
        (connection lost, file locked, disk full), ``again(message)`` opens the dialog once
        more with what was typed and why it was not saved; so does ``refused(message)`` when
        the services refuse what was typed (a ValidationError)."""

        def failed(error: BaseException) -> None:
            from services.errors import ValidationError
            from services.faults import ConnectionLost, DiskFull, Locked, SavedMeanwhile

            passing = (ConnectionLost, DiskFull, Locked, SavedMeanwhile)
            if again is not None and isinstance(error, passing):
                again(str(error))
                return
            if refused is not None and isinstance(error, ValidationError):
                refused("; ".join(p.reason for p in error.problems) or str(error))
                return
            if isinstance(error, ConflictError):
                QMessageBox.warning(
                    self,
                    "Order line changed",
                    f"{error}\n\nThe line has been reloaded; look at it again before retrying.",
                )
                self.after_write([line], (), False)
                return
            show_error(self, error, "Rackbook — Orders")

        from ui.undo import history_of

        history_of(self.context).write(
            text,
            "orders",
            [line["id"]],
            work,
            lambda saved: self.after_write([saved], (), False),
            failed,
            owner=self,
        )

    # --- keeping 100,000 rows in place ---------------------------------------------------

    def after_write(self, saved: list[Record], removed_ids: Any, created: bool) -> None:
        """Reload only the purchase orders touched (a PO's fields show on all its lines)."""
        self.context.changed.emit(self.kind)
        if not self.complete:
            self.refresh()
            return
        po_numbers = {r["po_number"] for r in saved}
        searched = self.model.searched
        removed = list(removed_ids)
        known = self.row_marks

        def work(session: Any) -> Any:
            from services import orders
            from services.errors import NotFoundError

            fresh: list[Record] = []
            for po in po_numbers:
                try:
                    fresh += orders.purchase_order(session, po).lines
                except NotFoundError:
                    continue
            # Marked as the list was; fresh marks follow (load_marks below).
            return prepare(session, "orders", fresh, searched, True, None, False, known)

        def done(loaded: Any) -> None:
            if loaded.rows and loaded.names != self.model.names:
                self.refresh()
                return
            # Lines of those orders that are gone (deleted with their order) leave the list.
            at_id = loaded.names.index("id") if loaded.rows else 0
            still_there = {row[at_id] for row in loaded.rows}
            gone = set(removed) | (self.model.ids_where("po_number", po_numbers) - still_there)
            if loaded.money is not None:
                self.money = loaded.money
            self.model.update_rows(loaded.rows, loaded.marks, gone)
            if saved:
                self.select_id(saved[0]["id"])
            self.load_details()
            # One saved line can change the marks of others (a contract short of GPUs names
            # every late line of its site): every row is marked afresh.
            self.load_marks()

        self.context.read(work, done, lambda exc: self.refresh(), owner=self)
