"""Typed settings with their defaults (docs/domain.md), stored in the ``setting`` table.

Each option is declared once with its type, default and meaning; reading a setting that was
never saved gives its default, and a value is checked before it is stored.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.world import Settings
from models import Setting
from services import audit
from services.audit import Actor
from services.errors import Problem, UsageError, ValidationError
from services.images import image_info

# The largest logo kept (it is printed a few centimetres wide on every purchase order).
LOGO_LIMIT = 2 * 1024 * 1024


@dataclass(frozen=True)
class Logo:
    """The company's logo: its file name and bytes (a whole PNG or JPEG, checked)."""

    file_name: str
    mime: str
    data: bytes

    def __str__(self) -> str:
        # How the audit trail and ``settings`` show it: never the bytes.
        return f"{self.file_name} ({self.mime.split('/')[1].upper()}, {len(self.data):,} bytes)"

    def stored_text(self) -> str:
        name = self.file_name.replace(";", "_").replace(",", "_")
        return f"data:{self.mime};name={name};base64,{base64.b64encode(self.data).decode()}"


@dataclass(frozen=True)
class Option:
    name: str
    type: type
    default: Any
    label: str
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    # May be left blank (None): e.g. no merchant price, so energy beyond PPA cover is reported
    # as uncovered rather than priced.
    optional: bool = False
    # "company": the buyer's letterhead on purchase orders; "" the figures and thresholds.
    group: str = ""
    # Text that may run over several lines (an address).
    multiline: bool = False


# The defaults of the settings the rules read are the rules' own (domain.world.Settings).
RULES = Settings()

OPTIONS: tuple[Option, ...] = (
    Option(
        "slip_threshold_days",
        int,
        RULES.slip_threshold_days,
        "ETA slip before an alert (days)",
        0,
        3650,
    ),
    Option(
        "unconfirmed_days",
        int,
        RULES.unconfirmed_days,
        "Days an order may stay unconfirmed",
        0,
        3650,
    ),
    Option(
        "lead_time_drift_pct",
        Decimal,
        RULES.lead_time_drift_pct,
        "Lead-time drift alert (%)",
        0,
        1000,
    ),
    Option(
        "vendor_concentration_pct",
        Decimal,
        RULES.vendor_concentration_pct,
        "Vendor concentration alert (%)",
        0,
        100,
    ),
    Option(
        "ppa_expiry_horizon_days",
        int,
        RULES.ppa_expiry_horizon_days,
        "PPA notice horizon (days)",
        0,
        3650,
    ),
    Option(
        "contract_notice_horizon_days",
        int,
        RULES.contract_notice_horizon_days,
        "Contract notice horizon (days)",
        0,
        3650,
    ),
    Option(
        "install_buffer_days",
        int,
        RULES.install_buffer_days,
        "Install buffer before a contract starts (days)",
        0,
        365,
    ),
    Option("reporting_currency", str, RULES.reporting_currency, "Reporting currency"),
    Option("default_pue", Decimal, RULES.default_pue, "Default PUE", 1, 3),
    Option("default_kw_per_gpu", Decimal, RULES.default_kw_per_gpu, "Default kW per GPU", 0, 100),
    Option("backups_to_keep", int, 5, "Automatic backups kept", 0, 1000),
    Option(
        "merchant_price_per_mwh",
        Decimal,
        RULES.merchant_price_per_mwh,
        "Merchant energy price beyond PPA cover (reporting currency per MWh; blank: none)",
        0,
        100000,
        optional=True,
    ),
    Option(
        "depreciation_months",
        int,
        RULES.depreciation_months,
        "Hardware depreciation (months)",
        1,
        600,
    ),
    Option(
        "transit_days", int, RULES.transit_days, "Transit from shipment to receipt (days)", 0, 365
    ),
    Option(
        "default_payment_schedule",
        str,
        RULES.default_payment_schedule,
        "Payment schedule when neither the order nor its vendor has one (percent, event "
        "and days after, as in 30% order; 70% received+30)",
    ),
    Option(
        "take_or_pay_horizon_months",
        int,
        RULES.take_or_pay_horizon_months,
        "Take-or-pay idle alert horizon (months)",
        1,
        120,
    ),
    Option(
        "cash_horizon_months",
        int,
        RULES.cash_horizon_months,
        "Cash forecast horizon (months)",
        1,
        120,
    ),
    Option("attachment_limit_mb", int, 50, "Largest attached file (MB)", 1, 1000),
    Option("company_name", str, "", "Company name", group="company"),
    Option("company_address", str, "", "Company address", group="company", multiline=True),
    Option("company_tax_id", str, "", "VAT / tax id", group="company"),
    Option("company_contact", str, "", "Contact for vendors", group="company"),
    Option("company_logo", Logo, None, "Logo (PNG or JPEG)", group="company"),
)
# The longest text a company setting takes (an address over several lines).
COMPANY_TEXT_LIMIT = 1_000
OPTIONS_BY_NAME = {o.name: o for o in OPTIONS}


def option(name: str) -> Option:
    try:
        return OPTIONS_BY_NAME[name]
    except KeyError:
        raise UsageError(
            f"unknown setting {name!r}; known settings: {', '.join(OPTIONS_BY_NAME)}"
        ) from None


