"""Allowed values of every enumerated field, shared by the schema, services, import and window.

The values are the ``StrEnum``s of ``domain/statuses.py`` (one place for every enumeration); here
they are the tuples a field's choices are checked against. What each status counts for (open,
overdue, binding…) is a business rule: domain/statuses.py and domain/contracts.py.
"""

from domain.statuses import (
    AuditAction,
    ContractStatus,
    DeploymentStatus,
    LineStatus,
    OrderStatus,
    PpaStructure,
    PriceUnit,
    ProductCategory,
    Service,
    SiteStatus,
    values,
)

SITE_STATUSES = values(SiteStatus)
PRODUCT_CATEGORIES = values(ProductCategory)
LINE_STATUSES = values(LineStatus)
ORDER_STATUSES = values(OrderStatus)
PPA_STRUCTURES = values(PpaStructure)
SERVICES = values(Service)
PRICE_UNITS = values(PriceUnit)
CONTRACT_STATUSES = values(ContractStatus)
AUDIT_ACTIONS = values(AuditAction)
DEPLOYMENT_STATUSES = values(DeploymentStatus)
