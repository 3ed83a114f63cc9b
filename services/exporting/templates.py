"""Import templates (``export template-KIND``): a workbook to fill in and import back.

The first sheet has the header row of the kind (the canonical names the import reads without
any mapping; required columns are highlighted and carry a note), drop-down lists for every
enumeration (status, service, price unit, category, structure: in words, ``In production``,
``per GPU-hour``) and for the vendors and sites already in the database, and date and
whole-number checks. A second sheet explains every column. The drop-down sources live on a
hidden ``Lists`` sheet, so lists of any length work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from services.exporting.cells import DATE_FORMAT, Column, WorkbookWriter
from services.exporting.lists import header_for, list_columns
from services.schema import IMPORT_KINDS, Field, Kind, kind
from services.words import words

# Data validation covers this many rows below the header.
TEMPLATE_ROWS = 10_000

# What each column holds, in the buyer's words (the Instructions sheet).
FIELD_HELP: dict[str, str] = {
    "name": "The name, as people write it",
    "country": "Country",
    "region": "Region or state",
    "grid_capacity_mw": "Grid interconnect capacity in MW",
    "pue": "Power usage effectiveness (blank: the default PUE setting)",
    "notes": "Free text",
    "aliases": "Other names the vendor appears under in files, separated by ;",
    "category": "What kind of product it is",
    "contact": "Contact person, e-mail or phone",
    "payment_terms": "Payment terms, such as Net 30",
    "address": "The vendor's postal address (one line each: street, town and code, country)",
    "incoterms": "Incoterms 2020 rule and place, such as DAP ship-to or FCA San Jose, CA",
    "ship_to_address": "Where vendors deliver to this site, as printed on purchase orders",
    "sku": "The vendor's part number",
    "vendor": "A vendor already in Rackbook (its name or one of its aliases)",
    "description": "Description",
    "gpus_per_unit": "GPUs in one unit (72 for an NVL72 rack; 0 for non-GPU gear)",
    "kw_per_unit": "Power draw of one unit in kW",
    "list_price": "List price of one unit",
    "currency": "Three-letter currency code (USD, EUR…); blank means USD",
    "lead_time": "Lead time: a number of days, or 16 weeks, 12-14 wks, 90 days, 6 months",
    "quote_date": "The day the vendor quoted the lead time",
    "valid_until": "Last day the quote holds",
    "po_number": "Purchase order number",
    "line": "Line number within the purchase order",
    "quantity": "Units ordered (a whole number above 0)",
    "site": "A site already in Rackbook",
    "order_date": "The day the order was placed",
    "unit_price": "Price of one unit",
    "requested_date": "The delivery day we asked for",
    "promised_date": "The vendor's first delivery commitment",
    "eta": "The vendor's current delivery estimate",
    "received_qty": "Units received so far",
    "received_date": "The day units were received",
    "status": "Status (choose from the list)",
    "ppa_ref": "The PPA's reference",
    "counterparty": "The power seller",
    "capacity_mw": "Contracted capacity in MW",
    "start_date": "First day",
    "end_date": "Last day",
    "price_per_mwh": "Price per MWh",
    "structure": "Price structure",
    "escalation_pct": "Yearly price escalation in % (3 means 3 %)",
    "renewable_pct": "Renewable share in %",
    "take_or_pay_pct": "Take-or-pay share in %",
    "notice_days": "Days of notice needed before the end date",
    "contract_ref": "The contract's reference",
    "customer": "The customer (created when new)",
    "price": "Price, in the price unit",
    "price_unit": "What the price is per",
    "service": "The service sold",
    "committed_gpus": "GPUs promised to the customer",
    "committed_mw": "Megawatts promised to the customer",
    "sla_uptime_pct": "Uptime promised in %",
    "auto_renew": "Renews by itself unless notice is given: TRUE or FALSE",
    "rate": "Units of the reporting currency one unit of this currency buys",
    "valid_from": "First day the rate applies",
    "gpu_model": "GPU model (GB300, B300, H200…): on a product with GPUs; on a contract, the "
    "model it must be served by (blank: any model)",
    "late_credit_per_day": "Credit owed to the customer per day of late delivery, in the "
    "contract's currency (give the currency)",
    "late_credit_cap": "The most the late credit can add up to, in the contract's currency",
    "payment_schedule": "Payment milestones: percent, event (order, promised, shipped, "
    "received) and days after, such as 30% order; 60% shipped; 10% received+30 or 100% net 60 "
    "(they add up to 100 %; on an order, blank means the vendor's)",
    "deployment_ref": "The deployment (cluster, hall) it is for; an order line reserved for a "
    "deployment serves that one only",
    "from_date": "The day this grid capacity is in force from (an upgrade, a new substation)",
    "grid_mw": "The grid interconnect in MW from that day on",
    "target_date": "When the cluster must be ready (blank: its contract's need-by date)",
    "power_ready_date": "When its power is energised (blank: available now)",
    "part": "A product SKU (any vendor's) or a category: gpu_system, gpu_server, network, "
    "storage, power, cooling, other",
}

FORMAT_HELP = {
    "text": "text",
    "int": "whole number",
    "decimal": "number",
    "money": "amount (1250000.00; $ and thousands commas are fine)",
    "date": "date (a date cell, 2027-04-20, 20-Apr-2027 or 04/20/2027)",
    "bool": "TRUE or FALSE",
    "choice": "one of the listed values",
}

# Choice fields whose import also takes other words (vendor status words): a warning, not a stop.
LENIENT_CHOICES = {("orders", "status")}


def template_kinds() -> tuple[str, ...]:
    return IMPORT_KINDS


# Fields a list shows that the import never reads, left out of the template to fill in.
LEFT_OUT = frozenset({("orders", "first_commitment")})


def template_fields(spec: Kind) -> tuple[str, ...]:
    """The columns of the import template of ``spec``, in its order."""
    return tuple(n for n in spec.field_names if (spec.name, n) not in LEFT_OUT)


def _choices_of(spec: Kind, field: Field) -> tuple[str, ...]:
    """The values a column offers, as a person writes them (the import reads the words
    back as their codes)."""
    if field.type == "choice":
        return tuple(words(choice) for choice in field.choices)
    if field.type == "bool":
        return ("TRUE", "FALSE")
    return ()


def export_template(session: Session, kind_name: str, book: WorkbookWriter) -> int:
    """Write the import template of ``kind_name`` into ``book``; returns 0 (no data rows)."""
    spec = kind(kind_name)
    if spec.name not in IMPORT_KINDS:
        raise_unknown(kind_name)
    from services.lists import reference_names

    known = reference_names(session)
    names = template_fields(spec)

    columns = [
        replace(c, min_width=max(14, len(c.header) + 4), comment=_note(spec, spec.field(name)))
        for c, name in zip(list_columns(spec, names), names, strict=True)
    ]
    sheet = book.add_sheet(spec.label, columns)
    required_fmt = book.format(bold=True, bg_color="#F8CBAD", bottom=1, text_wrap=True)
    sheet.header()
    for col, name in enumerate(names):
        if spec.field(name).required:
            # Rewrite the header cell highlighted: the required columns stand out.
            sheet.ws.write_string(0, col, header_for(spec.name, name), required_fmt)

    lists = _Lists()
    sources: dict[str, str] = {}
    refs = {spec.field(n).ref for n in names}
    # The names each reference may take, offered (not enforced: an alias, a new sku).
    offered = {
        "vendors": known.vendors,
        "sites": known.sites,
        "contracts": known.contracts,
        "deployments": known.deployments,
    }
    for ref in sorted(r for r in refs if r in offered):
        sources[ref] = lists.source(ref, offered[ref])
    if "part" in names:
        sources["parts"] = lists.source("parts", known.parts())
    for col, name in enumerate(names):
        options = _validation(spec, name, sources, lists)
        if options is None:
            continue
        if options["validate"] == "date":
            sheet.column_formats[col] = book.format(num_format=DATE_FORMAT)
        sheet.ws.data_validation(1, col, TEMPLATE_ROWS, col, options)
    lists.write(book)
    _instructions(book, spec)
    return 0


class _Lists:
    """The drop-down sources, one column each on the hidden Lists sheet (written at the
    end, row by row, as constant-memory mode requires)."""

    def __init__(self) -> None:
        self.values: list[tuple[str, Sequence[str]]] = []

    def source(self, title: str, values: Sequence[str]) -> str:
        col = len(self.values)
        self.values.append((title, values))
        letter = _column_letter(col)
        return f"=Lists!${letter}$2:${letter}${max(len(values), 1) + 1}"

    def write(self, book: WorkbookWriter) -> None:
        lists = book.add_plain_sheet("Lists")
        lists.hide()
        for row in range(1 + max((len(v) for _, v in self.values), default=0)):
            for col, (title, values) in enumerate(self.values):
                if row == 0:
                    lists.write_string(0, col, title)
                elif row <= len(values):
                    lists.write_string(row, col, values[row - 1])


def _validation(
    spec: Kind, name: str, sources: dict[str, str], lists: _Lists
) -> dict[str, Any] | None:
    """The data validation of the template's column ``name`` (None: none)."""
    field = spec.field(name)
    header = header_for(spec.name, name)
    choices = _choices_of(spec, field)
    if choices:
        lenient = (spec.name, name) in LENIENT_CHOICES
        return {
            "validate": "list",
            "source": lists.source(header, choices),
            "error_type": "warning" if lenient else "stop",
            "error_title": header,
            "error_message": f"Choose one of: {', '.join(choices)}",
        }
    if field.ref in sources:
        return {
            "validate": "list",
            "source": sources[field.ref],
            # A vendor may be written by an alias, which the list does not show.
            "error_type": "warning",
            "error_title": header,
            "error_message": f"Not a known {field.ref[:-1]}: the import will refuse it"
            + (" unless it is an alias." if field.ref == "vendors" else "."),
        }
    if name == "part" and "parts" in sources:
        return {
            "validate": "list",
            "source": sources["parts"],
            # A sku sold later, or by a vendor not in Rackbook yet, is typed in.
            "error_type": "warning",
            "error_title": header,
            "error_message": "Neither a category nor a known SKU: the import will refuse it.",
        }
    if field.type == "date":
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(1990, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "error_type": "warning",
            "error_title": header,
            "error_message": "Enter a date, such as 2027-04-20.",
        }
    if field.type == "int" and header != "lead_time":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_type": "warning",
            "error_title": header,
            "error_message": "Enter a whole number.",
        }
    return None


