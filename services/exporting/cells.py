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
import errno
import os
import shutil
import tempfile
import textwrap
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name

from services.errors import RackbookError, UsageError
from services.words import words

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
# A sheet wider than this many characters is set to print on tabloid paper (about 140
# characters fit across a landscape letter page at full size).
WIDE_SHEET = 200
PAPER_TABLOID = 3
# Column widths count characters of Excel's default font (Calibri); the same text set in
# another font (LibreOffice without Calibri sets it in DejaVu Sans, whose digits set the
# width unit there) takes a little more room, bold more.
FONT_SLACK = 1.05
BOLD_SLACK = 1.15
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


# Before this day Excel's serials count a 29 February 1900 that never was: a serial would
# show the day before; such a date is written as its ISO text instead.
FIRST_TRUE_SERIAL_DAY = dt.date(1900, 3, 1)


def exact_float(value: Decimal) -> float | None:
    """``value`` as a spreadsheet number when the double holds it exactly, else None."""
    number = float(value)
    return number if Decimal(repr(number)) == value else None


def currency_format(code: str | None, places: int | None = None) -> str:
    """An Excel currency number format showing the ISO code (``USD 1,250.00``); ``places``
    fixes the decimals shown (0: whole units, for large sums), else two and up to four."""
    number = "#,##0.00##" if places is None else "#,##0" + ("." + "0" * places if places else "")
    if not code:
        return number
    safe = "".join(ch for ch in code if ch.isalnum())[:3]
    return f'"{safe} "{number};-"{safe} "{number}'


def text_width(length: int) -> float:
    """The column width that shows ``length`` characters of text in any common font."""
    return length * FONT_SLACK + 2


def wrapped_lines(text: str, room: float) -> int:
    """How many lines ``text`` takes wrapped at ``room`` characters (word by word, a word
    longer than the room broken across lines; each newline starts a line)."""
    room = max(int(room), 1)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > room:
                lines += 1
                used = 0
            if size > room:
                lines += (size - 1) // room
                size = size % room or room
            used += size + (1 if used else 0)
        total += lines
    return total


def header_lines(header: str, width: float) -> int:
    """How many lines a wrapped (bold) header takes in a column ``width`` wide."""
    return wrapped_lines(header, (width - 1) / (BOLD_SLACK - 0.05))


def page_text(text: str) -> str:
    """Text for a printed page header or footer, where ``&`` starts a code."""
    return text.replace("&", "&&")


def number_width(column: Column, number: float) -> float:
    """The column width a number needs in its column's format (currency code included)."""
    places = 2 if column.places is None else column.places
    length = len(f"{number:,.{places}f}") + (4 if column.type == "money" else 0)
    return text_width(length)


def _wrapped_lines(value: Any, width: int) -> int:
    """How many lines ``value`` takes in a column wrapping at ``width`` characters."""
    if not isinstance(value, str) or (len(value) <= width and "\n" not in value):
        return 1
    # The column is ``text_width(width)`` wide: one step of indent less.
    return wrapped_lines(value, width * FONT_SLACK + 1)


@dataclass(frozen=True, slots=True)
class Formula:
    """A live formula for a number cell, with its value cached for viewers that do not
    recalculate (a totals row, a sum per customer or per month)."""

    text: str
    cached: Decimal | int | float = 0


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
    # Money columns: the decimals shown (0: whole units), else two and up to four.
    places: int | None = None
    min_width: float = 0
    comment: str | None = None
    # Text set in from the left edge by this many steps (None: 1 for wrapped text, else 0),
    # so it stands apart from a right-aligned figure before it.
    indent: int | None = None
    # Text columns holding codes (statuses, services, price units): written in words
    # (``in_production`` → ``In production``), which the import reads back.
    words: bool = False

    @property
    def indent_steps(self) -> int:
        if self.indent is not None:
            return self.indent
        return 1 if self.wrap else 0


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
        # What the printed pages say at their top after each sheet's name ("as of 2026-12-07
        # — database ops.db"); a sheet may set its own title instead (``page_title``).
        self.heading: str | None = None

    def page_title(self, sheet_name: str) -> str | None:
        return f"{sheet_name} {self.heading}" if self.heading else None

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
            _close_zip_files(exc)
            with contextlib.suppress(OSError):
                self.partial.unlink()
            cause = _os_error(exc)
            reason = (cause.strerror if cause is not None else None) or str(exc)
            if cause is not None and cause.errno == errno.ENOSPC:
                reason = "the disk is full; no file was left behind"
            raise RackbookError(f"cannot write {self.path}: {reason}") from None
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


