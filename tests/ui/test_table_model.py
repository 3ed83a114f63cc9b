"""The list model: Qt's model tester, search, filters, typed sorting, row updates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from services import lists, records
from ui.screens.list_screen import prepare
from ui.tables.kinds import LISTS
from ui.tables.model import ID_ROLE, MARK_ROLE, Column, PlainTableModel, RecordTableModel

pytestmark = pytest.mark.gui


def _orders_model(demo_db):
    model = RecordTableModel(LISTS["orders"].columns())
    with demo_db.session() as session:
        found = records.list_records(session, "orders")
        loaded = prepare(session, "orders", found, model.searched, True)
    model.set_rows(loaded.names, loaded.rows, loaded.marks, loaded.haystack)
    return model, found


def _column(model, name):
    return [c.name for c in model.columns].index(name)


def test_every_model_passes_the_qt_model_tester(qtmodeltester, demo_db):
    model, _found = _orders_model(demo_db)
    qtmodeltester.check(model)
    model.set_search("dell")
    model.sort(_column(model, "eta"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    plain = PlainTableModel(["When", "Who"])
    plain.set_rows([("2026-01-01", "ana"), ("2026-01-02", None)])
    qtmodeltester.check(plain)
    empty = RecordTableModel(LISTS["vendors"].columns())
    qtmodeltester.check(empty)


def test_search_filters_across_the_searched_text_columns(qapp, demo_db):
    model, found = _orders_model(demo_db)
    assert model.rowCount() == len(found)
    model.set_search("PURE sto")
    shown = [model.record(r) for r in range(model.rowCount())]
    assert shown and all(r["vendor"] == "Pure Storage" for r in shown)
    assert len(shown) == sum(1 for r in found if r["vendor"] == "Pure Storage")
    model.set_search("pure storage fb-s")  # typing on narrows what is shown
    model.set_search("in production")  # enumerations are searched as shown
    assert {model.record(r)["status"] for r in range(model.rowCount())} == {"in_production"}
    model.set_search("")
    assert model.rowCount() == len(found)


def test_numbers_and_dates_sort_as_numbers_and_dates_blanks_last(qapp, demo_db):
    model, _found = _orders_model(demo_db)
    model.sort(_column(model, "quantity"), Qt.SortOrder.AscendingOrder)
    quantities = [model.record(r)["quantity"] for r in range(model.rowCount())]
    assert quantities == sorted(quantities)
    assert max(quantities) >= 10  # as text "9" would sort after "10"
    model.sort(_column(model, "received_date"), Qt.SortOrder.AscendingOrder)
    dates = [model.record(r)["received_date"] for r in range(model.rowCount())]
    filled = [d for d in dates if d is not None]
    assert filled == sorted(filled)
    assert dates[: len(filled)] == filled  # blanks after every date
    model.sort(_column(model, "unit_price"), Qt.SortOrder.DescendingOrder)
    prices = [model.record(r)["unit_price"] for r in range(model.rowCount())]
    prices = [p for p in prices if p is not None]
    assert prices == sorted(prices, reverse=True)


def test_filters_and_date_range_combine_with_search(qapp, demo_db):
    model, found = _orders_model(demo_db)
    model.set_filter("status", ["received"])
    model.set_date_range("received_date", dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    shown = [model.record(r) for r in range(model.rowCount())]
    expected = [
        r
        for r in found
        if r["status"] == "received"
        and r["received_date"] is not None
        and dt.date(2025, 10, 1) <= r["received_date"] <= dt.date(2025, 12, 31)
    ]
    assert len(shown) == len(expected) > 0
    model.set_filter("status", None)
    model.set_date_range(None, None, None)
    assert model.rowCount() == len(found)


def test_money_is_right_aligned_in_its_currency_and_marks_show_icon_and_reason(qapp, demo_db):
    model, _found = _orders_model(demo_db)
    price = _column(model, "unit_price")
    row = next(r for r in range(model.rowCount()) if model.record(r)["unit_price"] is not None)
    index = model.index(row, price)
    record = model.record(row)
    assert model.data(index).endswith(record["currency"])
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    marked = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0), MARK_ROLE))
    first = model.index(marked, 0)
    assert model.data(first, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(first, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(first, Qt.ItemDataRole.ToolTipRole).split(":")[0] in ("Overdue", "At risk")
    assert model.data(first, ID_ROLE) == model.record(marked)["id"]


def test_update_rows_replaces_in_place_and_removes(qapp):
    model = RecordTableModel([Column("name", "Name"), Column("amount", "Amount", "decimal")])
    names = ("id", "name", "amount")
    model.set_rows(names, [(1, "Alpha", Decimal(1)), (2, "Beta", Decimal(2))])
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.update_rows([(1, "Alpha", Decimal(5)), (3, "Gamma", None)], [None, None], [2])
    assert [model.record(r)["id"] for r in range(model.rowCount())] == [1, 3]
    model.set_search("gam")
    assert model.rowCount() == 1


def test_totals_of_the_rows_shown(qapp, demo_db):
    model, _found = _orders_model(demo_db)
    model.set_filter("status", ["cancelled"])
    figures = {t.label: t.value for t in lists.totals("orders", model.names, model.shown_rows())}
    assert figures["GPUs on order"] == 0
    assert figures["Open order value"] == {}
