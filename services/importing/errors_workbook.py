"""The rejected-rows workbook (``--errors OUT.xlsx``), ready to fix and import again.

From an .xlsx/.xlsm file it is a copy of the vendor's own workbook (openpyxl, macros left
out): the imported sheet keeps its title and header rows, its styles, column widths and
header words, and only the rejected rows (in their order); each bad cell is marked with a
fill and a comment giving the reason, and an ``Error`` column after the last column (styled
like the header row) gives every reason of the row. The other sheets are left out: rows
already imported would otherwise be read again on the next import, and could overwrite
changes made since. Formula cells are written as the values Rackbook read; a formula never
calculated is written as its text, marked like any bad cell.

From .csv, .xls, .xlsb and .ods files, and from workbooks over ``MARKED_COPY_MAX_ROWS`` rows
(openpyxl's normal mode holds every cell: about 640 MB for 100,000 rows), the rejected rows
are written in a new workbook in the same shape: the vendor's title and header rows, then
each rejected row as it was read.

Either way the header words are the vendor's, and the ``Error`` column is ignored on import.
Text that would start a formula is written as text that cannot execute (docs/traps.md).
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from services.errors import RackbookError, UsageError
from services.importing import read
from services.importing.headers import ERROR_COLUMN
from services.importing.plan import Plan, RowPlan

BAD_FILL = PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Above this many rows in the vendor's workbook, openpyxl's normal mode costs too much
# memory (docs/traps.md: 640 MB for 100,000 rows x 15 columns): the rows are rebuilt instead.
MARKED_COPY_MAX_ROWS = 20_000
ERROR_COLUMN_WIDTH = 80


class ErrorsWritten(int):
    """How many rejected rows were written (an ``int``), how (``layout``: ``"marked copy"``
    of the vendor's workbook or ``"rebuilt"``), and ``notes`` saying why a copy was not made."""

    layout: str
    notes: list[str]

    def __new__(cls, rows: int, layout: str, notes: list[str] | None = None) -> ErrorsWritten:
        written = super().__new__(cls, rows)
        written.layout = layout
        written.notes = list(notes or [])
        return written


def refuse_overwriting(source: str | Path, out: str | Path, outcome: str = "") -> None:
    """Refuse an errors workbook that would replace the file being imported (the vendor's
    own file, with every row that was not rejected, would be lost). ``outcome`` ends the
    message (what was not done)."""
    if _same_file(Path(source), Path(out)):
        name = Path(source).name
        raise UsageError(
            f"the rejected rows would be written over {name}, the file being imported: give "
            f"the errors workbook another name; {outcome or f'{name} was left as it is'}"
        )


def _same_file(first: Path, second: Path) -> bool:
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
        return first.resolve() == second.resolve()
    except OSError:
        return False


def write_errors(plans: Sequence[Plan], out: str | Path) -> ErrorsWritten:
    """Write the rejected rows of ``plans`` to ``out``; returns how many rows were written.
    ``out`` may not be the file imported."""
    for plan in plans:
        if plan.file_path:
            refuse_overwriting(plan.file_path, out)
    rejected = [p for p in plans if any(r.action == "rejected" for r in p.rows)]
    notes: list[str] = []
    if rejected:
        reason = _why_not_a_copy(rejected)
        if reason is None:
            try:
                _save(_marked_copy(rejected), out)  # a failure to write out is a RackbookError
            except (
                InvalidFileException,
                KeyError,
                ValueError,
                TypeError,
                IndexError,
                OSError,
                zipfile.BadZipFile,
                read.FileProblem,
            ) as exc:
                reason = f"the vendor's workbook could not be copied ({exc})"
            else:
                return ErrorsWritten(sum(p.count("rejected") for p in rejected), "marked copy")
        if reason:
            notes.append(
                f"rejected rows written in a new workbook, not as a marked copy of "
                f"{rejected[0].file}: {reason}"
            )
    workbook, rows = _rebuilt(plans, notes)
    _save(workbook, out)
    return ErrorsWritten(rows, "rebuilt", notes)


def errors_written_text(written: ErrorsWritten, out: str | Path) -> str:
    """What ``write_errors`` did, in one sentence for the command line and the window."""
    rows = f"{int(written):,} rejected row{'' if written == 1 else 's'}"
    if written.layout == "marked copy":
        return (
            f"{rows} written to {out}: a copy of the vendor's workbook with the bad cells "
            "marked and an Error column"
        )
    return f"{rows} written to {out}, each with an Error column"


def _save(workbook: Workbook, out: str | Path) -> None:
    try:
        workbook.save(out)
    except OSError as exc:
        raise RackbookError(f"cannot write {out}: {exc.strerror or exc}") from None


def _why_not_a_copy(plans: list[Plan]) -> str | None:
    """Why the vendor's workbook cannot be copied ("" when it is no workbook to copy)."""
    first = plans[0]
    if any(p.format not in ("xlsx", "xlsm") for p in plans):
        return ""  # csv, xls, xlsb, ods: openpyxl cannot write them back
    if any(p.file_path != first.file_path for p in plans) or not first.file_path:
        return "the rows come from more than one file"
    path = Path(first.file_path)
    try:
        info = read._xlsx_sheet_info(first.file, path)
        if read.file_sha256(path) != first.sha256:
            return "the file has changed since it was read"
    except (OSError, read.FileProblem):
        return "the file can no longer be read"
    declared = sum(i.rows or 0 for i in info.values())
    rows = max(declared, max(p.sheet.first_row + len(p.sheet.rows) for p in plans))
    if rows > MARKED_COPY_MAX_ROWS:
        return (
            f"its sheets hold {rows:,} rows, and a copy is made only of workbooks of up "
            f"to {MARKED_COPY_MAX_ROWS:,} rows"
        )
    return None


# --- a marked copy of the vendor's workbook ----------------------------------------------


def _marked_copy(plans: list[Plan]) -> Workbook:
    path = Path(plans[0].file_path)
    with path.open("rb") as handle:
        read.sniff(path.name, path, handle.read(64))  # the zip checks, again
    with path.open("rb") as handle:  # a handle: a vendor file named .xls is read all the same
        workbook = openpyxl.load_workbook(handle, keep_vba=False, keep_links=False)
    kept = []
    for plan in plans:
        ws = workbook[plan.sheet_name]
        if not isinstance(ws, Worksheet):
            raise ValueError(f"{plan.sheet_name!r} is not a worksheet")
        _mark_sheet(ws, plan)
        kept.append(ws)
    removed = [s.title for s in workbook.worksheets + workbook.chartsheets if s not in kept]
    for title in removed:
        workbook.remove(workbook[title])
    for name in list(workbook.defined_names):
        text = workbook.defined_names[name].attr_text or ""
        if any(f"{t}!" in text or f"'{t}'!" in text.replace("''", "'") for t in removed):
            del workbook.defined_names[name]
    for ws in kept:
        ws.sheet_state = "visible"
        ws.sheet_view.tabSelected = ws is kept[0]
    workbook.active = workbook.index(kept[0])
    return workbook


def _mark_sheet(ws: Worksheet, plan: Plan) -> None:
    sheet = plan.sheet
    header = sheet.first_row + plan.mapping.header_row
    rejected = [r for r in plan.rows if r.action == "rejected"]
    sources = [r.row for r in rejected]
    _unmerge_data_rows(ws, header, set(sources))
    heights = {
        r: ws.row_dimensions[r].height for r in sources if ws.row_dimensions[r].height is not None
    }
    # Rows are reached cell by cell: ws[row] measures the whole sheet on every call.
    width = ws.max_column
    last = _last_column(ws, [*range(1, header + 1), *sources], width)
    error_col = last + 1
    for cell in _cells(ws, header, width):
        if isinstance(cell.value, str) and cell.value.strip().casefold() == ERROR_COLUMN.casefold():
            error_col = cell.column  # the Error column of an earlier round: written again
            break
    width = max(width, error_col)
    for target, source in enumerate(sources, start=header + 1):
        _values_as_read(ws, plan, source, width)
        if target != source:
            ws.move_range(f"A{source}:{get_column_letter(width)}{source}", rows=target - source)
    end = header + len(sources)
    if ws.max_row > end:
        ws.delete_rows(end + 1, ws.max_row - end)
    for number in [n for n in ws.row_dimensions if n > header]:
        del ws.row_dimensions[number]
    for target, source in enumerate(sources, start=header + 1):
        if source in heights:
            ws.row_dimensions[target].height = heights[source]
    _fit_tables(ws, header, end, error_col)

    heading = _put(ws, header, error_col, ERROR_COLUMN)
    model = ws.cell(row=header, column=last)
    if model.has_style:
        heading._style = copy(model._style)
    else:
        heading.font = Font(bold=True)
    ws.column_dimensions[get_column_letter(error_col)].width = ERROR_COLUMN_WIDTH
    column_of = {c.header: c.index for c in plan.mapping.columns if c.header}
    for target, plan_row in enumerate(rejected, start=header + 1):
        for index, texts in _reasons_by_column(plan_row, column_of).items():
            cell = ws.cell(row=target, column=sheet.first_col + index + 1)
            _show_column(ws, cell.column)
            cell.fill = BAD_FILL
            text = "\n".join(texts)
            if cell.comment is not None:  # the vendor's own note stays, after the reason
                text = f"{text}\n\n{cell.comment.text}"
            cell.comment = Comment(_safe(text[:2000]), "Rackbook")
        _put(ws, target, error_col, _error_text(plan_row))
        for cell in _cells(ws, target, width):
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate  # a link goes with its moved cell


def _show_column(ws: Worksheet, column: int) -> None:
    """A bad cell in a hidden column (mapped with --map) is shown, not left out of sight."""
    for dimension in ws.column_dimensions.values():
        if dimension.hidden and (dimension.min or 0) <= column <= (dimension.max or 0):
            dimension.hidden = False


def _unmerge_data_rows(ws: Worksheet, header: int, sources: set[int]) -> None:
    """Merges reaching below the header row are undone; a value merged down a column (a PO
    number over its lines) is written in each rejected row it covered, as the import read it."""
    for merged in list(ws.merged_cells.ranges):
        if merged.max_row <= header:
            continue
        value = ws.cell(row=merged.min_row, column=merged.min_col).value
        ws.unmerge_cells(merged.coord)
        for row in range(max(merged.min_row + 1, header + 1), merged.max_row + 1):
            if row in sources:
                ws.cell(row=row, column=merged.min_col).value = value


def _cells(ws: Worksheet, row: int, width: int) -> list[Any]:
    return [ws.cell(row=row, column=column) for column in range(1, width + 1)]


def _last_column(ws: Worksheet, rows: list[int], width: int) -> int:
    last = 1
    for number in rows:
        for cell in _cells(ws, number, width):
            if cell.value is not None and cell.value != "" and cell.column > last:
                last = cell.column
    return last


def _values_as_read(ws: Worksheet, plan: Plan, source: int, width: int) -> None:
    """A formula cell holds the value the import read: its formula may refer to rows that
    are gone. A formula never calculated is shown as text (the formula is the value the
    import refused): moved, it would compute from other rows than the vendor's."""
    sheet = plan.sheet
    cells = sheet.rows[source - sheet.first_row] if source >= sheet.first_row else []
    for cell in _cells(ws, source, width):
        if not isinstance(cell, Cell) or cell.data_type != "f":
            continue
        j = cell.column - 1 - sheet.first_col
        value = sheet.uncached_formulas.get((source, j))
        if value is None:
            value = cells[j] if 0 <= j < len(cells) else None
        _set(cell, None if value == "" else value)


def _fit_tables(ws: Worksheet, header: int, end: int, error_col: int) -> None:
    """Tables and the auto-filter end at the last rejected row; a table below the header
    row lost its rows, and goes; filter criteria (which hid rows) are cleared."""
    for table in list(ws.tables.values()):
        min_col, min_row, max_col, _max_row = range_boundaries(table.ref)
        if min_row is None or min_row > header:
            del ws.tables[table.name]
            continue
        if min_row != header:
            continue
        table.ref = (
            f"{get_column_letter(min_col or 1)}{header}:"
            f"{get_column_letter(max_col or error_col)}{max(end, header + 1)}"
        )
        table.totalsRowCount = None
        table.totalsRowShown = None
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
            table.autoFilter.filterColumn = []
            table.autoFilter.sortState = None
    if ws.auto_filter.ref:
        min_col, min_row, max_col, _max_row = range_boundaries(ws.auto_filter.ref)
        if min_row == header:
            ws.auto_filter.ref = (
                f"{get_column_letter(min_col or 1)}{header}:"
                f"{get_column_letter(max_col or error_col)}{max(end, header + 1)}"
            )
            ws.auto_filter.filterColumn = []
            ws.auto_filter.sortState = None


# --- shared -------------------------------------------------------------------------------


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    if isinstance(value, dt.datetime | dt.date | int | float | bool) or value is None:
        return value
    return str(value)


def _set(cell: Any, value: Any) -> Any:
    cell.value = _safe(value)
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # text, never a live formula
    return cell


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = _set(ws.cell(row=row, column=col), value)
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _reasons_by_column(plan_row: RowPlan, column_of: dict[str, int]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = {}
    for problem in plan_row.problems:
        index = column_of.get(problem.column or "")
        if index is not None:
            reasons.setdefault(index, []).append(problem.reason)
    return reasons


def _error_text(plan_row: RowPlan) -> str:
    message = "; ".join(
        p.reason
        if p.column and p.reason.startswith(p.column)
        else f"{p.column or p.field}: {p.reason}"
        if p.column
        else p.reason
        for p in plan_row.problems
    )
    return f"row {plan_row.row}: {message}"


# --- the rows rebuilt in a new workbook ----------------------------------------------------


def _rebuilt(plans: Sequence[Plan], notes: list[str]) -> tuple[Workbook, int]:
    workbook = Workbook()
    workbook.remove(workbook.active)
    written = 0
    for plan in plans:
        rejected = [r for r in plan.rows if r.action == "rejected"]
        if not rejected:
            continue
        title = plan.sheet_name[:31] or "Rejected"
        for ch in "[]:*?/\\":
            title = title.replace(ch, " ")
        ws = workbook.create_sheet(title)
        sheet = plan.sheet
        offset = sheet.first_col + 1  # keep the vendor's columns where they were
        header_row = plan.mapping.header_row
        width = max(sheet.width, 1)
        for i in range(header_row + 1):
            for j, value in enumerate(sheet.rows[i]):
                _put(ws, i + 1, offset + j, value)
        error_col = offset + width
        header_cell = _put(ws, header_row + 1, error_col, ERROR_COLUMN)
        header_cell.font = Font(bold=True, color="FFC00000")
        if notes:
            header_cell.comment = Comment(_safe("\n".join(notes)), "Rackbook")
        column_of = {c.header: c.index for c in plan.mapping.columns if c.header}
        out_row = header_row + 2
        formulas: dict[int, dict[int, str]] = {}
        for (row, col), text in sheet.uncached_formulas.items():
            formulas.setdefault(row, {})[col - sheet.first_col] = text
        for plan_row in rejected:
            cells = dict(enumerate(sheet.rows[plan_row.index]))
            cells.update(formulas.get(plan_row.row, {}))  # shown as the formula, as text
            for j, value in cells.items():
                _put(ws, out_row, offset + j, value)
            for index, texts in _reasons_by_column(plan_row, column_of).items():
                cell = ws.cell(row=out_row, column=offset + index)
                cell.fill = BAD_FILL
                cell.comment = Comment(_safe("\n".join(texts)[:2000]), "Rackbook")
            _put(ws, out_row, error_col, _error_text(plan_row))
            out_row += 1
            written += 1
        ws.column_dimensions[get_column_letter(error_col)].width = ERROR_COLUMN_WIDTH
        ws.freeze_panes = ws.cell(row=header_row + 2, column=1)
    if not workbook.sheetnames:
        ws = workbook.create_sheet("Rejected")
        ws["A1"] = "No row was rejected."
    return workbook, written
