"""The demo data set: the operator of DESIGN.md, turning 12 Bitcoin-mining sites (341 MW of
active power in Quebec, Pennsylvania, Washington, Paraguay and Argentina) and the new 350 MW
Panther Creek campus into AI data centres.

Dates are laid out around ``today`` so that the picture is always current: some orders
arrived, some are late, some slipped, a few were never confirmed, a PPA's notice deadline is
near, and several customer contracts are short of GPUs or power. Everything goes through
``services.records`` so the demo obeys the same validation and audit rules as a user.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Site
from services import records, settings
from services.audit import Actor
from services.errors import RackbookError

D = Decimal

# name, country, region, grid MW, PUE, status
SITES: list[tuple[str, str, str, str, str, str]] = [
    ("Moses Lake", "US", "Washington", "28", "1.22", "converting"),
    ("Wenatchee", "US", "Washington", "22", "1.20", "mining"),
    ("Scrubgrass", "US", "Pennsylvania", "40", "1.30", "live"),
    ("Clarion", "US", "Pennsylvania", "25", "1.30", "converting"),
    ("Kittanning", "US", "Pennsylvania", "25", "1.35", "mining"),
    ("Baie-Comeau", "CA", "Quebec", "27", "1.18", "live"),
    ("Drummondville", "CA", "Quebec", "24", "1.20", "converting"),
    ("Saint-Jerome", "CA", "Quebec", "20", "1.20", "live"),
    ("Matane", "CA", "Quebec", "15", "1.25", "mining"),
    ("Villarrica", "PY", "Guaira", "35", "1.40", "mining"),
    ("Hernandarias", "PY", "Alto Parana", "30", "1.38", "converting"),
    ("Rio Cuarto", "AR", "Cordoba", "50", "1.35", "mining"),
    ("Panther Creek", "US", "Oklahoma", "350", "1.25", "converting"),
]

# Purchase-order prefixes per site.
SITE_CODES = {
    "Moses Lake": "ML",
    "Wenatchee": "WE",
    "Scrubgrass": "SG",
    "Clarion": "CL",
    "Kittanning": "KT",
    "Baie-Comeau": "BC",
    "Drummondville": "DR",
    "Saint-Jerome": "SJ",
    "Matane": "MT",
    "Villarrica": "VI",
    "Hernandarias": "HE",
    "Rio Cuarto": "RC",
    "Panther Creek": "PC",
}

# The operator's letterhead on its purchase orders (company settings).
COMPANY = {
    "company_name": "Ridgeline Compute Inc.",
    "company_address": "600 Grant Street, Suite 4100\nPittsburgh, PA 15219\nUnited States",
    "company_tax_id": "EIN 84-2917365",
    "company_contact": "Anna Berg, Procurement · +1 412 555 0147 · procurement@ridgeline.example",
}
LOGO = Path(__file__).resolve().parent.parent / "resources" / "demo_logo.png"

# Where vendors deliver to each site (its ship-to address).
SHIP_TO: dict[str, str] = {
    "Moses Lake": "Receiving, Building B\n2401 Road N NE\nMoses Lake, WA 98837\nUnited States",
    "Wenatchee": "Receiving dock 2\n1550 Malaga-Alcoa Highway\nWenatchee, WA 98801\nUnited States",
    "Scrubgrass": "Gate 3, Scrubgrass Plant\n2151 Lisbon Road\nKennerdell, PA 16374\nUnited States",
    "Clarion": "Receiving\n418 Fiddlers Green Road\nClarion, PA 16214\nUnited States",
    "Kittanning": "Warehouse entrance\n5500 State Route 422\nKittanning, PA 16201\nUnited States",
    "Baie-Comeau": "Réception des marchandises\n100 boulevard Comeau\nBaie-Comeau, QC G4Z 3A7\n"
    "Canada",
    "Drummondville": "Quai de réception 4\n2055 rue Power\nDrummondville, QC J2C 5X4\nCanada",
    "Saint-Jerome": "Réception\n3700 boulevard de la Salette\nSaint-Jérôme, QC J7Y 5E3\nCanada",
    "Matane": "Réception\n1800 avenue du Phare Ouest\nMatane, QC G4W 3M6\nCanada",
    "Villarrica": "Depósito de recepción\nRuta PY08 km 172\nVillarrica 4200, Guairá\nParaguay",
    "Hernandarias": "Recepción de carga\nSuperCarretera Itaipú km 14\nHernandarias 7220, Alto "
    "Paraná\nParaguay",
    "Rio Cuarto": "Recepción\nRuta Nacional 8 km 603\nX5800 Río Cuarto, Córdoba\nArgentina",
    "Panther Creek": "Panther Creek Campus, Receiving Yard A\n18250 County Road N3210\n"
    "Hugo, OK 74743\nUnited States",
}

# Each vendor's order desk and the Incoterms its purchase orders use.
VENDOR_ADDRESSES: dict[str, tuple[str, str]] = {
    "Nvidia": ("2788 San Tomas Expressway\nSanta Clara, CA 95051\nUnited States", "DAP ship-to"),
    "Supermicro": ("980 Rock Avenue\nSan Jose, CA 95131\nUnited States", "FCA San Jose, CA"),
    "Dell Technologies": ("One Dell Way\nRound Rock, TX 78682\nUnited States", "DAP ship-to"),
    "Hewlett Packard Enterprise": (
        "1701 East Mossy Oaks Road\nSpring, TX 77389\nUnited States",
        "DAP ship-to",
    ),
    "Foxconn": (
        "No. 66, Zhongshan Road, Tucheng District\nNew Taipei City 23680\nTaiwan",
        "FCA Kaohsiung",
    ),
    "Vertiv": ("505 North Cleveland Avenue\nWesterville, OH 43082\nUnited States", "DAP ship-to"),
    "Schneider Electric": (
        "35 rue Joseph Monier\n92500 Rueil-Malmaison\nFrance",
        "DAP ship-to",
    ),
    "Eaton": ("Eaton House, 30 Pembroke Road\nDublin 4, D04 Y0C2\nIreland", "CIP ship-to"),
    "Arista Networks": (
        "5453 Great America Parkway\nSanta Clara, CA 95054\nUnited States",
        "DAP ship-to",
    ),
    "Pure Storage": ("2555 Augustine Drive\nSanta Clara, CA 95054\nUnited States", "DAP ship-to"),
}

# name, aliases, country, category, payment terms
VENDORS: list[tuple[str, str, str, str, str]] = [
    ("Nvidia", "NVDA; NVIDIA Corporation", "US", "GPU systems", "Net 30"),
    ("Supermicro", "SMCI; Super Micro Computer", "US", "GPU servers", "Net 45"),
    ("Dell Technologies", "Dell; Dell Inc.", "US", "GPU servers", "Net 60"),
    (
        "Hewlett Packard Enterprise",
        "HPE; Hewlett-Packard Enterprise",
        "US",
        "GPU servers",
        "Net 45",
    ),
    ("Foxconn", "Hon Hai; Hon Hai Precision", "TW", "GPU systems", "30% deposit, Net 30"),
    ("Vertiv", "Vertiv Co.", "US", "Cooling and power", "Net 45"),
    ("Schneider Electric", "Schneider; APC", "FR", "Power", "Net 60"),
    ("Eaton", "Eaton Corp", "IE", "Power", "Net 45"),
    ("Arista Networks", "Arista", "US", "Networking", "Net 30"),
    ("Pure Storage", "Pure", "US", "Storage", "Net 30"),
]

# Payment milestones as each vendor's terms read (DESIGN §11): rack and GPU-system vendors
# take a deposit at order and most at shipment; power and cooling equipment is paid net after
# receipt. Vendors not named pay by the setting default_payment_schedule.
SCHEDULES: dict[str, str] = {
    "Nvidia": "20% order; 70% shipped; 10% received+30",
    "Foxconn": "30% order; 70% received+30",
    "Supermicro": "30% order; 60% shipped; 10% received+45",
    "Dell Technologies": "100% net 60",
    "Hewlett Packard Enterprise": "25% order; 75% received+45",
    "Vertiv": "100% net 45",
    "Schneider Electric": "100% net 60",
    "Eaton": "100% net 45",
}

# vendor, sku, description, category, GPUs per unit, kW per unit, list price, currency
PRODUCTS: list[tuple[str, str, str, str, int, str, str, str]] = [
    (
        "Nvidia",
        "GB300-NVL72",
        "GB300 NVL72 rack-scale system",
        "gpu_system",
        72,
        "135",
        "3950000",
        "USD",
    ),
    ("Nvidia", "DGX-B300", "DGX B300 8-GPU system", "gpu_server", 8, "14.3", "515000", "USD"),
    ("Nvidia", "SN5600", "Spectrum-X SN5600 800G switch", "network", 0, "2.4", "96000", "USD"),
    (
        "Supermicro",
        "SRS-GB300-NVL72",
        "GB300 NVL72 SuperCluster rack",
        "gpu_system",
        72,
        "137",
        "3820000",
        "USD",
    ),
    (
        "Supermicro",
        "SYS-A22GA-NBRT",
        "HGX B300 8-GPU server",
        "gpu_server",
        8,
        "14.0",
        "468000",
        "USD",
    ),
    (
        "Dell Technologies",
        "XE9712",
        "PowerEdge XE9712 GB300 NVL72 rack",
        "gpu_system",
        72,
        "138",
        "3890000",
        "USD",
    ),
    (
        "Dell Technologies",
        "XE9680L",
        "PowerEdge XE9680L 8-GPU server",
        "gpu_server",
        8,
        "12.5",
        "432000",
        "USD",
    ),
    ("Dell Technologies", "R770", "PowerEdge R770 head node", "other", 0, "1.1", "21000", "USD"),
    (
        "Hewlett Packard Enterprise",
        "P-GB300-NVL72",
        "HPE GB300 NVL72 rack",
        "gpu_system",
        72,
        "136",
        "3920000",
        "USD",
    ),
    (
        "Hewlett Packard Enterprise",
        "XD685",
        "Cray XD685 8-GPU server",
        "gpu_server",
        8,
        "13.5",
        "455000",
        "USD",
    ),
    (
        "Foxconn",
        "FX-GB300-NVL72",
        "GB300 NVL72 rack (ODM)",
        "gpu_system",
        72,
        "135",
        "3740000",
        "USD",
    ),
    (
        "Vertiv",
        "XDU1350",
        "Liebert XDU1350 coolant distribution unit",
        "cooling",
        0,
        "3.0",
        "142000",
        "USD",
    ),
    ("Vertiv", "APM2-600", "Liebert APM2 600 kW UPS", "power", 0, "0", "188000", "USD"),
    ("Schneider Electric", "GVXL-1250", "Galaxy VXL 1250 kW UPS", "power", 0, "0", "410000", "USD"),
    ("Schneider Electric", "MCDU-1MW", "1 MW in-row CDU", "cooling", 0, "4.5", "126000", "USD"),
    ("Eaton", "9395XR-1500", "9395XR 1500 kVA UPS", "power", 0, "0", "395000", "USD"),
    ("Eaton", "PRL-SWBD", "Pow-R-Line switchboard", "power", 0, "0", "84000", "USD"),
    ("Arista Networks", "7060X6", "7060X6 800G leaf switch", "network", 0, "2.2", "88000", "USD"),
    ("Arista Networks", "7800R4", "7800R4 spine chassis", "network", 0, "9.5", "640000", "USD"),
    ("Pure Storage", "FB-S500", "FlashBlade//S500 chassis", "storage", 0, "2.4", "310000", "USD"),
    (
        "Pure Storage",
        "FB-E",
        "FlashBlade//E capacity chassis",
        "storage",
        0,
        "2.0",
        "240000",
        "USD",
    ),
]

# Lead times quoted two years ago and now, in days: racks slipped badly in the last quarter.
LEAD_TIMES: dict[tuple[str, str], tuple[int, int]] = {
    ("Nvidia", "GB300-NVL72"): (182, 252),
    ("Supermicro", "SRS-GB300-NVL72"): (168, 196),
    ("Dell Technologies", "XE9712"): (154, 168),
    ("Hewlett Packard Enterprise", "P-GB300-NVL72"): (175, 231),
    ("Foxconn", "FX-GB300-NVL72"): (140, 154),
    ("Supermicro", "SYS-A22GA-NBRT"): (84, 98),
    ("Dell Technologies", "XE9680L"): (70, 84),
    ("Vertiv", "XDU1350"): (63, 112),
    ("Schneider Electric", "GVXL-1250"): (120, 140),
    ("Eaton", "9395XR-1500"): (112, 126),
    ("Arista Networks", "7060X6"): (90, 120),
    ("Pure Storage", "FB-S500"): (60, 150),
}

# The last quarter's jump in quoted lead time (1.05 where not listed).
LAST_QUARTER_JUMPS: dict[tuple[str, str], float] = {
    ("Nvidia", "GB300-NVL72"): 1.25,
    ("Hewlett Packard Enterprise", "P-GB300-NVL72"): 1.3,
    ("Pure Storage", "FB-S500"): 1.5,
}

CUSTOMERS: list[tuple[str, str, str]] = [
    ("Helios AI", "US", "procurement@helios.example"),
    ("Kestrel Foundation Models", "US", "infra@kestrel.example"),
    ("Cobalt Cloud", "CA", "capacity@cobalt.example"),
    ("Aurora Inference", "US", "ops@aurora.example"),
    ("Quanta Research", "GB", "compute@quanta.example"),
    ("Meridian Bank", "CA", "ai-platform@meridian.example"),
    ("Stratos Robotics", "DE", "training@stratos.example"),
    ("Northwind Labs", "US", "hpc@northwind.example"),
]


@dataclass(frozen=True)
class LineSpec:
    vendor: str
    sku: str
    quantity: int
    # Days from the order date to the vendor's first promise; None for an unconfirmed line.
    promise_after: int | None
    # Days the current ETA moved past that promise (positive = slipped).
    slip: int = 0
    status: str = "confirmed"
    received: int = 0
    unit_price: str | None = None


@dataclass(frozen=True)
class OrderSpec:
    po_number: str
    site: str
    ordered_days_ago: int
    lines: tuple[LineSpec, ...]
    currency: str = "USD"
    notes: str | None = None


def _rack_orders() -> list[OrderSpec]:
    """GB300 NVL72 racks for the conversions, with the slips and late units the alerts show."""
    L = LineSpec
    return [
        # Panther Creek: the 350 MW campus, racks from four vendors.
        OrderSpec(
            "PC-2026-001",
            "Panther Creek",
            300,
            (L("Nvidia", "GB300-NVL72", 8, 200, 0, "partially_received", 5),),
        ),
        OrderSpec(
            "PC-2026-009",
            "Panther Creek",
            300,
            (L("Arista Networks", "7800R4", 2, 120, 0, "received", 2),),
        ),
        OrderSpec(
            "PC-2026-002",
            "Panther Creek",
            260,
            (
                L("Dell Technologies", "XE9712", 10, 240, 35, "in_production"),
                L("Dell Technologies", "R770", 20, 90, 0, "received", 20),
            ),
        ),
        OrderSpec(
            "PC-2026-003",
            "Panther Creek",
            220,
            (L("Foxconn", "FX-GB300-NVL72", 12, 250, 49, "in_production"),),
        ),
        OrderSpec(
            "PC-2026-004",
            "Panther Creek",
            150,
            (
                L("Hewlett Packard Enterprise", "P-GB300-NVL72", 6, 230, 0, "confirmed"),
                L("Hewlett Packard Enterprise", "XD685", 16, 120, 28, "shipped"),
            ),
        ),
        OrderSpec(
            "PC-2026-005",
            "Panther Creek",
            95,
            (L("Supermicro", "SRS-GB300-NVL72", 8, 210, 0, "confirmed"),),
        ),
        OrderSpec(
            "PC-2026-006",
            "Panther Creek",
            30,
            (L("Nvidia", "GB300-NVL72", 6, None, status="placed"),),
            notes="Allocation request sent; awaiting Nvidia acknowledgement",
        ),
        OrderSpec(
            "PC-2026-007",
            "Panther Creek",
            180,
            (L("Vertiv", "XDU1350", 24, 110, 42, "in_production"),),
        ),
        OrderSpec(
            "PC-2026-010",
            "Panther Creek",
            180,
            (L("Eaton", "9395XR-1500", 8, 120, 0, "confirmed"),),
        ),
        OrderSpec(
            "PC-2026-011",
            "Panther Creek",
            175,
            (L("Schneider Electric", "GVXL-1250", 6, 140, 21, "confirmed"),),
        ),
        OrderSpec(
            "PC-2026-008",
            "Panther Creek",
            60,
            (L("Arista Networks", "7060X6", 48, 120, 0, "confirmed"),),
        ),
        OrderSpec(
            "PC-2026-012",
            "Panther Creek",
            58,
            (L("Pure Storage", "FB-S500", 6, 150, 0, "confirmed"),),
        ),
        # Moses Lake conversion (Dell racks, as in the Dell sample file).
        OrderSpec(
            "ML-2026-010",
            "Moses Lake",
            330,
            (
                L("Dell Technologies", "XE9712", 4, 170, 0, "received", 4),
                L("Dell Technologies", "R770", 8, 80, 0, "received", 8),
            ),
        ),
        OrderSpec(
            "ML-2026-011",
            "Moses Lake",
            200,
            (L("Dell Technologies", "XE9712", 3, 180, 28, "in_production"),),
        ),
        OrderSpec(
            "ML-2026-012",
            "Moses Lake",
            160,
            (L("Vertiv", "XDU1350", 6, 100, 0, "confirmed"),),
            currency="EUR",
        ),
        # Scrubgrass: live, with delivered racks and one overdue shipment.
        OrderSpec(
            "SG-2025-031",
            "Scrubgrass",
            520,
            (
                L("Supermicro", "SRS-GB300-NVL72", 6, 180, 0, "received", 6),
                L("Supermicro", "SYS-A22GA-NBRT", 24, 90, 0, "received", 24),
            ),
        ),
        OrderSpec(
            "SG-2026-004",
            "Scrubgrass",
            190,
            (L("Supermicro", "SRS-GB300-NVL72", 4, 170, 0, "shipped"),),
        ),
        # Quebec.
        OrderSpec(
            "BC-2025-019",
            "Baie-Comeau",
            480,
            (L("Hewlett Packard Enterprise", "P-GB300-NVL72", 4, 200, 0, "received", 4),),
            currency="USD",
        ),
        OrderSpec(
            "DR-2026-002",
            "Drummondville",
            240,
            (L("Hewlett Packard Enterprise", "P-GB300-NVL72", 5, 220, 56, "in_production"),),
        ),
        OrderSpec(
            "DR-2026-003",
            "Drummondville",
            240,
            (L("Schneider Electric", "MCDU-1MW", 4, 120, 0, "shipped"),),
            currency="CAD",
        ),
        OrderSpec(
            "SJ-2025-008",
            "Saint-Jerome",
            430,
            (L("Dell Technologies", "XE9680L", 20, 100, 0, "received", 20),),
        ),
        # Clarion: colocation conversion, power gear.
        OrderSpec(
            "CL-2026-003",
            "Clarion",
            210,
            (
                L("Eaton", "9395XR-1500", 4, 140, 14, "in_production"),
                L("Eaton", "PRL-SWBD", 6, 100, 0, "received", 6),
            ),
        ),
        OrderSpec(
            "CL-2026-004",
            "Clarion",
            210,
            (L("Vertiv", "XDU1350", 8, 112, 0, "confirmed"),),
        ),
        # Rio Cuarto and Paraguay.
        OrderSpec(
            "RC-2026-003",
            "Rio Cuarto",
            180,
            (L("Dell Technologies", "XE9712", 4, 200, 0, "shipped"),),
        ),
        OrderSpec(
            "RC-2026-007",
            "Rio Cuarto",
            125,
            (L("Vertiv", "XDU1350", 6, None, status="placed"),),
            currency="EUR",
        ),
        OrderSpec(
            "HE-2026-002",
            "Hernandarias",
            150,
            (L("Foxconn", "FX-GB300-NVL72", 3, 160, 0, "confirmed"),),
        ),
        OrderSpec(
            "HE-2026-003",
            "Hernandarias",
            150,
            (L("Vertiv", "APM2-600", 4, 120, 0, "on_hold"),),
        ),
        OrderSpec(
            "VI-2026-001",
            "Villarrica",
            100,
            (L("Supermicro", "SYS-A22GA-NBRT", 16, 95, 0, "confirmed"),),
        ),
        OrderSpec(
            "WE-2026-001",
            "Wenatchee",
            70,
            (L("Dell Technologies", "XE9680L", 12, 84, 0, "cancelled"),),
            notes="Cancelled: site stays on mining until 2028",
        ),
    ]


def _filler_orders(rng: random.Random) -> list[OrderSpec]:
    """Smaller network, storage, power and cooling orders across every site."""
    sites = [s[0] for s in SITES]
    gear = [
        ("Arista Networks", "7060X6", (4, 32)),
        ("Arista Networks", "7800R4", (1, 2)),
        ("Pure Storage", "FB-S500", (1, 4)),
        ("Pure Storage", "FB-E", (1, 4)),
        ("Vertiv", "XDU1350", (2, 8)),
        ("Vertiv", "APM2-600", (1, 4)),
        ("Schneider Electric", "MCDU-1MW", (1, 4)),
        ("Eaton", "PRL-SWBD", (1, 6)),
        ("Nvidia", "SN5600", (2, 12)),
        ("Dell Technologies", "R770", (4, 16)),
        ("Schneider Electric", "GVXL-1250", (1, 2)),
        ("Eaton", "9395XR-1500", (1, 3)),
    ]
    vendors = sorted({vendor for vendor, _, _ in gear})
    orders = []
    for n in range(31):
        site = sites[n % len(sites)]
        ago = rng.randint(20, 560)
        # A purchase order goes to one vendor: pick it, then one or more of its products.
        chosen = rng.choice(vendors)
        vendor_gear = [g for g in gear if g[0] == chosen]
        count = rng.randint(1, len(vendor_gear))
        lines = []
        for vendor, sku, (lo, hi) in rng.sample(vendor_gear, count):
            quantity = rng.randint(lo, hi)
            promise = rng.randint(45, 140)
            due = ago - promise  # days ago the promise fell (negative: in the future)
            if due > 30:
                lines.append(LineSpec(vendor, sku, quantity, promise, 0, "received", quantity))
            elif due > 0:
                status = rng.choice(["shipped", "partially_received", "received"])
                received = {"received": quantity, "partially_received": max(1, quantity // 2)}.get(
                    status, 0
                )
                if status == "partially_received" and received >= quantity:
                    status, received = "received", quantity
                lines.append(LineSpec(vendor, sku, quantity, promise, 0, status, received))
            else:
                slip = rng.choice([0, 0, 0, 7, 21])
                lines.append(
                    LineSpec(
                        vendor,
                        sku,
                        quantity,
                        promise,
                        slip,
                        rng.choice(["confirmed", "in_production"]),
                    )
                )
        orders.append(
            OrderSpec(f"{SITE_CODES[site]}-{2026 - (ago > 330)}-{100 + n}", site, ago, tuple(lines))
        )
    return orders


def _lead_time_records(today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for (vendor, sku), (first, newest) in LEAD_TIMES.items():
        quarters = 8
        for q in range(quarters):
            quote_date = today - dt.timedelta(days=91 * (quarters - 1 - q) + 10)
            if q < quarters - 1:
                # Drift slowly from the first quote to the one before last. Some items then
                # jump in the last quarter, so the demo shows lead_time_drift alerts.
                jump = LAST_QUARTER_JUMPS.get((vendor, sku), 1.05)
                days = first + (int(newest / jump) - first) * q // (quarters - 2)
            else:
                days = newest
            days = max(days, 1)
            rows.append(
                {
                    "vendor": vendor,
                    "sku": sku,
                    "lead_days": days,
                    "quote_date": quote_date,
                    "valid_until": quote_date + dt.timedelta(days=90),
                    "notes": "Quarterly quote" if q < quarters - 1 else "Latest quote",
                }
            )
    return rows


def _ppa_records(today: dt.date) -> list[dict[str, Any]]:
    counterparties = {
        "US": "Keystone Wind Partners",
        "CA": "Hydro-Quebec",
        "PY": "ANDE",
        "AR": "Cammesa",
    }
    rows = []
    for n, (name, country, _region, grid, _pue, _status) in enumerate(SITES, start=1):
        grid_mw = D(grid)
        capacity = grid_mw
        start = today - dt.timedelta(days=900)
        end = today + dt.timedelta(days=3650)
        notice = 180
        if name == "Rio Cuarto":
            capacity = D("30")  # less than the contracts there will draw
        if name == "Panther Creek":
            capacity = D("120")
            start = today - dt.timedelta(days=200)
        if name == "Baie-Comeau":
            end = today + dt.timedelta(days=240)  # notice deadline in 60 days
        if name == "Matane":
            end = today + dt.timedelta(days=200)  # notice deadline already passed
        currency = {"CA": "CAD"}.get(country, "USD")
        rows.append(
            {
                "ppa_ref": f"PPA-{n:03d}",
                "counterparty": "Oklahoma Gas & Electric"
                if name == "Panther Creek"
                else counterparties[country],
                "site": name,
                "capacity_mw": capacity,
                "start_date": start,
                "end_date": end,
                "price_per_mwh": D("38.50") if country != "PY" else D("29.00"),
                "currency": currency,
                "structure": "fixed" if n % 3 else "indexed",
                "escalation_pct": D("2.5"),
                "renewable_pct": D("100") if country in ("CA", "PY") else D("45"),
                "take_or_pay_pct": D("80"),
                "notice_days": notice,
            }
        )
    return rows


def _contract_records(today: dt.date) -> list[dict[str, Any]]:
    def on(days: int) -> dt.date:
        return today + dt.timedelta(days=days)

    base: list[dict[str, Any]] = [
        # Panther Creek: more GPUs promised than will have arrived by the need-by dates.
        dict(
            contract_ref="C-2031",
            customer="Helios AI",
            site="Panther Creek",
            service="gpu_lease",
            start_date=on(75),
            end_date=on(75 + 3 * 365 - 1),
            committed_gpus=2304,
            price=D("2.35"),
            price_unit="per_gpu_hour",
            sla_uptime_pct=D("99.9"),
            notice_days=180,
            status="signed",
        ),
        dict(
            contract_ref="C-2032",
            customer="Kestrel Foundation Models",
            site="Panther Creek",
            service="managed_training",
            start_date=on(150),
            end_date=on(150 + 2 * 365 - 1),
            committed_gpus=1152,
            price=D("2150000"),
            price_unit="per_month",
            sla_uptime_pct=D("99.5"),
            notice_days=120,
            status="signed",
        ),
        dict(
            contract_ref="C-2033",
            customer="Aurora Inference",
            site="Panther Creek",
            service="inference",
            start_date=on(240),
            end_date=on(240 + 4 * 365 - 1),
            committed_gpus=576,
            price=D("14400000"),
            price_unit="per_year",
            sla_uptime_pct=D("99.95"),
            notice_days=180,
            status="draft",
        ),
        # Moses Lake: racks arriving in time for one customer, not the second.
        dict(
            contract_ref="C-1204",
            customer="Northwind Labs",
            site="Moses Lake",
            service="gpu_lease",
            start_date=on(-60),
            end_date=on(-60 + 2 * 365 - 1),
            committed_gpus=288,
            price=D("2.45"),
            price_unit="per_gpu_hour",
            sla_uptime_pct=D("99.9"),
            notice_days=90,
            status="active",
        ),
        dict(
            contract_ref="C-1207",
            customer="Stratos Robotics",
            site="Moses Lake",
            service="managed_training",
            start_date=on(45),
            end_date=on(45 + 365 - 1),
            committed_gpus=216,
            price=D("410000"),
            price_unit="per_month",
            sla_uptime_pct=D("99.5"),
            notice_days=60,
            status="signed",
        ),
        # Scrubgrass: live and served.
        dict(
            contract_ref="C-0912",
            customer="Quanta Research",
            site="Scrubgrass",
            service="gpu_lease",
            start_date=on(-300),
            end_date=on(-300 + 3 * 365 - 1),
            committed_gpus=432,
            price=D("2.60"),
            price_unit="per_gpu_hour",
            sla_uptime_pct=D("99.9"),
            notice_days=120,
            status="active",
        ),
        # Clarion: colocation that needs more power than the interconnect gives.
        dict(
            contract_ref="C-1410",
            customer="Cobalt Cloud",
            site="Clarion",
            service="colocation",
            start_date=on(120),
            end_date=on(120 + 5 * 365 - 1),
            committed_mw=D("20"),
            price=D("145"),
            price_unit="per_kw_month",
            sla_uptime_pct=D("99.99"),
            auto_renew=True,
            notice_days=365,
            status="signed",
        ),
        # Rio Cuarto: colocation beyond the PPA cover.
        dict(
            contract_ref="C-1502",
            customer="Meridian Bank",
            site="Rio Cuarto",
            service="colocation",
            start_date=on(30),
            end_date=on(30 + 3 * 365 - 1),
            committed_mw=D("24"),
            price=D("120"),
            price_unit="per_kw_month",
            sla_uptime_pct=D("99.98"),
            notice_days=180,
            status="signed",
        ),
        # Baie-Comeau: inference contract near its notice deadline.
        dict(
            contract_ref="C-0805",
            customer="Meridian Bank",
            site="Baie-Comeau",
            service="inference",
            start_date=on(-200),
            end_date=on(140),
            committed_gpus=288,
            price=D("6900000"),
            price_unit="per_year",
            sla_uptime_pct=D("99.95"),
            notice_days=90,
            status="active",
        ),
        # Kittanning: a mining site sold as colocation before its interconnect upgrade.
        dict(
            contract_ref="C-1620",
            customer="Cobalt Cloud",
            site="Kittanning",
            service="colocation",
            start_date=on(200),
            end_date=on(200 + 3 * 365 - 1),
            committed_mw=D("20"),
            price=D("138"),
            price_unit="per_kw_month",
            sla_uptime_pct=D("99.98"),
            notice_days=180,
            status="signed",
        ),
        # Saint-Jerome: inference capacity whose renewal must be decided soon.
        dict(
            contract_ref="C-0702",
            customer="Quanta Research",
            site="Saint-Jerome",
            service="inference",
            start_date=on(-300),
            end_date=on(100),
            committed_gpus=120,
            price=D("2400000"),
            price_unit="per_year",
            sla_uptime_pct=D("99.9"),
            notice_days=60,
            status="active",
        ),
        # Saint-Jerome: an old contract, expired.
        dict(
            contract_ref="C-0601",
            customer="Aurora Inference",
            site="Saint-Jerome",
            service="inference",
            start_date=on(-900),
            end_date=on(-170),
            committed_gpus=160,
            price=D("3100000"),
            price_unit="per_year",
            notice_days=90,
            status="expired",
        ),
        # Drummondville: managed training waiting on HPE racks that slipped.
        dict(
            contract_ref="C-1301",
            customer="Stratos Robotics",
            site="Drummondville",
            service="managed_training",
            start_date=on(90),
            end_date=on(90 + 2 * 365 - 1),
            committed_gpus=360,
            price=D("640000"),
            price_unit="per_month",
            sla_uptime_pct=D("99.5"),
            notice_days=90,
            status="signed",
        ),
    ]
    for record in base:
        record.setdefault("currency", "USD")
    return base


def _fx_records(today: dt.date) -> list[dict[str, Any]]:
    year_ago = today - dt.timedelta(days=600)
    return [
        {"currency": "EUR", "rate": D("1.0850"), "valid_from": year_ago},
        {"currency": "EUR", "rate": D("1.1620"), "valid_from": today - dt.timedelta(days=180)},
        {"currency": "CAD", "rate": D("0.7310"), "valid_from": year_ago},
        {"currency": "CAD", "rate": D("0.7180"), "valid_from": today - dt.timedelta(days=180)},
    ]


def _order_line_records(today: dt.date, spec: OrderSpec) -> list[dict[str, Any]]:
    order_date = today - dt.timedelta(days=spec.ordered_days_ago)
    rows = []
    for n, line in enumerate(spec.lines, start=1):
        promised = eta = received_date = None
        if line.promise_after is not None:
            promised = order_date + dt.timedelta(days=line.promise_after)
            eta = promised + dt.timedelta(days=line.slip)
        if line.received:
            received_date = min(eta or today, today - dt.timedelta(days=1))
            received_date = max(received_date, order_date)
        product = next(p for p in PRODUCTS if p[0] == line.vendor and p[1] == line.sku)
        price = D(line.unit_price or product[6])
        if spec.currency != "USD":
            price = (price * (D("0.92") if spec.currency == "EUR" else D("1.37"))).quantize(D("1"))
        rows.append(
            {
                "po_number": spec.po_number,
                "line": n,
                "vendor": line.vendor,
                "sku": line.sku,
                "quantity": line.quantity,
                "site": spec.site,
                "order_date": order_date,
                "description": product[2],
                "unit_price": price,
                "currency": spec.currency,
                "requested_date": order_date + dt.timedelta(days=(line.promise_after or 120) - 14),
                "promised_date": promised,
                "eta": eta,
                "received_qty": line.received,
                "received_date": received_date,
                "status": line.status,
            }
        )
    return rows


def load(session: Session, actor: Actor, today: dt.date | None = None) -> str:
    """Load the demo data set into an empty database; returns a one-line summary."""
    if session.scalar(select(func.count()).select_from(Site)):
        raise RackbookError(
            "the database already holds sites; the demo data loads into an empty database only"
        )
    today = today or dt.date.today()
    demo_actor = Actor(actor.user, source="demo")
    rng = random.Random(2026)

    def add(kind: str, values: dict[str, Any]) -> None:
        records.create(session, kind, values, demo_actor)

    # The letterhead, where the database has none yet.
    company = settings.get_all(session)
    for name, value in COMPANY.items():
        if not company[name]:
            settings.set_value(session, name, value, demo_actor)
    if company["company_logo"] is None and LOGO.is_file():
        logo = settings.logo_from_bytes(LOGO.name, LOGO.read_bytes())
        settings.set_value(session, "company_logo", logo, demo_actor)

    for name, country, region, grid, pue, status in SITES:
        add(
            "sites",
            {
                "name": name,
                "country": country,
                "region": region,
                "grid_capacity_mw": D(grid),
                "pue": D(pue),
                "status": status,
                "ship_to_address": SHIP_TO.get(name),
            },
        )
    for name, aliases, country, category, terms in VENDORS:
        address, incoterms = VENDOR_ADDRESSES.get(name, (None, None))
        add(
            "vendors",
            {
                "name": name,
                "aliases": aliases,
                "country": country,
                "category": category,
                "payment_terms": terms,
                "payment_schedule": SCHEDULES.get(name),
                "contact": f"orders@{name.split()[0].lower()}.example",
                "address": address,
                "incoterms": incoterms,
            },
        )
    for vendor, sku, description, category, gpus, kw, price, currency in PRODUCTS:
        add(
            "products",
            {
                "vendor": vendor,
                "sku": sku,
                "description": description,
                "category": category,
                "gpus_per_unit": gpus,
                "kw_per_unit": D(kw),
                "list_price": D(price),
                "currency": currency,
            },
        )
    for row in _lead_time_records(today):
        add("leadtimes", row)
    for fx in _fx_records(today):
        add("fxrates", fx)
    orders = _rack_orders() + _filler_orders(rng)
    lines = 0
    for spec in orders:
        for row in _order_line_records(today, spec):
            slipped_eta = row["eta"]
            if slipped_eta is not None and slipped_eta != row["promised_date"]:
                # Enter the line at the vendor's promise, then move its ETA the way the
                # vendor did, so the ETA history shows the slip.
                saved = records.create(
                    session, "orders", {**row, "eta": row["promised_date"]}, demo_actor
                )
                records.update(session, "orders", saved["id"], {"eta": slipped_eta}, demo_actor)
            else:
                add("orders", row)
            lines += 1
    for row in _ppa_records(today):
        add("ppas", row)
    for name, country, contact in CUSTOMERS:
        add("customers", {"name": name, "country": country, "contact": contact})
    contracts = _contract_records(today)
    for contract in contracts:
        add("contracts", contract)
    session.flush()
    return (
        f"{len(SITES)} sites, {len(VENDORS)} vendors, {len(PRODUCTS)} products, "
        f"{len(orders)} purchase orders with {lines} lines, {len(SITES)} PPAs, "
        f"{len(contracts)} customer contracts"
    )
