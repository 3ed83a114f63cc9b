"""A table pasted into the wizard is kept as a file and read like any CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from services.errors import RackbookError
from services.importing import read_file
from services.importing.read import save_pasted

AT = dt.datetime(2026, 11, 27, 9, 30, 0)


def test_pasted_cells_become_a_csv_file_read_by_its_tabs(tmp_path: Path) -> None:
    text = 'PO\tLine\tQty\r\nPO-1\t1\t4\r\n\r\nPO-1\t2\t"two\r\nlines"\r\n'
    path = save_pasted(text, tmp_path, AT)
    assert path.name == "pasted-20261127-093000.csv"
    again = save_pasted(text, tmp_path, AT)  # the same second: a new file, not overwritten
    assert again.name == "pasted-20261127-093000-2.csv"
    workbook = read_file(path)
    assert workbook.delimiter == "\t"
    rows = workbook.sheet(workbook.sheet_names[0]).rows
    assert rows[0] == ["PO", "Line", "Qty"]
    assert rows[-1] == ["PO-1", "2", "two\nlines"]


@pytest.mark.parametrize("text", ["", "just a sentence", "one\ncolumn\nonly", "A\tB"])
def test_text_that_is_not_a_table_is_refused_and_nothing_saved(text: str, tmp_path: Path) -> None:
    with pytest.raises(RackbookError, match="The clipboard holds no table"):
        save_pasted(text, tmp_path, AT)
    assert list(tmp_path.iterdir()) == []
