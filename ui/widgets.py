"""Small widgets shared by screens and dialogs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QWidget,
)

from ui.date_edit import DateEdit, from_qdate, to_qdate

__all__ = [
    "DateEdit",
    "DateField",
    "ask",
    "busy_cursor",
    "from_qdate",
    "note_label",
    "ok_cancel",
    "problem_label",
    "push_button",
    "show_error",
    "to_qdate",
]

# The one date editor (typed text read by the import's rule, never rolled over): every
# dialog, grid and filter uses it under this name.
DateField = DateEdit


class CompletingDelegate(QStyledItemDelegate):
    """A grid cell typed into with completion from ``choices()`` (asked each time the cell
    is edited: a vendor's skus, the parts a bill of parts may name), matched anywhere in
    the name, case ignored."""

    def __init__(self, choices: Callable[[], list[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        editor = QLineEdit(parent)
        completer = QCompleter(self.choices(), editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        editor.setCompleter(completer)
        return editor


def show_error(parent: QWidget | None, error: BaseException, title: str = "Rackbook") -> None:
    """A person's mistake or a refusal as its message; anything else as an internal error."""
    from services.credentials import mask_text
    from services.errors import RackbookError

    # Whatever the text quotes (a database URL in a driver's message...), no password shows.
    if isinstance(error, RackbookError):
        QMessageBox.warning(parent, title, mask_text(str(error)))
        return
    import logging

    logging.getLogger("rackbook.ui").error("unexpected error", exc_info=error)
    QMessageBox.critical(
        parent,
        title,
        mask_text(
            f"Something went wrong ({error.__class__.__name__}: {error}). Nothing was saved."
        ),
    )


def busy_cursor(widget: QWidget, busy: bool) -> None:
    if busy:
        widget.setCursor(Qt.CursorShape.BusyCursor)
    else:
        widget.unsetCursor()


def ok_cancel(
    dialog: QDialog, ok_text: str = "", accepted: Callable[[], object] | None = None
) -> tuple[QDialogButtonBox, QPushButton]:
    """A dialog's OK and Cancel, OK named ``ok_text`` and doing ``accepted`` (else accepting
    the dialog), Cancel rejecting it; the box and its OK button."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    if ok_text:
        ok.setText(ok_text)
    buttons.accepted.connect(accepted or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def problem_label(name: str = "problem", selectable: bool = False, wrap: bool = True) -> QLabel:
    """Why the last attempt did not go through, in red; hidden until there is a reason."""
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("color: #b71c1c;")
    label.hide()
    return label


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    """Whether the person answers Yes to ``question`` (No is the default answer)."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def note_label(text: str = "", name: str = "") -> QLabel:
    """A label of a sentence or more, wrapped to the width it is given."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    return label


def push_button(
    text: str,
    clicked: Callable[[], object],
    name: str = "",
    accessible: str = "",
    tip: str = "",
) -> QPushButton:
    """A push button calling ``clicked`` with no arguments (never the signal's ``checked``,
    which a slot with an optional first parameter would take for it); ``name`` for style
    sheets and tests, ``accessible`` for screen readers when the text alone does not say it,
    ``tip`` its tooltip."""
    button = QPushButton(text)
    if name:
        button.setObjectName(name)
    if accessible:
        button.setAccessibleName(accessible)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: clicked())
    return button


def screen_title(text: str) -> QLabel:
    """A screen's title, in the style sheet's large bold (``#screenTitle``)."""
    title = QLabel(text)
    title.setObjectName("screenTitle")
    return title
