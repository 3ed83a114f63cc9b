"""Window test helpers: selecting rows, answering the questions a screen asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMessageBox

from ui.dialogs.order_dialogs import ReceiveDialog

Flag = QItemSelectionModel.SelectionFlag


def select_rows(view: QAbstractItemView, rows: list[int]) -> None:
    """Exactly ``rows`` selected in ``view``, the first of them current (not through the
    keyboard's modifier state: an earlier test's Ctrl+C can leave Ctrl down for Qt, which
    turns a selection into a toggle)."""
    model = view.model()
    selection = view.selectionModel()
    selection.setCurrentIndex(model.index(rows[0], 0), Flag.NoUpdate)
    selection.select(model.index(rows[0], 0), Flag.ClearAndSelect | Flag.Rows)
    for row in rows[1:]:
        selection.select(model.index(row, 0), Flag.Select | Flag.Rows)


def answer_yes(monkeypatch: Any) -> list[str]:
    """Every question a screen asks (QMessageBox.question) answered Yes; the texts asked."""
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    return asked


def shown(qtbot: Any, screen: Any, size: tuple[int, int] | None = None) -> Any:
    """``screen`` kept by qtbot, resized to ``size`` when given, shown and read."""
    qtbot.addWidget(screen)
    if size is not None:
        screen.resize(*size)
    screen.show()
    screen.refresh()
    return screen


def show_record(screen: Any, field: str, value: Any) -> dict[str, Any]:
    """The list screen's record whose ``field`` is ``value``, selected and its details loaded."""
    for row in range(screen.model.rowCount()):
        record: dict[str, Any] = screen.model.record(row)
        if record[field] == value:
            screen.select_id(record["id"])
            screen.load_details()
            return record
    raise AssertionError(f"no {field} {value}")


def receive_one(monkeypatch: Any, screen: Any, line: dict[str, Any]) -> None:
    """One unit of ``line`` received through the orders screen's Receive dialog (today, or on
    the order date when that is later)."""

    def fill(dialog: Any) -> QDialog.DialogCode:
        dialog.quantity.setValue(1)
        dialog.received_on.set_value(max(line["order_date"], dt.date.today()))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReceiveDialog, "exec", fill)
    screen.receive_goods()


def with_deployments(database: Any) -> None:
    """Capacity steps, deployments and their bills of parts on the demo data when it has
    none yet: two halls at the site of the first contract (one built for it), each with
    parts named by sku and by category, and a capacity step at that site."""
    import datetime as dt
    from decimal import Decimal

    from services import records
    from services.audit import Actor

    actor = Actor("tester")
    with database.write() as session:
        if any(
            d["deployment_ref"] == "HALL-1" for d in records.list_records(session, "deployments")
        ):
            return
        contract = records.list_records(session, "contracts")[0]
        site = contract["site"]
        sku = next(
            p["sku"] for p in records.list_records(session, "products") if p["gpus_per_unit"]
        )
        if not records.list_records(session, "site_capacity"):
            records.create(
                session,
                "site_capacity",
                {"site": site, "from_date": dt.date(2027, 6, 1), "grid_mw": Decimal("350")},
                actor,
            )
        for ref, name, contract_ref in (
            ("HALL-1", "Hall 1", contract["contract_ref"]),
            ("HALL-2", "Hall 2", None),
        ):
            values = {"deployment_ref": ref, "site": site, "name": name}
            records.create(session, "deployments", {**values, "contract_ref": contract_ref}, actor)
            for part, quantity in ((sku, 8), ("cooling", 4), ("network", 2)):
                records.create(
                    session,
                    "deployment_parts",
                    {"deployment_ref": ref, "part": part, "quantity": quantity},
                    actor,
                )


def cancel_with_reason(monkeypatch: Any, reason: str = "vendor cannot deliver") -> list[str]:
    """Every cancel dialog answered with ``reason``; the questions it asked."""
    from ui.dialogs.order_dialogs import CancelDialog

    asked: list[str] = []
    original = CancelDialog.__init__

    def remember(dialog: Any, question: str, parent: Any = None) -> None:
        original(dialog, question, parent)
        asked.append(question)

    def fill(dialog: Any) -> int:
        dialog.reason.setText(reason)
        return 1

    monkeypatch.setattr(CancelDialog, "__init__", remember)
    monkeypatch.setattr(CancelDialog, "exec", fill)
    return asked
