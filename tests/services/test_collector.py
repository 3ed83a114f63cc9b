"""The cyclic collector is paused for bulk work and given back after it; what a large pause
made is set aside from the collections after it (``gc.freeze``), still freed by reference
counting."""

from __future__ import annotations

import gc
import weakref

from services.collector import FREEZE_FROM, collector_paused


class _Record:
    pass


def test_the_collector_is_paused_and_given_back() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer pause gives it back
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with collector_paused(give_back=False):
        pass
    assert not gc.isenabled()
    gc.enable()


def test_what_a_large_pause_made_is_set_aside_and_still_freed() -> None:
    gc.unfreeze()
    with collector_paused():
        made = [_Record() for _ in range(FREEZE_FROM + 10)]
    frozen = gc.get_freeze_count()
    assert frozen >= FREEZE_FROM
    watched = weakref.ref(made[0])
    del made
    assert watched() is None  # freed by reference counting, frozen or not
    assert gc.get_freeze_count() < frozen - FREEZE_FROM // 2
    gc.unfreeze()


def test_a_small_pause_sets_nothing_aside() -> None:
    gc.unfreeze()
    with collector_paused():
        kept = [_Record() for _ in range(100)]
    assert gc.get_freeze_count() == 0
    assert len(kept) == 100
