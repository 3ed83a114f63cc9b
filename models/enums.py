"""Allowed values of every enumerated field, shared by the schema, services, import and window."""

SITE_STATUSES = ("planned", "mining", "converting", "live")
PRODUCT_CATEGORIES = (
    "gpu_system",
    "gpu_server",
    "network",
    "storage",
    "power",
    "cooling",
    "other",
)
LINE_STATUSES = (
    "draft",
    "placed",
    "confirmed",
    "in_production",
    "shipped",
    "partially_received",
    "received",
    "on_hold",
    "cancelled",
)
# A purchase order's status summarises its lines (services.records.order_status).
ORDER_STATUSES = ("draft", "open", "partially_received", "received", "cancelled")
PPA_STRUCTURES = ("fixed", "indexed", "hybrid")
SERVICES = ("colocation", "gpu_lease", "managed_training", "inference")
PRICE_UNITS = ("per_gpu_hour", "per_kw_month", "per_month", "per_year")
CONTRACT_STATUSES = ("draft", "signed", "active", "expired", "terminated")
AUDIT_ACTIONS = ("create", "update", "delete")
DEPLOYMENT_STATUSES = ("planned", "building", "ready", "live", "cancelled")

# What each status counts for (open, overdue, binding…) is a business rule: domain/statuses.py
# and domain/contracts.py.
