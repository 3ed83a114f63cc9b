"""What each list screen shows: its columns (from services.schema), the columns hidden until
the user asks for them, the fields offered as filters and the dates a range can apply to."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.schema import KINDS, Kind
from ui.tables.model import Column

# How many files are attached to each record (services.attachments.add_counts).
FILES = Column("attachments", "Files", "int")


@dataclass(frozen=True)
class ListSpec:
    kind: str
    hidden: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    # Load the first rows at once and the rest in the background (big lists).
    first_page: int | None = None
    order: tuple[str, ...] = field(default=())
    # Columns the list shows beside the kind's own fields (figures the service adds).
    extra: tuple[Column, ...] = ()
    # Titles and header tooltips that say more than the field's own title.
    titles: tuple[tuple[str, str], ...] = ()
    tips: tuple[tuple[str, str], ...] = ()

    @property
    def schema(self) -> Kind:
        return KINDS[self.kind]

    @property
    def title(self) -> str:
        return self.schema.label

    def columns(self) -> list[Column]:
        spec = self.schema
        names = self.order or spec.field_names
        titles, tips = dict(self.titles), dict(self.tips)
        return [
            Column(
                f.name,
                titles.get(f.name, f.title),
                f.type,
                currency="currency"
                if f.type == "money" and "currency" in spec.field_names
                else None,
                tip=tips.get(f.name, ""),
            )
            for f in (spec.field(n) for n in names)
        ] + [*self.extra, FILES]


LISTS: dict[str, ListSpec] = {
    s.kind: s
    for s in (
        ListSpec(
            "orders",
            hidden=(
                "description",
                "category",
                "currency",
                "requested_date",
                "notes",
                "first_commitment",
                "payment_schedule",
            ),
            filters=("status", "site", "vendor"),
            dates=("eta", "promised_date", "order_date", "received_date", "requested_date"),
            first_page=100,
            order=(
                "po_number",
                "line",
                "vendor",
                "site",
                "sku",
                "description",
                "category",
                "quantity",
                "received_qty",
                "unit_price",
                "currency",
                "status",
                "order_date",
                "requested_date",
                "promised_date",
                "first_commitment",
                "eta",
                "received_date",
                "deployment_ref",
                "payment_schedule",
                "notes",
            ),
        ),
        ListSpec(
            "vendors",
            hidden=("notes", "address", "payment_schedule"),
            filters=("country", "category"),
            extra=(
                Column(
                    "on_time_pct",
                    "On time %",
                    "decimal",
                    tip="Units received by their first commitment, out of the units received "
                    "and the units overdue today: an overdue line makes its vendor late now, as "
                    "the overdue alerts say, not only once it arrives",
                ),
                Column(
                    "units_overdue",
                    "Units overdue",
                    "int",
                    tip="Open units whose ETA (or promised date) has passed: the lines the "
                    "overdue-delivery alerts name",
                ),
                Column(
                    "median_slip_days",
                    "Median slip (days)",
                    "decimal",
                    tip="Median days between each line's first commitment and its receipt (or "
                    "today when overdue, or its ETA when later), over lines received, overdue "
                    "or slipped",
                ),
                Column(
                    "open_value",
                    "Open order value",
                    "money",
                    currency="value_currency",
                    tip="Units still to come × unit price, in the reporting currency",
                ),
            ),
        ),
        ListSpec(
            "products",
            hidden=("currency",),
            filters=("vendor", "category"),
            extra=(
                Column("lead_days", "Quoted lead time (days)", "int"),
                Column("quoted_on", "Quoted on", "date"),
                Column("units_on_order", "Units on order", "int"),
            ),
        ),
        ListSpec(
            "leadtimes",
            filters=("vendor",),
            dates=("quote_date", "valid_until"),
            hidden=("notes",),
        ),
        ListSpec("sites", hidden=("notes", "ship_to_address"), filters=("status", "country")),
        ListSpec(
            "ppas",
            hidden=("escalation_pct", "take_or_pay_pct", "currency"),
            filters=("site", "structure"),
            dates=("end_date", "start_date"),
        ),
        ListSpec(
            "contracts",
            hidden=(
                "currency",
                "sla_uptime_pct",
                "auto_renew",
                "late_credit_per_day",
                "late_credit_cap",
            ),
            filters=("status", "site", "service", "customer"),
            dates=("start_date", "end_date", "need_by"),
            extra=(
                Column("need_by", "GPUs needed by", "date"),
                Column("gpus_secured", "GPUs secured", "int"),
                Column("shortfall", "GPUs short", "int"),
                Column("delivery_date", "Delivery date", "date"),
                Column("days_late", "Days late", "int"),
                Column("late_credit", "Late credit", "money", currency="currency"),
            ),
        ),
        ListSpec("customers", filters=("country",)),
        ListSpec(
            "fxrates",
            filters=("currency",),
            dates=("valid_from",),
            titles=(("rate", "Rate (reporting currency per unit)"),),
            tips=(
                (
                    "rate",
                    "What one unit of the row's currency is worth in the reporting currency: "
                    "1 EUR = 1.08 USD is the rate 1.08",
                ),
            ),
        ),
        ListSpec("site_capacity", filters=("site",), dates=("from_date",)),
        ListSpec(
            "deployments",
            hidden=("notes",),
            filters=("status", "site", "contract_ref"),
            dates=("target_date", "power_ready_date"),
        ),
        ListSpec("deployment_parts", filters=("deployment_ref", "part")),
    )
}
