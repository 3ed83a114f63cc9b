"""Editing an order line's ETA, status, quantity and notes in the orders list itself.

Double-click, F2 or typing starts editing a cell; Enter saves it, Esc puts it back. Each cell
is edited with the edit dialog's own editor for its field (``record_dialog.FieldEditor``): the
ETA with the window's one date editor (it shows the date it understood and refuses an
impossible one), the status as a choice in words, the quantity as a number, the notes as text
(Shift+Enter for a new line). A cell is saved as the dialog and the ETA action save: through
``services`` with the version the list showed (``records.update``; an ETA through
``orders.change_eta``, which keeps the ETA history), so the same validation refuses a bad value
with nothing written, and a line someone else changed or deleted meanwhile is not overwritten:
the window says so and shows the line as it is saved. Each saved cell is one step on the
window's undo stack (Edit → Undo "ETA change on PO-1 line 2"). A save the database could not
take for a passing reason (file locked, connection lost) opens the cell again with what was
typed. The list is read again after a save only once no cell is being edited (reading it
closes the editor), and a next cell of a line saved meanwhile is saved on the version that
save left; when the list is read again under an open editor all the same (another user's
change), what is typed is taken first, as when the cell loses focus.

A received or cancelled line keeps its ETA, status and quantity here (its receipts and
cancellation say them; the line's actions are off too); its notes can still be edited. A line
with units received has the status its receipts give it (``records.follow_receipts``), so its
status is not typed either; nor are Received and Partially received among the choices (Receive
goods… says them), nor Cancelled (Cancel… asks a reason): none is ever put in silently.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from domain.statuses import CLOSED, LineStatus
from services.errors import (
    ConflictError,
    DatabaseProblem,
    NotFoundError,
    Problem,
    ValidationError,
)
from services.schema import Field, kind
from ui import format as fmt
from ui.dialogs.record_dialog import FieldEditor
from ui.widgets import DateField, show_error

Record = dict[str, Any]
Index = QModelIndex | QPersistentModelIndex

# The order line's fields edited in the list, and those a closed line keeps as they are.
INLINE_FIELDS = ("eta", "status", "quantity", "notes")
OPEN_LINES_ONLY = frozenset({"eta", "status", "quantity"})
# The statuses a line takes from its receipts or its cancellation, not from a cell.
NOT_TYPED = frozenset({LineStatus.RECEIVED, LineStatus.PARTIALLY_RECEIVED, LineStatus.CANCELLED})
# How long the status bar says what a cell's save did.
MESSAGE_MS = 8000
# The notes editor's height in rows of the table (a note has room for a few lines).
NOTES_ROWS = 3
TITLE = "Rackbook — Orders"

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def line_ref(line: Record) -> str:
    """``PO-2027-001 line 2``: an order line as the undo menu and the messages name it."""
    return f"{line['po_number']} line {line['line']}"


def shown(field: Field, value: Any) -> str:
    """A value as the list shows it, or ``empty``."""
    if value is None or value == "":
        return "empty"
    if field.type == "choice":
        return fmt.choice(value)
    return fmt.display(field.type, value)


class InlineEditing(QObject):
    """The orders list's cells edited in place: which may be, and saving one."""

    def __init__(self, screen: Any) -> None:
        super().__init__(screen)
        self.screen = screen
        self.spec = kind("orders")
        #: What the last save (or refusal) of a cell said, as the status bar shows it.
        self.last_message = ""
        view: QAbstractItemView = screen.view
        model = screen.model
        self._names = [column.name for column in model.columns]
        model.editable_at = self.editable
        #: Lines as this list's last saves left them (id -> record), until the list shows
        #: them: a next cell of the same line is saved against its new version.
        self.fresh: dict[int, Record] = {}
        # Saved lines waiting to be shown: the list is read again once no cell is being
        # edited (reading it again closes the editor, and what is being typed in it).
        self._waiting: list[Record] = []
        self.delegates: dict[str, CellDelegate] = {}
        for column, name in enumerate(self._names):
            if name in INLINE_FIELDS:
                delegate = CellDelegate(self, self.spec.field(name))
                delegate.closeEditor.connect(lambda *_a: QTimer.singleShot(0, self, self._show))
                self.delegates[name] = delegate
                view.setItemDelegateForColumn(column, delegate)
        # The list read again under an open editor (another user's change, a screen's own
        # reload) closes it: what is typed is taken first, as when the cell loses focus.
        model.modelAboutToBeReset.connect(self._take_typed)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )

    def editable(self, row: int, column: int) -> bool:
        """Whether the shown cell (row, column) is edited in place."""
        if not 0 <= column < len(self._names) or self._names[column] not in INLINE_FIELDS:
            return False
        context = self.screen.context
        if context.database is None or context.read_only:
            return False
        model = self.screen.model
        if not 0 <= row < model.rowCount():
            return False
        name, line = self._names[column], model.record(row)
        if name == "status" and line.get("received_qty"):
            return False  # it follows the receipts
        return name not in OPEN_LINES_ONLY or line.get("status") not in CLOSED

    # --- saving --------------------------------------------------------------------------

    def commit(self, line: Record, field: Field, value: Any, problem: Problem | None) -> None:
        """The value typed in a cell of ``line``: refused when it could not be read, else
        saved (after the editor has closed: the save reloads the row)."""
        if problem is not None:
            self.say(f"{field.title} of {line_ref(line)} not saved: {problem.reason}")
            return
        if value == self.current(line).get(field.name):
            return
        QTimer.singleShot(0, self, lambda: self.save(line, field, value))

    def save(self, line: Record, field: Field, value: Any) -> None:
        """Save one field of ``line`` as the dialog does, with the version the list showed;
        one step of the window's undo history."""
        from services import orders, records
        from ui.undo import history_of

        # The version this window last knew: the list's, or its own save's since.
        line_id, version, name = line["id"], self.current(line)["version"], field.name

        def work(session: Any, actor: Any) -> Record:
            if name == "eta":  # the ETA action's own: refused on a closed line, kept in history
                return orders.change_eta(session, line_id, value, actor, expected_version=version)
            return records.update(
                session, "orders", line_id, {name: value}, actor, expected_version=version
            )

        def done(saved: Record) -> None:
            self.say(f"Saved: {field.title} of {line_ref(line)} is {shown(field, saved.get(name))}")
            self.fresh[line_id] = saved
            self.reload([saved])

        history_of(self.screen.context).write(
            f"{field.title} change on {line_ref(line)}",
            "orders",
            [line_id],
            work,
            done,
            lambda error: self.refused(line, field, value, error),
            owner=self.screen,
        )

    def refused(self, line: Record, field: Field, value: Any, error: BaseException) -> None:
        """Why the cell was not saved, in the buyer's words; the line shown as it is saved."""
        what = f"{field.title} {shown(field, value)}"
        if isinstance(error, ConflictError) and not error.gone:
            first = str(error).split(";")[0]  # "Order line PO-1/2 was changed by li since..."
            self.tell(
                f"{first}: your {what} was not saved. The line now shows what is saved; "
                "type it again if it still applies."
            )
            self.fresh.pop(line["id"], None)
            self.reload([line])
            return
        if isinstance(error, NotFoundError):
            first = (
                str(error).split(";")[0]
                if isinstance(error, ConflictError)
                else f"Order line {line_ref(line)} was deleted since the list showed it"
            )
            self.tell(f"{first}: your {what} was not saved.")
            self.screen.refresh()
            return
        if isinstance(error, ValidationError):
            reasons = "; ".join(self._reason(p) for p in error.problems) or str(error)
            self.tell(f"{what} of {line_ref(line)} was not saved: {reasons}. Nothing was changed.")
            return
        if isinstance(error, DatabaseProblem):  # passing: connection lost, file locked...
            self.tell(f"{what} of {line_ref(line)} was not saved: {error}")
            self.reopen(line, field, value)
            return
        self.say(f"{field.title} of {line_ref(line)} not saved")
        show_error(self.screen, error, TITLE)

    def _take_typed(self) -> None:
        for delegate in self.delegates.values():
            delegate.take_typed()

    def current(self, line: Record) -> Record:
        """``line`` as shown, or as this list's last save of it left it when that is newer."""
        fresh = self.fresh.get(line["id"])
        return fresh if fresh is not None and fresh["version"] > line["version"] else line

    def reload(self, saved: list[Record]) -> None:
        """Show the lines saved (and tell the other screens) once no cell is being edited."""
        self._waiting += saved
        self._show()

    def _show(self) -> None:
        view = self.screen.view
        if not self._waiting or view.state() == QAbstractItemView.State.EditingState:
            return
        saved, self._waiting = self._waiting, []
        self.screen.after_write(saved, (), False)

    def reopen(self, line: Record, field: Field, value: Any) -> None:
        """The cell edited again with what was typed (as the dialog keeps its values when
        the database could not take them): Enter tries once more, Esc gives it up."""
        model, view = self.screen.model, self.screen.view
        row = model.row_of_id(line["id"])
        if row < 0:
            return
        index = model.index(row, self._names.index(field.name))
        self.delegates[field.name].retyped = (line["id"], value)
        view.setCurrentIndex(index)
        view.setFocus()
        view.edit(index)

    def _reason(self, problem: Problem) -> str:
        if problem.field in self.spec.field_names:
            field = self.spec.field(problem.field)
            return f"{field.title} {shown(field, problem.value)}: {problem.reason}"
        return problem.reason

    # --- telling -------------------------------------------------------------------------

    def say(self, message: str) -> None:
        """A passing word in the window's status bar (and kept for whoever asks)."""
        self.last_message = message
        window = self.screen.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, MESSAGE_MS)

    def tell(self, message: str) -> None:
        """A save refused: said in a message the person acknowledges, and in the status bar."""
        self.say(message)
        QMessageBox.warning(self.screen, TITLE, message)


