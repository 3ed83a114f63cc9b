from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from services import settings
from services.errors import UsageError, ValidationError
from services.images import ImageInfo


def test_defaults_are_those_of_the_design(database) -> None:
    with database.session() as session:
        values = settings.get_all(session)
    assert values["slip_threshold_days"] == 14
    assert values["unconfirmed_days"] == 10
    assert values["lead_time_drift_pct"] == Decimal("20")
    assert values["vendor_concentration_pct"] == Decimal("80")
    assert values["ppa_expiry_horizon_days"] == 90
    assert values["contract_notice_horizon_days"] == 90
    assert values["install_buffer_days"] == 14
    assert values["default_pue"] == Decimal("1.3")
    assert values["default_kw_per_gpu"] == Decimal("1.9")
    assert values["reporting_currency"] == "USD"


def test_a_saved_setting_is_typed_and_audited(database, actor) -> None:
    from sqlalchemy import select

    from models import AuditEntry

    with database.write() as session:
        settings.set_value(session, "slip_threshold_days", "21", actor)
        settings.set_value(session, "reporting_currency", "eur", actor)
    with database.session() as session:
        assert settings.get(session, "slip_threshold_days") == 21
        assert settings.get(session, "reporting_currency") == "EUR"
        entry = session.execute(
            select(AuditEntry.old_value, AuditEntry.new_value, AuditEntry.user).where(
                AuditEntry.entity_key == "slip_threshold_days"
            )
        ).one()
    assert tuple(entry) == ("14", "21", "tester")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("slip_threshold_days", "two weeks", "whole number"),
        ("default_pue", "0.5", "at least 1"),
        ("reporting_currency", "Dollars", "three-letter"),
        ("vendor_concentration_pct", "120", "at most 100"),
    ],
)
def test_bad_values_are_refused(database, actor, name, value, message) -> None:
    with pytest.raises(ValidationError, match=message), database.write() as session:
        settings.set_value(session, name, value, actor)


def test_unknown_setting(database, actor) -> None:
    with pytest.raises(UsageError, match="unknown setting"), database.write() as session:
        settings.set_value(session, "colour", "blue", actor)


LOGO = Path(__file__).resolve().parents[2] / "resources" / "demo_logo.png"


def test_company_settings_and_a_logo_are_kept(database, actor, tmp_path) -> None:
    with database.write() as session:
        settings.set_value(session, "company_name", "  Ridgeline Compute Inc. ", actor)
        settings.set_value(session, "company_address", "600 Grant Street\nPittsburgh", actor)
        settings.set_value(session, "company_logo", str(LOGO), actor)
    with database.session() as session:
        values = settings.get_all(session)
    assert values["company_name"] == "Ridgeline Compute Inc."
    assert values["company_address"] == "600 Grant Street\nPittsburgh"
    logo = values["company_logo"]
    assert logo.data == LOGO.read_bytes() and logo.mime == "image/png"
    assert str(logo) == f"demo_logo.png (PNG, {len(logo.data):,} bytes)"
    with database.write() as session:
        settings.set_value(session, "company_logo", "", actor)
    with database.session() as session:
        assert settings.get(session, "company_logo") is None


def test_a_logo_that_is_not_an_image_is_refused(database, actor, tmp_path) -> None:
    text = tmp_path / "logo.png"
    text.write_text("not a picture")
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(LOGO.read_bytes()[:-40])
    with database.write() as session:
        settings.set_value(session, "company_logo", str(LOGO), actor)
    for path, message in (
        (text, "logo.png is not a PNG or JPEG image"),
        (truncated, "cut.png is not a PNG or JPEG image"),
        (tmp_path / "none.png", "cannot be read"),
    ):
        with pytest.raises(ValidationError, match=message), database.write() as session:
            settings.set_value(session, "company_logo", str(path), actor)
    with database.session() as session:
        assert settings.get(session, "company_logo").data == LOGO.read_bytes()


def test_jpeg_and_png_headers_are_read() -> None:
    from services.images import image_info

    png = LOGO.read_bytes()
    assert image_info(png) == ImageInfo("PNG", 256, 256)
    # A minimal JPEG: SOI, a baseline frame header of 3 x 2 pixels, EOI.
    frame = b"\xff\xc0\x00\x11\x08\x00\x02\x00\x03\x03" + b"\x01\x11\x00" * 3
    assert image_info(b"\xff\xd8" + frame + b"\xff\xd9") == ImageInfo("JPEG", 3, 2)
    assert image_info(b"\xff\xd8" + frame) is None  # no end of image
    assert image_info(b"GIF89a") is None
    broken = bytearray(png)
    broken[40] ^= 0xFF  # a byte of a chunk: its CRC no longer matches
    assert image_info(bytes(broken)) is None
