"""A purchase-order PDF sent to a full disk: one clear message and no file, never a cut
document put in place (Qt's PDF writer reports no write error itself)."""

from __future__ import annotations

import io

import pytest

import cli
from tests.services.safety.conftest import copy_demo, fill

pytestmark = pytest.mark.gui  # the PDF is painted by Qt


def test_a_purchase_order_to_a_full_disk_is_refused_and_leaves_no_file(
    qapp, demo_file, tmp_path, small_disk
) -> None:
    source = copy_demo(demo_file, tmp_path)
    fill(small_disk)
    out, err = io.StringIO(), io.StringIO()
    target = small_disk / "PC-2026-002.pdf"
    status = cli.run(["--db", str(source), "export", "po", "PC-2026-002", str(target)], out, err)
    assert status == 1, (out.getvalue(), err.getvalue())
    assert "could not be written" in err.getvalue() and "Traceback" not in err.getvalue()
    assert sorted(p.name for p in small_disk.iterdir() if p.name != "filler") == []
