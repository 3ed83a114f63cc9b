"""What is done to several order lines together, the Orders list's selection or the lines
given: a chase message per vendor to the clipboard, a whole delivery received, lines
cancelled with a reason, ETAs moved together. Each write is one transaction and one undo
step; the window's status bar says what it did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from ui import format as fmt
from ui.tables.copying import to_clipboard
from ui.widgets import show_error

if TYPE_CHECKING:
    from ui.screens.orders_screen import OrdersScreen

Record = dict[str, Any]


def line_ref(line: Record) -> str:
    """An order line as buyers name it: ``PO/line``."""
    return f"{line['po_number']}/{line['line']}"


def copy_chase(screen: OrdersScreen) -> None:
    """A chase message per vendor for the selected lines, to the clipboard (text and a
    table), for a mail asking the vendor to confirm dates."""
    ids = [line["id"] for line in screen.selected_lines()]
    if not ids:
        return
    from services import chasing

    sender, today = screen.context.acting_user, dt.date.today()

    def done(found: Any) -> None:
        if not found.messages:
            screen.say("Nothing to chase: every chosen line is received or cancelled")
            return
        to_clipboard(found.text, found.html)
        vendors = ", ".join(m.vendor for m in found.messages)
        count = len(found.messages)
        said = (
            f"Copied {'a chase message' if count == 1 else f'{count} chase messages'} "
            f"({vendors}): paste into a mail"
        )
        if found.left_out:
            said += f"; left out {', '.join(found.left_out)}"
        screen.say(said)

    screen.context.read(
        lambda session: chasing.chase(session, ids, sender, today),
        done,
        lambda exc: show_error(screen, exc),
        owner=screen,
    )


def receive_lines(screen: OrdersScreen, lines: list[Record] | None = None) -> None:
    """A whole delivery: every open unit of the selected lines (or ``lines``) arrived
    on one day."""
    lines = screen.selected_lines() if lines is None else lines
    if screen.context.read_only or not lines:
        return
    from ui.dialogs.order_dialogs import ReceiveSeveralDialog

    dialog = ReceiveSeveralDialog(lines, screen)
    if not screen.asked(dialog) or not dialog.split.movable:
        return
    from services import orders

    targets = [(line["id"], line["version"]) for line in dialog.split.movable]
    day = dialog.day()

    def done(received: list[Record]) -> None:
        count = len(received)
        received_lines = fmt.counted(count, "line")
        screen.say(f"Received every open unit of {received_lines} on {fmt.date(day)}")
        screen.after_write(received, (), False)

    _write_lines(
        screen,
        f"receipt of {fmt.counted(len(targets), 'line')}",
        targets,
        lambda session, actor: orders.receive_in_full(session, targets, day, actor),
        done,
    )


def cancel_lines(screen: OrdersScreen, lines: list[Record] | None = None) -> None:
    """Cancel the selected lines (or ``lines``), with a reason: each all or none."""
    lines = screen.selected_lines() if lines is None else lines
    if screen.context.read_only or not lines:
        return
    from ui.dialogs.order_dialogs import CancelDialog, cancel_question

    question, split = cancel_question(lines)
    if not split.movable:
        QMessageBox.information(screen, "Cancel order lines", question)
        return
    dialog = CancelDialog(question, screen)
    if not screen.asked(dialog):
        return
    reason = dialog.value()
    from services import orders

    targets = [(line["id"], line["version"]) for line in split.movable]

    def done(cancelled: list[Record]) -> None:
        screen.say(f"Cancelled {fmt.counted(len(cancelled), 'line')}: {reason}")
        screen.after_write(cancelled, (), False)

    _write_lines(
        screen,
        (
            f"cancellation of {fmt.counted(len(targets), 'line')}"
            if len(targets) > 1
            else f"cancellation of {line_ref(split.movable[0])}"
        ),
        targets,
        lambda session, actor: orders.cancel_lines(session, targets, actor, reason),
        done,
    )


def move_etas(screen: OrdersScreen, lines: list[Record] | None = None) -> None:
    """Move the ETAs of the selected lines (or ``lines``) together (a vendor says the
    order slips three weeks): by days or to a date, previewed, then written in one
    transaction."""
    if screen.context.read_only:
        return
    lines = screen.selected_lines() if lines is None else lines
    if not lines:
        return
    from ui.dialogs.order_dialogs import EtaMoveDialog

    dialog = EtaMoveDialog(lines, screen)
    if not screen.asked(dialog):
        return
    move, split = dialog.eta_move(), dialog.split()
    if move is None or not split.movable:
        return
    from services import orders

    targets = [(line["id"], line["version"]) for line in split.movable]

    def done(moved: list[Record]) -> None:
        count = len(moved)
        screen.say(
            f"Moved the ETA of {fmt.counted(count, 'line')} {move.text()}"
            if count
            else "Every ETA was already there: nothing changed"
        )
        screen.after_write(moved or split.movable, (), False)

    _write_lines(
        screen,
        f"ETA move of {fmt.counted(len(targets), 'line')} {move.text()}",
        targets,
        lambda session, actor: orders.move_etas(session, targets, move, actor),
        done,
    )


def _write_lines(
    screen: OrdersScreen,
    what: str,
    targets: list[tuple[int, int]],
    work: Callable[[Any, Any], Any],
    done: Callable[[Any], None],
) -> None:
    """Write ``work`` on the lines ``targets`` (ids and versions), undoable as ``what``."""
    from ui.undo import history_of

    ids = [t[0] for t in targets]
    history_of(screen.context).write(
        what, "orders", ids, work, done, screen._write_failed, owner=screen
    )
