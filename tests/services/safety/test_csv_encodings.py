"""CSV files in the encodings vendors write them in, read without loss: the encoding found
by charset-normalizer and named in the summary, and a byte that cannot be read refused with
its row; no character is ever replaced."""

from __future__ import annotations

import json

import pytest

from tests.builders import run_cli as _run

BIG5_VENDORS = [
    ("鴻海精密工業", "TW", "機架伺服器 液冷 供應商"),
    ("廣達電腦", "TW", "伺服器 八顆圖形處理器 組裝"),
    ("緯穎科技服務", "TW", "開放運算機櫃 電源 供應"),
]
SJIS_VENDORS = [
    ("富士通株式会社", "JP", "ラックサーバー 水冷式 の 供給"),
    ("日本電気株式会社", "JP", "計算ノード 八基搭載 の 供給"),
    ("株式会社日立製作所", "JP", "電源ユニット 冗長構成 の 供給"),
]


def _write(path, rows, encoding: str) -> None:
    lines = ["Name,Country,Notes", *(",".join(row) for row in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("rows", "encoding", "named"),
    [
        (BIG5_VENDORS, "big5", "big5"),
        (SJIS_VENDORS, "shift_jis", "cp932"),  # Shift-JIS as Windows writes it
        (BIG5_VENDORS, "utf-16-le", "utf_16_le"),  # no byte order mark
        (SJIS_VENDORS, "utf-16-be", "utf_16_be"),
    ],
)
def test_an_east_asian_csv_imports_without_loss(db_url, tmp_path, rows, encoding, named):
    path = tmp_path / "vendors.csv"
    _write(path, rows, encoding)
    status, out, err = _run("--db", db_url, "import", str(path), "--kind", "vendors")
    assert status == 0, out + err
    assert f"CSV read as {named}" in out
    status, out, _ = _run("--db", db_url, "list", "vendors", "--json")
    got = {(v["name"], v["country"], v["notes"]) for v in json.loads(out)}
    assert got == set(rows)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_western_csv_is_read_as_windows_1252(db_url, tmp_path) -> None:
    path = tmp_path / "vendors.csv"
    rows = [("Schneider Électrique", "FR", "Unité d’alimentation — 48 prises")]
    _write(path, rows, "cp1252")
    status, out, err = _run("--db", db_url, "import", str(path), "--kind", "vendors")
    assert status == 0, out + err
    assert "CSV read as cp1252" in out
    _, out, _ = _run("--db", db_url, "list", "vendors", "--json")
    assert json.loads(out)[0]["name"] == "Schneider Électrique"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_byte_that_cannot_be_read_is_refused_naming_its_row(db_url, tmp_path) -> None:
    path = tmp_path / "vendors.csv"
    good = "Name,Country,Notes\r\nCafé Systèmes,FR,Refroidissement à eau\r\nÉnergie,FR,é\r\n"
    path.write_bytes(good.encode("utf-8") + b"Caf\xe9 Noir,FR,x\r\n")
    status, out, err = _run("--db", db_url, "import", str(path), "--kind", "vendors")
    assert status == 1
    said = out + err
    assert "row 4" in said and "0xe9" in said and "UTF-8" in said, said
    assert "\ufffd" not in said
    _, out, _ = _run("--db", db_url, "list", "vendors", "--json")
    assert json.loads(out) == []
