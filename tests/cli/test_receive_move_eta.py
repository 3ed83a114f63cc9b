"""``receive`` and ``move-eta`` on the command line: the window's services, the line's new
version printed, a one-line conflict (exit 1) when the version moved on."""

from __future__ import annotations

from models.database import open_database
from services import records
from tests.builders import basic_world, day, rack_line
from tests.builders import run_cli as run


def _world(db_url: str, actor) -> int:
    database = open_database(db_url)
    with database.write() as session:
        basic_world(session, actor)
        line = rack_line(session, actor=actor)
    database.dispose()
    return int(line["id"])


def test_receive_and_move_eta_print_the_new_version(db_url, actor) -> None:
    line_id = _world(db_url, actor)
    code, out, err = run("--db", db_url, "receive", "PC-1/1", "3", "--on", "2026-12-01")
    assert (code, err) == (0, "")
    assert out == "Order line PC-1/1: 3 of 4 received; version 2\n"
    code, out, err = run(
        "--db", db_url, "move-eta", "PC-1/1", "2027-03-01", "--expect-version", "2"
    )
    assert (code, err) == (0, "")
    assert out == "Order line PC-1/1: ETA 2027-03-01; version 3\n"
    database = open_database(db_url)
    with database.session() as session:
        saved = records.get_record(session, "orders", line_id)
    database.dispose()
    assert (saved["received_qty"], saved["received_date"]) == (3, day("2026-12-01"))
    assert (saved["eta"], saved["version"]) == (day("2027-03-01"), 3)


def test_a_moved_on_version_is_a_one_line_conflict(db_url, actor) -> None:
    _world(db_url, actor)
    assert run("--db", db_url, "receive", "PC-1/1", "1")[0] == 0
    code, out, err = run("--db", db_url, "receive", "PC-1/1", "1", "--expect-version", "1")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "PC-1/1 was changed" in err and "not saved" in err
    code, out, err = run(
        "--db", db_url, "move-eta", "PC-1/1", "2027-03-01", "--expect-version", "1"
    )
    assert code == 1 and out == "" and err.count("\n") == 1 and "was changed" in err
    code, _out, err = run("--db", db_url, "receive", "PC-1/9", "1")
    assert code == 1 and "there is no order line PC-1/9" in err
    code, _out, err = run("--db", db_url, "receive", "PC-1/1", "0")
    assert code == 1 and "more than 0" in err
    code, _out, err = run("--db", db_url, "move-eta", "PC-1", "2027-03-01")
    assert code == 2 and "PO/LINE" in err
