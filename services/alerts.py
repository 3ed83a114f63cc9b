"""Supply-risk alerts and their acknowledgements.

The rules (when each fires, its severity, its message) live in ``domain.alerts``; this module
loads the records, asks the rules, and keeps the buyers' acknowledgements: an acknowledged
alert stays hidden until its snooze date has passed or its figure grows beyond the figure
at acknowledgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import alerts as rules
from domain.picture import Picture
from models import AlertAck
from models.base import utcnow
from services import audit
from services.audit import Actor
from services.errors import NotFoundError, UsageError
from services.figures import collector_paused
from services.figures import picture as load_picture

SEVERITIES = rules.SEVERITIES
RULES = rules.RULES


@dataclass(frozen=True)
class Acknowledgement:
    user: str
    note: str | None
    acknowledged_at: dt.datetime
    snoozed_until: dt.date | None
    figure: Decimal | None


@dataclass(frozen=True)
class Alert(rules.Alert):
    """An alert the rules found, with the buyers' acknowledgement of it."""

    acknowledged: Acknowledgement | None = None
    # True when an acknowledgement hides it (only listed with include_acknowledged).
    hidden: bool = False

    @classmethod
    def of(cls, found: rules.Alert) -> Alert:
        return cls(**{f.name: getattr(found, f.name) for f in fields(rules.Alert)})

    def as_json(self) -> dict[str, object]:
        ack = self.acknowledged
        return {
            "key": self.key,
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "site": self.site,
            "message": self.message,
            "figure": audit.plain_decimal(self.figure),
            "related": list(self.related),
            "acknowledged": None
            if ack is None
            else {
                "user": ack.user,
                "note": ack.note,
                "at": ack.acknowledged_at.isoformat(timespec="seconds"),
                "until": ack.snoozed_until.isoformat() if ack.snoozed_until else None,
                "figure": audit.plain_decimal(ack.figure) if ack.figure is not None else None,
            },
            "hidden": self.hidden,
        }


alert_key = rules.alert_key


def evaluate_picture(pic: Picture) -> list[Alert]:
    """Every rule over one picture of the figures, sorted by severity, site, rule, subject."""
    with collector_paused():
        return [Alert.of(found) for found in rules.evaluate(pic)]


def evaluate(session: Session, as_of: dt.date | None = None) -> list[Alert]:
    """Every alert as of a day (today by default), acknowledged or not."""
    return evaluate_picture(load_picture(session, as_of or dt.date.today()))


# --- acknowledgements --------------------------------------------------------------------


def acknowledgements(session: Session) -> dict[str, Acknowledgement]:
    rows = session.execute(
        select(
            AlertAck.alert_key,
            AlertAck.user,
            AlertAck.note,
            AlertAck.acknowledged_at,
            AlertAck.snoozed_until,
            AlertAck.figure,
        )
    )
    return {
        key: Acknowledgement(user, note, at, until, figure)
        for key, user, note, at, until, figure in rows
    }


def is_hidden(alert: Alert, ack: Acknowledgement | None, as_of: dt.date) -> bool:
    """Hidden while acknowledged, not past its snooze date, and no worse than when acknowledged.

    A snooze date hides the alert through that day; it shows again the day after.
    """
    if ack is None:
        return False
    if ack.snoozed_until is not None and as_of > ack.snoozed_until:
        return False
    return not (ack.figure is not None and alert.figure > ack.figure)


def apply_acknowledgements(
    alerts: Iterable[Alert], acks: dict[str, Acknowledgement], as_of: dt.date
) -> list[Alert]:
    result = []
    for alert in alerts:
        ack = acks.get(alert.key)
        if ack is not None:
            alert = replace(alert, acknowledged=ack, hidden=is_hidden(alert, ack, as_of))
        result.append(alert)
    return result


def visible_alerts(
    session: Session, as_of: dt.date | None = None, include_acknowledged: bool = False
) -> list[Alert]:
    """The alerts a buyer should see as of a day; with ``include_acknowledged`` every alert,
    each with its acknowledgement and whether that hides it."""
    day = as_of or dt.date.today()
    alerts = apply_acknowledgements(evaluate(session, day), acknowledgements(session), day)
    return alerts if include_acknowledged else [a for a in alerts if not a.hidden]


@dataclass(frozen=True)
class Tally:
    """The open alerts in short, for the window's status bar and sidebar."""

    counts: dict[str, int]  # severity -> open alerts (every severity, 0 when none)
    keys: list[str]  # each open alert's key, to tell which are new since last looked


def counts_by_severity(found: Iterable[Alert]) -> dict[str, int]:
    """Severity -> how many of ``found``, every severity listed (0 when none)."""
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for alert in found:
        counts[alert.severity] += 1
    return counts


def tally(session: Session, as_of: dt.date | None = None) -> Tally:
    """The open (not hidden) alerts as of a day, counted by severity, with their keys."""
    found = visible_alerts(session, as_of)
    return Tally(counts_by_severity(found), [a.key for a in found])


def acknowledge(
    session: Session,
    key: str,
    actor: Actor,
    until: dt.date | None = None,
    note: str | None = None,
    as_of: dt.date | None = None,
) -> Alert:
    """Acknowledge the alert ``key`` (raised as of ``as_of``, today by default): it is hidden
    until ``until`` has passed, or until its figure gets worse. Acknowledging again replaces
    the earlier acknowledgement."""
    return acknowledge_many(session, [key], actor, until, note, as_of)[0]


def acknowledge_many(
    session: Session,
    keys: Sequence[str],
    actor: Actor,
    until: dt.date | None = None,
    note: str | None = None,
    as_of: dt.date | None = None,
) -> list[Alert]:
    """Acknowledge several alerts with one note and snooze date (``acknowledge`` for each,
    the alerts evaluated once), in the caller's transaction: a key that names no raised
    alert refuses them all."""
    day = as_of or dt.date.today()
    if until is not None and until < day:
        raise UsageError(f"the snooze date {until} is already past (today is {day})")
    raised = {a.key: a for a in evaluate(session, day)}
    chosen = []
    for key in keys:
        alert = raised.get(key.strip())
        if alert is None:
            from services.records import closest

            guess = closest(key, raised)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise NotFoundError(f"no alert {key!r} is raised as of {day}{hint}")
        chosen.append(alert)
    return [_acknowledge(session, alert, actor, until, note, day) for alert in chosen]


def _acknowledge(
    session: Session,
    alert: Alert,
    actor: Actor,
    until: dt.date | None,
    note: str | None,
    day: dt.date,
) -> Alert:
    row = session.scalar(select(AlertAck).where(AlertAck.alert_key == alert.key))
    creating = row is None
    if row is None:
        row = AlertAck(alert_key=alert.key, created_by=actor.user)
        session.add(row)
    row.user = actor.user
    row.note = note.strip() if note and note.strip() else None
    row.acknowledged_at = utcnow()
    row.snoozed_until = until
    row.figure = alert.figure
    row.updated_by = actor.user
    session.flush()
    summary = f"figure={audit.plain_decimal(alert.figure)}"
    if until:
        summary += f"; until={until.isoformat()}"
    if row.note:
        summary += f"; note={row.note}"
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                "alerts",
                row.id,
                alert.key,
                "create" if creating else "update",
                "acknowledged",
                None,
                summary,
            )
        ],
    )
    ack = Acknowledgement(row.user, row.note, row.acknowledged_at, until, alert.figure)
    return replace(alert, acknowledged=ack, hidden=is_hidden(alert, ack, day))
