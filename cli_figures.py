"""The figure commands of the command line: allocation, scorecard, readiness, whatif (and
scenarios), margin and cash. Argument parsing and printing only: every figure comes from the
same services the window calls. ``--json`` prints the documented JSON shapes (money as
strings, dates ISO, unknown as null), indented when printing to a terminal, compact otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

EXIT_OK = 0


def add_parsers(
    sub: Any,
    date_type: Callable[[str], dt.date],
    count_type: Callable[[int], Callable[[str], int]] | None = None,
) -> None:
    """Register the figure commands on the main parser's subparsers."""
    count = count_type or (lambda _largest: int)
    p = sub.add_parser("allocation", help="pegging and delivery per contract")
    p.add_argument("--as-of", type=date_type)
    json_arguments(p)

    p = sub.add_parser("scorecard", help="per vendor, and per vendor + sku")
    p.add_argument("--as-of", type=date_type)
    json_arguments(p)

    p = sub.add_parser("readiness", help="whole-cluster readiness per deployment")
    p.add_argument("--as-of", type=date_type)
    json_arguments(p)

    p = sub.add_parser(
        "whatif", help="what a slip of a vendor, order or line changes (nothing is written)"
    )
    _slip_arguments(p)
    p.add_argument("--as-of", type=date_type)
    json_arguments(p)

    p = sub.add_parser("scenario", help="what-if scenarios kept under a name")
    actions = p.add_subparsers(dest="scenario_command", metavar="ACTION")
    actions.required = True
    q = actions.add_parser("save", help="keep these slips under NAME")
    q.add_argument("name")
    _slip_arguments(q)
    q.add_argument("--as-of", type=date_type)
    actions.add_parser("list", help="the scenarios kept")
    q = actions.add_parser("show", help="what scenario NAME changes today")
    q.add_argument("name")
    q.add_argument("--as-of", type=date_type)
    json_arguments(q)
    q = actions.add_parser("apply", help="write scenario NAME's moved ETAs as ETA changes")
    q.add_argument("name")
    q.add_argument("--as-of", type=date_type)
    q = actions.add_parser("delete", help="remove scenario NAME")
    q.add_argument("name")

    p = sub.add_parser("margin", help="margin per contract and site")
    p.add_argument("--as-of", type=date_type)
    json_arguments(p)

    p = sub.add_parser("cash", help="payments due per month")
    p.add_argument("--vendor", help="only this vendor (name or alias)")
    p.add_argument("--site", help="only this site")
    p.add_argument("--as-of", type=date_type)
    p.add_argument(
        "--months", type=count(1200), help="how many months ahead (default: the setting)"
    )
    json_arguments(p)


def json_arguments(p: argparse.ArgumentParser, pretty: str = "indented JSON") -> None:
    """``--json`` and ``--pretty`` (``pretty``: its help)."""
    p.add_argument("--json", action="store_true")
    p.add_argument("--pretty", action="store_true", help=pretty)


def _slip_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--slip",
        action="append",
        default=[],
        metavar="TARGET=DAYS",
        help="move a vendor's (name or alias), an order's or a PO/LINE's open, dated units "
        "by DAYS (negative: earlier); repeatable",
    )
    p.add_argument("--slip-all", type=_days, metavar="DAYS", help="move every open, dated unit")


def _days(text: str) -> int:
    """A slip in days: a whole number within a century either way."""
    import argparse

    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if abs(value) > 36_500:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} days is out of range")
    return value


def print_json(out: TextIO, data: Any, pretty: bool = False) -> None:
    """Compact JSON (the C encoder), indented only for a terminal or with --pretty (the
    indenting encoder is pure Python: 100,000 records take seconds)."""
    if pretty or out.isatty():
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    out.flush()  # a reader that has gone is told apart while the command runs


def _table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    texts = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in texts:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for row in texts:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _read_session(ctx: Any) -> Any:
    """A read transaction on a database opened without migrating it (nothing is written)."""
    from models.database import open_database
    from models.migrate import NewerDatabase, is_known, schema_state
    from services.errors import RackbookError

    if ctx._database is None:
        from services.locations import database_location

        database = open_database(
            database_location(ctx.args.db, bool(ctx.args.demo)), upgrade=False, backup=False
        )
        current, head = schema_state(database)
        if not is_known(current):
            database.dispose()
            raise NewerDatabase(str(current))
        if current != head:
            database.dispose()
            raise RackbookError(
                f"the database's schema is at revision {current or 'none'}, this Rackbook's at "
                f"{head}: run 'db upgrade' first (nothing was written)"
            )
        ctx._database = database
    return ctx._database.session()


