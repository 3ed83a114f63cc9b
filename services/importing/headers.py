"""Which row holds the headers, which kind the sheet holds, and which column is which field.

A vendor's header words (``PO #``, ``Qty``, ``Part No.``, ``Ship To``) are matched to the
canonical fields of docs/import.md in three steps, best first: the field's own name or one of its
aliases (confidence 100); every word of an alias found in the header (``Dell SKU`` has ``sku``,
85); rapidfuzz similarity to a name or alias (typos such as ``Quantitiy``, up to 84). A header
that is itself the name of a Rackbook field (of any kind: ``gpu_model``, ``first_commitment``)
is only ever that field, never another one it resembles. Each field takes the best column and
each column one field. ``--map`` overrides (confidence 100, how
``map``) and a saved profile for the vendor's layout does the same job without retyping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ImportProfile
from services.errors import NotFoundError, UsageError
from services.importing.read import Sheet, Workbook
from services.schema import IMPORT_KINDS, KINDS, WRITE_ORDER, kind

ACCEPT = 70  # the lowest confidence at which a header is taken for a field
HEADER_SCAN_ROWS = 30
# The least share of a kind's required fields a header row must have for that kind to be
# detected; what is missing is then named (MissingColumns) rather than guessed.
MIN_SHARE = 0.6

CURRENCY_CODES = frozenset(
    [
        "usd",
        "eur",
        "gbp",
        "jpy",
        "chf",
        "cad",
        "aud",
        "cny",
        "sek",
        "nok",
        "dkk",
        "sgd",
        "hkd",
        "inr",
        "krw",
        "brl",
        "mxn",
        "ars",
        "clp",
        "nzd",
        "zar",
    ]
)
CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
MONEY_FIELDS = (
    "unit_price",
    "list_price",
    "price",
    "price_per_mwh",
    "late_credit_per_day",
    "late_credit_cap",
)
# The column the rejected-rows workbook adds; never mistaken for a field when re-imported.
ERROR_COLUMN = "Error"

# Aliases shared by every kind that has the field.
COMMON: dict[str, tuple[str, ...]] = {
    "vendor": ("supplier", "vendor name", "supplier name", "manufacturer", "mfr", "oem", "brand"),
    "sku": (
        "part no",
        "part number",
        "part",
        "item no",
        "item",
        "item number",
        "item code",
        "article",
        "article no",
        "article number",
        "material",
        "material no",
        "model",
        "model no",
        "product code",
        "product id",
        "product number",
        "product no",
        "mpn",
        "vendor sku",
        "catalog no",
        "pn",
    ),
    "site": (
        "site name",
        "ship to",
        "ship to site",
        "deliver to",
        "delivery location",
        "location",
        "destination",
        "data center",
        "datacenter",
        "dc",
        "facility",
        "campus",
    ),
    "description": (
        "desc",
        "item description",
        "product description",
        "product name",
        "details",
        "product",
    ),
    "currency": ("ccy", "cur", "curr", "currency code"),
    "notes": ("note", "comments", "comment", "remarks", "remark", "memo"),
    "status": ("state",),
    "country": ("nation",),
    "notice_days": ("notice", "notice period", "notice period days", "days notice"),
    "start_date": ("start", "commencement", "commencement date", "effective date", "begin"),
    "end_date": ("end", "expiry", "expiry date", "expiration", "termination date"),
}

PER_KIND: dict[str, dict[str, tuple[str, ...]]] = {
    "sites": {
        "name": ("site", "site name"),
        "region": ("state", "province", "area"),
        "grid_capacity_mw": (
            "grid capacity",
            "grid mw",
            "interconnect",
            "interconnect mw",
            "capacity mw",
            "grid",
        ),
        "pue": ("power usage effectiveness",),
        "ship_to_address": ("ship to", "ship to address", "delivery address", "shipping address"),
    },
    "vendors": {
        "name": ("vendor", "supplier", "vendor name", "supplier name", "company"),
        "aliases": ("alias", "also known as", "aka", "other names"),
        "contact": ("contact name", "email", "account manager"),
        "payment_terms": ("terms", "payment"),
        "address": ("vendor address", "supplier address", "postal address"),
        "incoterms": ("incoterm", "delivery terms", "inco terms"),
        "payment_schedule": ("payment milestones", "milestones", "schedule"),
    },
    "products": {
        "gpus_per_unit": ("gpus", "gpu count", "gpus unit", "gpu per unit"),
        "gpu_model": ("gpu type", "gpu generation", "accelerator", "accelerator model"),
        "kw_per_unit": ("kw", "power kw", "kw unit", "power"),
        "list_price": ("price", "msrp", "unit price"),
    },
    "leadtimes": {
        "lead_time": (
            "lead time",
            "leadtime",
            "quoted lead time",
            "lt",
            "lead time weeks",
            "lead time days",
            "lead_days",
        ),
        "quote_date": ("date quoted", "quoted on", "quotation date", "quote", "date"),
        "valid_until": (
            "expires",
            "expiry",
            "expiration",
            "valid to",
            "good until",
            "expiry date",
            "valid through",
        ),
    },
    "orders": {
        "po_number": (
            "po",
            "po no",
            "po number",
            "purchase order",
            "purchase order no",
            "purchase order number",
            "cust po",
            "customer po",
            "order no",
            "order number",
            "your order",
            "your po",
            "po ref",
        ),
        "line": (
            "line no",
            "line item",
            "po line",
            "pos",
            "position",
            "item line",
            "ln",
            "line number",
            "seq",
        ),
        "quantity": (
            "qty",
            "ordered qty",
            "order qty",
            "qty ordered",
            "quantity ordered",
            "units",
            "ordered quantity",
        ),
        "order_date": (
            "po date",
            "date ordered",
            "order placed",
            "placed on",
            "ordered on",
            "date of order",
            "order dt",
        ),
        "unit_price": (
            "price",
            "unit cost",
            "cost",
            "price each",
            "net price",
            "price per unit",
            "unit net price",
        ),
        "requested_date": (
            "request date",
            "need by",
            "need by date",
            "required date",
            "rdd",
            "requested delivery",
            "requested delivery date",
        ),
        "promised_date": (
            "promise date",
            "confirmed delivery",
            "confirmed date",
            "committed date",
            "commit date",
            "acknowledged date",
            "ack date",
            "confirmed ship date",
            "promised delivery",
            "original eta",
        ),
        "eta": (
            "estimated delivery",
            "estimated arrival",
            "est delivery",
            "expected delivery",
            "expected date",
            "delivery date",
            "current eta",
            "revised eta",
            "ship date",
            "estimated ship date",
            "est ship date",
            "eta date",
            "revised delivery",
        ),
        "received_qty": (
            "received",
            "qty received",
            "delivered qty",
            "delivered quantity",
            "received quantity",
            "qty delivered",
        ),
        "received_date": (
            "date received",
            "delivered on",
            "received on",
            "delivery date actual",
            "actual delivery",
            "delivered date",
            "receipt date",
        ),
        "status": ("order status", "line status", "po status"),
        "payment_schedule": ("payment milestones", "milestones"),
        "deployment_ref": ("deployment", "deployment id", "reserved for", "cluster", "hall"),
    },
    "ppas": {
        "ppa_ref": ("ppa", "ppa id", "reference", "ref", "contract id", "agreement"),
        "counterparty": ("generator", "seller", "offtaker", "supplier", "utility"),
        "capacity_mw": ("capacity", "mw", "contracted mw"),
        "price_per_mwh": ("price", "price mwh", "mwh price", "tariff", "strike price"),
        "structure": ("pricing", "price structure", "type"),
        "escalation_pct": ("escalation", "escalator", "indexation"),
        "renewable_pct": ("renewable", "renewable share", "green"),
        "take_or_pay_pct": ("take or pay", "top"),
    },
    "contracts": {
        "contract_ref": ("contract", "contract id", "contract no", "agreement", "reference"),
        "customer": ("client", "customer name", "tenant"),
        "price_unit": ("unit", "billing unit", "pricing unit", "per"),
        "service": ("service type", "product"),
        "committed_gpus": ("gpus", "gpu count", "contracted gpus"),
        "committed_mw": ("mw", "contracted mw", "capacity mw"),
        "sla_uptime_pct": ("sla", "uptime", "sla uptime", "availability"),
        "auto_renew": ("auto renewal", "renews", "evergreen"),
        "gpu_model": ("gpu type", "gpu generation", "accelerator"),
        "late_credit_per_day": (
            "late credit",
            "late credit day",
            "delay credit",
            "late penalty",
            "penalty per day",
            "liquidated damages per day",
            "lds per day",
        ),
        "late_credit_cap": (
            "credit cap",
            "late credit max",
            "max late credit",
            "penalty cap",
            "liquidated damages cap",
            "lds cap",
        ),
    },
    "fxrates": {
        "rate": ("fx rate", "exchange rate", "rate to usd", "fx"),
        "valid_from": ("date", "effective date", "as of", "from", "valid"),
    },
    "site_capacity": {
        "from_date": (
            "from",
            "valid from",
            "effective date",
            "energisation date",
            "energization date",
            "in service date",
            "date",
        ),
        "grid_mw": (
            "grid",
            "grid capacity",
            "grid capacity mw",
            "interconnect",
            "interconnect mw",
            "capacity",
            "capacity mw",
            "mw",
        ),
    },
    "deployments": {
        "deployment_ref": ("deployment", "deployment id", "cluster", "cluster id", "reference"),
        "name": ("deployment name", "cluster name", "hall", "description"),
        "contract_ref": ("contract", "contract id", "contract no", "customer contract"),
        "target_date": ("target", "target ready", "need by", "needed by", "ready by"),
        "power_ready_date": ("power ready", "power on", "energised", "energized", "power date"),
    },
    "deployment_parts": {
        "deployment_ref": ("deployment", "deployment id", "cluster", "cluster id"),
        "part": (
            "part no",
            "part number",
            "sku",
            "item",
            "component",
            "product",
            "category",
        ),
        "quantity": ("qty", "units", "count", "needed", "quantity needed"),
    },
}


def import_fields(kind_name: str) -> tuple[str, ...]:
    """The fields an import of ``kind_name`` takes (``lead_time`` stands for ``lead_days``)."""
    spec = kind(kind_name)
    names = tuple(f.name for f in spec.writable)
    if kind_name == "leadtimes":
        names = tuple("lead_time" if n == "lead_days" else n for n in names)
    return names


def required_fields(kind_name: str) -> tuple[str, ...]:
    spec = kind(kind_name)
    return tuple("lead_time" if n == "lead_days" else n for n in spec.required)


def normalise_header(text: Any) -> str:
    """``PO #`` → ``po no``; ``Unit Cost (USD)`` → ``unit cost``; ``Notes %`` → ``notes``."""
    if not isinstance(text, str):
        return ""
    lowered = text.casefold().replace("#", " no ").replace("%", " ").replace("_", " ")
    words = re.findall(r"[^\W_]+", lowered)
    words = [w for w in words if w not in CURRENCY_CODES] or words
    return " ".join(words)


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, dict[str, tuple[str, ...]]]:
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind_name in IMPORT_KINDS:
        per_kind = PER_KIND.get(kind_name, {})
        fields: dict[str, tuple[str, ...]] = {}
        for name in import_fields(kind_name):
            words = (name, *COMMON.get(name, ()), *per_kind.get(name, ()))
            if name != "lead_time":
                words += (kind(kind_name).field(name).title,)
            fields[name] = tuple(dict.fromkeys(normalise_header(w) for w in words))
        table[kind_name] = fields
    return table


