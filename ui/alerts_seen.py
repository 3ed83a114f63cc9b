"""Which alerts the person has already seen, per database, kept in their settings: the
alerts raised since they last looked at the Alerts screen are "new" (counted in the sidebar,
bold on the screen). The first time, everything open counts as seen (no flood of "new")."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from ui.context import AppContext

# At most this many keys are kept (the newest look's); alerts beyond are simply not "new".
MAX_KEPT = 50_000


def _key(context: AppContext) -> str:
    name = context.db.name if context.database is not None else ""
    return "alerts/seen/" + hashlib.sha1(name.encode()).hexdigest()[:16]


def seen_keys(context: AppContext) -> set[str] | None:
    """The keys of the alerts seen; None when the person has never looked (on this database)."""
    text = context.settings.value(_key(context), None)
    if text is None:
        return None
    try:
        found = json.loads(str(text))
    except ValueError:
        return None
    return {str(k) for k in found} if isinstance(found, list) else None


def remember_seen(context: AppContext, keys: Iterable[str]) -> None:
    kept = sorted(set(keys))[:MAX_KEPT]
    context.settings.setValue(_key(context), json.dumps(kept))
