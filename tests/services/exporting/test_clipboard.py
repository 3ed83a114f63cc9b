"""Rows copied for pasting: tab-separated text and an HTML table from the same cells."""

from __future__ import annotations

import csv
import io

import pytest

from services.exporting.clipboard import copied_table


def test_rows_become_tab_separated_text_that_a_spreadsheet_reads_back():
    table = copied_table(
        ["PO number", "Quantity", "Notes"],
        [["PO-1", "-5", "call\tthe\nvendor"], ["PO-2", "12", ""]],
        [False, True, False],
    )
    assert table.rows == 2
    assert table.text.endswith("\n")
    read = list(csv.reader(io.StringIO(table.text), delimiter="\t"))
    assert read == [
        ["PO number", "Quantity", "Notes"],
        ["PO-1", "-5", "call the vendor"],  # a note's tab and line break do not split the row
        ["PO-2", "12", ""],
    ]


def test_formula_like_text_stays_inert_and_numbers_stay_numbers():
    table = copied_table(
        ["Comment", "Change"],
        [['=HYPERLINK("http://x")', "-3"], ["@SUM(A1)", "+4"]],
        [False, True],
    )
    lines = table.text.splitlines()
    assert lines[1] == '\'=HYPERLINK("http://x")\t-3'
    assert lines[2] == "'@SUM(A1)\t+4"
    assert "mso-number-format:'\\@'\">=HYPERLINK(&quot;http://x&quot;)</td>" in table.html
    assert '<td style="text-align:right">-3</td>' in table.html


def test_the_html_table_has_the_headers_and_escaped_cells():
    table = copied_table(["Vendor", "Qty"], [["Smith <&> Sons", "4"]], [False, True])
    assert table.html.count("<tr>") == 2
    assert "<th>Vendor</th><th>Qty</th>" in table.html
    assert "<td>Smith &lt;&amp;&gt; Sons</td>" in table.html
    assert '<meta charset="utf-8">' in table.html


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="row 2 has 1 cells for 2 headers"):
        copied_table(["A", "B"], [["1", "2"], ["3"]], [False, False])
    with pytest.raises(ValueError, match="one numeric flag per header"):
        copied_table(["A", "B"], [], [False])


def test_a_large_copy_can_leave_the_html_out():
    table = copied_table(["A"], [["1"], ["2"]], [True], with_html=False)
    assert table.html == ""
    assert table.text == "A\n1\n2\n"
    assert table.rows == 2