@lru_cache(maxsize=1)
def field_words() -> frozenset[str]:
    """Every field's name and title, of every kind, normalised as headers are: a header that
    is one of these names that field, and is never guessed to be another."""
    words = {normalise_header(name) for k in IMPORT_KINDS for name in import_fields(k)}
    for spec in KINDS.values():
        for spec_field in spec.fields:
            words.add(normalise_header(spec_field.name))
            words.add(normalise_header(spec_field.title))
    words.discard("")
    return frozenset(words)


@lru_cache(maxsize=8192)
def header_scores(header: str, kind_name: str) -> tuple[tuple[str, int, str], ...]:
    """(field, confidence, how) for every field of the kind this normalised header may be.
    A header that is a field's own name (``gpu model``) is matched exactly or not at all:
    never by alias words or fuzziness to a field it merely resembles (``gpus per unit``)."""
    if not header:
        return ()
    found: list[tuple[str, int, str]] = []
    words = set(header.split())
    exact_only = header in field_words()
    for name, aliases in _alias_table()[kind_name].items():
        if header in aliases:
            found.append((name, 100, "alias" if header != aliases[0] else "name"))
            continue
        if exact_only:
            continue
        contained = [a for a in aliases if len(a) > 1 and set(a.split()) <= words]
        if contained and len(words) <= max(len(a.split()) for a in contained) + 2:
            found.append((name, 85, "alias words"))
            continue
        best = process.extractOne(header, aliases, scorer=fuzz.ratio, score_cutoff=82)
        if best is not None:
            found.append((name, int(best[1] * 0.9), "fuzzy"))
    return tuple(sorted(found, key=lambda f: -f[1]))


