"""Spreadsheet import (docs/import.md): read → headers → values → plan → commit/undo.

The steps are separate so the window's import wizard can drive them one page at a time
(``read_file`` → ``choose_sheets``/``match_headers`` → ``plan_import`` for the preview →
``commit``), each taking a progress callback and a cancel flag where the work is long. The
command line calls ``import_file`` (``services.importing.flow``), which runs the same steps
for every sheet of a file in the caller's transaction.

Each name below is loaded from its module when first used (PEP 562), so that reading a file
(``services.importing.read``: python-calamine, no database) can start before SQLAlchemy and
the models are imported: the command line starts parsing the file while it starts up. The
errors workbook's openpyxl (and numpy under it), a fifth of a second of start-up that an
import without --errors never needs, is likewise loaded only when asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.importing.errors_workbook import (
        ErrorsWritten,
        errors_written_text,
        refuse_overwriting,
        write_errors,
    )
    from services.importing.flow import (
        VENDOR_KINDS,
        ImportReport,
        ImportRequest,
        MissingColumns,
        SheetReport,
        commit,
        import_file,
        undo_batch,
    )
    from services.importing.headers import (
        ColumnMatch,
        Mapping,
        Profile,
        SheetFit,
        choose_sheets,
        find_profile,
        match_headers,
        save_profile,
    )
    from services.importing.plan import (
        ImportCancelled,
        Known,
        Plan,
        RowAction,
        RowPlan,
        plan_import,
        vendor_names,
    )
    from services.importing.read import FileProblem, Sheet, Workbook, read_file
    from services.importing.values import ReadOptions
    from services.importing.writer import BatchResult, UndoResult

# Each name this package gives, and the module it comes from.
_HOMES = {
    **dict.fromkeys(
        ("ErrorsWritten", "errors_written_text", "refuse_overwriting", "write_errors"),
        "errors_workbook",
    ),
    **dict.fromkeys(
        (
            "VENDOR_KINDS",
            "ImportReport",
            "ImportRequest",
            "MissingColumns",
            "SheetReport",
            "commit",
            "import_file",
            "undo_batch",
        ),
        "flow",
    ),
    **dict.fromkeys(
        (
            "ColumnMatch",
            "Mapping",
            "Profile",
            "SheetFit",
            "choose_sheets",
            "find_profile",
            "match_headers",
            "save_profile",
        ),
        "headers",
    ),
    **dict.fromkeys(
        (
            "ImportCancelled",
            "Known",
            "Plan",
            "RowAction",
            "RowPlan",
            "plan_import",
            "vendor_names",
        ),
        "plan",
    ),
    **dict.fromkeys(("FileProblem", "Sheet", "Workbook", "read_file"), "read"),
    "ReadOptions": "values",
    **dict.fromkeys(("BatchResult", "UndoResult"), "writer"),
}
_MODULES = frozenset(
    ("errors_workbook", "flow", "headers", "named", "plan", "read", "values", "writer")
)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "VENDOR_KINDS",
    "BatchResult",
    "ColumnMatch",
    "ErrorsWritten",
    "FileProblem",
    "ImportCancelled",
    "ImportReport",
    "ImportRequest",
    "Known",
    "Mapping",
    "MissingColumns",
    "Plan",
    "Profile",
    "ReadOptions",
    "RowAction",
    "RowPlan",
    "Sheet",
    "SheetFit",
    "SheetReport",
    "UndoResult",
    "Workbook",
    "choose_sheets",
    "commit",
    "errors_written_text",
    "find_profile",
    "import_file",
    "match_headers",
    "plan_import",
    "read_file",
    "refuse_overwriting",
    "save_profile",
    "undo_batch",
    "vendor_names",
    "write_errors",
]