class CellDelegate(QStyledItemDelegate):
    """One field's cells: edited with the dialog's editor for that field."""

    def __init__(self, editing: InlineEditing, field: Field) -> None:
        super().__init__(editing)
        self.editing = editing
        self.field = field
        # The editor open (one at a time in a view): its widget, field editor and line.
        self._open: tuple[QWidget, FieldEditor, Record] | None = None
        self._cell = QRect()  # the cell edited, as the view last placed its editor
        self._filled = False  # whether the open editor has been given its value
        #: What the next editor of this line starts with instead of the saved value (line
        #: id, value): what was typed before a save the database could not take.
        self.retyped: tuple[int, Any] | None = None

    def _line(self, index: Index) -> Record:
        model = self.editing.screen.model
        return dict(self.editing.current(model.record(index.row())))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        line = self._line(index)
        editor = FieldEditor(self.field, lambda: None)
        widget = editor.widget
        widget.setParent(parent)
        widget.setAutoFillBackground(True)
        name = f"{self.field.title} of {line_ref(line)}"
        if isinstance(widget, DateField):
            widget.set_accessible_name(name)
            widget.reading.setAutoFillBackground(True)
            widget.understood.connect(lambda _text: self._fit(widget))
        else:
            widget.setAccessibleName(name)
        if isinstance(widget, QComboBox):
            for status in NOT_TYPED:
                at = widget.findData(status.value)
                if at >= 0:
                    widget.removeItem(at)
        if isinstance(widget, QPlainTextEdit):
            widget.setTabChangesFocus(True)
            widget.setMinimumHeight(0)
            widget.setMaximumHeight(16_777_215)
            widget.setToolTip("Enter saves; Shift+Enter starts a new line")
        widget.installEventFilter(self)
        self._open = (widget, editor, line)
        self._filled = False
        return widget

    def _found(self, editor: QObject) -> tuple[FieldEditor, Record] | None:
        if self._open is None or self._open[0] is not editor:
            return None
        return self._open[1], self._open[2]

    def take_typed(self) -> None:
        """The open editor's value taken (saved, or refused with a word) before it closes."""
        # A view read again lets its editors go without asking their delegate (hidden, then
        # deleted): one that is hidden has been let go.
        if self._open is not None and self._open[0].isVisible():
            self.commitData.emit(self._open[0])
        self._open = None  # the view lets it go now: its losing focus commits nothing more

    def destroyEditor(self, editor: QWidget, index: Index) -> None:
        if self._found(editor) is not None:
            self._open = None
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        found = self._found(editor)
        if found is None:
            return
        if self._filled:
            return  # the list's rows changed meanwhile (their marks): what is typed stays
        self._filled = True
        field_editor, line = found
        retyped, self.retyped = self.retyped, None
        if retyped is not None and retyped[0] == line["id"]:
            field_editor.set_value(retyped[1])
        else:
            field_editor.set_value(line.get(self.field.name))
        if isinstance(editor, QPlainTextEdit | QLineEdit):
            editor.selectAll()  # typing replaces the value, as in a spreadsheet's cell

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        found = self._found(editor)
        if found is None:
            return
        field_editor, line = found
        value, problem = field_editor.value()
        self.editing.commit(line, self.field, value, problem)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        self._cell = QRect(option.rect)
        self._fit(editor)

    def _fit(self, editor: QWidget) -> None:
        """The editor over its cell, wide enough for what it shows: beside a date, the date
        understood or why it is none. A cell near the right edge: the editor reaches left
        over its neighbours rather than out of sight."""
        rect = self._cell
        width = max(rect.width(), editor.sizeHint().width())
        if isinstance(editor, DateField):
            reading = editor.reading.sizeHint().width()
            width = max(width, editor.line.minimumWidth() + max(reading, 160) + 60)
        height = rect.height() * (NOTES_ROWS if isinstance(editor, QPlainTextEdit) else 1)
        parent = editor.parentWidget()
        room = parent.width() if parent is not None else rect.right()
        x = max(0, min(rect.x(), room - width))
        editor.setGeometry(x, rect.y(), width, max(height, rect.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter saves (a note's too: Shift+Enter is its new line); an ETA that is no date
        is not taken: the editor stays, saying why, until it is one or Esc puts it back."""
        if event.type() == QEvent.Type.FocusOut and self._found(watched) is None:
            return False  # an editor the view has let go (read again): nothing to commit
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QWidget):
            assert isinstance(event, QKeyEvent)
            found = self._found(watched)
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if found is not None and event.key() in _ENTER and not shift:
                field_editor, line = found
                _value, problem = field_editor.value()
                if problem is not None:
                    self.editing.say(
                        f"{self.field.title} of {line_ref(line)}: {problem.reason}"
                        " (Esc puts it back)"
                    )
                    return True
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(watched, event)
