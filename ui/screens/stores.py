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
        from services import records
        from services.schema import kind as kind_spec
        from ui.undo import history_of

        kind = self.kind_name
        schema = kind_spec(kind)
        singular = schema.singular.lower()
        key = schema.key_of(values)
        ids: list[int]
        work: Callable[[Any, Any], Any]
        if record_id is None:
            what, ids = f"new {singular} {key}", []
            work = lambda s, a: records.create(s, kind, values, a)  # noqa: E731
        else:
            what, ids = f"edit of {singular} {key}", [record_id]
            work = lambda s, a: records.update(  # noqa: E731
                s, kind, record_id, values, a, expected_version=expected_version
            )
        history_of(self.context).write(what.strip(), kind, ids, work, done, failed)

    def fetch(self, record_id: int, done: Any, failed: Any) -> None:
        from services import records

        kind = self.kind_name
        self.context.read(lambda s: records.get_record(s, kind, record_id), done, failed)


class ScreenStore(KindStore):
    """Saving and reloading records of a screen's kind."""

    def __init__(self, screen: ListScreen) -> None:
        super().__init__(screen.context, screen.kind)
        self.screen = screen