def _as_of(ctx: Any) -> dt.date:
    return ctx.args.as_of or dt.date.today()


# --- allocation ----------------------------------------------------------------------------


def _figures(ctx: Any, make: Callable[[Any], Any]) -> tuple[Any, Any]:
    """The picture as of ``--as-of`` and ``make``'s report of it; with ``--json`` the report
    is printed and None comes back in its place."""
    from services import figures

    with _read_session(ctx) as session:
        pic = figures.picture(session, _as_of(ctx))
    report = make(pic)
    if ctx.args.json:
        print_json(ctx.out, report, getattr(ctx.args, "pretty", False))
        return pic, None
    return pic, report


def cmd_allocation(ctx: Any) -> int:
    from services import reports

    pic, report = _figures(ctx, reports.allocation)
    if report is None:
        return EXIT_OK
    out = ctx.out
    out.write(f"Allocation as of {pic.as_of}\n\n")
    _table(
        out,
        [
            "Contract",
            "Site",
            "Status",
            "Model",
            "Committed",
            "Secured",
            "Late",
            "Short",
            "Need by",
            "Order by",
            "Delivery",
            "Days late",
            "Late credit",
        ],
        [
            [
                c["contract_ref"],
                c["site"],
                c["status"],
                c["gpu_model"] or "any",
                c["committed_gpus"],
                c["secured_gpus"],
                c["late_gpus"],
                c["shortfall"],
                c["need_by"],
                c["order_by"],
                c["delivery_date"] or "unknown",
                c["days_late"],
                "unbounded" if c["late_credit_unbounded"] else c["late_credit"],
            ]
            for c in report["contracts"]
        ],
    )
    for c in report["contracts"]:
        if c["lines"]:
            out.write(f"\n{c['contract_ref']} is served by:\n")
            for line in c["lines"]:
                state = "secured" if line["secured"] else "late"
                out.write(
                    f"  {line['po_number']}/{line['line']}  {line['gpus']:,} GPUs  "
                    f"{line['date']}  {state}\n"
                )
    out.write("\n")
    _table(
        out,
        ["Site", "Overdue GPUs", "Undated GPUs", "Spare GPUs"],
        [
            [s["site"], s["overdue_gpus"], s["undated_gpus"], s["spare_gpus"]]
            for s in report["sites"]
        ],
    )
    return EXIT_OK


# --- scorecard -----------------------------------------------------------------------------


