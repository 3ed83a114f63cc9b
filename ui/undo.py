"""Undo and redo of every change made in the window (Ctrl+Z, Ctrl+Shift+Z; Edit menu with the
action's name), on a ``QUndoStack``.

Each change goes through ``UndoHistory.write``: the work runs in one write transaction as
before, and the records it touched are read before and after it there
(``services.undo.tracked``). Once it is saved, a command holding those records is pushed.
Undoing or redoing runs ``services.undo.apply`` in the background: the earlier (or later)
values are written back as new, validated and audited changes, each record checked against
the version the change left. When the database refuses (someone changed a record since), the
person is told why and the command leaves the stack; the stack moves only once the database
has taken the undo. An import's undo is the import's own (``importing.undo_batch``); once
undone it cannot be redone (import the file again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ui.context import AppContext

Done = Callable[[Any], None]


class RecordsCommand(QUndoCommand):
    """Records changed together, undone and redone together (``services.undo.Change``s)."""

    def __init__(self, text: str, changes: Sequence[Any]) -> None:
        super().__init__(text)
        self.changes = list(changes)
        #: Set while the stack is moved after the database has done the work.
        self.quiet = True

    @property
    def kinds(self) -> set[str]:
        return {change.kind for change in self.changes}

    def run(self, session: Any, actor: Any, backwards: bool) -> list[Any]:
        from services import undo

        return undo.apply(session, self.changes, actor, backwards=backwards, what=self.text())

    def took(self, result: list[Any]) -> None:
        self.changes = list(result)

    # The stack's own calls: the database work has been done by then (UndoHistory).
    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass


class ImportCommand(QUndoCommand):
    """An import batch: its undo is the import's undo; it cannot be redone."""

    def __init__(self, text: str, batch_id: int, kind: str) -> None:
        super().__init__(text)
        self.batch_id = batch_id
        self.kinds = {kind}

    def run(self, session: Any, actor: Any, backwards: bool) -> Any:
        from services import importing

        return importing.undo_batch(session, self.batch_id, actor.user)

    def took(self, _result: Any) -> None:
        self.setObsolete(True)  # undone: gone from the history (no redo of a file)

    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass


class UndoHistory(QObject):
    """The window's undo stack and the background work behind each step."""

    # The kinds whose records an undo or redo changed (screens showing them reload).
    applied = Signal(object)
    # What an undo or redo did, or why it could not ("Undid: Change ETA of PO-1/1").
    said = Signal(str)
    # An undo or redo refused (the message), for a dialog.
    refused = Signal(str)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.context = context
        self.stack = QUndoStack(self)
        self.busy = False

    def clear(self) -> None:
        """Another database: nothing of the old one can be undone here."""
        self.stack.clear()

    # --- recording -----------------------------------------------------------------------

    def write(
        self,
        text: str,
        kind: str,
        ids: Sequence[int],
        work: Callable[[Any, Any], Any],
        done: Done | None = None,
        failed: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """``context.write(work, done, failed)``, the change kept to undo as ``text``:
        the records ``ids`` of ``kind`` (and any the work creates) read before and after."""
        chosen = list(ids)

        def tracked_work(session: Any, actor: Any) -> Any:
            from services import undo

            return undo.tracked(session, kind, chosen, lambda: work(session, actor))

        def saved(found: tuple[Any, list[Any]]) -> None:
            result, changes = found
            if changes:
                self.push(RecordsCommand(text, changes))
            if done is not None:
                done(result)

        self.context.write(tracked_work, saved, failed, owner=owner)

    def push(self, command: QUndoCommand) -> None:
        self.stack.push(command)  # its redo() does nothing: the work is already saved

    def push_import(self, batch_id: int, kind: str, file_name: str) -> None:
        self.push(ImportCommand(f"import of {file_name} (batch {batch_id})", batch_id, kind))

    # --- undoing and redoing -------------------------------------------------------------

    def undo(self) -> None:
        self._step(backwards=True)

    def redo(self) -> None:
        self._step(backwards=False)

    def _step(self, backwards: bool) -> None:
        stack = self.stack
        if self.busy or self.context.database is None or self.context.read_only:
            return
        if not (stack.canUndo() if backwards else stack.canRedo()):
            return
        index = stack.index() - 1 if backwards else stack.index()
        command = stack.command(index)
        assert isinstance(command, RecordsCommand | ImportCommand)
        self.busy = True
        text = command.text()

        def done(result: Any) -> None:
            self.busy = False
            command.took(result)
            stack.undo() if backwards else stack.redo()
            self.said.emit(f"{'Undid' if backwards else 'Redid'}: {text}")
            self.applied.emit(set(command.kinds))

        def failed(error: BaseException) -> None:
            from services.errors import DatabaseProblem, RackbookError

            self.busy = False
            if isinstance(error, RackbookError) and not isinstance(error, DatabaseProblem):
                # Refused for good (changed since, no longer there): it leaves the history.
                command.setObsolete(True)
                stack.undo() if backwards else stack.redo()
                self.applied.emit(set(command.kinds))
            self.said.emit(str(error))
            self.refused.emit(str(error))

        self.context.write(
            lambda session, actor: command.run(session, actor, backwards), done, failed
        )


def history_of(context: AppContext) -> UndoHistory:
    """The window's undo history (one per context)."""
    found = getattr(context, "_undo_history", None)
    if found is None:
        found = UndoHistory(context)
        context._undo_history = found  # type: ignore[attr-defined]
    return found
