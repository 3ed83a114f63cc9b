"""Python's cyclic garbage collector paused for a bulk step.

Loading 100,000 order lines, raising tens of thousands of alerts or reading a sheet's
million cells allocates objects without reference cycles; the collector's repeated full
passes over them took about as long as the work itself (measured with bench/bench_alerts.py;
a 100,000-line re-import plan 2.3 s with it, 1.8 s without). Reference counting still frees
everything; the collector runs again as soon as the block ends. The one home of this pause
for the figures and the import alike (it imports nothing else, so the import command's
start-up pays nothing for it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested pauses leave it as found)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
