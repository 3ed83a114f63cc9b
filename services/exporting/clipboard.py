"""Rows copied from a list for pasting elsewhere: tab-separated text (what spreadsheets and
plain-text mail take) and an HTML table (what Excel, LibreOffice Calc and mail programs take
when offered, as a table with its header row), both from the same cell texts.

The caller gives the texts; numbers should come without grouping and dates in the person's
own short format (what their spreadsheet reads back as numbers and dates). A text that a
spreadsheet would read as the start of a formula (``=``, ``+``, ``-``, ``@``) is kept inert:
quote-prefixed in the tab-separated text, marked as text in the HTML table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.exporting.cells import inert_text

# Text that breaks a tab-separated row (a note typed on several lines, a stray tab).
_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


@dataclass(frozen=True)
class CopiedTable:
    text: str  # tab-separated, header row first, a line per row
    html: str  # the same table as HTML
    rows: int  # data rows, the header not counted


def _tab_cell(text: str, numeric: bool) -> str:
    cell = text.translate(_BREAKS)
    if not numeric and inert_text(text):
        return "'" + cell
    return cell


def _html_cell(text: str, numeric: bool) -> str:
    body = html.escape(text).replace("\r\n", "\n").replace("\n", "<br>")
    if numeric:
        return f'<td style="text-align:right">{body}</td>'
    if inert_text(text):
        # Excel's HTML import: the cell is text, whatever it starts with.
        return f"<td style=\"mso-number-format:'\\@'\">{body}</td>"
    return f"<td>{body}</td>"


def copied_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool],
    *,
    with_html: bool = True,
) -> CopiedTable:
    """``rows`` (cell texts, one per header) as tab-separated text and as an HTML table;
    ``numeric`` says which columns hold numbers (right-aligned, never quote-prefixed).
    ``with_html`` False: the text alone (``html`` empty), for a copy too large for a table
    that a mail program or a spreadsheet would take in reasonable time."""
    if len(numeric) != len(headers):
        raise ValueError("one numeric flag per header")
    # Line feeds only: Qt writes them as CR LF on Windows' clipboard.
    lines = ["\t".join(_tab_cell(h, False) for h in headers)]
    cells_html = ["".join(f"<th>{html.escape(h)}</th>" for h in headers)]
    count = 0
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {count + 1} has {len(row)} cells for {len(headers)} headers")
        lines.append("\t".join(map(_tab_cell, row, numeric)))
        if with_html:
            cells_html.append("".join(map(_html_cell, row, numeric)))
        count += 1
    text = "\n".join(lines) + "\n"
    if not with_html:
        return CopiedTable(text, "", count)
    return CopiedTable(text, html_page(_html_table(cells_html)), count)


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[bool]
) -> str:
    """The rows as an HTML ``<table>`` alone (to place in a page of one's own, as a mail)."""
    cells_html = ["".join(f"<th>{html.escape(h)}</th>" for h in headers)]
    cells_html += ["".join(map(_html_cell, row, numeric)) for row in rows]
    return _html_table(cells_html)


def _html_table(cells_html: list[str]) -> str:
    table = "\n".join(f"<tr>{cells}</tr>" for cells in cells_html)
    return (
        '<table border="1" cellspacing="0" cellpadding="3" style="border-collapse:collapse">'
        f"\n{table}\n</table>"
    )


def html_page(body: str) -> str:
    """``body`` as a page a mail program or a spreadsheet takes from the clipboard."""
    return f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'
