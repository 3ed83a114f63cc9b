"""Reading a vendor file into sheets of raw rows, after checks that keep hostile files out.

Order of work, each step refusing with one clear message (never a traceback):

1. pre-flight: the file exists, is not empty and not larger than ``MAX_FILE_BYTES``;
2. sniffing by content, not by name: a zip (xlsx, xlsm, xlsb, ods), an OLE file (xls, or an
   Excel file protected by a password), or text (CSV); a CSV named ``.xlsx`` is read as CSV;
3. for zip-based files, before any parsing: the archive's declared sizes and compression ratios
   (a zip bomb inflates to gigabytes; its directory says so), no XML part declares a DTD
   (entity expansion), and the sheet's declared dimension is within ``MAX_ROWS``;
4. python-calamine (xlsx, xlsm, xlsb, xls, ods) or the csv module (encoding and delimiter
   detected) turns a sheet into rows of raw cells with the sheet's own row numbers;
5. what calamine does not say, read from the file itself: the rows hidden in the sheet
   (xlsx/xlsm row attributes, ods row visibility, xlsb row headers, xls ROW records),
   and formula cells whose value was never calculated (xlsx/xlsm, ods), which calamine
   reads as blank. For xlsx this is a byte search over the sheet XML, in a thread while
   calamine parses the same sheet.

Macros are never run: calamine reads cell values only.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import unescape as xml_unescape

import python_calamine
from defusedxml import ElementTree as SafeXml

from services.collector import collector_paused, freed_memory_returned
from services.errors import RackbookError

MAX_FILE_BYTES = 250 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024 * 1024
# Sheet XML compresses 10-30 times; a zip bomb's members, thousands of times.
MAX_RATIO = 300
MAX_MEMBERS = 10_000
MAX_ROWS = 1_048_576
_HEAD = 64 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
FORMAT_NAMES = {
    "xlsx": "Excel workbook (.xlsx)",
    "xlsm": "Excel macro workbook (.xlsm)",
    "xlsb": "Excel binary workbook (.xlsb)",
    "xls": "Excel 97-2003 workbook (.xls)",
    "ods": "OpenDocument spreadsheet (.ods)",
    "csv": "CSV text",
}


class FileProblem(RackbookError):
    """The file cannot be read at all (missing, empty, damaged, protected, hostile)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}; nothing was imported.")
        self.file = file
        self.reason = reason


class NoSuchFile(FileProblem):
    """The file is not there (moved, deleted, a drive no longer attached)."""


@dataclass
class Sheet:
    """One sheet's cells as read: ``rows[i][j]`` is the cell in Excel row ``first_row + i``
    and (0-based) column ``first_col + j``; blank cells are ``""``."""

    name: str
    rows: list[list[Any]]
    first_row: int = 1
    first_col: int = 0
    hidden_columns: frozenset[int] = frozenset()
    visible: bool = True
    # Excel row numbers of the rows hidden in the vendor's sheet.
    hidden_rows: frozenset[int] = frozenset()
    # (Excel row, 0-based column) -> "=FORMULA" of each formula cell that holds no calculated
    # value (a file written by a script and never opened in Excel): read as "" above.
    uncached_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # (Excel row, 0-based column) -> "=FORMULA" of each formula cell whose saved value is 0:
    # read as 0 like a typed 0, though it may only be what a sum of nothing came to.
    zero_formulas: dict[tuple[int, int], str] = field(default_factory=dict)

    def excel_row(self, index: int) -> int:
        return self.first_row + index

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Workbook:
    path: Path
    format: str
    sha256: str
    sheet_names: list[str]
    hidden_sheets: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    _load: Callable[[str], Sheet] | None = None
    _cache: dict[str, Sheet] = field(default_factory=dict)
    # CSV only: the separator found, so decimal commas can be presumed after semicolons.
    delimiter: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    def sheet(self, name: str) -> Sheet:
        if name not in self._cache:
            if name not in self.sheet_names:
                known = ", ".join(repr(s) for s in self.sheet_names)
                raise FileProblem(self.name, f"there is no sheet {name!r} (sheets: {known})")
            assert self._load is not None
            self._cache[name] = self._load(name)
            # What the parser freed (its own copy of the sheet) given back before the
            # rows are planned.
            freed_memory_returned()
        return self._cache[name]

    @property
    def visible_sheets(self) -> list[str]:
        return [s for s in self.sheet_names if s not in self.hidden_sheets]


