"""A list's filter row: its title, the search box and one list of values per filter, and under
them the date range (which field's dates, from, to). What they choose goes to the table model,
which filters its own rows."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from services.schema import KINDS
from ui import format as fmt
from ui.screens.common import refill, search_box
from ui.tables.kinds import LISTS, ListSpec
from ui.tables.model import RecordTableModel
from ui.widgets import DateField, screen_title

# The filter row's smallest search box (pixels) and filter lists (characters shown).
SEARCH_MIN_WIDTH = 150
FILTER_MIN_CHARS = 5


def title_of(name: str) -> str:
    """A field or list column as the person knows it (``need_by`` → ``GPUs needed by``)."""
    for spec in KINDS.values():
        if name in spec.field_names:
            return spec.field(name).title
    for listed in LISTS.values():
        for column in listed.extra:
            if column.name == name:
                return column.title
    return name.replace("_", " ").capitalize()


def _plural(word: str) -> str:
    if word.endswith(("s", "x")):
        return word + "es"
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + "s"


def _compact(combo: QComboBox, chars: int) -> None:
    combo.setMinimumContentsLength(chars)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)


class FilterBar:
    """The filter row (``row``) and the date row (``date_row``) of a list."""

    def __init__(self, spec: ListSpec, model: RecordTableModel) -> None:
        self.model = model
        self.title = screen_title(spec.title)
        self.search = search_box(spec.title.lower())
        # The filter row's widths are minimums only: the window fits a 1366-pixel laptop
        # screen with the sidebar, and the row widens with the window.
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.textChanged.connect(model.set_search)

        self.filters: dict[str, QComboBox] = {}
        self.row = QHBoxLayout()
        self.row.addWidget(self.title)
        self.row.addSpacing(12)
        self.row.addWidget(self.search, 2)
        for name in spec.filters:
            self.filters[name] = self._filter(name)
            self.row.addWidget(self.filters[name], 1)
        self.date_field: QComboBox | None = None
        self.date_row = QHBoxLayout()
        if spec.dates:
            self._add_dates(spec.dates)

    def _filter(self, name: str) -> QComboBox:
        title = title_of(name).lower()
        combo = QComboBox()
        combo.setObjectName(f"filter_{name}")
        combo.setAccessibleName(f"Filter by {title}")
        _compact(combo, FILTER_MIN_CHARS)
        combo.addItem(f"All {_plural(title)}", None)
        combo.currentIndexChanged.connect(lambda _i, n=name: self._filter_changed(n))
        combo.setToolTip(f"Show only one {title}")
        return combo

    def _add_dates(self, names: tuple[str, ...]) -> None:
        self.date_field = QComboBox()
        _compact(self.date_field, FILTER_MIN_CHARS + 1)
        self.date_field.setObjectName("dateField")
        for name in names:
            self.date_field.addItem(title_of(name), name)
        self.date_from = DateField(compact=True, name="From")
        self.date_from.setObjectName("dateFrom")
        self.date_from.setToolTip("From this day")
        self.date_to = DateField(compact=True, name="To")
        self.date_to.setObjectName("dateTo")
        self.date_to.setToolTip("To this day")
        self.date_field.currentIndexChanged.connect(lambda _i: self._dates_changed())
        self.date_from.changed.connect(self._dates_changed)
        self.date_to.changed.connect(self._dates_changed)
        # The date range has a row of its own under the filters: one row with all of
        # them would be wider than a laptop screen leaves for a list.
        self.date_row.addWidget(QLabel("Dates:"))
        self.date_row.addWidget(self.date_field)
        self.date_row.addWidget(self.date_from)
        self.date_row.addWidget(QLabel("–"))
        self.date_row.addWidget(self.date_to)
        self.date_row.addStretch(1)
        self.date_field.setAccessibleName("Dates of")

    def fill(self) -> None:
        """Each filter's values as the whole list has them (the choice kept)."""
        # Enumerations read as words; names (vendors, sites, countries) as they are written.
        choices = {c.name for c in self.model.columns if c.type == "choice"}
        for name, combo in self.filters.items():
            values = self.model.distinct(name)
            items = ((fmt.choice(v) if name in choices else str(v), v) for v in values)
            refill(combo, items, combo.currentData())

    def _filter_changed(self, name: str) -> None:
        value = self.filters[name].currentData()
        self.model.set_filter(name, None if value is None else [value])

    def _dates_changed(self) -> None:
        if self.date_field is None:
            return
        self.model.set_date_range(
            self.date_field.currentData(), self.date_from.value(), self.date_to.value()
        )

    def set_date_range(self, name: str, start: dt.date | None, end: dt.date | None) -> None:
        assert self.date_field is not None
        self.date_field.setCurrentIndex(self.date_field.findData(name))
        self.date_from.set_value(start)
        self.date_to.set_value(end)
