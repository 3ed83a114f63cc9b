"""`alerts` and `alerts-ack` on the command line: JSON, the grouped text, acknowledgements."""

from __future__ import annotations

import json

from models.database import open_database
from tests.builders import contract, day, order_line, world
from tests.builders import run_cli as run


def build(db_url: str) -> None:
    """C-1 needs 144 GPUs by 2027-03-01, one rack of 72 is due 2027-02-01 (critical
    shortfall at Panther Creek); the rack is Nvidia's only open gpu_system order
    (vendor_concentration, a warning for all sites)."""
    database = open_database(db_url)
    try:
        with database.write() as session:
            world(session)
            contract(session, "C-1", "2027-03-15", committed_gpus=144)
            order_line(session, "PO-1", eta=day("2027-02-01"), promised_date=day("2027-02-01"))
    finally:
        database.dispose()


def test_alerts_json(db_url) -> None:
    build(db_url)
    status, out, err = run("--db", db_url, "alerts", "--as-of", "2027-01-15", "--json")
    assert status == 0, err
    found = json.loads(out)
    assert [a["key"] for a in found] == [
        "capacity_shortfall:C-1",
        "ppa_coverage_gap:Panther Creek",
        "vendor_concentration:Nvidia",
    ]
    first = found[0]
    assert {"key", "rule", "severity", "subject", "site", "message"} <= set(first)
    assert first["rule"] == "capacity_shortfall" and first["severity"] == "critical"
    assert first["subject"] == "C-1" and first["site"] == "Panther Creek"
    assert first["figure"] == "72" and first["acknowledged"] is None
    assert first["message"].startswith("C-1 at Panther Creek is 72 GPUs short")


def test_alerts_text_groups_by_severity_and_site(db_url) -> None:
    build(db_url)
    status, out, _ = run("--db", db_url, "alerts", "--as-of", "2027-01-15")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "CRITICAL (2)"
    assert lines[1] == "  Panther Creek"
    assert lines[2].startswith("    capacity_shortfall:C-1  C-1 at Panther Creek is 72 GPUs")
    assert "WARNING (1)" in lines and "  All sites" in lines
    assert lines[-1] == "3 alerts as of 2027-01-15"


def test_acknowledge_then_list_with_and_without_all(db_url) -> None:
    build(db_url)
    status, out, err = run(
        "--db",
        db_url,
        "--user",
        "maria",
        "alerts-ack",
        "vendor_concentration:Nvidia",
        "--note",
        "single source by design",
    )
    assert status == 0, err
    assert "Acknowledged vendor_concentration:Nvidia" in out
    _, out, _ = run("--db", db_url, "alerts", "--as-of", "2027-01-15", "--json")
    assert "vendor_concentration:Nvidia" not in {a["key"] for a in json.loads(out)}
    _, out, _ = run("--db", db_url, "alerts", "--as-of", "2027-01-15", "--json", "--all")
    acked = {a["key"]: a for a in json.loads(out)}["vendor_concentration:Nvidia"]
    assert acked["acknowledged"]["user"] == "maria"
    assert acked["acknowledged"]["note"] == "single source by design"
    assert acked["hidden"] is True
    _, out, _ = run("--db", db_url, "alerts", "--as-of", "2027-01-15", "--all")
    assert "[acknowledged by maria, hidden]" in out
    assert out.splitlines()[-1] == "3 alerts as of 2027-01-15 (1 acknowledged and hidden)"


def test_mistakes_get_one_line(db_url) -> None:
    build(db_url)
    status, _, err = run("--db", db_url, "alerts-ack", "no_such:thing")
    assert status == 1 and err.startswith("rackbook: no alert 'no_such:thing' is raised")
    status, _, err = run("--db", db_url, "alerts", "--as-of", "15/01/2027")
    assert status == 2 and "is not a date like 2027-01-31" in err
    status, _, err = run(
        "--db", db_url, "alerts-ack", "vendor_concentration:Nvidia", "--until", "2000-01-01"
    )
    assert status == 2 and "already past" in err


def test_several_alerts_are_acknowledged_together_or_not_at_all(db_url) -> None:
    build(db_url)
    _, out, _ = run("--db", db_url, "alerts", "--json")
    keys = sorted(a["key"] for a in json.loads(out))
    assert len(keys) >= 2
    # One unknown key: nothing is acknowledged.
    status, _, err = run("--db", db_url, "alerts-ack", keys[0], "no_such:thing")
    assert status == 1 and "no alert 'no_such:thing'" in err
    _, out, _ = run("--db", db_url, "alerts", "--json")
    assert sorted(a["key"] for a in json.loads(out)) == keys
    status, out, err = run(
        "--db", db_url, "alerts-ack", keys[0], keys[1], "--until", "2099-01-01", "--note", "on it"
    )
    assert status == 0, err
    assert out == f"Acknowledged 2 alerts: {keys[0]}, {keys[1]} (hidden until 2099-01-01).\n"
    _, out, _ = run("--db", db_url, "alerts", "--json", "--all")
    acked = {a["key"]: a for a in json.loads(out)}
    for key in keys[:2]:
        assert acked[key]["hidden"] is True
        assert acked[key]["acknowledged"]["note"] == "on it"
    for key in keys[2:]:
        assert acked[key]["hidden"] is False