class ReadAhead:
    """A file read in a thread of its own from the moment it is named (``read_file``, then
    its sheets parsed: the one asked for, else every visible one), while the program goes
    on starting: importing the database's libraries, opening the database, reading what it
    holds. python-calamine parses without the GIL, so a command's start-up and the parse
    overlap (measured on 100,000 order lines: see bench/bench_import.py). This module
    imports neither SQLAlchemy nor the models, so the read can start first.

    ``workbook()`` waits for the read and raises what reading raised (a ``FileProblem``
    for a damaged or hostile file, as ``read_file`` would have). The thread is a daemon:
    a command that stops before asking (a usage mistake) does not wait for it."""

    # The GIL's switch interval until the read is done: the reading thread needs the GIL
    # now and then (file reads, its rows made Python lists) and gets it back sooner while
    # this one runs Python (measured: a read beside 0.7 s of busy Python ended at 1.19 s
    # with the default 5 ms, at 1.01 s with 0.5 ms, against 0.96 s alone).
    SWITCH_INTERVAL = 0.0005

    def __init__(self, path: str | Path, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.sheet_name = sheet
        self._done = threading.Event()
        self._workbook: Workbook | None = None
        self._error: BaseException | None = None
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self.SWITCH_INTERVAL))
        threading.Thread(target=self._read, name="rackbook-read-ahead", daemon=True).start()

    def _read(self) -> None:
        try:
            workbook = read_file(self.path)
            names = [self.sheet_name] if self.sheet_name is not None else workbook.visible_sheets
            for name in names:
                workbook.sheet(name)
            self._workbook = workbook
        except BaseException as exc:  # handed to the thread that asks, raised there
            self._error = exc
        finally:
            # Given back when the read ends, whether or not anyone asks for the workbook
            # (a command stopped by a usage mistake, a window's import that failed first).
            sys.setswitchinterval(self._interval)
            self._done.set()

    def workbook(self) -> Workbook:
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._workbook is not None
        return self._workbook


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(path: str | Path) -> Workbook:
    """Check, sniff and open ``path``; sheets are read when first asked for."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NoSuchFile(str(path), "there is no such file") from None
    except OSError as exc:
        raise FileProblem(str(path), f"cannot be opened ({exc.strerror or exc})") from None
    if path.is_dir():
        raise FileProblem(str(path), "is a folder, not a file")
    if size == 0:
        raise FileProblem(name, "the file is empty")
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            name,
            f"the file is {size // 2**20} MB; files over {MAX_FILE_BYTES // 2**20} MB are refused",
        )
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    kind = sniff(name, path, head)
    sha = file_sha256(path)
    suffix = path.suffix.lower().lstrip(".")
    notes = []
    if suffix in FORMAT_NAMES and suffix != kind and {suffix, kind} != {"xlsx", "xlsm"}:
        notes.append(f"the file is named .{suffix} but holds {FORMAT_NAMES[kind]}; read as such")
    if kind == "csv":
        return _csv_workbook(path, sha, notes)
    return _calamine_workbook(path, kind, sha, notes)


def sniff(name: str, path: Path, head: bytes) -> str:
    """The format by content: xlsx, xlsm, xlsb, ods, xls or csv (or a FileProblem)."""
    if head.startswith(ZIP_MAGICS):
        return _check_zip(name, path)
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"E\x00n\x00c\x00r\x00y\x00p" in data:
            raise FileProblem(
                name,
                "the workbook is protected by a password; save an unprotected copy "
                "in Excel (File > Info > Protect Workbook) and import that",
            )
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<?xml", b"<html", b"<!doctype", b"<table")):
        raise FileProblem(
            name,
            "holds a web page or XML text, not a spreadsheet; open it in Excel and "
            "save it as .xlsx",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text with its byte order mark
    if b"\x00" in head and not _utf16_without_mark(head):
        raise FileProblem(name, "is not a spreadsheet or CSV file Rackbook can read")
    return "csv"


def _utf16_without_mark(head: bytes) -> bool:
    """UTF-16 text without its byte order mark: its ASCII characters (the headers, the
    commas) put a zero byte always on the same side of each pair, never on the other."""
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    return (zeros_even == 0) != (zeros_odd == 0) and max(zeros_even, zeros_odd) >= len(odd) // 4


def _check_zip(name: str, path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileProblem(
            name, "the file is damaged or incomplete (not a readable archive)"
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise FileProblem(name, f"the archive holds {len(infos)} parts; refused as unsafe")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileProblem(
                name, f"the archive would unpack to {total // 2**20} MB; refused as unsafe"
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1_000_000 and ratio > MAX_RATIO:
                raise FileProblem(
                    name,
                    f"part {info.filename} is compressed {ratio:.0f} to 1 (a zip bomb?); "
                    "refused as unsafe",
                )
        names = {i.filename for i in infos}
        if "EncryptedPackage" in names:
            raise FileProblem(name, "the workbook is protected by a password")
        try:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(info) as part:
                        part_head = part.read(_HEAD)
                    if b"<!DOCTYPE" in part_head or b"<!ENTITY" in part_head:
                        raise FileProblem(
                            name,
                            f"part {info.filename} declares XML entities (a document "
                            "type definition), which spreadsheets never need; refused as unsafe",
                        )
            if "xl/workbook.xml" in names:
                return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mimetype:
                    return "ods"
        except (zipfile.BadZipFile, EOFError, OSError, zlib_error()):
            raise FileProblem(name, "the file is damaged or incomplete") from None
    if any(n.startswith("word/") for n in names):
        raise FileProblem(name, "is a Word document, not a spreadsheet")
    raise FileProblem(name, "is a zip archive, not a spreadsheet")


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


# --- xlsx structure read cheaply, before calamine parses anything ---------------------------

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_COL = re.compile(rb"<(?:\w+:)?col\s([^>]*)/?>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


@dataclass
class _XlsxSheetInfo:
    rows: int | None
    hidden_columns: frozenset[int]
    part: str = ""
    prefix: bytes = b""  # the namespace prefix of the sheet's elements ("x:"), mostly none


_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")


def _xlsx_sheet_info(name: str, path: Path) -> dict[str, _XlsxSheetInfo]:
    """Per sheet: the declared number of rows and the hidden columns (from ``<cols>``)."""
    info: dict[str, _XlsxSheetInfo] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            book = SafeXml.fromstring(archive.read("xl/workbook.xml"))
            rels = SafeXml.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in book.iter(f"{_NS_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_NS_REL}id"), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                try:
                    with archive.open(part) as stream:
                        head = stream.read(_HEAD)
                except KeyError:
                    continue
                data_tag = _SHEET_DATA.search(head)
                prefix = (data_tag.group(1) or b"") if data_tag else b""
                head = head[: data_tag.start()] if data_tag else head
                dimension = _DIMENSION.search(head)
                hidden: set[int] = set()
                for col in _COL.finditer(head):
                    attrs = dict(_ATTR.findall(col.group(1)))
                    if attrs.get(b"hidden") in (b"1", b"true"):
                        low, high = int(attrs.get(b"min", 1)), int(attrs.get(b"max", 1))
                        hidden.update(range(low - 1, min(high, 16384)))
                info[sheet.get("name", "")] = _XlsxSheetInfo(
                    int(dimension.group(1)) if dimension else None, frozenset(hidden), part, prefix
                )
    except (KeyError, ValueError, SyntaxError, zipfile.BadZipFile):
        # defusedxml's EntitiesForbidden is a ValueError; a malformed part, a SyntaxError.
        raise FileProblem(name, "the workbook's structure is damaged or unsafe") from None
    return info


# --- hidden rows and formulas never calculated, found by byte searches ----------------------

_SCAN_BLOCK = 1 << 20  # 1 MB: as fast as larger blocks, 20 MB less at the peak
_XML_ESCAPES = {"&quot;": '"', "&apos;": "'"}
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


@dataclass
class RowMarks:
    """What the sheet XML says and calamine does not: hidden rows, and formula cells whose
    value was never calculated (calamine reads them as ``""``)."""

    hidden_rows: set[int] = field(default_factory=set)
    uncached_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    zero_formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _row_hidden(attrs: dict[bytes, bytes]) -> bool:
    """A row hidden in the sheet: ``hidden="1"``, or a height of zero (``ht="0"``), which
    Excel shows as hidden just the same."""
    if attrs.get(b"hidden") in (b"1", b"true"):
        return True
    height = attrs.get(b"ht")
    if height is None:
        return False
    try:
        return float(height) == 0.0
    except ValueError:
        return False


def column_index(letters: str) -> int:
    """``"A"`` → 0, ``"AA"`` → 26."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


