"""Safe, typed, streaming cell writing on top of XlsxWriter (constant-memory mode).

Every export goes through :class:`WorkbookWriter` and :class:`SheetWriter`, so the rules that
keep a workbook safe and readable hold in all of them:

* Text is written with ``write_string``, never ``write``: nothing a vendor typed can turn into
  a formula. Text that *would* start a formula in a spreadsheet (``=``, ``+``, ``-``, ``@``, tab,
  carriage return) also gets Excel's quote prefix, so editing the cell later keeps it text;
  the text itself is written unchanged (no apostrophe is added to the value).
* Control characters that XML cannot hold are written as the ``_xHHHH_`` escapes of the
  Office Open XML standard (XlsxWriter does this), which Excel, LibreOffice and python-calamine
  turn back into the exact text.
* A cell holds at most 32,767 characters: longer text is cut with a visible marker and the
  cut is reported in :attr:`WorkbookWriter.warnings`, never silently.
* Dates are date cells with a date format; money is a number with a currency format;
  Decimal values that a spreadsheet number (a double) cannot hold exactly are written as text
  when ``exact`` is asked for, so an export imports back unchanged.
* Rows stream to disk as they are written (constant memory); column widths are measured on the
  way and applied at the end; the workbook is written to a temporary file next to the target
  and moved into place only when it is complete, so a cancelled or failed export never leaves
  half a file or destroys the previous one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name

from services.errors import RackbookError, UsageError

CellType = Literal["text", "int", "decimal", "money", "date", "bool", "percent", "days"]
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

MAX_CELL_CHARS = 32_767
# What a spreadsheet reads as the start of a formula (or, for tab and CR, what CSV-injection
# payloads hide behind).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CUT_MARKER = "… [cut: {length:,} characters in all]"
# Excel's serial day 0 is 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
MAX_COLUMN_WIDTH = 60
ROW_HEIGHT = 15  # points, Excel's default row
# Progress and the cancel flag are looked at every this many rows.
PROGRESS_EVERY = 1000

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0###"
PERCENT_FORMAT = "0.0%"


class ExportCancelled(RackbookError):
    """The person cancelled the export; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"the export to {path.name} was cancelled; nothing was written")


def inert_text(text: str) -> bool:
    """Whether ``text`` would start a formula if someone typed it into a spreadsheet."""
    return text.startswith(FORMULA_STARTS)


def fit_text(text: str) -> tuple[str, bool]:
    """``text`` cut to what one cell holds, with a marker saying how long it was."""
    if len(text) <= MAX_CELL_CHARS:
        return text, False
    marker = CUT_MARKER.format(length=len(text))
    return text[: MAX_CELL_CHARS - len(marker)] + marker, True


def sheet_name(text: str) -> str:
    """``text`` as Excel allows a sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in text)[:31]
    # Nor may it start or end with an apostrophe.
    return cleaned.strip().strip("'").strip() or "Sheet"


def excel_serial(day: dt.date) -> int:
    return day.toordinal() - EXCEL_EPOCH_ORDINAL


def exact_float(value: Decimal) -> float | None:
    """``value`` as a spreadsheet number when the double holds it exactly, else None."""
    number = float(value)
    return number if Decimal(repr(number)) == value else None


def currency_format(code: str | None) -> str:
    """An Excel currency number format showing the ISO code (``USD 1,250.00``)."""
    if not code:
        return "#,##0.00##"
    safe = "".join(ch for ch in code if ch.isalnum())[:3]
    return f'"{safe} "#,##0.00##;-"{safe} "#,##0.00##'


def _wrapped_lines(value: Any, width: int) -> int:
    """How many lines ``value`` takes in a column wrapping at ``width`` characters."""
    if not isinstance(value, str) or (len(value) <= width and "\n" not in value):
        return 1
    return sum(max(1, -(-len(part) // width)) for part in value.split("\n"))


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the type of its cells, and how it is summed."""

    header: str
    type: CellType = "text"
    # Money columns: where each row's currency code comes from (a key of the row's record,
    # else the column with that header), or a fixed code; neither: a plain number format.
    currency_from: str | None = None
    currency: str | None = None
    # Totals row: a live SUM formula goes under this column.
    total: bool = False
    # Decimal values a double cannot hold are written as text (plain list exports).
    exact: bool = False
    # Long text wraps at this width (characters) instead of widening the column further;
    # rows grow to show every wrapped line.
    wrap: bool = False
    wrap_width: int = 60
    # An Excel number format replacing the type's default.
    num_format: str | None = None
    min_width: float = 0
    comment: str | None = None