def _close_zip_files(exc: BaseException) -> None:
    """Close the zip file XlsxWriter left open when writing it failed (a full disk): else
    its ``__del__`` tries again later and prints a traceback of the same failure."""
    seen: BaseException | None = exc
    while seen is not None:
        frame_tb = seen.__traceback__
        while frame_tb is not None:
            for value in list(frame_tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    with contextlib.suppress(Exception):
                        value.fp.close()
                    value.fp = None
            frame_tb = frame_tb.tb_next
        seen = seen.__cause__ or seen.__context__


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (XlsxWriter wraps it in its FileCreateError)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError):
            return seen
        inner = next((a for a in getattr(seen, "args", ()) if isinstance(a, OSError)), None)
        if inner is not None:
            return inner
        seen = seen.__cause__ or seen.__context__
    return None


def _header_width(column: Column) -> float:
    """A column at least as wide as its header's longest word (headers wrap), and 8."""
    longest = max((len(word) for word in column.header.split()), default=0)
    return max(longest * BOLD_SLACK + 2, column.min_width, 8.0)


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
        self.widths = [_header_width(c) for c in self.columns]
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
        # The auto-filter covers the first block of the first table: its last row is kept
        # when another block or table starts.
        self._main_columns = len(self.columns)
        self._filter_set = False
        self._freeze = True
        self._page_breaks: list[int] = []
        self._filter_last: int | None = None
        self._tables = 1
        # Printed at the top of every page (the sheet's title line); None: the workbook's.
        self.page_title: str | None = None
        # Notes still to be written under the title, once the columns are measured.
        self.notes: list[str] | None = None

    # --- formats ----------------------------------------------------------------------------

    def _money_format(self, code: str | None, bold: bool = False, places: int | None = None) -> Any:
        key = f"{code}|{bold}|{places}"
        found = self._money_formats.get(key)
        if found is None:
            props: dict[str, Any] = {"num_format": currency_format(code, places)}
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

    def wrapped_title(self, text: str, *, bold: bool = True) -> None:
        """A title or note over as many lines as it takes to stay within the columns (text
        running past the last column would widen the printed page)."""
        room = max(int((sum(self.widths) - 2) / (BOLD_SLACK if bold else FONT_SLACK)), 60)
        for line in textwrap.wrap(text, room) or [""]:
            self.title(line, bold=bold)

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def header(self) -> None:
        """The header row of the current table: bold, shaded, wrapped to the column widths
        (measured so far: see :meth:`measure`), its height fitting its longest header."""
        # A white rule between header cells keeps a right-aligned header apart from the
        # left-aligned one beside it.
        header = {
            "bold": True,
            "bg_color": "#DCE6F1",
            "bottom": 1,
            "text_wrap": True,
            "right": 1,
            "right_color": "#FFFFFF",
        }
        left = self.book.format(**header)
        right = self.book.format(**header, align="right")
        lines = 1
        for col, column in enumerate(self.columns):
            # Headers of number columns sit right, over their figures.
            fmt = left if column.type in ("text", "bool") else right
            if column.type == "text" and column.indent_steps:
                fmt = self.book.format(**header, indent=column.indent_steps)
            self.write_text(self.row, col, column.header, fmt)
            if column.comment:
                self.ws.write_comment(self.row, col, column.comment)
            lines = max(lines, header_lines(column.header, self.widths[col]))
        if lines > 1:
            self.ws.set_row(self.row, ROW_HEIGHT * lines)
        if self.header_row is None:
            self.header_row = self.row
        self.row += 1
        self.first_data_row = self.row
        self.last_data_row = None

    def measure(
        self, rows: Iterable[Sequence[Any]], columns: Sequence[Column] | None = None
    ) -> None:
        """Widen the columns for ``rows`` before they are written, so the header (written
        first) wraps to the widths the figures will take. ``columns``: those of a table
        still to come on this sheet (default: the current table's)."""
        columns = self.columns if columns is None else columns
        for col, column in enumerate(columns):
            if col >= len(self.widths):
                self.widths.append(_header_width(column))
            else:
                self.widths[col] = max(self.widths[col], _header_width(column))
        for values in rows:
            for col, value in enumerate(values):
                if value is None or value == "":
                    continue
                column = columns[col]
                if isinstance(value, Formula):
                    value = value.cached
                if isinstance(value, str):
                    limit = text_width(column.wrap_width) if column.wrap else MAX_COLUMN_WIDTH
                    longest = max(len(part) for part in value.split("\n"))
                    length = min(text_width(longest), limit)
                elif column.type == "date":
                    length = 12
                elif column.type in ("int", "days"):
                    length = len(f"{value:,}") + 3
                elif column.type in ("decimal", "money"):
                    length = number_width(column, float(value))
                else:
                    length = 8
                if length > self.widths[col]:
                    self.widths[col] = min(length, MAX_COLUMN_WIDTH)

    def _keep_filter_rows(self) -> None:
        if not self._filter_set and self.header_row is not None:
            self._filter_set = True
            self._filter_last = self.last_data_row

    def block(self, label: str | None = None) -> None:
        """Start another block of rows under the same header (its own totals), after a
        label row: the rows above keep their totals, the auto-filter stays on the first."""
        self._keep_filter_rows()
        self.skip()
        if label:
            self.wrapped_title(label)
        self.first_data_row = self.row
        self.last_data_row = None

    def table(
        self, columns: Sequence[Column], title: str | None = None, *, main: bool = False
    ) -> None:
        """Start another table below, with columns of its own (call :meth:`header` next); a
        column is as wide as the widest of its tables needs. The sheet's printed header rows
        and auto-filter are its main table's: the first, unless a later one is ``main`` (the
        long one, after a short one): that one then starts on a new printed page, its header
        repeated on the pages after, and the screen freezes nothing."""
        self.flush_progress()
        self._apply_magnitudes()
        self._keep_filter_rows()
        self._tables += 1
        if main:
            self._page_breaks.append(self.row + 1)
            self.header_row = None
            self._filter_set = False
            self._main_columns = len(columns)
            self._freeze = False
        self.columns = list(columns)
        for col, column in enumerate(self.columns):
            width = _header_width(column)
            if col < len(self.widths):
                self.widths[col] = max(self.widths[col], width)
            else:
                self.widths.append(width)
        self._magnitudes = [0] * len(self.columns)
        self._wrapped = [i for i, c in enumerate(self.columns) if c.wrap and c.type == "text"]
        self._money_formats = {}
        self._writers = [self._writer_for(i, c) for i, c in enumerate(self.columns)]
        self.skip()
        if title:
            self.wrapped_title(title)
        self.first_data_row = self.last_data_row = None

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
        write_word = self._word_writer()
        if column.type == "text":
            return self._text_writer(column, ws)
        if column.type == "date":
            return self._date_writer(col, column, ws, write_word)
        if column.type == "bool":

            def write_bool(row: int, c: int, value: Any, record: Any) -> None:
                ws.write_boolean(row, c, bool(value))

            return write_bool
        if column.type in ("int", "days"):
            return self._int_writer(column, ws, write_word)
        if column.type == "percent":
            return self._percent_writer(column, ws, write_word)
        if column.type in ("decimal", "money"):
            return self._number_writer(column, ws, write_word)
        raise AssertionError(column.type)

    def _word_writer(self) -> Callable[[int, int, str], None]:
        widths = self.widths
        word_fmt = self.book.format(align="right")

        def write_word(row: int, c: int, text: str) -> None:
            # Words in a number column (``unbounded``, ``unknown``) sit right, over the
            # figures; SUM and SUMIF leave them out.
            self.write_text(row, c, text, word_fmt)
            if text_width(len(text)) > widths[c]:
                widths[c] = min(text_width(len(text)), MAX_COLUMN_WIDTH)

        return write_word

    def _text_writer(self, column: Column, ws: _FastCells) -> CellWriter:
        # Wrapped text (alerts, notes) gets a small indent: it often follows a
        # right-aligned date or number.
        # Other text goes unformatted (the workbook's default format sits at the top too):
        # a style on each of a million cells is measurable.
        widths = self.widths
        steps = column.indent_steps
        in_words = column.words
        wrap_fmt = None
        if column.wrap:
            wrap_fmt = self.book.format(text_wrap=True, indent=steps, align="left")
        elif steps:
            wrap_fmt = self.book.format(indent=steps, align="left")
        limit = MAX_COLUMN_WIDTH if not column.wrap else text_width(column.wrap_width)

        said: dict[str, str] = {}

        def write_text(row: int, c: int, value: Any, record: Any) -> None:
            text = value if isinstance(value, str) else str(value)
            if not text:
                return
            if in_words:
                found = said.get(text)
                if found is None:
                    found = said[text] = words(text)
                text = found
            if len(text) > MAX_CELL_CHARS or text.startswith(FORMULA_STARTS):
                self.write_text(row, c, text, wrap_fmt)
            else:
                ws.write_string(row, c, text, wrap_fmt)
            width = len(text) * FONT_SLACK + 2
            if width > widths[c]:
                widths[c] = min(width, limit)

        return write_text

    def _date_writer(
        self, col: int, column: Column, ws: _FastCells, write_word: Callable[[int, int, str], None]
    ) -> CellWriter:
        date_fmt = self.book.format(num_format=column.num_format or DATE_FORMAT)
        self.widths[col] = max(self.widths[col], 12)

        def write_date(row: int, c: int, value: Any, record: Any) -> None:
            if isinstance(value, dt.date) and value >= FIRST_TRUE_SERIAL_DAY:
                ws.write_number(row, c, value.toordinal() - EXCEL_EPOCH_ORDINAL, date_fmt)
            elif isinstance(value, dt.date):
                write_word(row, c, value.isoformat())
            else:
                write_word(row, c, str(value))

        return write_date

    def _int_writer(
        self, column: Column, ws: _FastCells, write_word: Callable[[int, int, str], None]
    ) -> CellWriter:
        int_fmt = self.book.format(
            num_format=column.num_format or (INT_FORMAT if column.type == "int" else "0")
        )
        magnitudes = self._magnitudes

        def write_int(row: int, c: int, value: Any, record: Any) -> None:
            if isinstance(value, str):
                # A word where a count is not known ("unknown").
                write_word(row, c, value)
                return
            if isinstance(value, Formula):
                self.ws.write_formula(row, c, value.text, int_fmt, float(value.cached))
                return
            ws.write_number(row, c, value, int_fmt)
            # Widths come from the largest magnitude, measured once at the end.
            if value > magnitudes[c]:
                magnitudes[c] = value
            elif -value > magnitudes[c]:
                magnitudes[c] = -value

        return write_int

    def _percent_writer(
        self, column: Column, ws: _FastCells, write_word: Callable[[int, int, str], None]
    ) -> CellWriter:
        pct_fmt = self.book.format(num_format=column.num_format or PERCENT_FORMAT)

        def write_percent(row: int, c: int, value: Any, record: Any) -> None:
            if isinstance(value, str):
                write_word(row, c, value)
                return
            # Stored as percent points (5 means 5 %); a percent cell holds the fraction.
            ws.write_number(row, c, float(Decimal(value) / 100), pct_fmt)

        return write_percent

    def _number_format(self, column: Column) -> Callable[[Any, Sequence[Any]], Any]:
        """The format of a decimal or money cell, from its record or row (per-row currency)."""
        if column.type == "decimal":
            fixed_fmt = self.book.format(num_format=column.num_format or DECIMAL_FORMAT)

            def fixed_format(record: Any, values: Sequence[Any]) -> Any:
                return fixed_fmt

            return fixed_format
        if column.currency_from:
            source = column.currency_from
            # Rows given as plain values take the code from the column of that header.
            headers = [c.header for c in self.columns]
            source_col = headers.index(source) if source in headers else None
            by_code: dict[str | None, Any] = {}

            def row_format(record: Any, values: Sequence[Any]) -> Any:
                if record is not None:
                    code = record.get(source)
                else:
                    code = values[source_col] if source_col is not None else None
                found = by_code.get(code)
                if found is None:
                    found = by_code[code] = self._money_format(code, places=column.places)
                return found

            return row_format
        fixed_money = self._money_format(column.currency, places=column.places)

        def money_format(record: Any, values: Sequence[Any]) -> Any:
            return fixed_money

        return money_format

    def _number_writer(
        self, column: Column, ws: _FastCells, write_word: Callable[[int, int, str], None]
    ) -> CellWriter:
        widths = self.widths
        number_format = self._number_format(column)
        exact = column.exact

        def write_number(row: int, c: int, value: Any, record: Any) -> None:
            if isinstance(value, str):
                write_word(row, c, value)
                return
            if isinstance(value, Formula):
                fmt = number_format(record, self._values)
                self.ws.write_formula(row, c, value.text, fmt, float(value.cached))
                value = value.cached
                width = number_width(column, float(value))
                if width > widths[c]:
                    widths[c] = min(width, MAX_COLUMN_WIDTH)
                return
            if isinstance(value, Decimal):
                number = exact_float(value) if exact else float(value)
                if number is None:
                    # A double cannot hold it: keep every digit as text.
                    ws.write_string(row, c, str(value))
                    return
            else:
                number = value
            ws.write_number(row, c, number, number_format(record, self._values))
            width = number_width(column, number)
            if width > widths[c]:
                widths[c] = min(width, MAX_COLUMN_WIDTH)

        return write_number

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
                fmt = self._money_format(
                    currency or column.currency, bold=True, places=column.places
                )
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

    def range_of(self, col: int) -> str | None:
        """The current block's cells of column ``col`` as another sheet names them
        (``'Contracts'!$U$5:$U$9``); None while the block has no rows."""
        first, last = self.first_data_row, self.last_data_row
        if first is None or last is None:
            return None
        letter = xl_col_to_name(col)
        quoted = self.name.replace("'", "''")
        return f"'{quoted}'!${letter}${first + 1}:${letter}${last + 1}"

    def no_filter(self) -> None:
        self._autofilter = False

    def _apply_magnitudes(self) -> None:
        for col, magnitude in enumerate(self._magnitudes):
            if magnitude:
                # Digits, thousands separators and a sign.
                digits = len(f"{magnitude:,}") + 3
                self.widths[col] = min(max(self.widths[col], digits), MAX_COLUMN_WIDTH)

    def finish(self) -> None:
        """Column widths, frozen header, auto-filter and the print set-up (XlsxWriter
        writes them at close)."""
        self.flush_progress()
        self._apply_magnitudes()
        for col, width in enumerate(self.widths):
            column = self.columns[col] if col < len(self.columns) else None
            wraps = column is not None and column.wrap and self._tables == 1
            fmt = self.book.format(text_wrap=True, indent=1, align="left") if wraps else None
            fmt = self.column_formats.get(col, fmt)
            self.ws.set_column(col, col, round(width, 1), fmt)
        # Printed (or rendered to PDF) landscape, one page wide (never one page tall), the
        # header row on every page, and the title line (what, as of when, from which
        # database) at the top of each page, the page number at the foot.
        self.ws.set_landscape()
        self.ws.fit_to_pages(1, 0)
        if sum(self.widths) > WIDE_SHEET:
            # On letter paper a sheet this wide would print below 70 % of its size: ask for
            # 11 × 17 in (tabloid), where it prints near two thirds; a printer without it
            # still fits the sheet one page wide on its own paper.
            self.ws.set_paper(PAPER_TABLOID)
        self.ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
        title = self.page_title or self.book.page_title(self.name)
        if title:
            self.ws.set_header(f"&L&8{page_text(title)}", {"margin": 0.3})
            self.ws.set_footer(f"&L&8{page_text(self.name)}&R&8Page &P of &N", {"margin": 0.3})
        if self._page_breaks:
            self.ws.set_h_pagebreaks(self._page_breaks)
        if self.header_row is not None:
            self.ws.repeat_rows(self.header_row)
            if self._freeze:
                self.ws.freeze_panes(self.header_row + 1, 0)
            if self._autofilter and self._main_columns:
                last = self._filter_last if self._filter_set else self.last_data_row
                if last is None:
                    last = self.header_row
                self.ws.autofilter(self.header_row, 0, last, self._main_columns - 1)