class _XlsxRowScan:
    """One pass over a sheet part, block by block (blocks end at a row's end), with cheap
    searches deciding whether a block needs any closer look: a sheet without hidden rows and
    formulas costs its decompression and two ``bytes.find`` per block (the 100,000-line
    benchmark sheet, 70 MB of XML: about 0.25 s of work, run while calamine parses)."""

    def __init__(self, prefix: bytes) -> None:
        self.marks = RowMarks()
        self.row_open = b"<" + prefix + b"row"
        self.row_close = b"</" + prefix + b"row>"
        self.cell_open = b"<" + prefix + b"c"
        self.cell_close = b"</" + prefix + b"c>"
        self.formula_open = b"<" + prefix + b"f"
        self.formula_close = b"</" + prefix + b"f>"
        self.value_open = b"<" + prefix + b"v"
        self.value_text = b"<" + prefix + b"v>"
        # A sheet holds a formula's text (``</f>``) before any cell that only shares it.
        self.has_formulas = False
        # Shared formulas by their index: the text and the cell it is written for.
        self.shared: dict[bytes, tuple[str, str]] = {}
        # Whether rows carry their number (None until the first row is seen), and the last
        # row counted when they do not.
        self.numbered: bool | None = None
        self.last_row = 0

    def feed(self, block: bytes, end: int) -> None:
        """Look at ``block[:end]``, which ends with a row's end (no copy is made of it)."""
        if self.numbered is None:
            self._learn_numbering(block, end)
        if self.numbered is False:
            self._count_rows(block, end)
        else:
            for marker in (b'hidden="', b' ht="0'):
                first = block.find(marker, 0, end)
                if first != -1:
                    self._hidden_rows(block, first, end, marker)
        if not self.has_formulas:
            self.has_formulas = block.find(self.formula_close, 0, end) != -1
        if self.has_formulas:
            self._formulas(block, end)

    @staticmethod
    def _tag_start(block: bytes, pos: int, opening: bytes) -> int:
        """Where the last ``opening`` tag (``<row``, not ``<rowBreaks``) before ``pos`` starts."""
        size = len(opening)
        start = block.rfind(opening, 0, pos)
        while start != -1 and block[start + size : start + size + 1] not in (b" ", b">", b"/"):
            start = block.rfind(opening, 0, start)
        return start

    def _learn_numbering(self, block: bytes, end: int) -> None:
        """Whether the sheet's rows carry their number (``r=``), as nearly every writer
        does; a sheet whose first row does not is numbered by counting its rows."""
        start = self._next_tag(block, 0, end, self.row_open)
        if start != -1:
            tag_end = block.find(b">", start, end)
            self.numbered = b"r" in dict(_ATTR.findall(block[start:tag_end]))

    def _next_tag(self, block: bytes, pos: int, end: int, opening: bytes) -> int:
        """Where the next ``opening`` tag (``<row``, not ``<rowBreaks``) from ``pos`` starts."""
        size = len(opening)
        start = block.find(opening, pos, end)
        while start != -1 and block[start + size : start + size + 1] not in (b" ", b">", b"/"):
            start = block.find(opening, start + 1, end)
        return start

    def _count_rows(self, block: bytes, end: int) -> None:
        """Rows without ``r=``: every row tag is read. A row's number is its own ``r=``, else
        its first cell's (``r="A6"``, which is where calamine puts the cell), else the one
        after the row before."""
        start = self._next_tag(block, 0, end, self.row_open)
        while start != -1:
            tag_end = block.find(b">", start, end)
            attrs = dict(_ATTR.findall(block[start:tag_end]))
            number = attrs.get(b"r", b"")
            if not number.isdigit() and block[tag_end - 1] != 0x2F:  # not <row .../>
                row_end = block.find(self.row_close, tag_end, end)
                row_end = end if row_end == -1 else row_end
                cell = self._next_tag(block, tag_end, row_end, self.cell_open)
                if cell != -1:
                    cell_end = block.find(b">", cell, row_end)
                    found = _CELL_REF.fullmatch(
                        dict(_ATTR.findall(block[cell:cell_end])).get(b"r", b"").decode("latin-1")
                    )
                    number = found.group(2).encode() if found else b""
            self.last_row = int(number) if number.isdigit() else self.last_row + 1
            if _row_hidden(attrs):
                self.marks.hidden_rows.add(self.last_row)
            start = self._next_tag(block, tag_end, end, self.row_open)

    def _hidden_rows(self, block: bytes, pos: int, end: int, marker: bytes) -> None:
        while pos != -1:
            start = self._tag_start(block, pos, self.row_open)
            tag_end = block.find(b">", start) if start != -1 else -1
            if tag_end > pos:  # the attribute is the row's, not a column's or a cell text's
                attrs = dict(_ATTR.findall(block[start:tag_end]))
                if _row_hidden(attrs):
                    number = self._row_number(block, attrs, tag_end, end)
                    if number is not None:
                        self.marks.hidden_rows.add(number)
            pos = block.find(marker, pos + len(marker), end)

    def _row_number(
        self, block: bytes, attrs: dict[bytes, bytes], tag_end: int, end: int
    ) -> int | None:
        """A row's number: its ``r=``, else its first cell's (``r="A6"``), as in a sheet
        whose writer numbers some rows only."""
        number = attrs.get(b"r", b"")
        if number.isdigit():
            return int(number)
        if block[tag_end - 1] == 0x2F:  # <row .../>: an empty row and no number to find
            return None
        row_end = block.find(self.row_close, tag_end, end)
        row_end = end if row_end == -1 else row_end
        cell = self._next_tag(block, tag_end, row_end, self.cell_open)
        if cell == -1:
            return None
        cell_end = block.find(b">", cell, row_end)
        found = _CELL_REF.fullmatch(
            dict(_ATTR.findall(block[cell:cell_end])).get(b"r", b"").decode("latin-1")
        )
        return int(found.group(2)) if found else None

    def _formulas(self, block: bytes, end: int) -> None:
        opening, size = self.formula_open, len(self.formula_open)
        pos = block.find(opening, 0, end)
        while pos != -1:
            if block[pos + size : pos + size + 1] not in (b" ", b">", b"/"):
                pos = block.find(opening, pos + 1, end)
                continue
            tag_end = block.find(b">", pos, end)
            if block[tag_end - 1] == 0x2F:  # <f .../>: a cell sharing a formula
                after = tag_end + 1
            else:
                after = block.find(self.formula_close, tag_end, end)
                if tag_end == -1 or after == -1:
                    pos = block.find(opening, pos + 1, end)
                    continue
                after += len(self.formula_close)
            # The usual cell: a value right after its formula. Nothing more to read, unless
            # the formula is shared from here (``ref=``): the cells sharing it need its text.
            if (
                block.startswith(self.value_text, after)
                and block[after + len(self.value_text)] != 0x3C  # not <v></v>
                and block.find(b'ref="', pos, tag_end) == -1
            ):
                value = after + len(self.value_text)
                if block.startswith(b"0<", value):
                    self._zero_formula(block, pos, tag_end)
                pos = block.find(opening, after, end)
                continue
            cell = self._tag_start(block, pos, self.cell_open)
            cell_end = block.find(self.cell_close, pos, end)
            if cell == -1 or cell_end == -1:
                pos = block.find(opening, pos + 1, end)
                continue
            self._formula_cell(block[cell:pos], block[pos:cell_end])
            pos = block.find(opening, cell_end, end)

    def _zero_formula(self, block: bytes, pos: int, tag_end: int) -> None:
        """A formula whose saved value is 0 (``<f>SUM(B2:B9)</f><v>0</v>``): kept, so the
        plan can tell it apart from a 0 typed in the cell."""
        cell = self._tag_start(block, pos, self.cell_open)
        if cell == -1:
            return
        attrs = dict(_ATTR.findall(block[cell:pos]))
        if attrs.get(b"t") not in (None, b"n"):
            return  # a text or a yes/no that happens to read 0
        found = _CELL_REF.fullmatch(attrs.get(b"r", b"").decode("ascii", "replace"))
        if found is None:
            return
        if block[tag_end - 1] == 0x2F:  # <f .../>: a cell sharing a formula written above
            formula = "a shared formula"
        else:
            text = block[tag_end + 1 : block.find(self.formula_close, tag_end)].decode(
                "utf-8", "replace"
            )
            formula = "=" + xml_unescape(text, _XML_ESCAPES)
        self.marks.zero_formulas[int(found.group(2)), column_index(found.group(1))] = formula

    def _formula_cell(self, cell_tag: bytes, content: bytes) -> None:
        """``content``: from ``<f`` to the cell's end."""
        cell = dict(_ATTR.findall(cell_tag))
        tag_end = content.find(b">")
        formula_tag = content[: tag_end + 1]
        attrs = dict(_ATTR.findall(formula_tag))
        if formula_tag.endswith(b"/>"):
            text, rest = None, content[tag_end + 1 :]
        else:
            close = content.find(self.formula_close, tag_end)
            text = content[tag_end + 1 : close].decode("utf-8", "replace")
            rest = content[close + len(self.formula_close) :]
        ref = cell.get(b"r", b"").decode("ascii", "replace")
        if attrs.get(b"t") == b"shared" and b"si" in attrs:
            if text:
                self.shared[attrs[b"si"]] = (text, ref)
            elif attrs[b"si"] in self.shared:
                text = _shared_formula(*self.shared[attrs[b"si"]], ref)
        value = rest.find(self.value_open)
        if value != -1:
            start = rest.find(b">", value) + 1
            if rest[start - 2 : start] != b"/>" and rest[start : start + 1] != b"<":
                return  # a calculated value
            if cell.get(b"t") == b"str":
                return  # a calculated empty text
        found = _CELL_REF.fullmatch(ref)
        if found is None:
            return
        formula = "=" + xml_unescape(text or "", _XML_ESCAPES)
        self.marks.uncached_formulas[int(found.group(2)), column_index(found.group(1))] = formula


