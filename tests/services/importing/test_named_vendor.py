"""The vendor a file names once, outside its columns (services.importing.named)."""

from __future__ import annotations

from services.importing.named import named_vendor
from services.importing.read import Sheet
from services.records import name_key

HEADERS = ["PO", "Line", "Part No.", "Qty"]


def _vendors(*names: tuple[int, str, str]) -> dict[str, tuple[int, str]]:
    """(id, name, "alias; alias") → the name-or-alias map ``References.vendors`` holds."""
    found: dict[str, tuple[int, str]] = {}
    for vendor_id, name, aliases in names:
        for spelling in [name, *filter(None, (a.strip() for a in aliases.split(";")))]:
            found[name_key(spelling)] = (vendor_id, name)
    return found


VENDORS = _vendors(
    (1, "Dell Technologies", "Dell; Dell Inc."),
    (2, "Vertiv", "Vertiv Co."),
    (3, "Hewlett Packard Enterprise", "HPE; HP"),
    (4, "Arista Networks", "Arista"),
)


def test_title_row_names_the_vendor_by_alias() -> None:
    sheet = Sheet("Order Status", [["Dell Order Status Report", ""], ["", ""], HEADERS])
    found = named_vendor(sheet, 2, "report.xlsx", VENDORS)
    assert found is not None
    assert found.name == "Dell Technologies"
    assert found.place == "the title 'Dell Order Status Report'"


def test_header_sheet_and_file_names_count_too() -> None:
    by_header = named_vendor(Sheet("Sheet1", [["PO", "Arista Part #"]]), 0, "x.xlsx", VENDORS)
    assert by_header is not None and by_header.name == "Arista Networks"
    assert by_header.place == "the header 'Arista Part #'"

    by_sheet = named_vendor(Sheet("HPE backlog", [HEADERS]), 0, "x.xlsx", VENDORS)
    assert by_sheet is not None and by_sheet.name == "Hewlett Packard Enterprise"

    # Underscores and hyphens separate words in file names.
    # A CSV file's sheet is named after the file: the file name is what is said.
    csv = Sheet("vertiv_schedule_eu", [HEADERS])
    by_file = named_vendor(csv, 0, "vertiv_schedule_eu.csv", VENDORS)
    assert by_file is not None and by_file.name == "Vertiv"
    assert by_file.place == "the file name 'vertiv_schedule_eu.csv'"


def test_whole_words_only_and_several_names_of_one_vendor_agree() -> None:
    # "Dellwood" is not Dell; "HP" is too short to be looked for; "Vertivo" is not Vertiv.
    sheet = Sheet("Dellwood", [["Vertivo HP report"], HEADERS])
    assert named_vendor(sheet, 1, "dellwood.xlsx", VENDORS) is None
    # The title and the file name name the same vendor, by name and by alias.
    sheet = Sheet("Orders", [["Dell Inc. - open orders"], HEADERS])
    found = named_vendor(sheet, 1, "dell-technologies.xlsx", VENDORS)
    assert found is not None and found.name == "Dell Technologies"


def test_two_vendors_named_or_none_known_gives_no_proposal() -> None:
    sheet = Sheet("Orders", [["Dell servers with Arista switches"], HEADERS])
    assert named_vendor(sheet, 1, "orders.xlsx", VENDORS) is None
    assert named_vendor(Sheet("Orders", [["Dell report"], HEADERS]), 1, "o.xlsx", {}) is None
    # Rows below the headers are data, never searched.
    sheet = Sheet("Orders", [HEADERS, ["Dell", 1, "XE9712", 2]])
    assert named_vendor(sheet, 0, "orders.xlsx", VENDORS) is None