def _note(spec: Kind, field: Field) -> str:
    header = header_for(spec.name, field.name)
    help_text = FIELD_HELP.get(header, field.title)
    return f"{'Required. ' if field.required else ''}{help_text}."


def _column_letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return str(xl_col_to_name(col))


def _instructions(book: WorkbookWriter, spec: Kind) -> None:
    columns = [
        Column("Column"),
        Column("Required"),
        Column("What it holds", wrap=True, wrap_width=50),
        Column("Format", wrap=True, wrap_width=30),
        Column("Allowed values", wrap=True, wrap_width=45),
    ]
    sheet = book.add_sheet("Instructions", columns)
    sheet.title(f"How to fill in the {spec.label.lower()} template", size=14)
    lines = [
        f"Fill in one row per {spec.singular.lower() or 'record'} on the sheet "
        f"'{spec.label}', under the header row. Keep the header names as they are.",
        "Columns marked required (highlighted) must be filled in; the others may stay blank.",
        f"Rows are matched on {', '.join(header_for(spec.name, k) for k in spec.key)}: "
        "an existing record is updated, a new one is created, an unchanged one is left alone.",
        "Import the file with Rackbook's import (rackbook import FILE.xlsx). "
        "Nothing is written while any row has a problem; every problem is listed with its row.",
    ]
    for line in lines:
        sheet.title(line, bold=False)
    sheet.skip()
    sheet.header()
    for name in template_fields(spec):
        field = spec.field(name)
        header = header_for(spec.name, name)
        choices = _choices_of(spec, field)
        allowed = ", ".join(choices)
        if (spec.name, name) in LENIENT_CHOICES:
            allowed += " (vendor words such as 'in transit' or 'delivered' are understood too)"
        if name == "category" and spec.name == "orders":
            allowed += " (taken from the product; informative only)"
        sheet.write_row(
            [
                header,
                "yes" if field.required else "",
                FIELD_HELP.get(header, field.title),
                FORMAT_HELP["text" if header == "lead_time" else field.type],
                allowed or None,
            ]
        )
    sheet.no_filter()


def raise_unknown(kind_name: str) -> None:
    from services.errors import UsageError

    raise UsageError(
        f"there is no import template for {kind_name!r}; choose one of: "
        + ", ".join(f"template-{k}" for k in IMPORT_KINDS)
    )