def _shared_formula(text: str, origin: str, ref: str) -> str:
    """A shared formula's text as it reads in the cell ``ref``."""
    from openpyxl.formula.translate import Translator, TranslatorError

    try:
        return str(Translator("=" + text, origin=origin).translate_formula(ref))[1:]
    except (TranslatorError, ValueError):
        return text


def scan_xlsx_rows(path: Path, part: str, prefix: bytes = b"") -> RowMarks:
    """Hidden rows and formulas never calculated in one sheet part of an xlsx/xlsm file.

    The part is streamed (its size was checked against the zip-bomb limits before), never
    parsed as XML: only byte searches, and attributes read from the few tags they find."""
    scan = _XlsxRowScan(prefix)
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        carry = b""
        while True:
            chunk = stream.read(_SCAN_BLOCK)
            if not chunk:
                break
            block = carry + chunk
            cut = block.rfind(scan.row_close)
            if cut == -1:
                carry = block
                continue
            cut += len(scan.row_close)
            scan.feed(block, cut)
            carry = block[cut:]
        if carry:
            scan.feed(carry, len(carry))
    return scan.marks


# --- .xlsb: hidden rows from the row header records ---------------------------------------

_BRT_ROW_HDR = 0x00
_BRT_BUNDLE_SH = 0x9C


