"""Attachments: files kept in the database, byte for byte, on both databases; one copy per
distinct file; a size limit; removal audited; gone with their record; an import batch keeps
the file it read; and the files survive db backup and restore."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Attachment, AttachmentBlob, AuditEntry
from models.database import Database, open_database
from services import attachments, importing, lists, records, settings
from services.audit import Actor
from services.errors import NotFoundError, RackbookError, UsageError
from tests.builders import basic_world, day, make, order_line
from tests.builders import run_cli as _run

ACTOR = Actor("anna")


def _file(folder: Path, name: str, size: int, seed: int = 1) -> Path:
    """A file of ``size`` bytes of every byte value (NULs, high bytes), different per seed."""
    block = bytes((i * seed + seed) % 256 for i in range(256))
    path = folder / name
    path.write_bytes((block * (size // 256 + 1))[:size])
    return path


def _blobs(session) -> int:
    return session.scalar(select(func.count()).select_from(AttachmentBlob)) or 0


@pytest.fixture
def world(database: Database) -> Database:
    with database.write() as session:
        basic_world(session, ACTOR)
        order_line(
            session,
            "PO-9",
            actor=ACTOR,
            quantity=2,
            order_date=day("2026-01-05"),
            unit_price=None,
            status=None,
        )
    return database


def test_a_file_comes_back_byte_for_byte_and_is_stored_once(world: Database, tmp_path) -> None:
    quote = _file(tmp_path, "Nvidia quote Q-1182.pdf", 3 * 1024 * 1024 + 17)
    with world.write() as session:
        vendor = attachments.resolve(session, "vendors", "nvda")  # by an alias
        line = attachments.resolve(session, "orders", "PO-9/1")
        order = attachments.resolve(session, "orders", "PO-9")
        on_vendor = attachments.attach_file(session, vendor, quote, ACTOR)
        attachments.attach_file(session, line, quote, ACTOR)
        attachments.attach_file(session, order, quote, ACTOR)
    assert (vendor.title, line.title, order.title) == (
        "Vendor Nvidia",
        "Order line PO-9/1",
        "Purchase order PO-9",
    )
    with world.session() as session:
        assert _blobs(session) == 1
        data = attachments.content(session, on_vendor.id)
        listed = attachments.attachments_of(session, line)
    assert data == quote.read_bytes()
    assert on_vendor.sha256 == hashlib.sha256(data).hexdigest()
    assert on_vendor.size == len(data) and on_vendor.added_by == "anna"
    # A line's files include its purchase order's.
    assert [(a.record_kind, a.file_name) for a in listed] == [
        ("orders", "Nvidia quote Q-1182.pdf"),
        ("purchase_orders", "Nvidia quote Q-1182.pdf"),
    ]
    out = tmp_path / "out"
    out.mkdir()
    with world.session() as session:
        written = attachments.save_copy(session, on_vendor.id, out)
    assert written.name == "Nvidia quote Q-1182.pdf" and written.read_bytes() == data


def test_removing_is_audited_and_the_bytes_go_with_the_last_copy(world: Database, tmp_path) -> None:
    quote = _file(tmp_path, "quote.pdf", 5000)
    with world.write() as session:
        site = attachments.resolve(session, "sites", "panther creek")
        product = attachments.resolve(session, "products", "Nvidia / GB300-NVL72")
        first = attachments.attach_file(session, site, quote, ACTOR)
        second = attachments.attach_file(session, product, quote, ACTOR)
    with world.write() as session:
        attachments.detach(session, first.id, Actor("maria"))
        assert _blobs(session) == 1
        attachments.detach(session, second.id, ACTOR)
        assert _blobs(session) == 0
        trail = session.execute(
            select(AuditEntry.entity, AuditEntry.user, AuditEntry.old_value, AuditEntry.new_value)
            .where(AuditEntry.field == "attachments")
            .order_by(AuditEntry.id)
        ).all()
    assert [(t.entity, t.user) for t in trail] == [
        ("sites", "anna"),
        ("products", "anna"),
        ("sites", "maria"),
        ("products", "anna"),
    ]
    assert trail[0].old_value is None and trail[0].new_value.startswith("quote.pdf (4.9 KB")
    assert trail[2].old_value.startswith("quote.pdf") and trail[2].new_value is None
    with world.session() as session, pytest.raises(NotFoundError):
        attachments.get(session, first.id)


def test_bad_files_are_refused_with_one_message_and_nothing_written(
    world: Database, tmp_path
) -> None:
    with world.write() as session:
        settings.set_value(session, "attachment_limit_mb", 1, ACTOR)
    big = _file(tmp_path, "scan.tif", 1024 * 1024 + 1)
    locked = _file(tmp_path, "locked.pdf", 10)
    locked.chmod(0)
    with world.write() as session:
        ref = attachments.resolve(session, "vendors", "Nvidia")
        with pytest.raises(RackbookError, match=r"scan.tif is 1.0 MB; attachments are limited"):
            attachments.attach_file(session, ref, big, ACTOR)
        with pytest.raises(RackbookError, match="is a folder"):
            attachments.attach_file(session, ref, tmp_path, ACTOR)
        with pytest.raises(RackbookError, match="cannot be read: No such file"):
            attachments.attach_file(session, ref, tmp_path / "none.pdf", ACTOR)
        if os.geteuid() != 0:  # root reads any file
            with pytest.raises(RackbookError, match="Permission denied"):
                attachments.attach_file(session, ref, locked, ACTOR)
        with pytest.raises(UsageError, match=r"choose one of: sites, .*vendors"):
            attachments.resolve(session, "invoices", "x")
        with pytest.raises(NotFoundError, match="no vendor 'Nvidea'"):
            attachments.resolve(session, "vendors", "Nvidea")
        with pytest.raises(NotFoundError, match="PO_NUMBER/LINE"):
            attachments.resolve(session, "orders", "PO-9/7")
        small = attachments.read_file(_file(tmp_path, "a.pdf", 10), 1024)
        attachments.attach(session, ref, small, ACTOR)
        with pytest.raises(RackbookError, match="already attached to Vendor Nvidia"):
            attachments.attach(session, ref, small, ACTOR)
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_lists_count_the_files_and_a_deleted_record_takes_its_files(
    world: Database, tmp_path
) -> None:
    with world.write() as session:
        make(session, "vendors", ACTOR, name="Vertiv")
        vertiv = attachments.resolve(session, "vendors", "Vertiv")
        for n in range(2):
            attachments.attach_file(session, vertiv, _file(tmp_path, f"f{n}.pdf", 100, n), ACTOR)
        attachments.attach_file(
            session,
            attachments.resolve(session, "orders", "PO-9"),
            _file(tmp_path, "ack", 9),
            ACTOR,
        )
    with world.session() as session:
        vendors = {r["name"]: r["attachments"] for r in lists.list_rows(session, "vendors")}
        lines = lists.list_rows(session, "orders")
    assert vendors == {"Nvidia": None, "Vertiv": 2}
    assert [line["attachments"] for line in lines] == [1]
    with world.write() as session:
        records.delete(session, "vendors", vertiv.id, ACTOR)
        assert _blobs(session) == 1
        records.delete(session, "orders", lines[0]["id"], ACTOR)  # the order goes with its line
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert _blobs(session) == 0
        # A new vendor given the same id starts without files.
        again = make(session, "vendors", ACTOR, name="Eaton")
        assert attachments.counts(session, "vendors").get(again["id"]) is None


def test_an_import_batch_keeps_the_file_it_read(world: Database, tmp_path) -> None:
    sheet = tmp_path / "vendors.csv"
    sheet.write_text("name,country\nVertiv,US\nEaton,IE\n", encoding="utf-8")
    with world.write() as session:
        request = importing.ImportRequest(kind="vendors")
        report = importing.import_file(session, sheet, request, "anna")
    assert report.ok
    batch_id = report.sheets[0].result.batch_id
    with world.session() as session:
        ref = attachments.resolve(session, "imports", str(batch_id))
        (kept,) = attachments.attachments_of(session, ref)
        assert attachments.content(session, kept.id) == sheet.read_bytes()
    assert kept.file_name == "vendors.csv" and kept.added_by == "anna"
    with world.write() as session:
        importing.undo_batch(session, batch_id, "anna")
        # The batch stays (undone), and so does its file.
        assert len(attachments.attachments_of(session, ref)) == 1


def test_the_command_line_attaches_lists_writes_back_and_detaches(
    world: Database, db_url: str, tmp_path
) -> None:
    quote = _file(tmp_path, "Q-77.pdf", 20 * 1024 * 1024, 3)
    status, out, err = _run(
        "--db", db_url, "--user", "anna", "attach", "orders", "PO-9/1", str(quote)
    )
    assert status == 0, err
    assert out == "Attached Q-77.pdf (20.0 MB) to Order line PO-9/1 as attachment 1.\n"
    status, out, _ = _run("--db", db_url, "attachments", "orders", "PO-9/1", "--json")
    (listed,) = json.loads(out)
    assert listed["file_name"] == "Q-77.pdf" and listed["size"] == quote.stat().st_size
    assert listed["sha256"] == hashlib.sha256(quote.read_bytes()).hexdigest()
    assert listed["added_by"] == "anna" and set(listed) >= {"id", "added_at"}
    back = tmp_path / "back.pdf"
    status, out, err = _run("--db", db_url, "attachment", str(listed["id"]), str(back))
    assert status == 0, err
    assert back.read_bytes() == quote.read_bytes()
    status, out, _ = _run("--db", db_url, "attachments", "orders", "PO-9/1")
    assert "Q-77.pdf" in out and "1 file attached to Order line PO-9/1" in out
    status, out, err = _run("--db", db_url, "detach", str(listed["id"]))
    assert status == 0 and out == "Removed Q-77.pdf (attachment 1) from Order line PO-9/1.\n"
    for argv, code, words in (
        (("attach", "orders", "PO-9/1", str(tmp_path / "gone.pdf")), 1, "cannot be read"),
        (("attach", "invoices", "X", str(quote)), 2, "files cannot be attached to 'invoices'"),
        (("attach", "ppas", "NOPE", str(quote)), 1, "there is no PPA 'NOPE'"),
        (("detach", "99"), 1, "there is no attachment 99"),
        (("attachment", "99", str(back)), 1, "there is no attachment 99"),
    ):
        status, _, err = _run("--db", db_url, *argv)
        assert (status, err.count("\n")) == (code, 1), err
        assert words in err
    _run("--db", db_url, "settings", "attachment_limit_mb", "5")
    status, _, err = _run("--db", db_url, "attach", "vendors", "Nvidia", str(quote))
    assert status == 1 and "Q-77.pdf is 20.0 MB; attachments are limited to 5.0 MB" in err
    with world.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_files_survive_backup_and_restore(world: Database, db_url: str, tmp_path) -> None:
    quote = _file(tmp_path, "contract signed.pdf", 2 * 1024 * 1024 + 3, 7)
    assert _run("--db", db_url, "attach", "sites", "Panther Creek", str(quote))[0] == 0
    backup = tmp_path / ("team.dump" if "://" in db_url else "copy.db")
    status, _, err = _run("--db", db_url, "db", "backup", str(backup))
    assert status == 0, err
    assert _run("--db", db_url, "detach", "1")[0] == 0
    status, _out, err = _run("--db", db_url, "db", "restore", str(backup))
    assert status == 0, err
    check = open_database(db_url, upgrade=False)
    try:
        with check.session() as session:
            ref = attachments.resolve(session, "sites", "Panther Creek")
            (kept,) = attachments.attachments_of(session, ref)
            assert attachments.content(session, kept.id) == quote.read_bytes()
    finally:
        check.dispose()
