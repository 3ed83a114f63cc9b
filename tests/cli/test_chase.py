"""`chase` on the command line: the messages to vendors about their open lines."""

from __future__ import annotations

from models.database import open_database
from services.audit import Actor
from tests.builders import basic_world, day, order_line
from tests.builders import run_cli as run


def build(db_url: str) -> None:
    """Nvidia: PO-1/1 overdue since 2026-06-20, PO-2/1 promised 2026-09-01 and on time,
    PO-3/1 received in full."""
    database = open_database(db_url)
    actor = Actor("t")
    dates = {
        "PO-1": {"promised_date": day("2026-06-01"), "eta": day("2026-06-20")},
        "PO-2": {"promised_date": day("2026-09-01"), "eta": day("2026-09-01")},
        "PO-3": {"received_qty": 2, "received_date": day("2026-05-01")},
    }
    try:
        with database.write() as session:
            basic_world(session, actor)
            for po, values in dates.items():
                order_line(
                    session,
                    po,
                    actor=actor,
                    quantity=2,
                    order_date=day("2026-01-10"),
                    unit_price=None,
                    status=None,
                    **values,
                )
    finally:
        database.dispose()


def test_chase_a_vendor_its_late_lines_or_one_order(db_url) -> None:
    build(db_url)
    status, out, err = run(
        "--db", db_url, "--user", "maria", "chase", "--vendor", "nvda", "--as-of", "2026-07-01"
    )
    assert status == 0, err
    assert out.startswith("To: Nvidia\nSubject: Purchase orders PO-1, PO-2: 1 line overdue")
    assert "PO-3" not in out and out.rstrip().endswith("maria")
    status, out, _ = run("--db", db_url, "chase", "--late", "--as-of", "2026-07-01")
    assert "PO-1" in out and "PO-2" not in out
    status, out, _ = run("--db", db_url, "chase", "--po", "PO-2", "--as-of", "2026-07-01")
    assert "Subject: Purchase order PO-2: please confirm delivery dates" in out
    status, out, _ = run("--db", db_url, "chase", "--po", "PO-3")
    assert (status, out) == (0, "Nothing to chase: no open line fits.\n")


def test_an_unknown_vendor_or_order_is_named(db_url) -> None:
    build(db_url)
    status, _, err = run("--db", db_url, "chase", "--vendor", "Nvidai")
    assert status == 1 and err == "rackbook: no vendor 'Nvidai'; did you mean 'Nvidia'?\n"
    status, _, err = run("--db", db_url, "chase", "--po", "PO-9")
    assert status == 1 and err.startswith("rackbook: no purchase order 'PO-9'")
