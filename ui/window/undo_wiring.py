"""The Edit menu's Undo and Redo: named after the step they would take, enabled when the
step exists and the database may be written, and every screen showing the records of a step
undone or redone reads them again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from ui.window.actions import make_action
from ui.window.screens import DEPENDS_ON

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class UndoWiring:
    def __init__(self, window: MainWindow) -> None:
        from ui.undo import history_of

        self.window = window
        self.history = history_of(window.context)
        history = self.history
        S = QKeySequence.StandardKey
        self.undo_action = make_action(window, "&Undo", history.undo, S.Undo, tip="Undo (Ctrl+Z)")
        self.redo_action = make_action(
            window, "&Redo", history.redo, "Ctrl+Shift+Z", tip="Redo (Ctrl+Shift+Z)"
        )
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        stack = history.stack
        stack.canUndoChanged.connect(lambda _c: self.show_undo())
        stack.canRedoChanged.connect(lambda _c: self.show_undo())
        stack.undoTextChanged.connect(lambda _t: self.show_undo())
        stack.redoTextChanged.connect(lambda _t: self.show_undo())
        history.applied.connect(self.undone)
        history.said.connect(lambda text: window.status.say(text, 10_000))
        history.refused.connect(self.refused)
        #: The last refusal shown, for tests.
        self.last_refusal = ""
        self.show_undo()

    def show_undo(self) -> None:
        """The Edit menu names what Undo and Redo would do."""
        import shiboken6

        stack = self.history.stack
        if not shiboken6.isValid(stack):
            return  # the window's context is being closed
        writable = not self.window.context.read_only
        self.undo_action.setEnabled(stack.canUndo() and writable)
        self.redo_action.setEnabled(stack.canRedo() and writable)
        self.undo_action.setText(f"&Undo {stack.undoText()}" if stack.canUndo() else "&Undo")
        self.redo_action.setText(f"&Redo {stack.redoText()}" if stack.canRedo() else "&Redo")

    def undone(self, kinds: set[str]) -> None:
        """An undo or redo was saved: every screen showing those records reads them again."""
        window = self.window
        affected = {"today", "dashboard", "alerts"} | set(kinds)
        for kind in kinds:
            affected |= DEPENDS_ON.get(kind, set())
        window.mark_stale(affected)
        for kind in kinds:
            window.context.changed.emit(kind)
        window.refresh_if_stale()

    def refused(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.last_refusal = message
        QMessageBox.warning(self.window, "Rackbook — Undo", message)
