"""Look-alike names (issue 22): names NFC-normalised and compared without invisible
characters; a name that only looks like an existing one is refused, naming it; control
characters stripped on input and never printed raw by ``list``."""

from __future__ import annotations

import io

import pytest

import cli
from services import records
from services.errors import ValidationError
from services.validation import clean_text, name_skeleton
from tests.builders import basic_world, make


@pytest.mark.parametrize(
    "name",
    [
        "Nvidi\u0430",  # Cyrillic a
        "\uff2e\uff56\uff49\uff44\uff49\uff41",  # fullwidth
        "Nvi\u200bdia",  # a zero-width space
        "\u202eNvidia",  # a bidirectional override
    ],
)
def test_a_vendor_named_like_an_existing_one_is_refused(database, actor, name) -> None:
    with database.write() as session:
        basic_world(session, actor)
    with pytest.raises(ValidationError) as refused, database.write() as session:
        make(session, "vendors", actor, name=name)
    assert "looks the same as the existing vendor 'Nvidia'" in str(refused.value) or (
        "Nvidia already exists" in str(refused.value)
    )
    with database.session() as session:
        assert [v["name"] for v in records.list_records(session, "vendors")] == ["Nvidia"]


def test_sites_customers_and_skus_are_compared_by_look_too(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        make(session, "customers", actor, name="Acme Cloud")
    cases = [
        ("sites", {"name": "P\u0430nther Creek"}, "site 'Panther Creek'"),
        ("customers", {"name": "\uff21cme Cloud"}, "customer 'Acme Cloud'"),
        ("products", {"vendor": "Nvidia", "sku": "GB300-NVL7\uff12"}, "product 'GB300-NVL72'"),
    ]
    for kind_name, values, existing in cases:
        with pytest.raises(ValidationError) as refused, database.write() as session:
            make(session, kind_name, actor, **values)
        assert f"looks the same as the existing {existing}" in str(refused.value)
    # A rename to a look-alike of another record is refused too.
    with database.write() as session:
        other = make(session, "customers", actor, name="Zeta AI")
    with pytest.raises(ValidationError) as refused, database.write() as session:
        records.update(session, "customers", other["id"], {"name": "Acm\u0435 Cloud"}, actor)
    assert "customer 'Acme Cloud'" in str(refused.value)


def test_control_characters_are_stripped_and_never_printed_raw(database, actor) -> None:
    with database.write() as session:
        basic_world(session, actor)
        site = records.find_record(session, "sites", {"name": "Panther Creek"})
        assert site is not None
        saved = records.update(
            session, "sites", site["id"], {"notes": "hall\x1b[2J B\u200b\u202e\r\nrow 3"}, actor
        )
    assert saved["notes"] == "hall[2J B\nrow 3"
    assert clean_text("Cafe\u0301") == "Caf\u00e9"  # NFC
    assert name_skeleton("\uff2e\u0412\u0399DIA") == name_skeleton("NBIDIA")
    # Written straight into the database, it is still shown escaped by ``list``.
    with database.write() as session:
        session.get(records.adapter("sites").model, site["id"]).notes = "x\x1b[31my\u202ez"
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["--db", str(database.url), "list", "sites"], out=out, err=err) == 0, err
    assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
    assert "x\\x1b[31my\\u202ez" in out.getvalue()


def test_an_import_refuses_a_name_that_only_looks_like_an_existing_one(
    database, actor, tmp_path
) -> None:
    from services import importing

    with database.write() as session:
        basic_world(session, actor)
    sheet = tmp_path / "vendors.csv"
    sheet.write_text(
        "name,country\nNvidi\u0430,US\nLambda Labs,US\n", encoding="utf-8"
    )  # a Cyrillic a
    with database.write() as session:
        report = importing.import_file(
            session, sheet, importing.ImportRequest(kind="vendors"), actor.user
        )
    assert not report.ok
    text = " ".join(str(p) for s in report.sheets for r in s.plan.rows for p in r.problems)
    assert "looks the same as the existing vendor 'Nvidia'" in text and "row 2" in text
    with database.session() as session:  # all or nothing: Lambda Labs was not created either
        assert [v["name"] for v in records.list_records(session, "vendors")] == ["Nvidia"]
