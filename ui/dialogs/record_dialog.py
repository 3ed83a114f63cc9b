"""The edit dialog of every kind, built from its fields in services.schema.

Each field gets a typed editor; while the user types, the record is checked by the same
``services.validation.validate`` the import uses, the reason is shown under the field, and OK
stays disabled while anything is wrong. Saving runs in the background through a ``Store``;
a refusal by the services (unknown vendor, duplicate key) comes back next to its field, and a
version conflict opens the conflict dialog instead of overwriting anyone's work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from services import records
from services.errors import ConflictError, Problem, RackbookError, ValidationError
from services.lists import ReferenceNames
from services.schema import Field, kind
from services.validation import validate
from ui import format as fmt
from ui.widgets import DateField, ok_cancel, problem_label, show_error

Record = dict[str, Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]

# Text fields edited over several lines (an address is printed line by line).
MULTILINE = ("notes", "address", "ship_to_address")
# Text fields typed or picked from a list that is not one kind's keys (ReferenceNames.parts:
# a category or any vendor's sku).
OFFERED = frozenset({"part"})
# What the dialog says beside an order line's set promised date: it is not edited here.
PROMISE_KEPT = (
    "The vendor's first commitment is kept: another date typed here is taken as an ETA "
    "change. A promised date typed wrong is corrected with Correct the promised date… "
    "(right-click the line), with a reason."
)
NUMBER_PATTERN = QRegularExpression(r"^\s*[-+]?[$€£]?[\d\s.,\x{00a0}]*\s*$")
CURRENCY_PATTERN = QRegularExpression(r"^[A-Za-z]{0,3}$")
# Kinds whose currency names a new code (an FX rate brings a currency in): typed, not chosen.
NEW_CURRENCY_KINDS = frozenset({"fxrates"})


class Store(Protocol):
    """Where the dialog saves to and reloads from (the screen's background tasks)."""

    def save(
        self,
        values: Record,
        record_id: int | None,
        expected_version: int | None,
        done: Done,
        failed: Failed,
    ) -> None: ...

    def fetch(self, record_id: int, done: Done, failed: Failed) -> None: ...


def _combo(editable: bool) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    if editable:
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer()
        assert completer is not None  # an editable combo box always has one
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


class FieldEditor:
    """One field's editor, its problem label, and the conversion between text and value."""

    def __init__(
        self, field: Field, on_change: Callable[[], None], choose_currency: bool = True
    ) -> None:
        self.field = field
        self.chosen_currency = field.name == "currency" and choose_currency
        self.touched = False
        self.widget: QWidget
        # What the grid holds: the editor, or the editor with the record's currency after it.
        self.cell: QWidget
        self.currency_label: QLabel | None = None
        self.problem = QLabel()
        self.problem.setProperty("problem", True)
        self.problem.setStyleSheet("color: #b71c1c;")
        self.problem.setWordWrap(True)
        self.problem.hide()

        def changed(*_args: Any) -> None:
            self.touched = True
            on_change()

        if field.type == "date":
            self.widget = DateField(optional=not field.required, name=field.title)
            self.widget.changed.connect(changed)
        elif field.type == "bool":
            self.widget = QCheckBox()
            self.widget.toggled.connect(changed)
        elif self.chosen_currency:
            # A choice of the codes Rackbook can convert (set_choices), never any text.
            self.widget = _combo(editable=False)
            self.widget.currentIndexChanged.connect(changed)
        elif field.type == "choice":
            self.widget = _combo(editable=False)
            if not field.required:
                self.widget.addItem("", None)
            for value in field.choices:
                self.widget.addItem(fmt.choice(value), value)
            self.widget.currentIndexChanged.connect(changed)
        elif field.ref is not None or field.name in OFFERED:
            self.widget = _combo(editable=True)
            self.widget.editTextChanged.connect(changed)
        elif field.name in MULTILINE:
            self.widget = QPlainTextEdit()
            self.widget.setFixedHeight(60)
            self.widget.setTabChangesFocus(True)
            self.widget.textChanged.connect(changed)
        else:
            self.widget = QLineEdit()
            if field.type in ("int", "decimal", "money"):
                self.widget.setValidator(QRegularExpressionValidator(NUMBER_PATTERN, self.widget))
                self.widget.setAlignment(Qt.AlignmentFlag.AlignRight)
            elif field.name == "currency":
                self.widget.setValidator(QRegularExpressionValidator(CURRENCY_PATTERN, self.widget))
                self.widget.setMaxLength(3)
            self.widget.textChanged.connect(changed)
        self.widget.setObjectName(f"field_{field.name}")
        self.widget.setAccessibleName(field.title)
        self.cell = self.widget
        if field.type == "money":
            self.currency_label = QLabel()
            self.currency_label.setObjectName(f"currency_{field.name}")
            self.cell = QWidget()
            row = QHBoxLayout(self.cell)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.widget, 1)
            row.addWidget(self.currency_label)

    def set_currency(self, code: str | None) -> None:
        """The currency shown after a money field (the record's own)."""
        if self.currency_label is not None:
            self.currency_label.setText(code or "")
            self.widget.setAccessibleDescription(f"in {code}" if code else "")

    def set_choices(self, names: list[str]) -> None:
        """The names offered by a reference field's list (vendors, sites, skus...)."""
        combo = self.widget
        assert isinstance(combo, QComboBox)
        if not combo.isEditable():  # the currency: codes, the record's own kept
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if not self.field.required:
                combo.addItem("", None)
            for code in names:
                combo.addItem(code, code)
            combo.blockSignals(False)
            self.set_value(current)
            return
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(names)
        combo.setEditText(text)
        combo.blockSignals(False)

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, DateField):
            w.set_value(value)
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox) and not w.isEditable():
            if self.chosen_currency and value and w.findData(value) < 0:
                w.addItem(str(value), value)  # a code stored before it had an FX rate
            w.setCurrentIndex(max(w.findData(value), 0))
        elif isinstance(w, QComboBox):
            w.setEditText("" if value is None else str(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QLineEdit):
            if self.field.type == "money":
                w.setText(fmt.money_entry(value))
            elif self.field.type in ("int", "decimal"):
                w.setText(fmt.plain_number(value))
            else:
                w.setText("" if value is None else str(value))

    def value(self) -> tuple[Any, Problem | None]:
        """The typed value, or a problem when the text cannot be one."""
        w = self.widget
        if isinstance(w, DateField):
            problem = w.problem()
            if problem is not None and w.text().strip():
                return None, Problem(self.field.name, w.text(), problem)
            return w.value(), None
        if isinstance(w, QCheckBox):
            return w.isChecked(), None
        if isinstance(w, QComboBox) and not w.isEditable():
            return w.currentData(), None
        if isinstance(w, QPlainTextEdit):
            text = w.toPlainText()
        elif isinstance(w, QComboBox):
            text = w.currentText()
        else:
            assert isinstance(w, QLineEdit)
            text = w.text()
        text = text.strip()
        if self.field.name == "currency":
            return (text.upper() or None), None
        if self.field.type in ("int", "decimal", "money"):
            try:
                if self.field.type == "int":
                    return fmt.parse_int(text), None
                return fmt.parse_decimal(text), None
            except fmt.NotANumber:
                what = "a whole number" if self.field.type == "int" else "a number"
                return None, Problem(self.field.name, text, f"{text!r} is not {what}")
        return (text or None), None

    def show_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text))


