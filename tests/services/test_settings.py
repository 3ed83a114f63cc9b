from __future__ import annotations

from decimal import Decimal

import pytest

from services import settings
from services.errors import UsageError, ValidationError


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