def _pct(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def cmd_scorecard(ctx: Any) -> int:
    from services import reports, scorecard

    with _read_session(ctx) as session:
        card = scorecard.scorecard(session, _as_of(ctx))
    report = reports.scorecard(card)
    if ctx.args.json:
        print_json(ctx.out, report, getattr(ctx.args, "pretty", False))
        return EXIT_OK
    out = ctx.out
    out.write(
        "On time: units received by their line's first commitment ÷ (units received + units "
        "overdue now).\n\n"
    )
    _table(
        out,
        [
            "Vendor",
            "On time",
            "Received",
            "On time units",
            "Overdue",
            "Median slip",
            f"Open value ({card.reporting_currency})",
        ],
        [
            [
                v["vendor"],
                _pct(v["on_time_share"]),
                v["units_received"],
                v["units_on_time"],
                v["units_overdue"],
                v["median_slip_days"],
                v["open_order_value"],
            ]
            for v in report["vendors"]
        ],
    )
    out.write("\n")
    _table(
        out,
        [
            "Vendor",
            "SKU",
            "On time",
            "Received",
            "Overdue",
            "Median slip",
            "Quoted days",
            "Actual days",
        ],
        [
            [
                s["vendor"],
                s["sku"],
                _pct(s["on_time_share"]),
                s["units_received"],
                s["units_overdue"],
                s["median_slip_days"],
                s["newest_lead_days"],
                s["median_actual_lead_days"],
            ]
            for s in report["skus"]
        ],
    )
    return EXIT_OK


# --- readiness -----------------------------------------------------------------------------


def cmd_readiness(ctx: Any) -> int:
    from services import reports

    pic, report = _figures(ctx, reports.readiness)
    if report is None:
        return EXIT_OK
    out = ctx.out
    out.write(f"Readiness as of {pic.as_of}: a cluster is as ready as its latest part.\n")
    if not report:
        out.write("No deployments.\n")
    for d in report:
        late = d["days_late"]
        when = f"ready {d['ready_date']}" if d["ready_date"] else "cannot complete (parts missing)"
        lateness = "" if late is None else (f", {late} days late" if late else ", on time")
        contract = f" for {d['contract_ref']}" if d["contract_ref"] else ""
        out.write(
            f"\n{d['deployment_ref']} at {d['site']}{contract} ({d['status']}): needed by "
            f"{d['needed_by'] or 'no date'}, parts complete {d['parts_complete'] or 'unknown'}, "
            f"{when}{lateness}; critical part: {d['critical_part'] or 'none'}\n"
        )
        for part in d["parts"]:
            lines = ", ".join(
                f"{x['po_number']}/{x['line']} ×{x['units']} {x['date']}" for x in part["lines"]
            )
            missing = f", {part['missing']} missing" if part["missing"] else ""
            out.write(
                f"  {part['part']}: {part['taken']} of {part['needed']}"
                f"{missing}; complete {part['complete_date'] or 'unknown'}"
                + (f" ({lines})" if lines else "")
                + "\n"
            )
    return EXIT_OK


# --- what-if -------------------------------------------------------------------------------


def _requests(args: argparse.Namespace) -> list[Any]:
    from services import whatif

    requests = [whatif.parse_slip(text) for text in args.slip]
    if args.slip_all is not None:
        requests.append(whatif.SlipRequest(whatif.ALL, whatif.check_days(args.slip_all, "all")))
    return requests


def _credit(state: dict[str, Any]) -> str:
    if state.get("late_credit_unbounded"):
        return "unbounded"
    return state.get("late_credit") or "0"


def write_outcome(out: TextIO, outcome: Any) -> None:
    out.write(
        f"What if ({', '.join(s.label + f' {s.days:+d} days' for s in outcome.slips)}), "
        f"as of {outcome.as_of}: {len(outcome.moves)} order lines move. Nothing was written.\n"
    )
    if not (outcome.contracts or outcome.deployments or outcome.alerts_new or outcome.alerts_gone):
        out.write("Nothing changes for any contract, deployment or alert.\n")
        return
    if outcome.contracts:
        out.write("\nContracts (largest late-credit change first), before → after:\n")
        for c in outcome.contracts:
            was, now = c["before"], c["after"]
            out.write(
                f"  {c['contract_ref']}: secured {was['secured_gpus']:,} → "
                f"{now['secured_gpus']:,} GPUs, short {was['shortfall']:,} → "
                f"{now['shortfall']:,}, delivery {was['delivery_date'] or 'unknown'} → "
                f"{now['delivery_date'] or 'unknown'}, days late {was['days_late']} → "
                f"{now['days_late']}, late credit {_credit(was)} → {_credit(now)}\n"
            )
    if outcome.deployments:
        out.write("\nDeployments, before → after:\n")
        for d in outcome.deployments:
            was, now = d["before"], d["after"]
            out.write(
                f"  {d['deployment_ref']}: ready {was['ready_date'] or 'unknown'} → "
                f"{now['ready_date'] or 'unknown'}, days late {was['days_late']} → "
                f"{now['days_late']}\n"
            )
    for title, found in (("New alerts", outcome.alerts_new), ("Alerts gone", outcome.alerts_gone)):
        if found:
            out.write(f"\n{title}:\n")
            for alert in found:
                out.write(f"  [{alert['severity']}] {alert['message']}\n")


def cmd_whatif(ctx: Any) -> int:
    from services import whatif

    requests = _requests(ctx.args)
    with _read_session(ctx) as session:
        outcome = whatif.run(session, requests, ctx.args.as_of)
    if ctx.args.json:
        print_json(ctx.out, outcome.as_json(), getattr(ctx.args, "pretty", False))
    else:
        write_outcome(ctx.out, outcome)
    return EXIT_OK


def cmd_scenario(ctx: Any) -> int:
    from services import whatif

    action = ctx.args.scenario_command
    if action == "list":
        with _read_session(ctx) as session:
            found = whatif.scenarios(session)
        if not found:
            ctx.out.write("No scenarios kept.\n")
        for s in found:
            slips = ", ".join(r.text() for r in s.slips)
            ctx.out.write(f"{s.name}: {slips} (by {s.created_by}, {s.created_at:%Y-%m-%d})\n")
        return EXIT_OK
    if action == "show":
        with _read_session(ctx) as session:
            saved = whatif.scenario(session, ctx.args.name)
            outcome = whatif.run(session, saved.slips, ctx.args.as_of)
        if ctx.args.json:
            print_json(ctx.out, outcome.as_json(), getattr(ctx.args, "pretty", False))
        else:
            write_outcome(ctx.out, outcome)
        return EXIT_OK
    database = ctx.database()
    with database.write() as session:
        if action == "save":
            saved = whatif.save_scenario(
                session, ctx.args.name, _requests(ctx.args), ctx.actor(), ctx.args.as_of
            )
            ctx.out.write(
                f"Scenario {saved.name!r} saved: {', '.join(r.text() for r in saved.slips)}; "
                f"it moves {len(saved.line_versions)} order lines.\n"
            )
        elif action == "apply":
            moves = whatif.apply_scenario(session, ctx.args.name, ctx.actor(), ctx.args.as_of)
            ctx.out.write(
                f"Scenario {ctx.args.name!r} applied: {len(moves)} ETAs moved (source what-if).\n"
            )
        else:
            whatif.delete_scenario(session, ctx.args.name, ctx.actor())
            ctx.out.write(f"Scenario {ctx.args.name!r} removed.\n")
    return EXIT_OK


# --- money ---------------------------------------------------------------------------------


def cmd_margin(ctx: Any) -> int:
    from services import reports

    pic, report = _figures(ctx, reports.margin)
    if report is None:
        return EXIT_OK
    currency = pic.world.settings.reporting_currency
    out = ctx.out
    out.write(f"Margin as of {pic.as_of}, in {currency} (first month, and the whole term)\n\n")
    _table(
        out,
        [
            "Contract",
            "Month",
            "Revenue",
            "Power",
            "Hardware",
            "Margin",
            "Margin %",
            "Term revenue",
            "Term margin",
        ],
        [
            [
                c["contract_ref"],
                c["month"],
                c["revenue"],
                c["power_cost"],
                c["hardware_cost"],
                c["margin"],
                "" if c["margin_pct"] is None else f"{c['margin_pct']}%",
                c["term_revenue"],
                c["term_margin"],
            ]
            for c in report["contracts"]
        ],
    )
    out.write("\n")
    rows = [s for s in report["sites"] if s["required_mw"] != "0" or s["min_take_mw"] != "0"]
    _table(
        out,
        ["Site", "Month", "Required MW", "Min take MW", "Idle MW", "Idle cost", "Margin"],
        [
            [
                s["site"],
                s["month"],
                s["required_mw"],
                s["min_take_mw"],
                s["idle_mw"],
                s["idle_cost"],
                s["margin"],
            ]
            for s in rows
        ],
    )
    return EXIT_OK


def cmd_cash(ctx: Any) -> int:
    from services import cash as cash_service
    from services.errors import UsageError

    if ctx.args.months is not None and not 1 <= ctx.args.months <= 120:
        raise UsageError(f"--months {ctx.args.months}: give 1 to 120 months")
    with _read_session(ctx) as session:
        cash = cash_service.cash_out(
            session,
            _as_of(ctx),
            vendor=ctx.args.vendor,
            site=ctx.args.site,
            months=ctx.args.months,
        )
    report = cash_service.cash_json(cash)
    if ctx.args.json:
        print_json(ctx.out, report, getattr(ctx.args, "pretty", False))
        return EXIT_OK
    out = ctx.out
    currency = cash.world.settings.reporting_currency
    out.write(
        f"Cash out not yet paid, from {cash.as_of} for {cash.months} months "
        f"(overdue: past due while its event has not happened)\n\n"
    )
    _table(
        out,
        ["Month", "Vendor", "Site", "Currency", "Amount", f"In {currency}", "Overdue", "Lines"],
        [
            [
                r["month"] or "undated",
                r["vendor"],
                r["site"],
                r["currency"],
                r["amount"],
                r["amount_reporting"] or "no rate",
                "overdue" if r["overdue"] else "",
                ", ".join(r["lines"][:4]) + (" …" if len(r["lines"]) > 4 else ""),
            ]
            for r in report
        ],
    )
    for text, why in cash.unreadable.items():
        out.write(f"\nNot counted: {why} ({text!r})\n")
    return EXIT_OK


COMMANDS: dict[str, Callable[[Any], int]] = {
    "allocation": cmd_allocation,
    "scorecard": cmd_scorecard,
    "readiness": cmd_readiness,
    "whatif": cmd_whatif,
    "scenario": cmd_scenario,
    "margin": cmd_margin,
    "cash": cmd_cash,
}
