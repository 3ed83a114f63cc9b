"""Saved views of a list: what it shows now under a name, brought back in one click."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from ui.screens.list_screen import ListScreen
from ui.screens.views import saved_views

pytestmark = pytest.mark.gui


def _screen(qtbot, context, kind="orders"):
    screen = ListScreen(kind, context)
    qtbot.addWidget(screen)
    screen.refresh()
    return screen


def _shown_ids(screen):
    return [screen.model.record(r)["id"] for r in range(screen.model.rowCount())]


def test_a_view_brings_back_search_filters_dates_columns_and_sort(qtbot, context, monkeypatch):
    screen = _screen(qtbot, context)
    header = screen.view.horizontalHeader()
    titles = [c.title for c in screen.model.columns]
    status = screen.filters["status"]
    status.setCurrentIndex(status.findData("received"))
    screen.set_date_range("eta", dt.date(2025, 1, 1), dt.date(2026, 6, 30))
    screen.search.setText("a")
    screen.set_column_shown(titles.index("Site"), False)
    header.setSortIndicator(titles.index("Quantity"), Qt.SortOrder.DescendingOrder)
    wanted = _shown_ids(screen)
    assert 0 < len(wanted) < screen.model.total_rows
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a: ("  Received   last year ", True))
    screen.save_view()
    assert screen.current_view == "Received last year"

    # Everything changed back by hand.
    status.setCurrentIndex(0)
    screen.set_date_range("eta", None, None)
    screen.search.clear()
    screen.set_column_shown(titles.index("Site"), True)
    header.setSortIndicator(titles.index("PO number"), Qt.SortOrder.AscendingOrder)
    assert len(_shown_ids(screen)) == screen.model.total_rows

    screen.show_view("Received last year")
    assert _shown_ids(screen) == wanted
    assert status.currentData() == "received"
    assert (screen.date_from.value(), screen.date_to.value()) == (
        dt.date(2025, 1, 1),
        dt.date(2026, 6, 30),
    )
    assert screen.search.text() == "a"
    assert screen.view.isColumnHidden(titles.index("Site"))
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        titles.index("Quantity"),
        Qt.SortOrder.DescendingOrder,
    )

    # Kept in the person's settings: another window's list has it too.
    other = _screen(qtbot, context)
    assert list(saved_views(context, "orders")) == ["Received last year"]
    other.show_view("Received last year")
    assert _shown_ids(other) == wanted
    other.forget_view("Received last year")
    assert saved_views(context, "orders") == {}


def test_a_filter_value_the_list_no_longer_has_is_said(qtbot, context, monkeypatch):
    screen = _screen(qtbot, context, "contracts")
    site = screen.filters["site"]
    site.setCurrentIndex(1)
    screen.save_view("One site")
    views = saved_views(context, "contracts")
    views["One site"]["filters"]["site"] = "Atlantis"
    context.settings.setValue("views/contracts", json.dumps(views))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    screen.show_view("One site")
    assert told == ["Shown without the filters the list no longer has: site 'Atlantis'"]
    assert site.currentIndex() == 0
    # A view needs a name; a damaged setting reads as no views.
    screen.save_view("   ")
    assert told[-1] == "a view needs a name"
    context.settings.setValue("views/contracts", "{not json")
    assert saved_views(context, "contracts") == {}


def test_a_range_ending_today_moves_with_the_days(qtbot, context, monkeypatch):
    import ui.screens.views as views

    screen = _screen(qtbot, context)
    today = dt.date.today()
    screen.set_date_range("eta", None, today)
    screen.save_view("Late")
    screen.set_date_range("eta", dt.date(2020, 1, 1), dt.date(2020, 2, 1))
    screen.save_view("Early 2020")
    assert saved_views(context, "orders")["Late"]["dates"]["to_days"] == 0
    monkeypatch.setattr(views, "_today", lambda: today + dt.timedelta(days=3))
    screen.show_view("Late")
    assert (screen.date_from.value(), screen.date_to.value()) == (
        None,
        today + dt.timedelta(days=3),
    )
    screen.show_view("Early 2020")  # a range away from today stays where it was
    assert screen.date_to.value() == dt.date(2020, 2, 1)
