"""What each list screen shows: its columns (from services.schema), the columns hidden until
the user asks for them, the fields offered as filters and the dates a range can apply to."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.schema import KINDS, Kind
from ui.tables.model import Column

# How many files are attached to each record (services.attachments.add_counts).
FILES = Column("attachments", "Files", "int")


# What the figure columns mean, as their headers' tooltips say it.
ON_TIME_TIP = (
    "On time = units received by the first date the vendor gave for them (its first "
    "commitment) ÷ (units received + units overdue now). An overdue line makes its vendor "
    "late today, not only once it arrives. Blank: nothing received and nothing overdue yet."
)
UNITS_OVERDUE_TIP = (
    "Open units whose ETA (else promised date) has passed. They count for nothing, never as "
    "secured, until the vendor gives a new date."
)
MEDIAN_SLIP_TIP = (
    "The middle slip of the vendor's lines that arrived, are overdue, or were moved later: "
    "days from each line's first commitment (the first date the vendor gave) to the day it "
    "came (today, while overdue; its current ETA, while on its way)."
)
OPEN_VALUE_TIP = (
    "Units still to come × unit price, on lines placed, on their way or on hold, in the "
    "reporting currency at the rate of each order's date."
)
NEED_BY_TIP = "The contract's start date less the install buffer: when its GPUs must be in."
SECURED_TIP = (
    "GPUs received or dated (an ETA still ahead) on or before the need-by date, pegged to "
    "this contract. Overdue GPUs count for nothing."
)
SHORT_TIP = "GPUs committed less GPUs secured."
DELIVERY_TIP = (
    "When the customer gets what was promised: the ready date of its last cluster, or its "
    "last GPU's date plus the install buffer. Blank: unknown while GPUs are missing."
)
DAYS_LATE_TIP = "Delivery date less start date, when later. Blank: the delivery date is unknown."
CREDIT_TIP = (
    "Late credit owed at the days late (per day, up to its cap). Blank: it does not bind, or "
    "it is unbounded (unknown delivery, no cap): the contract's Supply tab says which."
)

MARGIN_TIP = (
    "The first month's margin (its start month, or this month if later), in the reporting "
    "currency: revenue − power cost − hardware cost; the Margin tab shows the whole term. "
    "Blank: it does not bind, or a figure is unknown (an exchange rate missing)."
)


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
                Column("on_time_pct", "On time %", "decimal", tip=ON_TIME_TIP),
                Column("units_overdue", "Units overdue", "int", tip=UNITS_OVERDUE_TIP),
                Column("median_slip_days", "Median slip (days)", "decimal", tip=MEDIAN_SLIP_TIP),
                Column(
                    "open_value",
                    "Open order value",
                    "money",
                    currency="value_currency",
                    tip=OPEN_VALUE_TIP,
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
                Column("need_by", "GPUs needed by", "date", tip=NEED_BY_TIP),
                Column("gpus_secured", "GPUs secured", "int", tip=SECURED_TIP),
                Column("shortfall", "GPUs short", "int", tip=SHORT_TIP),
                Column("delivery_date", "Delivery date", "date", tip=DELIVERY_TIP),
                Column("days_late", "Days late", "int", tip=DAYS_LATE_TIP),
                Column("late_credit", "Late credit", "money", currency="currency", tip=CREDIT_TIP),
                Column(
                    "margin",
                    "Margin / month",
                    "money",
                    currency="margin_currency",
                    tip=MARGIN_TIP,
                ),
                Column("margin_pct", "Margin %", "decimal", tip=MARGIN_TIP),
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
