"""What can be done to a list's rows: the rows' context menu, the record dialog (new, edit, a
copy), and deleting one record or several together (asked first, undoable)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ui import format as fmt
from ui.widgets import ask, show_error

if TYPE_CHECKING:
    from ui.screens.list_screen import ListScreen

Record = dict[str, Any]

# Keys named in the question before deleting several records; the rest are counted.
MAX_KEYS_LISTED = 10


def row_menu(screen: ListScreen, pos: QPoint) -> None:
    """The context menu of the rows under ``pos``: copy, the screen's own actions, edit,
    duplicate, delete."""
    view = screen.view
    if not view.indexAt(pos).isValid():
        return
    menu = QMenu(screen)
    count = len(screen.selected_rows())
    several = count > 1
    copy = QAction("Copy rows" if several else "Copy row", menu)
    copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))  # said in the menu
    copy.triggered.connect(lambda _checked=False: screen.copy_rows())
    menu.addAction(copy)
    menu.addSeparator()
    screen._row_actions(menu)
    writable = not screen.context.read_only
    menu.addAction("Edit…", screen.edit_record).setEnabled(writable)
    menu.addAction("Duplicate…", screen.duplicate_record).setEnabled(writable)
    label = fmt.lower_words(screen.spec.schema.label)
    what = f"Delete {count} {label}…" if several else "Delete…"
    menu.addAction(what, screen.delete_record).setEnabled(writable)
    menu.exec(view.viewport().mapToGlobal(pos))


def open_dialog(screen: ListScreen, record: Record | None) -> None:
    """The record dialog for ``record`` (None: a new one), once the reference names are read."""
    from services import lists

    screen.context.read(
        lists.reference_names,
        lambda names: show_dialog(screen, record, names),
        lambda exc: show_error(screen, exc),
        owner=screen,
    )


def duplicate(screen: ListScreen, record: Record) -> None:
    """A new record made from ``record`` (``records.duplicate``), in the dialog for a new
    record: nothing is written until it is saved."""
    from services import lists, records

    kind, record_id = screen.kind, record["id"]
    key = screen.spec.schema.key_of(record)
    title = f"New {screen.spec.schema.singular.lower()}, a copy of {key}"
    screen.context.read(
        lambda session: (
            lists.reference_names(session),
            records.duplicate(session, kind, record_id),
        ),
        lambda found: show_dialog(screen, found[1], found[0], title),
        lambda exc: show_error(screen, exc),
        owner=screen,
    )


def show_dialog(screen: ListScreen, record: Record | None, names: Any, title: str = "") -> None:
    """The record dialog: editing ``record``, or a new record (``record`` None, or the
    values of a copy, which have no id)."""
    from ui.dialogs.record_dialog import RecordDialog

    dialog = RecordDialog(screen.kind, screen.store(), names, record, screen)
    if title:
        dialog.setWindowTitle(title)
    # The dialog open last (tests and the change watcher look at it): any kind of dialog.
    screen.last_dialog = dialog
    if dialog.exec() and dialog.saved is not None:
        screen.after_write([dialog.saved], (), dialog.record_id is None)


def _delete(
    screen: ListScreen, what: str, targets: list[tuple[int, int]], work: Callable[..., None]
) -> None:
    """Delete ``targets`` (ids and versions) by ``work``, undoable as ``what``."""
    from ui.undo import history_of

    ids = [t[0] for t in targets]
    history_of(screen.context).write(
        what,
        screen.kind,
        ids,
        work,
        lambda _none: screen.after_write([], ids, False),
        lambda exc: screen._write_failed(exc),
        owner=screen,
    )


def delete_one(screen: ListScreen, record: Record) -> None:
    """Delete ``record``, once the person has said yes."""
    singular = screen.spec.schema.singular.lower()
    key = screen.spec.schema.key_of(record)
    question = (
        f"Delete {singular} {key}? This cannot be undone here; the audit trail keeps what it held."
    )
    if not ask(screen, f"Delete {singular}", question):
        return
    from services import records

    kind, record_id, version = screen.kind, record["id"], record["version"]
    _delete(
        screen,
        f"deletion of {singular} {key}",
        [(record_id, version)],
        lambda s, actor: records.delete(s, kind, record_id, actor, expected_version=version),
    )


def delete_several(screen: ListScreen, chosen: list[Record]) -> None:
    """Delete the chosen records together: one transaction, so either all of them go
    or (one refused: still referenced, changed by someone else) none does."""
    schema = screen.spec.schema
    keys = [schema.key_of(record) for record in chosen]
    listed = ", ".join(keys[:MAX_KEYS_LISTED])
    if len(keys) > MAX_KEYS_LISTED:
        listed += f" and {fmt.number(len(keys) - MAX_KEYS_LISTED)} more"
    what = fmt.lower_words(schema.label)
    question = (
        f"Delete these {fmt.number(len(chosen))} {what}: {listed}? Either all of them are "
        "deleted or, if one cannot be, none is. This cannot be undone here; the audit "
        "trail keeps what they held."
    )
    if not ask(screen, f"Delete {what}", question):
        return
    from services import records

    kind = screen.kind
    targets = [(record["id"], record["version"]) for record in chosen]

    def work(session: Any, actor: Any) -> None:
        for record_id, version in targets:
            records.delete(session, kind, record_id, actor, expected_version=version)

    _delete(screen, f"deletion of {fmt.number(len(chosen))} {what}", targets, work)