class RecordDialog(QDialog):
    def __init__(
        self,
        kind_name: str,
        store: Store,
        names: ReferenceNames | None = None,
        record: Record | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = kind(kind_name)
        self.store = store
        self.names = names or ReferenceNames()
        self.original: Record = dict(record or {})
        self.record_id: int | None = self.original.get("id")
        self.expected_version: int | None = self.original.get("version")
        self.saved: Record | None = None
        self._tried = False
        self._loading = False
        self.problems: list[Problem] = []
        verb = "Edit" if self.record_id is not None else "New"
        subject = self.spec.singular or self.spec.label
        key = f" {self.spec.key_of(self.original)}" if self.record_id is not None else ""
        self.setWindowTitle(f"{verb} {subject.lower()}{key}")

        self.editors: dict[str, FieldEditor] = {}
        self.kept_labels: dict[str, QLabel] = {}
        grid = self._fields_grid(kind_name)
        self.note = QLabel()
        self.note.setObjectName("recordNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.note.hide()
        if self.spec.name == "orders" and self.original.get("promised_date") is not None:
            self.note.setText(PROMISE_KEPT)
            self.note.show()
        self.message = problem_label(name="")
        self.buttons, self.ok_button = ok_cancel(self, "Save")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._fill_choices()
        currency = self.editors.get("currency")
        if currency is not None and isinstance(currency.widget, QComboBox):
            currency.widget.currentIndexChanged.connect(lambda _i: self._show_currency())
        if "vendor" in self.editors and "sku" in self.editors:
            vendor = self.editors["vendor"].widget
            assert isinstance(vendor, QComboBox)
            vendor.editTextChanged.connect(lambda _t: self._fill_skus())
        self.load(self.original or records.complete(self.spec.name, {}))

    def _fields_grid(self, kind_name: str) -> QGridLayout:
        """An editor per writable field (in two halves side by side for a long kind), each
        with its problem under it; then the fields Rackbook keeps itself, shown."""
        fields = list(self.spec.writable)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        halves = 2 if len(fields) > 9 else 1
        per_column = -(-len(fields) // halves)
        for i, field in enumerate(fields):
            editor = FieldEditor(
                field, self._changed, choose_currency=kind_name not in NEW_CURRENCY_KINDS
            )
            self.editors[field.name] = editor
            column, row = divmod(i, per_column)
            label = QLabel(field.title + (" *" if field.required else ""))
            label.setBuddy(editor.widget)
            grid.addWidget(label, row * 2, column * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(editor.cell, row * 2, column * 2 + 1)
            grid.addWidget(editor.problem, row * 2 + 1, column * 2 + 1)
        for column in range(halves):
            grid.setColumnStretch(column * 2 + 1, 1)
            grid.setColumnMinimumWidth(column * 2 + 1, 220)

        # Fields Rackbook keeps itself (an order line's first commitment): shown, not edited.
        kept = [f for f in self.spec.fields if f.derived and self.original.get(f.name)]
        for field in kept:
            shown = QLabel(fmt.display(field.type, self.original.get(field.name)))
            shown.setObjectName(f"kept_{field.name}")
            shown.setToolTip("Worked out and kept by Rackbook; not edited here")
            self.kept_labels[field.name] = shown
            row = grid.rowCount()
            grid.addWidget(QLabel(field.title), row, 0, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(shown, row, 1)
        return grid

    # --- filling in ----------------------------------------------------------------------

    def _fill_choices(self) -> None:
        lists = {
            "vendors": self.names.vendors,
            "sites": self.names.sites,
            "customers": self.names.customers,
            "contracts": self.names.contracts,
            "deployments": self.names.deployments,
        }
        for editor in self.editors.values():
            ref = editor.field.ref
            if ref in lists:
                editor.set_choices(lists[ref])
            elif editor.field.name == "part":
                editor.set_choices(self.names.parts())
            elif editor.chosen_currency:
                editor.set_choices(self.names.currencies)
        self._fill_skus()

    def _fill_skus(self) -> None:
        if "sku" in self.editors and self.editors["sku"].field.ref:
            vendor = self.editors.get("vendor")
            name = vendor.value()[0] if vendor else None
            self.editors["sku"].set_choices(self.names.skus(name))

    def load(self, record: Record) -> None:
        """Show ``record``'s values (a reload after a conflict shows theirs)."""
        self._loading = True
        for name, editor in self.editors.items():
            editor.set_value(record.get(name))
            editor.touched = False
        self._loading = False
        if record.get("version") is not None:
            self.expected_version = record["version"]
        self._show_currency()
        self._changed()

    def _show_currency(self) -> None:
        """Each money field says its currency: the record's, else the reporting one."""
        editor = self.editors.get("currency")
        code = editor.value()[0] if editor is not None else None
        if code is None and self.names.currencies:
            code = self.names.currencies[0]
        for each in self.editors.values():
            each.set_currency(code)

    def values(self) -> tuple[Record, list[Problem]]:
        """What the editors hold, typed; and the values that could not be read."""
        values: Record = {}
        unreadable: list[Problem] = []
        for name, editor in self.editors.items():
            value, problem = editor.value()
            values[name] = value
            if problem is not None:
                unreadable.append(problem)
        return values, unreadable

    def _changed(self) -> None:
        if self._loading:
            return
        values, unreadable = self.values()
        bad = {p.field for p in unreadable}
        record = records.complete(self.spec.name, {k: v for k, v in values.items() if k not in bad})
        problems = unreadable + [p for p in validate(self.spec.name, record) if p.field not in bad]
        self._show(problems)

    def _show(self, problems: list[Problem]) -> None:
        self.problems = problems
        by_field: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in problems:
            if problem.field in self.editors:
                by_field.setdefault(problem.field, []).append(problem.reason)
            else:
                general.append(str(problem))
        for name, editor in self.editors.items():
            reasons = by_field.get(name)
            shown = reasons and (editor.touched or self._tried or editor.value()[0] is not None)
            editor.show_problem("; ".join(reasons) if shown and reasons else None)
        self.message.setText("\n".join(general))
        self.message.setVisible(bool(general))
        self.ok_button.setEnabled(not problems)
        if problems:
            missing = [
                self.editors[p.field].field.title
                for p in problems
                if p.reason == "is required" and p.field in self.editors
            ]
            self.ok_button.setToolTip(
                "Fill in: " + ", ".join(missing)
                if missing
                else "Fix the fields marked in red first"
            )
        else:
            self.ok_button.setToolTip("")

    # --- saving --------------------------------------------------------------------------

    def accept(self) -> None:
        self._tried = True
        self._changed()
        if self.problems:
            return
        values, _ = self.values()
        self._busy(True)
        self.store.save(values, self.record_id, self.expected_version, self._saved, self._failed)

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _saved(self, record: Record) -> None:
        self._busy(False)
        self.saved = record
        super().accept()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, ValidationError):
            self._show(error.problems)
            self.ok_button.setEnabled(True)  # the service's verdict; a change re-checks
            return
        if isinstance(error, ConflictError) and self.record_id is not None:
            mine, _ = self.values()
            self.store.fetch(
                self.record_id,
                lambda theirs: self._resolve(mine, theirs, error),
                lambda exc: show_error(self, exc),
            )
            return
        if isinstance(error, RackbookError):
            self.message.setText(str(error))
            self.message.show()
            return
        show_error(self, error)

    def _resolve(self, mine: Record, theirs: Record, error: ConflictError) -> None:
        from ui.dialogs.conflict_dialog import ConflictDialog

        dialog = ConflictDialog(self.spec.name, mine, theirs, error, self)
        dialog.exec()
        if dialog.choice == ConflictDialog.SAVE_MINE:
            self.expected_version = theirs["version"]
            self.accept()
        elif dialog.choice == ConflictDialog.RELOAD:
            self.load(theirs)
