"""Saving and reloading records in the background, each save undoable (Edit → Undo): what a
record dialog is given to write with."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ui.context import AppContext

if TYPE_CHECKING:
    from ui.screens.list_screen import ListScreen

Record = dict[str, Any]


class KindStore:
    """Saving and reloading records of one kind, in the background: a screen's own kind, or
    another shown in its detail (a site's capacity steps); every save can be undone
    (Edit → Undo)."""

    def __init__(self, context: AppContext, kind_name: str) -> None:
        self.context = context
        self.kind_name = kind_name

    def save(
        self,
        values: Record,
        record_id: int | None,
        expected_version: int | None,
        done: Any,
        failed: Any,
    ) -> None:
        """A new record when ``record_id`` is None, else an edit of that one."""
        if record_id is None:
            self.create(values, done, failed)
        else:
            self.update(values, record_id, expected_version, done, failed)

    def create(self, values: Record, done: Any, failed: Any) -> None:
        """Write a new record of the kind (undoable)."""
        from services import records

        kind = self.kind_name
        work = lambda s, a: records.create(s, kind, values, a)  # noqa: E731
        self._write_undoable("new", values, [], work, done, failed)

    def update(
        self,
        values: Record,
        record_id: int,
        expected_version: int | None,
        done: Any,
        failed: Any,
    ) -> None:
        """Save an edit of record ``record_id`` as it was at ``expected_version`` (undoable)."""
        from services import records

        kind = self.kind_name
        work = lambda s, a: records.update(  # noqa: E731
            s, kind, record_id, values, a, expected_version=expected_version
        )
        self._write_undoable("edit of", values, [record_id], work, done, failed)

    def _write_undoable(
        self,
        what: str,
        values: Record,
        ids: list[int],
        work: Callable[[Any, Any], Any],
        done: Any,
        failed: Any,
    ) -> None:
        from services.schema import kind as kind_spec
        from ui.undo import history_of

        schema = kind_spec(self.kind_name)
        text = f"{what} {schema.singular.lower()} {schema.key_of(values)}".strip()
        history_of(self.context).write(text, self.kind_name, ids, work, done, failed)

    def fetch(self, record_id: int, done: Any, failed: Any) -> None:
        from services import records

        kind = self.kind_name
        self.context.read(lambda s: records.get_record(s, kind, record_id), done, failed)


class ScreenStore(KindStore):
    """Saving and reloading records of a screen's kind."""

    def __init__(self, screen: ListScreen) -> None:
        super().__init__(screen.context, screen.kind)
        self.screen = screen
