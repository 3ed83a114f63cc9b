"""The cyclic garbage collector paused for bulk work: one way, for the figures, the import
and the command line.

Loading 100,000 order lines, raising tens of thousands of alerts or planning a 100,000-row
import allocates objects without reference cycles; the collector's repeated full passes
over them took about as long as the work itself (measured with bench/bench_alerts.py; a
100,000-line re-import plan 2.3 s with it, 1.8 s without). Reference counting still frees
everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Objects made during a pause from which they are set aside rather than collected later.
FREEZE_FROM = 100_000


@contextmanager
def collector_paused(give_back: bool = True) -> Iterator[None]:
    """Pause the cyclic collector for the block; it runs again when the block ends, unless
    ``give_back`` is False (a process that exits after the block: the collector would only
    walk everything once more)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and give_back:
            if gc.get_count()[0] > FREEZE_FROM:
                # The objects made meanwhile (a 100,000-row plan: millions) would all be
                # walked by the first collection after this, at once (measured: a tenth of
                # a second or more after an import); set aside instead (``gc.freeze``),
                # they are still freed by reference counting as their users let go.
                gc.freeze()
            gc.enable()
