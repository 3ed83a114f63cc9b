"""Every entity of the domain (docs/domain.md), one class each.

Natural keys are unique constraints so that an import can update instead of duplicate.
Enumerations are stored as short strings with a CHECK constraint; the allowed values live in
``models.enums`` so services, import and the window share one list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import enums
from models.base import Base, CreatedByImport, Money, ScaledDecimal, Versioned, utcnow


def _choice(name: str, values: tuple[str, ...]) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


class Site(Versioned, CreatedByImport, Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(80))
    grid_capacity_mw: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    pue: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    status: Mapped[str] = mapped_column(_choice("site_status", enums.SITE_STATUSES))
    notes: Mapped[str | None] = mapped_column(Text)
    # Where vendors deliver: the address printed as "Ship to" on a purchase order.
    ship_to_address: Mapped[str | None] = mapped_column(Text)


class SiteCapacity(Versioned, CreatedByImport, Base):
    """The grid interconnect in force at a site from a date on (an upgrade, a substation)."""

    __tablename__ = "site_capacity"
    __table_args__ = (UniqueConstraint("site_id", "from_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    from_date: Mapped[dt.date] = mapped_column(Date)
    grid_mw: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    notes: Mapped[str | None] = mapped_column(Text)

    site: Mapped[Site] = relationship()


class Vendor(Versioned, CreatedByImport, Base):
    __tablename__ = "vendor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Vendor names are unique whatever their case: "Dell" and "DELL" are one vendor.
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(255))
    payment_terms: Mapped[str | None] = mapped_column(String(120))
    # Milestones a buyer writes ("30% order; 60% shipped; 10% received+30"): its orders' default.
    payment_schedule: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    # The vendor's postal address and its Incoterms (``DAP Panther Creek, PA``), as printed
    # on the purchase orders sent to it.
    address: Mapped[str | None] = mapped_column(Text)
    incoterms: Mapped[str | None] = mapped_column(String(120))

    aliases: Mapped[list[VendorAlias]] = relationship(
        back_populates="vendor",
        cascade="all, delete-orphan",
        order_by="VendorAlias.alias",
    )


class VendorAlias(Base):
    """Another name a vendor appears under in files (``HPE`` for Hewlett Packard Enterprise)."""

    __tablename__ = "vendor_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(120))
    alias_key: Mapped[str] = mapped_column(String(120), unique=True)

    vendor: Mapped[Vendor] = relationship(back_populates="aliases")


class Product(Versioned, CreatedByImport, Base):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("vendor_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="RESTRICT"))
    sku: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(_choice("product_category", enums.PRODUCT_CATEGORIES))
    gpus_per_unit: Mapped[int] = mapped_column(Integer, default=0)
    # GB300, B300, H200… (products with GPUs); compared with case, spaces and hyphens ignored.
    gpu_model: Mapped[str | None] = mapped_column(String(40))
    kw_per_unit: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    list_price: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    vendor: Mapped[Vendor] = relationship()


class LeadTimeQuote(Versioned, CreatedByImport, Base):
    __tablename__ = "lead_time_quote"
    __table_args__ = (UniqueConstraint("product_id", "quote_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="RESTRICT"))
    quote_date: Mapped[dt.date] = mapped_column(Date)
    lead_days: Mapped[int] = mapped_column(Integer)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    product: Mapped[Product] = relationship()


class PurchaseOrder(Versioned, CreatedByImport, Base):
    __tablename__ = "purchase_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    po_number: Mapped[str] = mapped_column(String(60), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="RESTRICT"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    order_date: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    status: Mapped[str] = mapped_column(_choice("order_status", enums.ORDER_STATUSES))
    # Blank: the vendor's payment schedule.
    payment_schedule: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    vendor: Mapped[Vendor] = relationship()
    site: Mapped[Site] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )


class OrderLine(Versioned, CreatedByImport, Base):
    __tablename__ = "order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        # Only the lines reserved for a deployment (few): every other line's NULL stays out
        # of the index, and a 100,000-line import writes none of them (migration 0008).
        Index(
            "ix_order_line_deployment_id",
            "deployment_id",
            sqlite_where=text("deployment_id IS NOT NULL"),
            postgresql_where=text("deployment_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal | None] = mapped_column(Money())
    requested_date: Mapped[dt.date | None] = mapped_column(Date)
    promised_date: Mapped[dt.date | None] = mapped_column(Date)
    eta: Mapped[dt.date | None] = mapped_column(Date)
    # The first date the vendor ever gave (its promise, else its first ETA): kept once known.
    first_commitment: Mapped[dt.date | None] = mapped_column(Date)
    received_qty: Mapped[int] = mapped_column(Integer, default=0)
    received_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_choice("line_status", enums.LINE_STATUSES))
    # Reserved for one deployment: the line serves that one only.
    deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("deployment.id", ondelete="SET NULL")
    )
    notes: Mapped[str | None] = mapped_column(Text)

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    deployment: Mapped[Deployment | None] = relationship()


class EtaChange(Base):
    """One move of a line's ETA. Insert-only: the first commitment is never lost."""

    __tablename__ = "eta_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_line.id", ondelete="CASCADE"), index=True
    )
    old_date: Mapped[dt.date | None] = mapped_column(Date)
    new_date: Mapped[dt.date | None] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(60), default="user")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )


class Ppa(Versioned, CreatedByImport, Base):
    __tablename__ = "ppa"

    id: Mapped[int] = mapped_column(primary_key=True)
    ppa_ref: Mapped[str] = mapped_column(String(60), unique=True)
    counterparty: Mapped[str] = mapped_column(String(120))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    capacity_mw: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    price_per_mwh: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    structure: Mapped[str | None] = mapped_column(_choice("ppa_structure", enums.PPA_STRUCTURES))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    escalation_pct: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    renewable_pct: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    take_or_pay_pct: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    notice_days: Mapped[int | None] = mapped_column(Integer)

    site: Mapped[Site] = relationship()