class WorkbookWriter:
    """One workbook being written; use as a context manager, ``commit()`` to keep it."""

    def __init__(
        self,
        path: Path,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        total_rows: int = 0,
    ) -> None:
        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise UsageError(f"exports are Excel workbooks: name the file .xlsx, not {path.name}")
        if not path.parent.is_dir():
            raise RackbookError(f"cannot write {path}: the folder {path.parent} does not exist")
        self.path = path
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        self.progress = progress
        self.cancel = cancel
        self.total_rows = total_rows
        self.rows_done = 0
        self.warnings: list[str] = []
        self.sheets: list[SheetWriter] = []
        # Constant-memory mode streams each sheet's rows to a temporary file; keeping them in
        # a folder of our own lets a cancelled export drop them without assembling the file.
        self.scratch = Path(tempfile.mkdtemp(prefix="rackbook-export-"))
        self.book = xlsxwriter.Workbook(
            str(self.partial),
            {
                "constant_memory": True,
                "tmpdir": str(self.scratch),
                # Our strings are text, whatever they look like: never URLs or numbers.
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
            },
        )
        # Unformatted cells sit at the top of their row too (see ``format``).
        self.book.formats[0].set_align("top")
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self._properties: dict[int, dict[str, Any]] = {}
        self._closed = False

    # --- formats ---------------------------------------------------------------------------

    def format(self, **properties: Any) -> Any:
        """A shared XlsxWriter format for these properties (one per distinct set).

        Cells sit at the top of their row unless told otherwise, so a row made taller by
        wrapped text still reads across."""
        properties.setdefault("valign", "top")
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self.book.add_format(properties)
            self._formats[key] = found
            self._properties[id(found)] = dict(properties)
        return found

    def quoted(self, fmt: Any) -> Any:
        """The quote-prefixed twin of a format made by :meth:`format`."""
        if fmt is None:
            return self.format(quote_prefix=True)
        return self.format(**{**self._properties[id(fmt)], "quote_prefix": True})

    # --- sheets ----------------------------------------------------------------------------

    def add_sheet(self, name: str, columns: Sequence[Column]) -> SheetWriter:
        sheet = SheetWriter(self, name, columns)
        self.sheets.append(sheet)
        return sheet

    def add_plain_sheet(self, name: str) -> Any:
        """An XlsxWriter worksheet for free-form content (instructions, lookup lists)."""
        return self.book.add_worksheet(name)

    # --- progress --------------------------------------------------------------------------

    def advance(self, rows: int) -> None:
        """Count ``rows`` written; report progress and honour the cancel flag."""
        self.rows_done += rows
        if self.cancel is not None and self.cancel():
            raise ExportCancelled(self.path)
        if self.progress is not None:
            self.progress(self.rows_done, max(self.total_rows, self.rows_done))

    # --- finishing -------------------------------------------------------------------------

    def commit(self) -> None:
        """Finish every sheet, write the file and move it into place."""
        for sheet in self.sheets:
            sheet.finish()
        self._closed = True
        try:
            self.book.close()
            os.replace(self.partial, self.path)
        except (FileCreateError, OSError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise RackbookError(f"cannot write {self.path}: {reason}") from exc
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        if self.progress is not None:
            self.progress(self.rows_done, self.rows_done)

    def discard(self) -> None:
        """Drop everything written so far, at once (no workbook is assembled)."""
        if not self._closed:
            self._closed = True
            for ws in self.book.worksheets():
                # The open row files must be closed before they can be removed on Windows.
                handle = getattr(ws, "row_data_fh", None)
                with contextlib.suppress(Exception):
                    if handle is not None:
                        handle.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            self.partial.unlink()

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or not self._closed:
            self.discard()


CellWriter = Callable[[int, int, Any, Any], None]


class _FastCells:
    """XlsxWriter's typed cell writers without the decorator that accepts "A1" notation.

    The public ``write_*`` methods only convert A1 strings to numbers before calling these
    (a measurable share of the time on 100,000-row exports, where every call already has
    numbers). Should a later XlsxWriter rename them, the public methods are used instead.
    """

    def __init__(self, ws: Any) -> None:
        self.write_string = getattr(ws, "_write_string", ws.write_string)
        self.write_number = getattr(ws, "_write_number", ws.write_number)
        self.write_boolean = getattr(ws, "_write_boolean", ws.write_boolean)


class SheetWriter:
    """One worksheet written top to bottom: title lines, header, rows, totals."""

    def __init__(self, book: WorkbookWriter, name: str, columns: Sequence[Column]) -> None:
        self.book = book
        self.name = sheet_name(name)
        self.columns = list(columns)
        self.ws = book.book.add_worksheet(self.name)
        self.row = 0
        self.header_row: int | None = None
        self.first_data_row: int | None = None
        self.last_data_row: int | None = None
        self.widths = [max(len(c.header) + 2, c.min_width, 8.0) for c in self.columns]
        self._pending = 0
        self._money_formats: dict[str, Any] = {}
        self._wrapped = [i for i, c in enumerate(self.columns) if c.wrap and c.type == "text"]
        self._values: Sequence[Any] = ()
        # The largest magnitude written in each whole-number column (for its width).
        self._magnitudes: list[Any] = [0] * len(self.columns)
        # Formats for whole columns (cells typed in later, as in an import template).
        self.column_formats: dict[int, Any] = {}
        self._writers = [self._writer_for(i, c) for i, c in enumerate(self.columns)]
        self._autofilter = True

    # --- formats ----------------------------------------------------------------------------

    def _money_format(self, code: str | None, bold: bool = False) -> Any:
        key = f"{code}|{bold}"
        found = self._money_formats.get(key)
        if found is None:
            props: dict[str, Any] = {"num_format": currency_format(code)}
            if bold:
                props["bold"] = True
                props["top"] = 1
            found = self.book.format(**props)
            self._money_formats[key] = found
        return found

    # --- writing ----------------------------------------------------------------------------

    def title(self, text: str, *, bold: bool = True, size: int | None = None) -> None:
        props: dict[str, Any] = {"bold": bold}
        if size:
            props["font_size"] = size
        self.write_text(self.row, 0, text, self.book.format(**props))
        self.row += 1

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def header(self) -> None:
        header = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True}
        left = self.book.format(**header)
        right = self.book.format(**header, align="right")
        for col, column in enumerate(self.columns):
            # Headers of number columns sit right, over their figures.
            fmt = left if column.type in ("text", "bool") else right
            self.write_text(self.row, col, column.header, fmt)
            if column.comment:
                self.ws.write_comment(self.row, col, column.comment)
        self.header_row = self.row
        self.row += 1
        self.first_data_row = self.row

    def write_text(self, row: int, col: int, text: str, fmt: Any = None) -> None:
        """Text as inert text: cut to what a cell holds, quote-prefixed if formula-like."""
        if len(text) > MAX_CELL_CHARS:
            text, _ = fit_text(text)
            self.book.warnings.append(
                f"sheet {self.name!r}, cell {xl_col_to_name(col)}{row + 1}: text longer than "
                f"{MAX_CELL_CHARS:,} characters was cut"
            )
        if text.startswith(FORMULA_STARTS):
            fmt = self.book.quoted(fmt)
        self.ws.write_string(row, col, text, fmt)

    def _writer_for(self, col: int, column: Column) -> CellWriter:
        """A function writing one value of this column (chosen once, used for every row)."""
        ws = _FastCells(self.ws)
        widths = self.widths
        fmt_of = self.book.format

        if column.type == "text":
            # Wrapped text (alerts, notes) gets a small indent: it often follows a
            # right-aligned date or number.
            # Other text goes unformatted (the workbook's default format sits at the top too):
            # a style on each of a million cells is measurable.
            wrap_fmt = fmt_of(text_wrap=True, indent=1) if column.wrap else None
            limit = MAX_COLUMN_WIDTH if not column.wrap else column.wrap_width + 2

            def write_text(row: int, c: int, value: Any, record: Any) -> None:
                text = value if isinstance(value, str) else str(value)
                if not text:
                    return
                if len(text) > MAX_CELL_CHARS or text.startswith(FORMULA_STARTS):
                    self.write_text(row, c, text, wrap_fmt)
                else:
                    ws.write_string(row, c, text, wrap_fmt)
                length = len(text)
                if length > widths[c] - 2:
                    widths[c] = min(length + 2, limit)

            return write_text

        if column.type == "date":
            date_fmt = fmt_of(num_format=column.num_format or DATE_FORMAT)
            widths[col] = max(widths[col], 12)

            def write_date(row: int, c: int, value: Any, record: Any) -> None:
                if isinstance(value, dt.date):
                    ws.write_number(row, c, value.toordinal() - EXCEL_EPOCH_ORDINAL, date_fmt)
                else:
                    self.write_text(row, c, str(value))

            return write_date

        if column.type == "bool":

            def write_bool(row: int, c: int, value: Any, record: Any) -> None:
                ws.write_boolean(row, c, bool(value))

            return write_bool

        if column.type in ("int", "days"):
            int_fmt = fmt_of(
                num_format=column.num_format or (INT_FORMAT if column.type == "int" else "0")
            )

            magnitudes = self._magnitudes

            def write_int(row: int, c: int, value: Any, record: Any) -> None:
                ws.write_number(row, c, value, int_fmt)
                # Widths come from the largest magnitude, measured once at the end.
                if value > magnitudes[c]:
                    magnitudes[c] = value
                elif -value > magnitudes[c]:
                    magnitudes[c] = -value

            return write_int

        if column.type == "percent":
            pct_fmt = fmt_of(num_format=column.num_format or PERCENT_FORMAT)

            def write_percent(row: int, c: int, value: Any, record: Any) -> None:
                # Stored as percent points (5 means 5 %); a percent cell holds the fraction.
                ws.write_number(row, c, float(Decimal(value) / 100), pct_fmt)

            return write_percent

        if column.type in ("decimal", "money"):
            if column.type == "decimal":
                fixed_fmt = fmt_of(num_format=column.num_format or DECIMAL_FORMAT)

                def number_format(record: Any, values: Sequence[Any]) -> Any:
                    return fixed_fmt

            elif column.currency_from:
                source = column.currency_from
                # Rows given as plain values take the code from the column of that header.
                headers = [c.header for c in self.columns]
                source_col = headers.index(source) if source in headers else None
                by_code: dict[str | None, Any] = {}

                def number_format(record: Any, values: Sequence[Any]) -> Any:
                    if record is not None:
                        code = record.get(source)
                    else:
                        code = values[source_col] if source_col is not None else None
                    found = by_code.get(code)
                    if found is None:
                        found = by_code[code] = self._money_format(code)
                    return found

            else:
                fixed_money = self._money_format(column.currency)

                def number_format(record: Any, values: Sequence[Any]) -> Any:
                    return fixed_money

            exact = column.exact
            extra = 6 if column.type == "money" else 2

            def write_number(row: int, c: int, value: Any, record: Any) -> None:
                if isinstance(value, Decimal):
                    number = exact_float(value) if exact else float(value)
                    if number is None:
                        # A double cannot hold it: keep every digit as text.
                        ws.write_string(row, c, str(value))
                        return
                else:
                    number = value
                ws.write_number(row, c, number, number_format(record, self._values))
                length = len(f"{number:,.2f}") + extra
                if length > widths[c] - 2:
                    widths[c] = min(length + 2, MAX_COLUMN_WIDTH)

            return write_number

        raise AssertionError(column.type)

    def write_row(self, values: Sequence[Any], record: Any = None) -> None:
        """One data row; None and "" leave a cell empty. ``record`` (a mapping) feeds per-row
        currency formats; without it they come from the row's own currency column."""
        row = self.row
        self._values = values
        writers = self._writers
        for col, value in enumerate(values):
            if value is not None:
                writers[col](row, col, value, record)
        if self._wrapped:
            lines = max(
                _wrapped_lines(values[col], self.columns[col].wrap_width) for col in self._wrapped
            )
            if lines > 1:
                # Constant-memory mode writes the row out when the next one starts, so its
                # height can still be set here.
                self.ws.set_row(row, ROW_HEIGHT * lines)
        self.last_data_row = row
        self.row += 1
        self._pending += 1
        if self._pending >= PROGRESS_EVERY:
            self.book.advance(self._pending)
            self._pending = 0

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.write_row(values)

    def flush_progress(self) -> None:
        if self._pending:
            self.book.advance(self._pending)
            self._pending = 0

    def totals(
        self,
        label: str,
        *,
        columns: Iterable[int] | None = None,
        condition: tuple[int, str] | None = None,
        values: dict[int, Any] | None = None,
        currency: str | None = None,
    ) -> None:
        """A totals row of live formulas under the data rows.

        ``columns`` (default: every column marked ``total``) get ``SUM`` over the data rows, or
        with ``condition=(column, text)`` ``SUMIF`` over the rows whose cell in that column
        equals ``text`` (totals per currency). ``values`` are the cached results, shown by
        viewers that do not recalculate.
        """
        self.flush_progress()
        row = self.row
        bold = self.book.format(bold=True, top=1)
        self.write_text(row, 0, label, bold)
        wanted = (
            list(columns)
            if columns is not None
            else [i for i, c in enumerate(self.columns) if c.total]
        )
        first, last = self.first_data_row, self.last_data_row
        for col in wanted:
            column = self.columns[col]
            if column.type == "money":
                fmt = self._money_format(currency or column.currency, bold=True)
            elif column.type == "decimal":
                fmt = self.book.format(
                    bold=True, top=1, num_format=column.num_format or DECIMAL_FORMAT
                )
            else:
                fmt = self.book.format(bold=True, top=1, num_format=INT_FORMAT)
            cached = (values or {}).get(col, 0)
            if first is None or last is None:
                self.ws.write_number(row, col, 0, fmt)
                continue
            letter = xl_col_to_name(col)
            cells = f"{letter}{first + 1}:{letter}{last + 1}"
            if condition is None:
                formula = f"=SUM({cells})"
            else:
                key_col, key = condition
                key_letter = xl_col_to_name(key_col)
                key_cells = f"{key_letter}{first + 1}:{key_letter}{last + 1}"
                quoted = key.replace('"', '""')
                formula = f'=SUMIF({key_cells},"{quoted}",{cells})'
            self.ws.write_formula(row, col, formula, fmt, float(cached))
        self.row += 1

    def no_filter(self) -> None:
        self._autofilter = False

    def finish(self) -> None:
        """Column widths, frozen header and auto-filter (XlsxWriter writes them at close)."""
        self.flush_progress()
        for col, magnitude in enumerate(self._magnitudes):
            if magnitude:
                # Digits, thousands separators and a sign.
                digits = len(f"{magnitude:,}") + 3
                self.widths[col] = min(max(self.widths[col], digits), MAX_COLUMN_WIDTH)
        for col, width in enumerate(self.widths):
            column = self.columns[col]
            fmt = self.book.format(text_wrap=True, indent=1) if column.wrap else None
            fmt = self.column_formats.get(col, fmt)
            self.ws.set_column(col, col, round(width, 1), fmt)
        # Printed (or rendered to PDF) landscape, one page wide, the header on every page.
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        if self.header_row is not None:
            self.ws.repeat_rows(self.header_row)
            self.ws.freeze_panes(self.header_row + 1, 0)
            if self._autofilter and self.columns:
                last = self.last_data_row if self.last_data_row is not None else self.header_row
                self.ws.autofilter(self.header_row, 0, last, len(self.columns) - 1)
