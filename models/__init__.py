"""Rackbook's data model: SQLAlchemy 2 typed declarative classes, engine and session setup.

Nothing here imports Qt; the window and the command line reach the database through services.
"""

from models.base import Base
from models.entities import (
    AlertAck,
    Attachment,
    AttachmentBlob,
    AuditEntry,
    Customer,
    CustomerContract,
    EtaChange,
    FxRate,
    ImportBatch,
    ImportProfile,
    LeadTimeQuote,
    OrderLine,
    Ppa,
    Product,
    PurchaseOrder,
    PurchaseOrderRevision,
    Setting,
    Site,
    Vendor,
    VendorAlias,
)

__all__ = [
    "AlertAck",
    "Attachment",
    "AttachmentBlob",
    "AuditEntry",
    "Base",
    "Customer",
    "CustomerContract",
    "EtaChange",
    "FxRate",
    "ImportBatch",
    "ImportProfile",
    "LeadTimeQuote",
    "OrderLine",
    "Ppa",
    "Product",
    "PurchaseOrder",
    "PurchaseOrderRevision",
    "Setting",
    "Site",
    "Vendor",
    "VendorAlias",
]
