"""What the report sheets (contract summary, readiness, margin, cash) share: a titled sheet,
shading, and a table written in one go so its header wraps to the widths its figures take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from services.exporting.cells import Column, SheetWriter, WorkbookWriter

TITLE_SIZE = 14
MW_FORMAT = "#,##0.00"
TERM_FORMAT = "0.0"
MONTH_FORMAT = "mmm yyyy"
RED_FILL = "#F4CCCC"
AMBER_FILL = "#FCE5CD"


def titled_sheet(
    book: WorkbookWriter,
    name: str,
    columns: Sequence[Column],
    title: str,
    notes: Sequence[str] = (),
) -> SheetWriter:
    """A sheet whose first line is ``title`` (what, as of when, from which database), printed
    at the top of every page too; its notes follow in plain type (written by
    :func:`write_table`, wrapped to the table's width), then a blank line."""
    sheet = book.add_sheet(name, set_apart(columns))
    sheet.title(title, size=TITLE_SIZE)
    sheet.page_title = title
    sheet.notes = list(notes)
    return sheet


def set_apart(columns: Sequence[Column]) -> list[Column]:
    """Text columns that follow a right-aligned figure or date, set in a step, so the two
    never read as one (``2027-02-06 PC-2026-002``)."""
    result = []
    for index, column in enumerate(columns):
        after_figure = index > 0 and columns[index - 1].type not in ("text", "bool")
        if column.type == "text" and column.indent is None and after_figure:
            column = replace(column, indent=1)
        result.append(column)
    return result


def write_notes(sheet: SheetWriter) -> None:
    """The sheet's pending notes, each wrapped to lines no wider than its columns (text
    running past the last column would widen the printed page), then a blank line."""
    if sheet.notes is None:
        return
    for note in sheet.notes:
        sheet.wrapped_title(note, bold=False)
    sheet.notes = None
    sheet.skip()


def write_table(
    sheet: SheetWriter,
    rows: Sequence[Sequence[Any]],
    records: Sequence[Any] | None = None,
    *,
    header: bool = True,
) -> None:
    """The header (unless one was written) and ``rows``, the columns measured first so the
    header wraps to the widths the figures take. ``records`` feed per-row currency formats."""
    sheet.measure(rows)
    write_notes(sheet)
    if header:
        sheet.header()
    for index, values in enumerate(rows):
        sheet.write_row(values, records[index] if records is not None else None)


def fill(book: WorkbookWriter, color: str) -> Any:
    # Conditional formats need their own (differential) format objects.
    return book.book.add_format({"bg_color": color})


def shade(
    book: WorkbookWriter, sheet: SheetWriter, col: int, criteria: str, value: Any, color: str
) -> None:
    """Shade the cells of column ``col`` in the current block that meet ``criteria value``."""
    first, last = sheet.first_data_row, sheet.last_data_row
    if first is None or last is None:
        return
    sheet.ws.conditional_format(
        first,
        col,
        last,
        col,
        {"type": "cell", "criteria": criteria, "value": value, "format": fill(book, color)},
    )


def shade_positive(book: WorkbookWriter, sheet: SheetWriter, col: int) -> None:
    shade(book, sheet, col, ">", 0, RED_FILL)


def shade_words(book: WorkbookWriter, sheet: SheetWriter, col: int, colors: dict[str, str]) -> None:
    """Shade the cells of column ``col`` holding one of these words."""
    for word, color in colors.items():
        shade(book, sheet, col, "==", f'"{word}"', color)