@dataclass
class ColumnMatch:
    index: int
    header: str
    field: str | None
    confidence: int = 0
    how: str = ""
    hidden: bool = False
    note: str = ""


@dataclass
class Mapping:
    """A sheet's header row and what each column holds, plus values given for the whole file."""

    kind: str
    header_row: int  # index into ``Sheet.rows``
    columns: list[ColumnMatch]
    constants: dict[str, Any] = field(default_factory=dict)
    profile: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def by_field(self) -> dict[str, ColumnMatch]:
        return {c.field: c for c in self.columns if c.field}

    @property
    def ignored(self) -> list[ColumnMatch]:
        return [c for c in self.columns if not c.field and c.header]

    @property
    def missing_required(self) -> list[str]:
        present = set(self.by_field) | set(self.constants)
        return [f for f in required_fields(self.kind) if f not in present]

    def as_overrides(self) -> dict[str, str]:
        """header → field ("" to ignore), as a profile stores it."""
        return {normalise_header(c.header): c.field or "" for c in self.columns if c.header}


def _cell_header(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _greedy(
    headers: Sequence[tuple[int, str, bool]], kind_name: str, taken: set[str]
) -> dict[int, tuple[str, int, str]]:
    """Column index → (field, confidence, how): the best pairs first, each field and each
    column used once. Visible columns come first: a hidden column only fills a field that no
    visible column fills."""
    candidates: list[tuple[bool, int, int, str, str]] = []
    for index, header, hidden in headers:
        for name, score, how in header_scores(normalise_header(header), kind_name):
            if score >= ACCEPT and name not in taken:
                candidates.append((not hidden, score, -index, name, how))
    chosen: dict[int, tuple[str, int, str]] = {}
    used = set(taken)
    for _visible, score, neg_index, name, how in sorted(candidates, reverse=True):
        if -neg_index in chosen or name in used:
            continue
        chosen[-neg_index] = (name, score, how)
        used.add(name)
    return chosen


def _fit(
    headers: Sequence[str],
    kind_name: str,
    given: Iterable[str] = (),
    overrides: dict[str, str] | None = None,
) -> tuple[float, int, int]:
    """How well a row of headers fits a kind: (share of required fields found, fields found,
    headers that are no field)."""
    overrides = overrides or {}
    entries = [(i, h, False) for i, h in enumerate(headers) if h]
    mapped = {
        overrides[normalise_header(h)] for _, h, _ in entries if normalise_header(h) in overrides
    }
    mapped = {
        "lead_time" if f == "lead_days" else f for f in mapped if f and f not in ("-", "ignore")
    }
    entries = [e for e in entries if normalise_header(e[1]) not in overrides]
    matched = _greedy(entries, kind_name, mapped)
    fields = {f for f, _, _ in matched.values()} | set(given) | mapped
    required = required_fields(kind_name)
    share = sum(1 for f in required if f in fields) / len(required)
    return share, len(fields), len(entries) - len(matched)


@dataclass(frozen=True)
class SheetFit:
    sheet: str
    kind: str
    header_row: int
    share: float
    fields: int
    # Headers of the row that name no field (extra columns).
    unmatched: int = 0


def best_fit(
    sheet: Sheet,
    kind_name: str | None = None,
    given: Iterable[str] = (),
    overrides: dict[str, str] | None = None,
) -> SheetFit | None:
    """The header row and kind that fit ``sheet`` best (None when nothing fits)."""
    given = tuple(given)
    kinds = [kind_name] if kind_name else list(IMPORT_KINDS)
    best: SheetFit | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        headers = [_cell_header(v) for v in row]
        if sum(1 for h in headers if h) < 2:
            continue
        for name in kinds:
            share, count, unmatched = _fit(
                headers, name, given if name != "vendors" else (), overrides
            )
            # Detecting: most of the kind's required fields, and the kind that explains the
            # most columns (a sheet with a Site column is not a list of sites for that).
            if count < 2 or (kind_name is None and share < MIN_SHARE):
                continue
            candidate = SheetFit(sheet.name, name, index, share, count, unmatched)
            if best is None or (count, share) > (best.fields, best.share):
                best = candidate
    return best


def choose_sheets(
    workbook: Workbook,
    kind_name: str | None = None,
    sheet_name: str | None = None,
    given: Iterable[str] = (),
    overrides: dict[str, str] | None = None,
) -> list[SheetFit]:
    """The sheet(s) to import: the one named, or the best one for the kind, or (neither given)
    every visible sheet that fits a kind, in the order their references need."""
    given = tuple(given)
    if sheet_name is not None:
        fit = best_fit(workbook.sheet(sheet_name), kind_name, given, overrides)
        if fit is None and kind_name:
            # The user named both: take the first row with headers and report what is missing.
            fit = SheetFit(sheet_name, kind_name, _first_text_row(workbook.sheet(sheet_name)), 0, 0)
        if fit is None:
            raise NotFoundError(
                f"{workbook.name}: sheet {sheet_name!r} has no header row Rackbook recognises; "
                'give --kind and --map "Header=field"'
            )
        return [fit]
    fits = [
        f
        for f in (
            best_fit(workbook.sheet(s), kind_name, given, overrides)
            for s in workbook.visible_sheets
        )
        if f is not None
    ]
    best_first = sorted(fits, key=lambda f: (f.fields, f.share), reverse=True)
    if kind_name:
        fits = best_first[:1]
    elif len(fits) > 1:
        # Several sheets at once only from a workbook of clean lists (every header a field,
        # like Rackbook's own templates); in a vendor's workbook a summary sheet with a Site
        # and a Status column must not become a list of sites: the best sheet alone is read.
        clean = [f for f in fits if f.unmatched == 0]
        fits = clean if len(clean) > 1 else best_first[:1]
        for other in best_first:
            if other not in fits:
                workbook.notes.append(
                    f"sheet {other.sheet!r} also looks like {other.kind} and was not read; "
                    "name it with --sheet to import it"
                )
    if not fits:
        what = f"{kind_name} " if kind_name else ""
        raise NotFoundError(
            f"{workbook.name}: no sheet holds {what}records Rackbook recognises "
            f"(sheets: {', '.join(repr(s) for s in workbook.sheet_names)}); "
            'give --kind, --sheet and --map "Header=field"'
        )
    return sorted(fits, key=lambda f: WRITE_ORDER.index(f.kind))


def _first_text_row(sheet: Sheet) -> int:
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if sum(1 for v in row if _cell_header(v)) >= 2:
            return index
    return 0


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``["PO #=po_number", "Internal=" ]`` → {normalised header: field or ""}."""
    result: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip():
            raise UsageError(f'--map {pair!r}: write it as "Header=field"')
        result[normalise_header(header.strip())] = target.strip()
    return result


def match_headers(
    sheet: Sheet,
    kind_name: str,
    header_row: int,
    overrides: dict[str, str] | None = None,
    constants: dict[str, Any] | None = None,
) -> Mapping:
    """Match the header row's columns to the kind's fields (see the module docstring)."""
    overrides = dict(overrides or {})
    fields = import_fields(kind_name)
    row = sheet.rows[header_row] if header_row < len(sheet.rows) else []
    columns = [
        ColumnMatch(j, _cell_header(v), None, hidden=(sheet.first_col + j) in sheet.hidden_columns)
        for j, v in enumerate(row)
    ]
    taken: set[str] = set()
    by_header = {normalise_header(c.header): c for c in columns if c.header}
    for header, target in overrides.items():
        column = by_header.get(header)
        if column is None:
            known = ", ".join(repr(c.header) for c in columns if c.header)
            raise UsageError(f"--map: the sheet has no column {header!r} (columns: {known})")
        target = {"ignore": "", "-": "", "lead_days": "lead_time"}.get(target, target)
        if target and target not in fields:
            raise UsageError(
                f"--map: {target!r} is not a field of {kind_name}; fields: {', '.join(fields)}"
            )
        column.field, column.confidence, column.how = (target or None), 100, "map"
        column.note = "" if target else "ignored by your mapping"
        if target:
            taken.add(target)
    entries = []
    for column in columns:
        if column.how == "map" or not column.header:
            continue
        if column.header.casefold() == ERROR_COLUMN.casefold():
            column.note = "Rackbook's error notes"
            continue
        entries.append((column.index, column.header, column.hidden))
    for index, (name, score, how) in _greedy(entries, kind_name, taken).items():
        column = columns[index]
        column.field, column.confidence, column.how = name, score, how
        if column.hidden:
            column.note = "hidden column"
    for column in columns:
        if column.header and not column.field and not column.note:
            column.note = "hidden column" if column.hidden else "not a field of " + kind_name
    if kind_name == "orders":
        for column in columns:
            if not column.field and normalise_header(column.header) in ("category", "type"):
                column.note = "derived from the product"
    derived = {normalise_header(f.name) for f in kind(kind_name).fields if f.derived}
    for column in columns:
        if not column.field and normalise_header(column.header) in derived - {"category"}:
            column.note = "kept by Rackbook, never read from a file"
    mapping = Mapping(kind_name, header_row, columns, dict(constants or {}))
    _currency_from_header(mapping)
    return mapping


def _currency_from_header(mapping: Mapping) -> None:
    """``Unit Cost (USD)`` or ``Price EUR``: the file's currency when no column gives one."""
    if "currency" not in import_fields(mapping.kind) or "currency" in mapping.by_field:
        return
    if "currency" in mapping.constants:
        return
    for name in MONEY_FIELDS:
        column = mapping.by_field.get(name)
        if column is None:
            continue
        codes = [
            w.upper()
            for w in re.findall(r"[A-Za-z]+", column.header)
            if w.casefold() in CURRENCY_CODES
        ]
        codes += [code for sign, code in CURRENCY_SIGNS.items() if sign in column.header]
        if len(set(codes)) == 1:
            mapping.constants["currency"] = codes[0]
            mapping.notes.append(f"currency {codes[0]} taken from the header {column.header!r}")
            return


# --- profiles -----------------------------------------------------------------------------


def header_signature(sheet: Sheet, header_row: int) -> str:
    row = sheet.rows[header_row] if header_row < len(sheet.rows) else []
    return "\x1f".join(h for h in (normalise_header(v) for v in row) if h)


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str
    vendor: str | None
    overrides: dict[str, str]
    options: dict[str, Any]


def _profile(session: Session, row: ImportProfile) -> Profile:
    from models import Vendor

    vendor = session.get(Vendor, row.vendor_id).name if row.vendor_id else None  # type: ignore[union-attr]
    return Profile(
        row.name, row.kind, vendor, json.loads(row.mapping_json), json.loads(row.options_json)
    )


def find_profile(session: Session, signature: str, name: str | None = None) -> Profile | None:
    """The profile named, or the one saved for these exact headers, or the closest one
    (at least 80 % of the headers in common)."""
    if name is not None:
        row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
        if row is None:
            known = ", ".join(session.scalars(select(ImportProfile.name))) or "none saved yet"
            raise NotFoundError(f"there is no import profile {name!r} (profiles: {known})")
        return _profile(session, row)
    rows = list(session.scalars(select(ImportProfile)))
    mine = set(signature.split("\x1f"))
    best, best_share = None, 0.0
    for row in rows:
        theirs = set(row.header_signature.split("\x1f"))
        share = len(mine & theirs) / max(len(mine | theirs), 1)
        if share > best_share:
            best, best_share = row, share
    if best is None or best_share < 0.8:
        return None
    return _profile(session, best)


def save_profile(
    session: Session,
    name: str,
    mapping: Mapping,
    signature: str,
    vendor_id: int | None,
    options: dict[str, Any],
    user: str,
) -> None:
    """Save (or replace) the mapping of this layout under ``name``."""
    row = session.scalar(select(ImportProfile).where(ImportProfile.name == name))
    if row is None:
        row = ImportProfile(name=name, created_by=user)
        session.add(row)
    row.kind = mapping.kind
    row.vendor_id = vendor_id
    row.header_signature = signature
    row.mapping_json = json.dumps(mapping.as_overrides(), sort_keys=True)
    row.options_json = json.dumps(options, sort_keys=True)
    row.updated_by = user
    session.flush()