def parse(opt: Option, value: Any) -> Any:
    """``value`` (text from a file or a field, or a typed value) as the option's type."""
    if opt.optional and (value is None or str(value).strip() == ""):
        return None
    """``value`` (text from a file or a field, or a typed value) as the option's type.

    The logo is given as a file path (or a ``Logo``; empty text removes it): the file must
    be a whole PNG or JPEG image."""
    if opt.type is Logo:
        return _logo(opt, value)
    try:
        if opt.type is int:
            parsed: Any = int(str(value).strip())
        elif opt.type is Decimal:
            parsed = Decimal(str(value).strip())
            if not parsed.is_finite():
                raise InvalidOperation
        else:
            parsed = str(value).strip()
    except (ValueError, InvalidOperation):
        kind = "a whole number" if opt.type is int else "a number"
        raise ValidationError(
            [Problem(opt.name, value, f"{opt.label} must be {kind}")], subject="The setting"
        ) from None
    if opt.name == "reporting_currency" and not (len(parsed) == 3 and parsed.isalpha()):
        raise ValidationError(
            [Problem(opt.name, value, "must be a three-letter currency code")],
            subject="The setting",
        )
    if opt.name == "reporting_currency":
        parsed = parsed.upper()
    if opt.name == "default_payment_schedule":
        from domain.money import ScheduleError, parse_schedule

        try:
            parse_schedule(parsed)
        except ScheduleError as exc:
            raise ValidationError(
                [Problem(opt.name, value, str(exc))], subject="The setting"
            ) from None
    if opt.group == "company" and len(parsed) > COMPANY_TEXT_LIMIT:
        raise ValidationError(
            [
                Problem(
                    opt.name, value, f"{opt.label} is longer than {COMPANY_TEXT_LIMIT} characters"
                )
            ],
            subject="The setting",
        )
    if opt.minimum is not None and parsed < opt.minimum:
        raise ValidationError(
            [Problem(opt.name, value, f"{opt.label} must be at least {opt.minimum}")],
            subject="The setting",
        )
    if opt.maximum is not None and parsed > opt.maximum:
        raise ValidationError(
            [Problem(opt.name, value, f"{opt.label} must be at most {opt.maximum}")],
            subject="The setting",
        )
    return parsed


def _logo(opt: Option, value: Any) -> Logo | None:
    if value is None or isinstance(value, Logo):
        return value
    text = str(value).strip()
    if not text:
        return None
    path = Path(text).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            [Problem(opt.name, text, f"the logo {path} cannot be read: {exc.strerror or exc}")],
            subject="The setting",
        ) from None
    return logo_from_bytes(path.name, data)


def logo_from_bytes(file_name: str, data: bytes) -> Logo:
    """A logo from a file's bytes, refused unless they are a whole PNG or JPEG image."""
    if len(data) > LOGO_LIMIT:
        raise ValidationError(
            [
                Problem(
                    "company_logo",
                    file_name,
                    f"the logo {file_name} is {len(data):,} bytes; at most "
                    f"{LOGO_LIMIT:,} fit (a letterhead logo is usually well under 200 KB)",
                )
            ],
            subject="The setting",
        )
    info = image_info(data)
    if info is None:
        raise ValidationError(
            [
                Problem(
                    "company_logo",
                    file_name,
                    f"{file_name} is not a PNG or JPEG image (or it is damaged); "
                    "the logo was not changed",
                )
            ],
            subject="The setting",
        )
    return Logo(file_name, info.mime, data)


def _stored(opt: Option, text: str) -> Any:
    """A stored value, typed. The logo was checked when it was saved."""
    if opt.type is not Logo:
        return parse(opt, text)
    if not text.startswith("data:"):
        return None
    try:
        header, encoded = text[5:].split(";base64,", 1)
        mime, _, name = header.partition(";name=")
        return Logo(name or "logo", mime, base64.b64decode(encoded, validate=True))
    except (ValueError, binascii.Error):
        return None


def _stored_text(value: Any) -> str:
    if isinstance(value, Logo):
        return value.stored_text()
    return audit.as_text(value) or ""


def get_all(session: Session) -> dict[str, Any]:
    """Every setting, saved value or default, typed."""
    values = {o.name: o.default for o in OPTIONS}
    for name, text in session.execute(select(Setting.name, Setting.value)):
        if name in OPTIONS_BY_NAME:
            values[name] = _stored(OPTIONS_BY_NAME[name], text)
    return values


def get(session: Session, name: str) -> Any:
    opt = option(name)
    text = session.scalar(select(Setting.value).where(Setting.name == name))
    return opt.default if text is None else _stored(opt, text)


def set_value(session: Session, name: str, value: Any, actor: Actor) -> Any:
    opt = option(name)
    parsed = parse(opt, value)
    row = session.get(Setting, name)
    old = opt.default if row is None else _stored(opt, row.value)
    text = _stored_text(parsed)
    if row is None:
        session.add(Setting(name=name, value=text, created_by=actor.user, updated_by=actor.user))
    elif row.value != text:
        row.value = text
        row.updated_by = actor.user
    else:
        return parsed
    session.flush()
    audit.write_entries(
        session, [audit.entry(actor, "settings", None, name, "update", name, old, parsed)]
    )
    return parsed
