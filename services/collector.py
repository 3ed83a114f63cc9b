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
import sys
from collections.abc import Callable, Iterator
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


_trim: Callable[[int], int] | None = None
_trim_looked_up = False


def freed_memory_returned() -> None:
    """Memory the C libraries freed given back to the system now (glibc's ``malloc_trim``;
    elsewhere nothing is done). python-calamine parses a sheet in the reading thread, whose
    malloc arena keeps what the parse freed (tens of megabytes for 100,000 lines) where
    the Python objects made later never reuse it: measured on bench/bench_import.py's
    file, the import's peak 387 MB without this, 363 MB with it, no slower."""
    global _trim, _trim_looked_up
    if not _trim_looked_up:
        _trim_looked_up = True
        if sys.platform.startswith("linux"):
            import ctypes

            # The process's own symbols, the C library's among them (musl has no trim).
            try:
                _trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
            except OSError:
                _trim = None
    if _trim is not None:
        _trim(0)