class Customer(Versioned, CreatedByImport, Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[str | None] = mapped_column(String(80))
    contact: Mapped[str | None] = mapped_column(String(255))


class CustomerContract(Versioned, CreatedByImport, Base):
    __tablename__ = "customer_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_ref: Mapped[str] = mapped_column(String(60), unique=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="RESTRICT"), index=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    service: Mapped[str | None] = mapped_column(_choice("contract_service", enums.SERVICES))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    committed_gpus: Mapped[int | None] = mapped_column(Integer)
    committed_mw: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    price: Mapped[Decimal] = mapped_column(Money())
    price_unit: Mapped[str] = mapped_column(_choice("price_unit", enums.PRICE_UNITS))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    sla_uptime_pct: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(_choice("contract_status", enums.CONTRACT_STATUSES))
    # Blank: GPUs of any model serve it.
    gpu_model: Mapped[str | None] = mapped_column(String(40))
    # What the operator owes per day of late delivery, and its cap (the contract's currency).
    late_credit_per_day: Mapped[Decimal | None] = mapped_column(Money())
    late_credit_cap: Mapped[Decimal | None] = mapped_column(Money())

    customer: Mapped[Customer] = relationship()
    site: Mapped[Site] = relationship()


class Deployment(Versioned, CreatedByImport, Base):
    """One cluster at one site (a hall, a pod), usually built for one customer contract."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_ref: Mapped[str] = mapped_column(String(60), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_contract.id", ondelete="RESTRICT"), index=True
    )
    # Blank: the contract's need-by date.
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    # When its power is energised; blank: available.
    power_ready_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_choice("deployment_status", enums.DEPLOYMENT_STATUSES))
    notes: Mapped[str | None] = mapped_column(Text)

    site: Mapped[Site] = relationship()
    contract: Mapped[CustomerContract | None] = relationship()
    parts: Mapped[list[DeploymentPart]] = relationship(
        back_populates="deployment",
        cascade="all, delete-orphan",
        order_by="DeploymentPart.part",
    )


class DeploymentPart(Versioned, CreatedByImport, Base):
    """A line of a deployment's bill of parts: a product sku or a category, and how many."""

    __tablename__ = "deployment_part"
    __table_args__ = (UniqueConstraint("deployment_id", "part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)

    deployment: Mapped[Deployment] = relationship(back_populates="parts")


class Scenario(Versioned, Base):
    """A what-if kept under a name: its slips and the version of every line it moved."""

    __tablename__ = "scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # JSON array of {"target": "Dell" | "PO-7" | "PO-7/2" | "*", "days": 42}
    slips_json: Mapped[str] = mapped_column(Text)
    # JSON object: order line id -> its version when the scenario was made
    line_versions_json: Mapped[str] = mapped_column(Text, default="{}")
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class FxRate(Versioned, CreatedByImport, Base):
    """Units of the reporting currency one unit of ``currency`` buys, from ``valid_from`` on."""

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("currency", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    valid_from: Mapped[dt.date] = mapped_column(Date)


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    user: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[dt.datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(120))


class AuditEntry(Base):
    """One change to one record: insert-only history of who changed what, when and from where."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity_key", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    entity_key: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(_choice("audit_action", enums.AUDIT_ACTIONS))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(60))
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True
    )
    # Why a person made a change that needs one (a corrected promised date).
    reason: Mapped[str | None] = mapped_column(Text)


class AlertAck(Versioned, Base):
    __tablename__ = "alert_ack"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(255), unique=True)
    user: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    snoozed_until: Mapped[dt.date | None] = mapped_column(Date)
    figure: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))


class ImportProfile(Versioned, Base):
    """A saved header mapping for one vendor's files, found again from the file's headers."""

    __tablename__ = "import_profile"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"))
    # Normalised source headers, joined with "\x1f", so a file is matched to its profile.
    header_signature: Mapped[str] = mapped_column(Text)
    # JSON object: source header -> canonical field name (or "" to ignore the column).
    mapping_json: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text, default="{}")


class Setting(Versioned, Base):
    __tablename__ = "setting"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AttachmentBlob(Base):
    """The bytes of one attached file, stored once however many records it is attached to
    (the same quote attached to three order lines is one blob). On PostgreSQL ``data`` is
    stored uncompressed (migration 0009): the files are compressed already."""

    __tablename__ = "attachment_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    stored_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """A file attached to a record: a vendor's quote, an order acknowledgement, a signed
    contract, the file an import batch read. ``record_kind`` is a kind of
    ``services.schema`` (or ``purchase_orders``, ``imports``) and ``record_id`` the row's
    id; ``record_key`` is the record's natural key when the file was attached."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_record", "record_kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    record_key: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(
        ForeignKey("attachment_blob.sha256", ondelete="RESTRICT"), index=True
    )
    size: Mapped[int] = mapped_column(BigInteger)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PurchaseOrderRevision(Base):
    """One version of a purchase order as it was sent to its vendor: revision 1 the first
    document, each later one made when the order's lines changed since. ``snapshot_json``
    holds what the document said (its lines: sku, description, quantity, unit price,
    requested date), so the next revision can list what changed."""

    __tablename__ = "purchase_order_revision"
    __table_args__ = (UniqueConstraint("order_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_by: Mapped[str] = mapped_column(String(120))
    snapshot_json: Mapped[str] = mapped_column(Text)
