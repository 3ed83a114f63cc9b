"""The rejected-rows workbook (``--errors OUT.xlsx``): the vendor's own title and header rows,
then each rejected row as it was in the file, its bad cells marked in red with the reason as a
comment, and an added ``Error`` column. Fixed in Excel, it imports again as it is: the header
words are the vendor's, and the ``Error`` column is ignored on import.

openpyxl writes it (it is small: only rejected rows); vendor text that would start a formula
is written as text that cannot execute (DESIGN §6, §8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from services.errors import RackbookError
from services.importing.headers import ERROR_COLUMN
from services.importing.plan import Plan

BAD_FILL = PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    if isinstance(value, dt.datetime | dt.date | int | float | bool) or value is None:
        return value
    return str(value)


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    cell.value = _safe(value)
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # text, never a live formula
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def write_errors(plans: Sequence[Plan], out: str | Path) -> int:
    """Write the rejected rows of ``plans`` to ``out``; returns how many rows were written."""
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
        column_of = {c.header: c.index for c in plan.mapping.columns if c.header}
        out_row = header_row + 2
        for plan_row in rejected:
            cells = sheet.rows[plan_row.index]
            for j, value in enumerate(cells):
                _put(ws, out_row, offset + j, value)
            reasons: dict[int, list[str]] = {}
            for problem in plan_row.problems:
                index = column_of.get(problem.column or "")
                if index is not None:
                    reasons.setdefault(index, []).append(problem.reason)
            for index, texts in reasons.items():
                cell = ws.cell(row=out_row, column=offset + index)
                cell.fill = BAD_FILL
                cell.comment = Comment("\n".join(texts)[:2000], "Rackbook")
            message = "; ".join(
                p.reason
                if p.column and p.reason.startswith(p.column)
                else f"{p.column or p.field}: {p.reason}"
                if p.column
                else p.reason
                for p in plan_row.problems
            )
            _put(ws, out_row, error_col, f"row {plan_row.row}: {message}")
            out_row += 1
            written += 1
        ws.column_dimensions[get_column_letter(error_col)].width = 80
        ws.freeze_panes = ws.cell(row=header_row + 2, column=1)
    if not workbook.sheetnames:
        ws = workbook.create_sheet("Rejected")
        ws["A1"] = "No row was rejected."
    try:
        workbook.save(out)
    except OSError as exc:
        raise RackbookError(f"cannot write {out}: {exc.strerror or exc}") from None
    return written
