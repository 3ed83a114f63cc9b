"""The vendor a file names once, outside its columns.

Vendor reports rarely carry a vendor column: the vendor is named once, in a title row above the
headers (``Dell Order Status Report``), in a header (``Dell SKU``) or in the file's name
(``vertiv_schedule_eu.csv``). ``named_vendor`` finds a known vendor (by name or alias, as whole
words) in those places. The import wizard proposes it, for the person to confirm; the command
line, which never guesses a vendor, names it in its message when ``--vendor`` is needed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

from services.importing.read import Sheet

# Words of a name: letters and digits (an underscore separates, as in file names).
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class NamedVendor:
    name: str  # the vendor's own name
    place: str  # where it was found, for a message: "the title 'Dell Order Status Report'"


def named_vendor(
    sheet: Sheet, header_row: int, file_name: str, vendors: Mapping[str, tuple[int, str]]
) -> NamedVendor | None:
    """The one known vendor that the rows above the headers, the headers, the sheet's name
    or the file's name mention; None when none does or when more than one do.

    ``vendors``: each name and alias (as ``records.name_key`` gives it) → (id, name)."""
    wanted: dict[tuple[str, ...], tuple[int, str]] = {}
    for key, vendor in vendors.items():
        words = tuple(_WORD.findall(key.casefold()))
        # A one- or two-letter name would be found in too many words by chance.
        if words and len("".join(words)) > 2:
            wanted[words] = vendor
    if not wanted:
        return None
    found: dict[int, NamedVendor] = {}
    for place, text in _places(sheet, header_row, file_name):
        words = tuple(_WORD.findall(text.casefold()))
        for name_words, (vendor_id, name) in wanted.items():
            if vendor_id not in found and _contains(words, name_words):
                found[vendor_id] = NamedVendor(name, place)
    return next(iter(found.values())) if len(found) == 1 else None


def _places(sheet: Sheet, header_row: int, file_name: str) -> list[tuple[str, str]]:
    places = []
    for number, row in enumerate(sheet.rows[: header_row + 1]):
        what = "the header" if number == header_row else "the title"
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                places.append((f"{what} {' '.join(cell.split())!r}", cell))
    stem = PurePath(file_name).stem
    if sheet.name and sheet.name != stem:  # a CSV file's one sheet is named after the file
        places.append((f"the sheet name {sheet.name!r}", sheet.name))
    places.append((f"the file name {file_name!r}", stem))
    return places


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(words[start : start + size] == part for start in range(len(words) - size + 1))
