"""The Files tab under every list: the files attached to the selected record (for an order
line, its purchase order's too), added by dropping them on the tab or with Add…, opened in
the desktop's viewer (from a temporary copy), saved as a copy, removed (audited).

A file is read and hashed by the background worker, with a progress dialog, then stored in
one write transaction: a 20 MB scan never freezes the window.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import format as fmt
from ui.context import AppContext
from ui.tables.model import PlainTableModel
from ui.widgets import ask, push_button, show_error

# Where opened files are copied for the viewer (one folder per run of the window).
_open_folder: Path | None = None


def _viewer_folder() -> Path:
    global _open_folder
    if _open_folder is None:
        _open_folder = Path(tempfile.mkdtemp(prefix="rackbook-files-"))
    return _open_folder


def open_attachment(
    context: AppContext,
    attachment_id: int,
    parent: QWidget,
    open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl,
) -> None:
    """Open an attached file with the desktop's viewer: its bytes are read in the background
    and copied to a temporary file of its own name, which the viewer is given."""
    from services import attachments

    def work(session: Any) -> tuple[Any, bytes]:
        return attachments.get(session, attachment_id), attachments.content(session, attachment_id)

    def done(found: tuple[Any, bytes]) -> None:
        info, data = found
        folder = _viewer_folder() / str(info.id)
        folder.mkdir(exist_ok=True)
        copy = attachments.write_copy(data, folder / info.file_name)
        open_url(QUrl.fromLocalFile(str(copy)))

    context.read(work, done, lambda exc: show_error(parent, exc, "Rackbook — Files"), owner=parent)


def open_import_file(
    context: AppContext,
    batch_id: int,
    parent: QWidget,
    open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl,
) -> None:
    """Open the file import batch ``batch_id`` read (kept with the batch)."""
    from services import attachments
    from services.errors import NotFoundError

    def find(session: Any) -> int:
        ref = attachments.ref_of(session, "imports", batch_id)
        files = attachments.attachments_of(session, ref)
        if not files:
            raise NotFoundError(
                f"import batch {batch_id} kept no copy of its file (it was imported before "
                "Rackbook kept them, or the file was over the size limit)"
            )
        return int(files[0].id)

    context.read(
        find,
        lambda found: open_attachment(context, found, parent, open_url),
        lambda exc: show_error(parent, exc, "Rackbook — Files"),
        owner=parent,
    )


class _Relay(QObject):
    """Progress from the worker thread to the dialog (delivered on the main thread)."""

    progress = Signal(int, int)


class AttachmentsPanel(QWidget):
    """The files of one record. Its table and buttons are built the first time it is shown,
    so a list screen's first rows never wait for them."""

    #: The number of files shown (for the tab's title), after each load.
    count_changed = Signal(int)
    #: Files were added or removed (the list's count of files is to be read again).
    files_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentsPanel")
        self.context = context
        self.kind: str | None = None
        self.record_id: int | None = None
        self.files: list[Any] = []  # services.attachments.AttachmentInfo, as shown
        self.limit: int | None = None
        self.last_message = ""
        #: What opens a file: the desktop's viewer (a test gives a recorder).
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self._stale = True
        self._built = False
        self.setAcceptDrops(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)

    # --- building --------------------------------------------------------------------------

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        self.model = PlainTableModel(["File", "Size", "Added by", "Added", "Of"], self)
        self.view = QTableView()
        self.view.setObjectName("attachmentsTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.hint = QLabel("Drop files here, or Add… (quotes, acknowledgements, signed contracts).")
        self.hint.setObjectName("attachmentsHint")
        from ui.fit import wrapping

        wrapping(self.hint)
        self.add_button = push_button("Add…", lambda: self.add_files(), name="addAttachment")
        self.open_button = push_button("Open", self.open_selected, name="openAttachment")
        self.save_button = push_button(
            "Save a copy…", lambda: self.save_selected(), name="saveAttachment"
        )
        self.remove_button = push_button(
            "Remove…", lambda: self.remove_selected(), name="removeAttachment"
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.open_button, self.save_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.hint)
        self._layout.addLayout(buttons)
        self._layout.addWidget(self.view, 1)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self._enable()

    def showEvent(self, event: QShowEvent) -> None:
        self._build()
        if self._stale:
            self.load()
        super().showEvent(event)

    def _enable(self) -> None:
        if not self._built:
            return
        has_record = self.record_id is not None
        chosen = self.selected() is not None
        writable = has_record and not self.context.read_only
        self.add_button.setEnabled(writable)
        self.open_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and not self.context.read_only)

    # --- the record shown ------------------------------------------------------------------

    def show_record(self, kind: str | None, record_id: int | None) -> None:
        """Show the files of record ``record_id`` of ``kind`` (None: no record selected);
        read now if the tab is in front, else when it is shown."""
        self.kind, self.record_id = kind, record_id
        self._stale = True
        if self.isVisible():
            self.load()
        else:
            self._enable()

    def load(self) -> None:
        self._stale = False
        kind, record_id = self.kind, self.record_id
        if kind is None or record_id is None or self.context.database is None:
            self._show([], None)
            return
        from services import attachments

        def work(session: Any) -> tuple[list[Any], int]:
            ref = attachments.ref_of(session, kind, record_id)
            return attachments.attachments_of(session, ref), attachments.limit_bytes(session)

        def done(found: tuple[list[Any], int]) -> None:
            if (self.kind, self.record_id) == (kind, record_id):
                self._show(*found)

        self.context.read(work, done, lambda _exc: self._show([], None), owner=self)

    def _show(self, files: Sequence[Any], limit: int | None) -> None:
        from services.attachments import size_text

        self.files = list(files)
        self.limit = limit
        if self._built:
            own = (self.kind, self.record_id)
            self.model.set_rows(
                (
                    f.file_name,
                    size_text(f.size),
                    f.added_by,
                    fmt.when(f.added_at),
                    "" if (f.record_kind, f.record_id) == own else f.record_title,
                )
                for f in self.files
            )
            self.view.resizeColumnsToContents()
            self._enable()
        self.count_changed.emit(len(self.files))

    def selected(self) -> Any | None:
        if not self._built:
            return None
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.files):
            return None
        return self.files[index.row()]

    def select_row(self, row: int) -> None:
        self._build()
        self.view.setCurrentIndex(self.model.index(row, 0))

    # --- adding ----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._droppable(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._droppable(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    def _droppable(self, mime: Any) -> list[str]:
        if self.record_id is None or self.context.read_only or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def add_files(self, paths: Sequence[str] | None = None) -> None:
        """Attach ``paths`` (asked for with a file dialog when None) to the record shown,
        one after the other in the background."""
        if self.record_id is None or self.kind is None or self.context.read_only:
            return
        if paths is None:
            folder = self.context.settings.value("attachments/folder", "") or str(Path.home())
            chosen, _filter = QFileDialog.getOpenFileNames(
                self, "Attach files", str(folder), "All files (*)"
            )
            if not chosen:
                return
            self.context.settings.setValue("attachments/folder", str(Path(chosen[0]).parent))
            paths = chosen
        queue = [str(p) for p in paths]
        self._attach_next(queue, self.kind, self.record_id)

    def _attach_next(self, queue: list[str], kind: str, record_id: int) -> None:
        if not queue:
            self.load()
            self.files_changed.emit()
            return
        from services import attachments

        path = queue.pop(0)
        name = Path(path).name
        limit = self.limit
        progress = QProgressDialog(f"Reading {name}…", "", 0, 100, self)
        progress.setObjectName("attachProgress")
        progress.setWindowTitle("Attaching a file")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        relay = _Relay(self)

        def advance(done: int, total: int) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(done)

        relay.progress.connect(advance)
        emit = relay.progress.emit

        def finish() -> None:
            progress.reset()
            progress.deleteLater()
            relay.deleteLater()

        def failed(exc: BaseException) -> None:
            finish()
            show_error(self, exc, "Rackbook — Files")
            self._attach_next(queue, kind, record_id)

        def stored(info: Any) -> None:
            finish()
            self.last_message = (
                f"Attached {info.file_name} ({attachments.size_text(info.size)}) to "
                f"{info.record_title}"
            )
            self._attach_next(queue, kind, record_id)

        def read(found: Any) -> None:
            progress.setLabelText(f"Storing {name} in the database…")
            progress.setRange(0, 0)

            def work(session: Any, actor: Any) -> Any:
                ref = attachments.ref_of(session, kind, record_id)
                return attachments.attach(session, ref, found, actor)

            self.context.write(work, stored, failed, owner=self)

        def reading() -> Any:
            # The limit as last read with the list; without it, no file is over it yet.
            return attachments.read_file(path, limit if limit else 1 << 62, progress=emit)

        self.context.tasks.run(reading, read, failed)

    # --- opening, saving, removing ---------------------------------------------------------

    def open_selected(self) -> None:
        info = self.selected()
        if info is not None:
            open_attachment(self.context, info.id, self, self.open_url)

    def save_selected(self, path: str | None = None) -> None:
        info = self.selected()
        if info is None:
            return
        from services import attachments

        if path is None:
            folder = self.context.settings.value("attachments/folder", "") or str(Path.home())
            path, _filter = QFileDialog.getSaveFileName(
                self, f"Save a copy of {info.file_name}", str(Path(str(folder)) / info.file_name)
            )
            if not path:
                return
        target = path
        self.context.settings.setValue("attachments/folder", str(Path(target).parent))

        def done(written: Any) -> None:
            self.last_message = f"Saved a copy of {info.file_name} as {written}"

        self.context.read(
            lambda session: attachments.save_copy(session, info.id, target),
            done,
            lambda exc: show_error(self, exc, "Rackbook — Files"),
            owner=self,
        )

    def remove_selected(self, confirm: bool = True) -> None:
        info = self.selected()
        if info is None or self.context.read_only:
            return
        if confirm and not ask(
            self,
            "Remove file",
            f"Remove {info.file_name} from {info.record_title}? The history keeps that it "
            "was attached and removed, but not the file itself.",
        ):
            return
        from services import attachments

        def done(_removed: Any) -> None:
            self.last_message = f"Removed {info.file_name} from {info.record_title}"
            self.load()
            self.files_changed.emit()

        self.context.write(
            lambda session, actor: attachments.detach(session, info.id, actor),
            done,
            lambda exc: show_error(self, exc, "Rackbook — Files"),
            owner=self,
        )