def _xlsb_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, start of its data, size) of each record of an MS-XLSB part: a type and
    a size of 7 bits a byte, the high bit saying another byte follows."""
    pos, end = 0, len(data)
    while pos < end:
        kind = data[pos]
        pos += 1
        if kind & 0x80:
            kind = (kind & 0x7F) | ((data[pos] & 0x7F) << 7)
            pos += 1
        size = shift = 0
        for _ in range(4):
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, pos, size
        pos += size


def _xlsb_sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part, from the workbook part's sheet records and their relationships."""
    with zipfile.ZipFile(path) as archive:
        book = archive.read("xl/workbook.bin")
        rels = SafeXml.fromstring(archive.read("xl/_rels/workbook.bin.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for kind, start, size in _xlsb_records(book):
        if kind != _BRT_BUNDLE_SH:
            continue
        record = book[start : start + size]
        texts, pos = [], 8  # after the sheet's state and tab id
        for _ in range(2):  # its relationship id, then its name
            count = int.from_bytes(record[pos : pos + 4], "little")
            pos += 4
            if count == 0xFFFFFFFF:
                texts.append("")
                continue
            texts.append(record[pos : pos + 2 * count].decode("utf-16-le"))
            pos += 2 * count
        target = targets.get(texts[0], "")
        if target:
            parts[texts[1]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def scan_xlsb_rows(path: Path, part: str) -> RowMarks:
    """Hidden rows of one sheet part of an .xlsb file: the ``fDyZero`` flag of each row header
    (BrtRowHdr: bit 4 of its 12th byte). Formulas in .xlsb always keep their value."""
    marks = RowMarks()
    with zipfile.ZipFile(path) as archive:
        data = archive.read(part)
    for kind, start, size in _xlsb_records(data):
        if kind == _BRT_ROW_HDR and size >= 12 and data[start + 11] & 0x10:
            marks.hidden_rows.add(int.from_bytes(data[start : start + 4], "little") + 1)
    return marks


# --- .xls: hidden rows from the ROW records of the BIFF8 stream -----------------------------

_OLE_FREE = 0xFFFFFFFA  # sector numbers from here on mark the end of a chain, or none
_BIFF_BOF, _BIFF_EOF, _BIFF_ROW, _BIFF_BOUNDSHEET = 0x0809, 0x000A, 0x0208, 0x0085


def _ole_stream(data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The first stream named one of ``wanted`` in an OLE compound file ([MS-CFB]): the
    sector tables read from the header, then the stream's chain of sectors (or mini
    sectors, for a stream under the cut-off size). Raises ValueError when it is not there."""

    def number(offset: int) -> int:
        return int.from_bytes(data[offset : offset + 4], "little")

    size_of = 1 << int.from_bytes(data[0x1E:0x20], "little")
    mini_size = 1 << int.from_bytes(data[0x20:0x22], "little")

    def sector(index: int) -> bytes:
        start = (index + 1) * size_of
        if index >= _OLE_FREE or start >= len(data):
            raise ValueError("a sector outside the file")
        return data[start : start + size_of]

    def chain(start: int, table: list[int]) -> list[int]:
        found: list[int] = []
        while start < _OLE_FREE:
            if start >= len(table) or len(found) > len(table):
                raise ValueError("a broken sector chain")
            found.append(start)
            start = table[start]
        return found

    def numbers(raw: bytes) -> list[int]:
        return [int.from_bytes(raw[i : i + 4], "little") for i in range(0, len(raw), 4)]

    difat = [number(0x4C + 4 * i) for i in range(109)]
    extra, count = number(0x44), number(0x48)
    for _ in range(min(count, len(data) // size_of)):  # a forged count cannot spin
        if extra >= _OLE_FREE:
            break
        listed = numbers(sector(extra))
        difat.extend(listed[:-1])
        extra = listed[-1]
    fat_sectors = [s for s in difat if s < _OLE_FREE][: number(0x2C)]
    fat = numbers(b"".join(sector(s) for s in fat_sectors))
    directory = b"".join(sector(s) for s in chain(number(0x30), fat))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise ValueError("no directory")
    root = entries[0]
    for entry in entries:
        length = int.from_bytes(entry[64:66], "little")
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if entry[66] != 2 or name not in wanted:  # 2: a stream
            continue
        start = int.from_bytes(entry[116:120], "little")
        size = int.from_bytes(entry[120:124], "little")
        if size >= number(0x38):  # at or over the mini stream cut-off: plain sectors
            return b"".join(sector(s) for s in chain(start, fat))[:size]
        mini_fat = numbers(b"".join(sector(s) for s in chain(number(0x3C), fat)))
        ministream = b"".join(
            sector(s) for s in chain(int.from_bytes(root[116:120], "little"), fat)
        )
        return b"".join(
            ministream[i * mini_size : (i + 1) * mini_size] for i in chain(start, mini_fat)
        )[:size]
    raise ValueError("no workbook stream")


def scan_xls_rows(path: Path, sheet_name: str) -> RowMarks:
    """Hidden rows of one sheet of an Excel 97-2003 workbook: the ``fDyZero`` flag (0x20) of
    each ROW record of the sheet's BIFF8 substream. Formulas there always keep their value.
    An older (BIFF5) workbook is not looked at."""
    marks = RowMarks()
    stream = _ole_stream(path.read_bytes(), ("Workbook", "Book"))

    def records(pos: int) -> Iterator[tuple[int, int, int]]:
        while pos + 4 <= len(stream):
            kind = int.from_bytes(stream[pos : pos + 2], "little")
            size = int.from_bytes(stream[pos + 2 : pos + 4], "little")
            yield kind, pos + 4, size
            pos += 4 + size

    first = next(records(0), None)
    if first is None or first[0] != _BIFF_BOF or stream[first[1] : first[1] + 2] != b"\x00\x06":
        return marks  # not BIFF8
    sheet_at = None
    for kind, body, _size in records(0):
        if kind == _BIFF_BOUNDSHEET:
            count, wide = stream[body + 6], stream[body + 7] & 1
            raw = stream[body + 8 : body + 8 + count * (2 if wide else 1)]
            if raw.decode("utf-16-le" if wide else "latin-1") == sheet_name:
                sheet_at = int.from_bytes(stream[body : body + 4], "little")
        elif kind == _BIFF_EOF:
            break
    if sheet_at is None:
        return marks
    depth = 0
    for kind, body, size in records(sheet_at):
        if kind == _BIFF_BOF:
            depth += 1
        elif kind == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        elif kind == _BIFF_ROW and depth == 1 and size >= 14 and stream[body + 12] & 0x20:
            marks.hidden_rows.add(int.from_bytes(stream[body : body + 2], "little") + 1)
    return marks


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_VALUE_OF = {
    "float": "value",
    "percentage": "value",
    "currency": "value",
    "date": "date-value",
    "time": "time-value",
    "boolean": "boolean-value",
}


def scan_ods_rows(path: Path, sheet_name: str, last_row: int) -> RowMarks:
    """Hidden rows (``table:visibility`` collapse or filter, repeated rows counted) and
    formula cells without a value in one table of an .ods file, up to ``last_row``."""
    marks = RowMarks()
    with zipfile.ZipFile(path) as archive:
        with archive.open("content.xml") as stream:
            found = False
            carry = b""
            while chunk := stream.read(_SCAN_BLOCK):
                block = carry + chunk
                if b'table:visibility="' in block or b"table:formula=" in block:
                    found = True
                    break
                carry = block[-32:]
        if not found:
            return marks
        with archive.open("content.xml") as stream:
            _ods_marks(stream, sheet_name, last_row, marks)
    return marks


def _ods_marks(stream: Any, sheet_name: str, last_row: int, marks: RowMarks) -> None:
    table, row_tag = _ODS_TABLE + "table", _ODS_TABLE + "table-row"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    inside = False
    row = column = 0
    for event, element in SafeXml.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if tag == table:
            if event == "start":
                inside = element.get(_ODS_TABLE + "name") == sheet_name
                row = 0
            elif inside:
                return
            continue
        if not inside:
            if event == "end" and tag == row_tag:
                element.clear()
            continue
        if tag == row_tag:
            repeated = int(element.get(_ODS_TABLE + "number-rows-repeated", "1") or 1)
            if event == "start":
                column = 0
                if element.get(_ODS_TABLE + "visibility") in ("collapse", "filter"):
                    marks.hidden_rows.update(range(row + 1, min(row + repeated, last_row) + 1))
            else:
                row += repeated
                element.clear()
                if row >= last_row:
                    return
        elif tag in cell_tags and event == "start":
            formula = element.get(_ODS_TABLE + "formula")
            if formula and row < last_row:
                kind = element.get(_ODS_OFFICE + "value-type")
                value_attr = _ODS_VALUE_OF.get(kind or "")
                if kind is None or (
                    value_attr is not None and element.get(_ODS_OFFICE + value_attr) is None
                ):
                    text = formula.split(":", 1)[1] if formula.startswith("of:") else formula
                    marks.uncached_formulas[row + 1, column] = text
            column += int(element.get(_ODS_TABLE + "number-columns-repeated", "1") or 1)


# --- calamine ---------------------------------------------------------------------------------


def _calamine_error(name: str, exc: BaseException) -> FileProblem:
    text = str(exc)
    if isinstance(exc, python_calamine.PasswordError) or "password" in text.lower():
        return FileProblem(name, "the workbook is protected by a password")
    if "EntitiesForbidden" in text or "entit" in text.lower():
        return FileProblem(name, "the workbook declares XML entities; refused as unsafe")
    return FileProblem(name, "the file is damaged or incomplete and cannot be read")


def _calamine_workbook(path: Path, kind: str, sha: str, notes: list[str]) -> Workbook:
    sheet_info, xlsb_parts = _sheet_parts(path, kind)
    name = path.name
    try:
        with path.open("rb") as handle:
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
        metadata = book.sheets_metadata
    except Exception as exc:  # calamine raises its own, ValueError and others
        raise _calamine_error(name, exc) from None
    hidden = frozenset(
        m.name for m in metadata if m.visible != python_calamine.SheetVisibleEnum.Visible
    )
    worksheets = [
        m.name for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
    ] or list(book.sheet_names)
    load = partial(_CalamineSheets(path, kind, book, sheet_info, xlsb_parts, notes).load, hidden)
    return Workbook(path, kind, sha, worksheets, hidden, notes, load)


def _sheet_parts(path: Path, kind: str) -> tuple[dict[str, _XlsxSheetInfo], dict[str, str]]:
    """What the workbook's own parts say of its sheets before calamine reads any (an
    xlsx's declared sizes, refused when too large; an xlsb's sheet parts)."""
    name = path.name
    sheet_info = _xlsx_sheet_info(name, path) if kind in ("xlsx", "xlsm") else {}
    xlsb_parts: dict[str, str] = {}
    if kind == "xlsb":
        try:
            xlsb_parts = _xlsb_sheet_parts(path)
        except (KeyError, ValueError, SyntaxError, IndexError, zipfile.BadZipFile):
            raise FileProblem(name, "the workbook's structure is damaged or unsafe") from None
    for sheet_name, info in sheet_info.items():
        if info.rows is not None and info.rows > MAX_ROWS:
            raise FileProblem(
                name,
                f"sheet {sheet_name!r} declares {info.rows:,} rows; at most {MAX_ROWS:,} are read",
            )
    return sheet_info, xlsb_parts


class _CalamineSheets:
    """One sheet at a time from a workbook calamine opened, with the rows the file itself
    marks (hidden, formulas never calculated) searched in its XML meanwhile."""

    def __init__(
        self,
        path: Path,
        kind: str,
        book: Any,
        sheet_info: dict[str, _XlsxSheetInfo],
        xlsb_parts: dict[str, str],
        notes: list[str],
    ) -> None:
        self.path = path
        self.name = path.name
        self.kind = kind
        self.book = book
        self.sheet_info = sheet_info
        self.xlsb_parts = xlsb_parts
        self.notes = notes

    def load(self, hidden: frozenset[str], sheet_name: str) -> Sheet:
        info = self.sheet_info.get(sheet_name)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The sheet XML is searched for hidden rows and uncalculated formulas while
            # calamine parses it (calamine releases the GIL), so the search costs no time.
            scanning = self._scan(pool, info, sheet_name)
            rows, merged, start = self._rows(sheet_name)
            marks = self._marks(scanning, sheet_name, start[0] + len(rows))
        _fill_merged_down(rows, merged, start)
        first_row = _cover_formula_rows(rows, start[0] + 1, marks)
        return Sheet(
            sheet_name,
            rows,
            first_row=first_row,
            first_col=start[1],
            hidden_columns=info.hidden_columns if info else frozenset(),
            visible=sheet_name not in hidden,
            hidden_rows=frozenset(marks.hidden_rows),
            uncached_formulas=marks.uncached_formulas,
            zero_formulas=marks.zero_formulas,
        )

    def _scan(
        self, pool: ThreadPoolExecutor, info: _XlsxSheetInfo | None, sheet_name: str
    ) -> Future[RowMarks] | None:
        if info is not None and info.part:
            return pool.submit(scan_xlsx_rows, self.path, info.part, info.prefix)
        if sheet_name in self.xlsb_parts:
            return pool.submit(scan_xlsb_rows, self.path, self.xlsb_parts[sheet_name])
        if self.kind == "xls":
            return pool.submit(scan_xls_rows, self.path, sheet_name)
        return None

    def _rows(self, sheet_name: str) -> tuple[list[list[Any]], list[Any], tuple[int, int]]:
        try:
            sheet = self.book.get_sheet_by_name(sheet_name)
            if sheet.height > MAX_ROWS:
                raise FileProblem(
                    self.name, f"sheet {sheet_name!r} has more than {MAX_ROWS:,} rows"
                )
            with collector_paused():
                rows: list[list[Any]] = sheet.to_python(skip_empty_area=True)
            return rows, sheet.merged_cell_ranges or [], sheet.start or (0, 0)
        except FileProblem:
            raise
        except Exception as exc:
            raise _calamine_error(self.name, exc) from None

    def _marks(self, scanning: Future[RowMarks] | None, sheet_name: str, end: int) -> RowMarks:
        kind = self.kind
        try:
            if scanning is not None:
                return scanning.result()
            if kind == "ods":
                return scan_ods_rows(self.path, sheet_name, end)
            return RowMarks()
        except (
            KeyError,
            ValueError,
            SyntaxError,
            IndexError,
            OSError,
            EOFError,
            zipfile.BadZipFile,
        ):
            if kind in ("xlsx", "xlsm", "ods"):
                # defusedxml's EntitiesForbidden is a ValueError; malformed XML, SyntaxError.
                raise FileProblem(self.name, "the file is damaged or incomplete") from None
            # The binary formats' records are read by Rackbook itself: calamine read the
            # cells, so the file is imported, with a word on what could not be told.
            self.notes.append(
                f"sheet {sheet_name!r}: which rows are hidden could not be read; "
                "every row is imported"
            )
            return RowMarks()


def _cover_formula_rows(rows: list[list[Any]], first_row: int, marks: RowMarks) -> int:
    """Rows made of uncalculated formulas only are no rows to calamine: blank rows are added
    so that such rows are planned (and refused) rather than lost. Returns the first row."""
    if not marks.uncached_formulas:
        return first_row
    wanted = [row for row, _ in marks.uncached_formulas]
    low, high = min(wanted), max(wanted)
    if not rows:
        rows.extend([] for _ in range(high - low + 1))
        return low
    rows.extend([] for _ in range(high - (first_row + len(rows) - 1)))
    if low < first_row:
        rows[:0] = [[] for _ in range(first_row - low)]
        return low
    return first_row


def _fill_merged_down(rows: list[list[Any]], merged: list[Any], start: tuple[int, int]) -> None:
    """A value merged over several rows (a PO number spanning its lines) belongs to each row."""
    for (top, left), (bottom, _right) in merged:
        if bottom <= top:
            continue
        r0, c = top - start[0], left - start[1]
        if not (0 <= r0 < len(rows)) or c < 0 or c >= len(rows[r0]):
            continue
        value = rows[r0][c]
        for r in range(r0 + 1, min(bottom - start[0] + 1, len(rows))):
            if c < len(rows[r]) and rows[r][c] == "":
                rows[r][c] = value


# --- CSV ----------------------------------------------------------------------------------

_DELIMITERS = ",;\t|"


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: a byte order mark, else UTF-8, else the
    encoding charset-normalizer finds (Windows-1252, Big5, Shift-JIS, UTF-16 without a
    mark...). Every byte must decode: one that does not is refused, naming its row; no
    character is ever replaced."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(name, data, encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as not_utf8:
        first_problem = not_utf8
    if _mostly_utf8(data):
        # UTF-8 but for a few bytes: read as another encoding every é would turn into Ã©.
        raise FileProblem(
            name,
            _undecodable(data, first_problem, "UTF-8")
            + " (the rest of the file is UTF-8): fix that row",
        )
    from charset_normalizer import from_bytes

    found = from_bytes(data)
    best = found.best()
    # Western text is often too short to tell Windows-1252 from its neighbours (1250, 1257):
    # Windows-1252, what Excel writes on Western Windows, wins when it reads as well.
    western = next((m for m in found if m.encoding == "cp1252"), None)
    if best is not None and western is not None and western.chaos <= best.chaos:
        best = western
    if best is not None and str(best.encoding).startswith(_SINGLE_BYTE) and _fits_cp1252(data):
        return data.decode("cp1252"), "cp1252"
    if best is None:
        raise FileProblem(
            name,
            _undecodable(data, first_problem, "UTF-8")
            + ("; its encoding could not be told: save it as UTF-8 and import it again"),
        )
    encoding = str(best.encoding)
    return _strict(name, data, encoding), encoding


# Single-byte code pages a short Western text is easily mistaken for.
_SINGLE_BYTE = ("cp125", "iso8859", "latin", "mac_", "cp850", "cp437", "kz1048", "ptcp154")


def _fits_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """Whether ``data`` holds more well-formed UTF-8 characters beyond ASCII than bytes
    that are not UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 127) - bad
    return good > bad


def _strict(name: str, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as problem:
        raise FileProblem(
            name,
            _undecodable(data, problem, encoding)
            + " (no character is guessed): fix that row or save the file as UTF-8",
        ) from None


def _undecodable(data: bytes, problem: UnicodeDecodeError, encoding: str) -> str:
    """Which row holds the byte ``problem`` is about, and the byte."""
    start = problem.start
    codec = problem.encoding or encoding
    row = data[:start].decode(codec, errors="ignore").count("\n") + 1
    byte = data[start : start + 1].hex()
    return f"row {row} holds a byte (0x{byte}) that is not {encoding} text"


def detect_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        score = min(counts) if counts else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_workbook(path: Path, sha: str, notes: list[str]) -> Workbook:
    name = path.name
    text, encoding = decode_text(name, path.read_bytes())
    if "\x00" in text:
        raise FileProblem(name, "is not a spreadsheet or CSV file Rackbook can read")
    delimiter = detect_delimiter(text)
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delimiter]
    notes.append(f"CSV read as {encoding}, separated by {shown}s")
    sheet_name = path.stem

    def load(_: str) -> Sheet:
        rows: list[list[Any]] = []
        try:
            with collector_paused():
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                    rows.append(row)
                    if len(rows) > MAX_ROWS:
                        raise FileProblem(name, f"the file has more than {MAX_ROWS:,} rows")
        except csv.Error as exc:
            raise FileProblem(
                name, f"the CSV text is malformed near row {len(rows) + 1} ({exc})"
            ) from None
        return Sheet(sheet_name, rows)

    workbook = Workbook(path, "csv", sha, [sheet_name], frozenset(), notes, load)
    workbook.delimiter = delimiter
    return workbook


def save_pasted(text: str, folder: Path, now: dt.datetime | None = None) -> Path:
    """A table pasted from a spreadsheet or an e-mail (tab-separated text, as the clipboard
    holds it, cells with line breaks in quotes), saved as a file to import like any other:
    its batch names the file, and the rejected rows can be written beside it. Refused when
    the text is not a table of at least a header row and one row of two or more cells."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows = [
        row for row in csv.reader(io.StringIO(text), delimiter="\t") if any(map(str.strip, row))
    ]
    if len(rows) < 2 or max(map(len, rows)) < 2:
        raise RackbookError(
            "The clipboard holds no table: copy the cells from the spreadsheet or e-mail, "
            "headers included, and paste again."
        )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"pasted-{stamp}.csv"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"pasted-{stamp}-{number}.csv"
    path.write_text(text.strip("\n") + "\n", encoding="utf-8")
    return path
