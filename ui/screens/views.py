"""Saved views of a list: a name for what the list shows now (the search, the filters, the
date range, the columns shown, their order and the sort), kept in the person's settings per
list and brought back in one click from the list's View menu. A date range that starts or ends
on the day it is saved is kept as days from today, so "ETA before today" stays so."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from PySide6.QtCore import QByteArray

from ui.context import AppContext

MAX_NAME = 60


def _key(kind: str) -> str:
    return f"views/{kind}"


def saved_views(context: AppContext, kind: str) -> dict[str, dict[str, Any]]:
    """The views saved for list ``kind``, by name (a damaged setting reads as none)."""
    text = context.settings.value(_key(kind), "")
    try:
        found = json.loads(str(text)) if text else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _store(context: AppContext, kind: str, views: dict[str, dict[str, Any]]) -> None:
    context.settings.setValue(_key(kind), json.dumps(views, sort_keys=True))


def capture(screen: Any) -> dict[str, Any]:
    """What ``screen`` (a ListScreen) shows now, as plain values."""
    view: dict[str, Any] = {
        "search": screen.search.text(),
        "filters": {
            name: combo.currentData()
            for name, combo in screen.filters.items()
            if combo.currentData() is not None
        },
        "header": base64.b64encode(bytes(screen.view.horizontalHeader().saveState().data())).decode(
            "ascii"
        ),
    }
    if screen.date_field is not None:
        start, end = screen.date_from.value(), screen.date_to.value()
        today = _today()
        dates: dict[str, Any] = {"field": screen.date_field.currentData()}
        if today in (start, end):
            # A range that starts or ends today ("ETA before today", "the next 30 days")
            # moves with the days: kept as days from today.
            dates["from_days"] = (start - today).days if start else None
            dates["to_days"] = (end - today).days if end else None
        else:
            dates["from"] = start.isoformat() if start else None
            dates["to"] = end.isoformat() if end else None
        view["dates"] = dates
    return view


def _today() -> dt.date:
    return dt.date.today()


def save_view(context: AppContext, screen: Any, name: str) -> str:
    """Save what ``screen`` shows as view ``name`` (replacing one of that name); the name
    as kept."""
    name = " ".join(name.split())[:MAX_NAME]
    if not name:
        raise ValueError("a view needs a name")
    views = saved_views(context, screen.kind)
    views[name] = capture(screen)
    _store(context, screen.kind, views)
    return name


def forget_view(context: AppContext, kind: str, name: str) -> None:
    views = saved_views(context, kind)
    if views.pop(name, None) is not None:
        _store(context, kind, views)


def apply_view(screen: Any, view: dict[str, Any]) -> list[str]:
    """Show ``view`` on ``screen``; what could not be brought back (a filter value the list
    no longer has), in words."""
    missing: list[str] = []
    state = view.get("header")
    if isinstance(state, str) and state:
        header = screen.view.horizontalHeader()
        header.restoreState(QByteArray(base64.b64decode(state)))
        screen.columns_changed()
    wanted = view.get("filters") or {}
    for name, combo in screen.filters.items():
        value = wanted.get(name)
        index = 0 if value is None else combo.findData(value)
        if index < 0:
            missing.append(f"{screen.title_of(name).lower()} {value!r}")
            index = 0
        combo.setCurrentIndex(index)
    dates = view.get("dates")
    if screen.date_field is not None:
        if isinstance(dates, dict) and screen.date_field.findData(dates.get("field")) >= 0:
            if "from_days" in dates or "to_days" in dates:
                start, end = (
                    _days_from_today(dates.get("from_days")),
                    _days_from_today(dates.get("to_days")),
                )
            else:
                start, end = _day(dates.get("from")), _day(dates.get("to"))
            screen.set_date_range(dates["field"], start, end)
        else:
            screen.date_from.set_value(None)
            screen.date_to.set_value(None)
    screen.search.setText(str(view.get("search") or ""))
    return missing


def _days_from_today(days: Any) -> dt.date | None:
    return _today() + dt.timedelta(days=days) if isinstance(days, int) else None


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
