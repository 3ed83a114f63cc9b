"""The command line (README, "What it does"): argument parsing and printing, nothing else.

Like the window, this is a presentation layer: every command calls the same service functions
the window calls. No command here imports Qt, so automation runs without a display.

Exit status: 0 done, 1 rejected input (nothing written), 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def _date(text: str) -> dt.date:
    from domain.dates import out_of_range

    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-01-31") from None
    reason = out_of_range(value)
    if reason is not None:
        raise argparse.ArgumentTypeError(reason)
    return value


# The largest number a database column of ids holds (a 64-bit integer).
_LARGEST_ID = 2**63 - 1


def _record_id(text: str) -> int:
    """An id (of an import batch, an attachment): a whole number a database can hold."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 1 <= value <= _LARGEST_ID:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an id (ids start at 1)")
    return value


def _count(largest: int) -> Callable[[str], int]:
    """A whole number from 0 to ``largest`` (months ahead, days of a slip)."""

    def read(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
        if not -largest <= value <= largest:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is out of range (at most {largest})")
        return value

    return read


# The audit trail keeps who acted in 120 characters.
_LONGEST_USER = 120


def _user(text: str) -> str:
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("give a name, not an empty text")
    if len(name) > _LONGEST_USER:
        raise argparse.ArgumentTypeError(
            f"a user name has at most {_LONGEST_USER} characters (this one has {len(name)})"
        )
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        raise argparse.ArgumentTypeError("a user name cannot hold control characters")
    return name


class _VersionAction(argparse.Action):
    """``--version``: looked up only when asked for, not at every start."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        from services.version import version

        sys.stdout.write(f"Rackbook {version()}\n")
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rackbook",
        description="Rackbook: GPU and infrastructure procurement, PPAs and customer contracts.",
    )
    parser.add_argument(
        "--db", help="SQLite file path or SQLAlchemy URL (default: your data folder)"
    )
    parser.add_argument("--user", type=_user, help="who is acting (default: your login name)")
    parser.add_argument(
        "--demo", action="store_true", help="open the window on a separate demo database"
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("demo", help="load the demo data set into the database")
    _import_parsers(sub)
    _export_parser(sub)
    _alert_parsers(sub)
    _line_parsers(sub)
    _record_parsers(sub)
    _attachment_parsers(sub)
    settings = sub.add_parser("settings", help="show settings, or change one with NAME VALUE")
    settings.add_argument("name", nargs="?")
    settings.add_argument("value", nargs="?")
    _db_parsers(sub)
    import cli_figures

    cli_figures.add_parsers(sub, _date, _count)
    return parser


def _json_arguments(p: argparse.ArgumentParser) -> None:
    import cli_figures

    cli_figures.json_arguments(p, "indented JSON (compact unless printed to a terminal)")


def _expect_version(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="refuse (exit 1) when the line is no longer at version N",
    )


def _line_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("line", metavar="PO/LINE", help="the order line, such as PC-1042/3")


def _import_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("import", help="import a spreadsheet or CSV file")
    p.add_argument("file", type=Path)
    p.add_argument("--kind", help="what the file holds (detected from its headers when omitted)")
    p.add_argument("--sheet", help="the sheet to read (detected when omitted)")
    p.add_argument("--vendor", help="the vendor, for files that name it once for the whole file")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="map a column header to a field (repeatable)",
    )
    p.add_argument("--profile", help="apply (or, with --save-profile, save) this mapping profile")
    p.add_argument("--save-profile", metavar="NAME", help="save the header mapping as a profile")
    p.add_argument("--dayfirst", action="store_true", help="read 03/04/2027 as 3 April")
    p.add_argument("--decimal-comma", action="store_true", help="read 1.234,50 as 1234.50")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    p.add_argument(
        "--skip-invalid", action="store_true", help="write the valid rows, list the rest"
    )
    p.add_argument("--errors", type=Path, metavar="OUT.xlsx", help="write rejected rows here")
    p.add_argument(
        "--include-hidden",
        action="store_true",
        help="import the rows hidden in the sheet too (skipped and listed by default)",
    )

    p = sub.add_parser("import-undo", help="undo an import batch")
    p.add_argument("batch", type=_record_id)


def _export_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser(
        "export",
        help="write a workbook (contracts, a list, or template-KIND), or a purchase order: "
        "export po PO_NUMBER OUT.pdf|OUT.xlsx",
    )
    p.add_argument(
        "kind",
        help="contracts (the contract summary); readiness (per deployment); cash (payments "
        "due per month); a list: orders, vendors, products, leadtimes, "
        "sites, ppas, contract-list, customers, fxrates, site_capacity, deployments, "
        "deployment_parts, alerts; an import template: "
        "template-orders, template-vendors…; or po (one purchase order, as the document its "
        "vendor acts on: export po PO_NUMBER OUT.pdf)",
    )
    p.add_argument("out", type=Path, help="OUT.xlsx; for po: PO_NUMBER, then OUT.pdf or .xlsx")
    p.add_argument("po_out", nargs="?", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--as-of", type=_date, help="the day figures and alerts are computed for")
    p.add_argument("--vendor", help="with kind cash: only this vendor (name or alias)")
    p.add_argument("--site", help="with kind cash: only this site")
    p.add_argument("--months", type=_count(1200), help="with kind cash: how many months ahead")
    p.add_argument(
        "--po", metavar="PO_NUMBER", help="with kind po: the purchase order (or give it first)"
    )
    p.add_argument(
        "--buyer", metavar="NAME", help="with kind po: the buyer named on it (default: --user)"
    )


def _alert_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Alerts, acknowledging them, and chasing vendors."""
    p = sub.add_parser("alerts", help="supply-risk alerts")
    p.add_argument("--as-of", type=_date)
    _json_arguments(p)
    p.add_argument("--all", action="store_true", help="include acknowledged alerts")

    p = sub.add_parser("alerts-ack", help="acknowledge (and snooze) one alert or several")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.add_argument("--until", type=_date, help="hide it until this day")
    p.add_argument("--note")

    p = sub.add_parser(
        "chase", help="print the messages chasing vendors about their open order lines"
    )
    p.add_argument("--vendor", help="only this vendor's lines (name or alias)")
    p.add_argument(
        "--po", action="append", default=[], metavar="PO_NUMBER", help="only this order's lines"
    )
    p.add_argument("--late", action="store_true", help="only lines overdue or slipped")
    p.add_argument("--as-of", type=_date, help="the day the lines are judged on (today)")


def _line_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Changes to one order line: its promise, a receipt, its ETA."""
    p = sub.add_parser(
        "correct-promise",
        help="correct a promised date typed wrong: the line's promise and first commitment "
        "(audited, with the reason)",
    )
    _line_argument(p)
    p.add_argument("date", type=_date, help="the promised date it should have been")
    p.add_argument("--reason", help="why the promised date was wrong (required)")

    p = sub.add_parser(
        "receive",
        help="book units arriving on an order line (prints the line's new version)",
    )
    _line_argument(p)
    p.add_argument("qty", type=int, metavar="QTY", help="the units that arrived")
    p.add_argument("--on", type=_date, help="the day they arrived (today)")
    _expect_version(p)

    p = sub.add_parser("move-eta", help="move an order line's ETA (prints the line's new version)")
    _line_argument(p)
    p.add_argument("date", type=_date, help="the new ETA")
    _expect_version(p)


def _record_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Listing the records of a kind."""
    p = sub.add_parser("list", help="print the records of a kind")
    p.add_argument("kind")
    _json_arguments(p)
    p.add_argument(
        "--batch", type=_record_id, help="only the records this import batch created or changed"
    )


def _attachment_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("attach", help="attach a file to a record (KIND KEY FILE)")
    p.add_argument("kind", help="orders (PO or PO/LINE), vendors, contracts, ppas, sites…")
    p.add_argument("key", help="the record's key, as in PO-2026-001/2, Dell, C-2031")
    p.add_argument("file", type=Path)

    p = sub.add_parser("attachments", help="list the files attached to a record")
    p.add_argument("kind")
    p.add_argument("key")
    _json_arguments(p)

    p = sub.add_parser("attachment", help="write an attached file back (ID OUT)")
    p.add_argument("id", type=_record_id)
    p.add_argument("out", type=Path, help="a file, or a folder to write it into by its name")

    p = sub.add_parser("detach", help="remove an attachment (ID)")
    p.add_argument("id", type=_record_id)


def _db_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
    """Database upkeep: ``rackbook db ACTION``."""
    db = sub.add_parser("db", help="database upkeep")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    dbsub.required = True
    dbsub.add_parser("upgrade", help="bring the schema up to date")
    dbsub.add_parser("check", help="integrity, foreign keys and schema check")
    p = dbsub.add_parser("backup", help="write a consistent copy of the database")
    p.add_argument("file", type=Path)
    p = dbsub.add_parser(
        "restore", help="replace the database with a backup (checked in full first)"
    )
    p.add_argument("file", type=Path)
    dbsub.add_parser(
        "init",
        help="set up a PostgreSQL team database as its administrator: schema, reader and "
        "buyer roles",
    )
    p = dbsub.add_parser("grant", help="make a PostgreSQL login a reader or a buyer")
    p.add_argument("login")
    p.add_argument("role", choices=("reader", "buyer"))
    dbsub.add_parser(
        "password",
        help="keep the PostgreSQL password of --db in this computer's keyring (asked for)",
    )


@dataclass
class Context:
    args: argparse.Namespace
    out: TextIO
    err: TextIO

    _database: Any = None
    # The command is the whole process (main.py), which exits when it returns.
    whole_process: bool = False

    @property
    def user(self) -> str:
        """Who the audit trail names: on a team database the database login, whatever
        --user says; on a SQLite file --user, else the login name."""
        typed = str(self.args.user or _login_name())
        if "://" not in database_location(self.args):
            return typed
        from services import team

        return team.acting_user(self.database(), typed)

    def database(self) -> Any:
        if self._database is None:
            from models.database import open_database

            self._database = open_database(database_location(self.args))
        return self._database

    def actor(self) -> Any:
        from services.audit import Actor

        return Actor(self.user)


def _login_name() -> str:
    from services.locations import login_name

    return login_name()


def database_location(args: argparse.Namespace) -> str:
    from services.locations import database_location as location

    return location(args.db, bool(args.demo))


# --- commands ---------------------------------------------------------------------------


def cmd_demo(ctx: Context) -> int:
    from services import demo

    database = ctx.database()
    with database.write() as session:
        summary = demo.load(session, ctx.actor())
    ctx.out.write(f"Demo data loaded into {database.name}: {summary}\n")
    return EXIT_OK


def cmd_chase(ctx: Context) -> int:
    from services import chasing

    today = ctx.args.as_of or dt.date.today()
    with ctx.database().session() as session:
        ids = chasing.lines_to_chase(
            session, today, vendor=ctx.args.vendor, po_numbers=ctx.args.po, late_only=ctx.args.late
        )
        found = chasing.chase(session, ids, ctx.actor().user, today)
    if not found.messages:
        ctx.out.write("Nothing to chase: no open line fits.\n")
        return EXIT_OK
    ctx.out.write(("\n\n" + "-" * 72 + "\n\n").join(m.text for m in found.messages) + "\n")
    return EXIT_OK


def cmd_list(ctx: Context) -> int:
    from services import lists, records
    from services.errors import UsageError
    from services.schema import kind

    spec = kind(ctx.args.kind)
    database = ctx.database()
    of_batch = ""
    with database.session() as session:
        rows = records.list_records(session, spec.name)
        if ctx.args.batch is not None:
            found = lists.batch_records(session, ctx.args.batch)
            if found.kind != spec.name:
                raise UsageError(
                    f"import batch {found.batch_id} holds {kind(found.kind).label.lower()}, "
                    f"not {spec.label.lower()}"
                )
            rows = [row for row in rows if row["id"] in found.ids]
            of_batch = f" of {found.description}"
    names = spec.field_names
    if ctx.args.json:
        return _print_json(ctx, _json_records(rows, names))
    table = [[_cell(row.get(n)) for n in names] for row in rows]
    _print_table(ctx.out, [spec.field(n).title for n in names], table)
    ctx.out.write(f"{len(rows)} {spec.label.lower()}{of_batch}\n")
    return EXIT_OK


def _line_key(text: str) -> dict[str, Any]:
    from services.errors import UsageError

    po_number, slash, line_text = str(text).strip().rpartition("/")
    if not slash or not po_number or not line_text.strip().isdigit():
        raise UsageError(f"give the order line as PO/LINE, such as PC-1042/3 (not {text!r})")
    return {"po_number": po_number.strip(), "line": int(line_text)}


def _find_line(session: Any, key: dict[str, Any]) -> dict[str, Any]:
    from services import records
    from services.errors import NotFoundError

    line = records.find_record(session, "orders", key)
    if line is None:
        raise NotFoundError(f"there is no order line {key['po_number']}/{key['line']}")
    return line


def _change_line(
    ctx: Context, change: Callable[[Any, dict[str, Any]], dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Apply ``change`` (session, the line as it was -> the line saved) to the order line
    PO/LINE named on the command line, in one write; the line before, the line saved, and
    its key as the window shows it."""
    from services import records

    key = _line_key(ctx.args.line)
    with ctx.database().write() as session:
        line = _find_line(session, key)
        saved = change(session, line)
    return line, saved, records.record_key("orders", saved)


def cmd_receive(ctx: Context) -> int:
    """``receive PO/LINE QTY``: the window's receive, one line; prints the new version."""
    import datetime as dt

    from services import orders

    _, saved, key = _change_line(
        ctx,
        lambda session, line: orders.receive(
            session,
            line["id"],
            ctx.args.qty,
            ctx.args.on or dt.date.today(),
            ctx.actor(),
            expected_version=ctx.args.expect_version,
        ),
    )
    ctx.out.write(
        f"Order line {key}: {saved['received_qty']} of {saved['quantity']} received; "
        f"version {saved['version']}\n"
    )
    return EXIT_OK


def cmd_move_eta(ctx: Context) -> int:
    """``move-eta PO/LINE DATE``: the window's ETA move, one line; prints the new version."""
    from services import orders

    _, saved, key = _change_line(
        ctx,
        lambda session, line: orders.change_eta(
            session,
            line["id"],
            ctx.args.date,
            ctx.actor(),
            expected_version=ctx.args.expect_version,
        ),
    )
    ctx.out.write(f"Order line {key}: ETA {saved['eta'].isoformat()}; version {saved['version']}\n")
    return EXIT_OK


def cmd_correct_promise(ctx: Context) -> int:
    from services import orders

    line, saved, key = _change_line(
        ctx,
        lambda session, line: orders.correct_promised_date(
            session, line["id"], ctx.args.date, ctx.args.reason or "", ctx.actor()
        ),
    )
    before = line["promised_date"].isoformat() if line["promised_date"] else "none"
    ctx.out.write(
        f"Order line {key}: promised date {before} -> "
        f"{saved['promised_date'].isoformat()}, and its first commitment with it "
        "(the reason is kept in the audit trail).\n"
    )
    return EXIT_OK


def _json_records(rows: list[dict[str, Any]], names: Sequence[str]) -> list[dict[str, Any]]:
    """The records as JSON wants them (``records.typed_value``), made column by column: each
    distinct value of a column (its dates, prices, statuses repeat) is converted once, by the
    ``__missing__`` of a dict that C-level ``map`` reads."""
    from operator import methodcaller

    from services import records

    columns = []
    for name in names:
        values = list(map(methodcaller("get", name), rows))
        try:
            columns.append(list(map(_JsonValues().__getitem__, values)))
        except TypeError:  # a value that is no dict key (a list): converted one by one
            columns.append([records.typed_value(v) for v in values])
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


class _JsonValues(dict[Any, Any]):
    """One column's values as JSON shows them, each converted on first sight (True and 1
    are one key for a dict; a column holds values of one type, so they never meet)."""

    def __missing__(self, value: Any) -> Any:
        from services import records

        shown = self[value] = records.typed_value(value)
        return shown


def _print_json(ctx: Context, payload: Any) -> int:
    """What ``--json`` prints, non-ASCII text as it is: compact, by the C encoder in one
    piece; indented (the pure-Python encoder, seconds for 100,000 records) only for a
    terminal or with --pretty."""
    if getattr(ctx.args, "pretty", False) or ctx.out.isatty():
        text = json.dumps(payload, indent=2, ensure_ascii=False)
    else:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    ctx.out.write(text)
    ctx.out.write("\n")
    # Flushed here, so a reader that has gone (``| head``) is told apart while the command
    # still runs, not at exit.
    ctx.out.flush()
    return EXIT_OK


def _cell(value: Any) -> str:
    from services import records
    from services.validation import printable

    shown = records.typed_value(value)
    if shown is None:
        return ""
    if isinstance(shown, bool):
        return "yes" if shown else "no"
    if isinstance(shown, str) and "\n" in shown:  # an address: one line in a table
        shown = ", ".join(line.strip() for line in shown.splitlines() if line.strip())
    # Text written before control characters were stripped on input (or straight into the
    # database) is shown escaped, never sent raw to the terminal.
    return printable(str(shown))


def _print_table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, min(len(c), 40)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    for row in rows:
        cells = (c if len(c) <= 40 else c[:39] + "…" for c in row)
        out.write("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n")


def cmd_attach(ctx: Context) -> int:
    from services import attachments

    kind_name = attachments.check_kind(ctx.args.kind)  # a usage error before any reading
    database = ctx.database()
    with database.session() as session:
        limit = attachments.limit_bytes(session)
    # Read (and hashed) before the write transaction starts: a big file holds no lock.
    read = attachments.read_file(ctx.args.file, limit)
    with database.write() as session:
        ref = attachments.resolve(session, kind_name, ctx.args.key)
        added = attachments.attach(session, ref, read, ctx.actor(), limit=limit)
    ctx.out.write(
        f"Attached {added.file_name} ({attachments.size_text(added.size)}) to "
        f"{added.record_title} as attachment {added.id}.\n"
    )
    return EXIT_OK


def cmd_attachments(ctx: Context) -> int:
    from services import attachments

    kind_name = attachments.check_kind(ctx.args.kind)
    with ctx.database().session() as session:
        ref = attachments.resolve(session, kind_name, ctx.args.key)
        found = attachments.attachments_of(session, ref)
    if ctx.args.json:
        return _print_json(ctx, [a.as_json() for a in found])
    if not found:
        ctx.out.write(f"No files are attached to {ref.title}.\n")
        return EXIT_OK
    rows = [
        [
            str(a.id),
            a.file_name,
            attachments.size_text(a.size),
            a.added_by,
            a.added_at.strftime("%Y-%m-%d %H:%M"),
            a.sha256[:16],
            "" if (a.record_kind, a.record_id) == (ref.kind, ref.id) else a.record_title,
        ]
        for a in found
    ]
    _print_table(ctx.out, ["Id", "File", "Size", "Added by", "Added at", "sha256", "Of"], rows)
    files = "file" if len(found) == 1 else "files"
    ctx.out.write(f"{len(found)} {files} attached to {ref.title}\n")
    return EXIT_OK


def cmd_attachment(ctx: Context) -> int:
    from services import attachments

    with ctx.database().session() as session:
        info = attachments.get(session, ctx.args.id)
        written = attachments.save_copy(session, ctx.args.id, ctx.args.out)
    ctx.out.write(
        f"Wrote {written} ({info.file_name}, {attachments.size_text(info.size)}, "
        f"of {info.record_title}).\n"
    )
    return EXIT_OK


def cmd_detach(ctx: Context) -> int:
    from services import attachments

    with ctx.database().write() as session:
        info = attachments.detach(session, ctx.args.id, ctx.actor())
    ctx.out.write(f"Removed {info.file_name} (attachment {info.id}) from {info.record_title}.\n")
    return EXIT_OK


def cmd_settings(ctx: Context) -> int:
    from services import settings
    from services.errors import UsageError

    database = ctx.database()
    if ctx.args.name and ctx.args.value is None:
        raise UsageError("give a value to set, as in: settings slip_threshold_days 21")
    if ctx.args.name:
        with database.write() as session:
            value = settings.set_value(session, ctx.args.name, ctx.args.value, ctx.actor())
        ctx.out.write(f"{ctx.args.name} = {value}\n")
        return EXIT_OK
    with database.session() as session:
        values = settings.get_all(session)
    for opt in settings.OPTIONS:
        shown = "" if values[opt.name] is None else str(values[opt.name])
        shown = ", ".join(line.strip() for line in shown.splitlines() if line.strip())
        ctx.out.write(f"{opt.name:30} {shown:>10}   {opt.label}\n")
    return EXIT_OK


def cmd_db(ctx: Context) -> int:
    from services import maintenance

    action = ctx.args.db_command
    location = database_location(ctx.args)
    if action == "upgrade":
        report = maintenance.upgrade(location)
        ctx.out.write(report + "\n")
        return EXIT_OK
    if action == "check":
        result = maintenance.check(location)
        for line in result.lines:
            ctx.out.write(line + "\n")
        return EXIT_OK if result.ok else EXIT_REJECTED
    if action == "backup":
        ctx.out.write(maintenance.backup(location, ctx.args.file) + "\n")
        return EXIT_OK
    if action == "restore":
        from services import team

        ctx.out.write(team.restore(location, ctx.args.file) + "\n")
        return EXIT_OK
    if action in ("init", "grant", "password"):
        return _db_team(ctx, action, location)
    raise AssertionError(action)


def _db_team(ctx: Context, action: str, location: str) -> int:
    from services import credentials, team
    from services.errors import UsageError

    if action == "init":
        for line in team.init(location):
            ctx.out.write(line + "\n")
        return EXIT_OK
    if action == "grant":
        ctx.out.write(team.grant(location, ctx.args.login, ctx.args.role) + "\n")
        return EXIT_OK
    if "://" not in location:
        raise UsageError("give the team database with --db postgresql+psycopg://LOGIN@HOST/DB")
    password = _read_password(f"Password for {credentials.masked(location)}: ")
    credentials.store_password(location, password)
    ctx.out.write(
        f"The password for {credentials.account(location)} is kept in this computer's keyring; "
        "give --db without it from now on.\n"
    )
    return EXIT_OK


def _read_password(prompt: str) -> str:
    from services.errors import UsageError

    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(prompt)
    else:  # a script piping the password in
        password = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\n")
    if not password:
        raise UsageError("no password was given")
    return password


def cmd_alerts(ctx: Context) -> int:
    from services import alerts

    database = ctx.database()
    as_of = ctx.args.as_of or dt.date.today()
    with database.session() as session:
        found = alerts.visible_alerts(session, as_of, include_acknowledged=ctx.args.all)
    if ctx.args.json:
        return _print_json(ctx, [a.as_json() for a in found])
    if not found:
        ctx.out.write(f"No alerts as of {as_of}.\n")
        return EXIT_OK
    for severity in alerts.SEVERITIES:
        group = [a for a in found if a.severity == severity]
        if not group:
            continue
        ctx.out.write(f"{severity.upper()} ({len(group)})\n")
        site: str | None = "\0"
        for alert in group:
            if alert.site != site:
                site = alert.site
                ctx.out.write(f"  {site or 'All sites'}\n")
            mark = ""
            if alert.acknowledged is not None:
                ack = alert.acknowledged
                until = f" until {ack.snoozed_until}" if ack.snoozed_until else ""
                state = "hidden" if alert.hidden else "shown again"
                mark = f" [acknowledged by {ack.user}{until}, {state}]"
            ctx.out.write(f"    {alert.key}  {alert.message}{mark}\n")
    hidden = sum(1 for a in found if a.hidden)
    ctx.out.write(f"{len(found)} alerts as of {as_of}")
    ctx.out.write(f" ({hidden} acknowledged and hidden)\n" if hidden else "\n")
    return EXIT_OK


def cmd_alerts_ack(ctx: Context) -> int:
    from services import alerts

    database = ctx.database()
    with database.write() as session:
        done = alerts.acknowledge_many(
            session, ctx.args.keys, ctx.actor(), until=ctx.args.until, note=ctx.args.note
        )
    until = f" until {ctx.args.until}" if ctx.args.until else " until it gets worse"
    what = (
        done[0].key
        if len(done) == 1
        else f"{len(done)} alerts: " + ", ".join(alert.key for alert in done)
    )
    ctx.out.write(f"Acknowledged {what} (hidden{until}).\n")
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    from services import exporting
    from services.errors import UsageError

    args = ctx.args
    if args.kind == "po" or args.po or args.buyer:
        if args.kind != "po":
            raise UsageError("a purchase order is exported as: export po PO_NUMBER OUT.pdf")
        if args.po_out is not None and not args.po:
            po_number, target = str(args.out), args.po_out
        elif args.po and args.po_out is None:
            po_number, target = args.po, args.out  # export po OUT.xlsx --po PO_NUMBER
        else:
            raise UsageError(
                "a purchase order is exported as: export po PO_NUMBER OUT.pdf|OUT.xlsx "
                "(or export po OUT.xlsx --po PO_NUMBER)"
            )
        return _export_po(ctx, po_number, target)
    if args.po_out is not None:
        raise UsageError(f"export {args.kind} takes one file: export {args.kind} OUT.xlsx")
    exporting.export_kind(args.kind)  # an unknown kind is a usage error before any work
    cash = exporting.CashOptions(args.vendor, args.site, args.months)
    result = exporting.export(ctx.database(), args.kind, args.out, as_of=args.as_of, cash=cash)
    for warning in result.warnings:
        ctx.err.write(f"rackbook: warning: {warning}\n")
    sheets = ", ".join(result.sheets)
    ctx.out.write(f"Wrote {result.path} ({result.rows} rows; sheets: {sheets})\n")
    return EXIT_OK


def _export_po(ctx: Context, po_number: str, target: Path) -> int:
    from services.exporting.purchase_order import PdfRenderer, produce

    render: PdfRenderer | None = None
    if target.suffix.lower() == ".pdf":
        # Qt lays the document out: loaded for a PDF only (offscreen without a display).
        from ui.printing import render_pdf

        render = render_pdf
    user = ctx.actor().user
    buyer = ctx.args.buyer or user
    with ctx.database().write() as session:
        document = produce(
            session, po_number.strip(), target, user=user, buyer_name=buyer, render_pdf=render
        )
    lines = f"{len(document.lines)} line" + ("" if len(document.lines) == 1 else "s")
    revision = f"revision {document.revision}"
    if document.revision > 1 and document.new_revision:
        count = len(document.changes)
        changes = f"{count} change" + ("" if count == 1 else "s")
        revision += f", {changes} since revision {document.revision - 1}"
    elif not document.new_revision:
        revision += ", unchanged since it was sent"
    ctx.out.write(f"Wrote {target} (purchase order {document.po_number}, {lines}, {revision})\n")
    if document.revision > 1 and document.new_revision:
        for change in document.changes:
            ctx.out.write(f"  {change}\n")
    return EXIT_OK


def cmd_import(ctx: Context) -> int:
    from services.collector import collector_paused
    from services.importing.read import ReadAhead

    # A command process runs once and exits: the cyclic collector would only walk the
    # sheet's cells and the plan's rows once more when the import hands them back (and again
    # at exit), while nothing the import makes forms reference cycles. Run from another
    # program (tests), the collector is given back afterwards.
    with collector_paused(give_back=not ctx.whole_process):
        # The file is read from here on, while the database's libraries are imported and
        # the database opened (services.importing.read imports neither).
        ahead = ReadAhead(ctx.args.file, ctx.args.sheet)
        from services import importing

        return _import(ctx, importing, ahead)


def _import(ctx: Context, importing: Any, ahead: Any) -> int:
    args = ctx.args
    request = importing.ImportRequest.from_map_options(
        args.map,
        kind=args.kind,
        sheet=args.sheet,
        vendor=args.vendor,
        dayfirst=args.dayfirst,
        decimal_comma=True if args.decimal_comma else None,
        skip_invalid=args.skip_invalid,
        include_hidden=args.include_hidden,
        profile=args.profile,
        save_profile=args.save_profile,
    )
    if args.errors is not None:
        importing.refuse_overwriting(args.file, args.errors, "nothing was imported")
    database = ctx.database()
    with database.write() as session:
        report = importing.import_file(session, args.file, request, ctx.user, ahead=ahead)
        written = report.ok and not args.dry_run
        if not written:
            session.rollback()
    _print_import_report(ctx, report, dry_run=args.dry_run, skip_invalid=args.skip_invalid)
    if args.errors is not None:
        saved = importing.write_errors([s.plan for s in report.sheets], args.errors)
        ctx.out.write(f"{importing.errors_written_text(saved, args.errors)}\n")
        for note in saved.notes:
            ctx.out.write(f"  note: {note}\n")
    return EXIT_OK if report.ok else EXIT_REJECTED


def _print_import_report(ctx: Context, report: Any, *, dry_run: bool, skip_invalid: bool) -> None:
    from services.importing import RowAction

    out = ctx.out
    out.write(f"File: {report.file} ({report.format})\n")
    for note in report.notes:
        out.write(f"  note: {note}\n")
    problems = []
    for sheet_report in report.sheets:
        plan = sheet_report.plan
        mapping = plan.mapping
        detected = "given" if ctx.args.kind else "detected from the headers"
        out.write(
            f"Sheet {plan.sheet_name!r}: {plan.kind} ({detected}), headers on row "
            f"{plan.sheet.excel_row(mapping.header_row)}\n"
        )
        for note in plan.notes:
            out.write(f"  note: {note}\n")
        matched = [
            f"{c.header!r} -> {c.field}"
            + ("" if c.confidence >= 100 else f" ({c.how}, {c.confidence}%)")
            + (" [hidden]" if c.hidden else "")
            for c in mapping.columns
            if c.field
        ]
        out.write("  Columns: " + "; ".join(matched) + "\n")
        if mapping.constants:
            given = "; ".join(f"{k} = {v}" for k, v in mapping.constants.items())
            out.write(f"  For every row: {given}\n")
        if mapping.ignored:
            ignored = "; ".join(f"{c.header!r} ({c.note})" for c in mapping.ignored)
            out.write(f"  Ignored columns: {ignored}\n")
        for row, why in plan.skipped:
            out.write(f"  Skipped row {row}: {why}\n")
        counts = plan.counts
        batch = (
            f" (import batch {sheet_report.result.batch_id})"
            if sheet_report.result and report.ok and not dry_run
            else ""
        )
        out.write(
            f"  {counts['create']} created, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['rejected']} rejected{batch}\n"
        )
        moves = plan.eta_moves()
        if moves:
            out.write(f"  {moves.text}\n")
        if dry_run:
            for row in plan.rows:
                if row.action == RowAction.UPDATE:
                    changed = ", ".join(
                        f"{c.field} {_cell(c.old) or '(none)'} -> {_cell(c.new) or '(none)'}"
                        for c in row.changes
                    )
                    note = f" ({row.promise_note})" if row.promise_note else ""
                    out.write(f"    row {row.row} {row.key}: {changed}{note}\n")
        problems.extend(plan.problems)
    if report.not_reached:
        out.write(f"Not imported (stopped at the first rejected sheet): {report.not_reached}\n")
    if problems:
        out.write(f"Problems ({len(problems)}):\n")
        for problem in problems:
            out.write(f"  - {problem}\n")
    if dry_run:
        out.write("Dry run: nothing was written.\n")
    elif not report.ok:
        out.write(
            f"Nothing was written: {report.rejected} rows rejected. Fix them and import again, "
            "or use --skip-invalid to write the valid rows.\n"
        )
    elif skip_invalid and report.rejected:
        out.write(f"The valid rows were written; {report.rejected} rows were left out.\n")


def cmd_import_undo(ctx: Context) -> int:
    from services import importing

    database = ctx.database()
    with database.write() as session:
        result = importing.undo_batch(session, ctx.args.batch, ctx.user)
    ctx.out.write(
        f"Import batch {result.batch_id} undone: {result.deleted} records removed, "
        f"{result.restored} records restored.\n"
    )
    return EXIT_OK


COMMANDS: dict[str, Callable[[Context], int]] = {
    "demo": cmd_demo,
    "list": cmd_list,
    "correct-promise": cmd_correct_promise,
    "receive": cmd_receive,
    "move-eta": cmd_move_eta,
    "settings": cmd_settings,
    "db": cmd_db,
    "export": cmd_export,
    "alerts": cmd_alerts,
    "alerts-ack": cmd_alerts_ack,
    "chase": cmd_chase,
    "import": cmd_import,
    "import-undo": cmd_import_undo,
    "attach": cmd_attach,
    "attachments": cmd_attachments,
    "attachment": cmd_attachment,
    "detach": cmd_detach,
}


def _figure_commands() -> dict[str, Callable[[Context], int]]:
    import cli_figures

    return cli_figures.COMMANDS


def run(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    *,
    whole_process: bool = False,
) -> int:
    """Run one headless command; returns the exit status. ``whole_process``: the caller is
    main.py, whose process ends with the command."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    ctx = Context(args, out, err, whole_process=whole_process)
    if args.command is None:
        parser.print_usage(err)
        return EXIT_USAGE
    # The parser only accepts commands that have a handler (a test holds the two in step).
    handler = COMMANDS.get(args.command) or _figure_commands()[args.command]
    try:
        return guarded(lambda: handler(ctx), err, lambda: ctx._database)
    finally:
        if whole_process and ctx._database is not None:
            # Its connections closed now (a PostgreSQL server told the session ends): the
            # process may end at once (main.leave).
            with contextlib.suppress(Exception):
                ctx._database.dispose()


def guarded(
    action: Callable[[], int], err: TextIO, database: Callable[[], Any] | None = None
) -> int:
    """Run ``action``; a person's mistake or an unusable database becomes one clear message.
    ``database``: the database the action opened, if any (to tell a full disk apart)."""
    try:
        return action()
    except Exception as exc:
        return _told(exc, err, database)


def _told(exc: Exception, err: TextIO, database: Callable[[], Any] | None) -> int:
    """What ``guarded`` says of ``exc`` and the exit status. The error classes are imported
    here, once something went wrong: importing SQLAlchemy before the command runs would
    hold up what the command starts first (an import starts reading its file)."""
    import sqlite3

    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from models.database import CannotOpen, ReadOnlyDatabase
    from models.migrate import MigrationError
    from services.errors import RackbookError

    if isinstance(exc, RackbookError):
        err.write(f"rackbook: {exc}\n")
        return exc.exit_status
    if isinstance(exc, MigrationError | CannotOpen | ReadOnlyDatabase):
        from services.faults import explain

        err.write(f"rackbook: {explain(exc) or exc}\n")
        return EXIT_REJECTED
    if isinstance(exc, SQLAlchemyError | sqlite3.Error):
        from services.faults import explain

        problem = explain(exc, database() if database is not None else None)
        if problem is not None:
            err.write(f"rackbook: {problem}\n")
            return problem.exit_status
        if isinstance(exc, OperationalError | sqlite3.OperationalError):
            orig = exc.orig if isinstance(exc, OperationalError) else exc
            err.write(f"rackbook: the database cannot be used: {_first_line(orig)}\n")
            return EXIT_REJECTED
        return _internal_error(err, exc)
    if isinstance(exc, OverflowError):
        err.write("rackbook: a number given is too large for the database; nothing was written\n")
        return EXIT_USAGE
    if isinstance(exc, BrokenPipeError):
        # The reader of the output has gone (``rackbook list orders | head``): stop quietly,
        # with nothing left for Python to flush into the closed pipe at exit.
        _drop_stdout()
        return EXIT_OK
    if isinstance(exc, OSError):
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        err.write(f"rackbook: cannot use{name}: {exc.strerror or exc}\n")
        return EXIT_REJECTED
    return _internal_error(err, exc)  # a bug: logged in full, one line for the person


def _drop_stdout() -> None:
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real stream (tests write to a StringIO)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def _first_line(error: object) -> str:
    from models.database import to_url

    text = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    # Connection errors can quote the URL: never show a password.
    if "://" in text:
        words = [
            to_url(w).render_as_string(hide_password=True) if "://" in w else w
            for w in text.split()
        ]
        text = " ".join(words)
    return text


def _internal_error(err: TextIO, exc: BaseException) -> int:
    from services import paths
    from services.credentials import mask_text

    log = paths.log_folder() / "rackbook-errors.log"
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {dt.datetime.now().isoformat()}\n")
        # A traceback can quote a database URL: never write its password to the log.
        handle.write(mask_text("".join(traceback.format_exception(exc))))
    logging.getLogger("rackbook").debug("internal error", exc_info=exc)
    err.write(
        f"rackbook: internal error ({exc.__class__.__name__}); nothing was written. "
        f"Details are in {log}\n"
    )
    return EXIT_REJECTED
