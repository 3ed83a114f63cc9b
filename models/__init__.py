"""Rackbook's data model: SQLAlchemy 2 typed declarative classes, engine and session setup.

Nothing here imports Qt; the window and the command line reach the database through services.
"""

from models.base import Base
from models.entities import (
    AlertAck,
    AuditEntry,
    Customer,
    CustomerContract,
    Deployment,
    DeploymentPart,
    EtaChange,
    FxRate,
    ImportBatch,
    ImportProfile,
    LeadTimeQuote,
    OrderLine,
    Ppa,
    Product,
    PurchaseOrder,
    Scenario,
    Setting,
    Site,
    SiteCapacity,
    Vendor,
    VendorAlias,
)

__all__ = [
    "AlertAck",
    "AuditEntry",
    "Base",
    "Customer",
    "CustomerContract",
    "Deployment",
    "DeploymentPart",
    "EtaChange",
    "FxRate",
    "ImportBatch",
    "ImportProfile",
    "LeadTimeQuote",
    "OrderLine",
    "Ppa",
    "Product",
    "PurchaseOrder",
    "Scenario",
    "Setting",
    "Site",
    "SiteCapacity",
    "Vendor",
    "VendorAlias",
]
