"""A full load freezes what it left alive, so a later full garbage collection does not walk
the board (a stalled frame while scrolling); an edit's partial refresh freezes nothing."""

from __future__ import annotations

import gc


def test_a_full_refresh_freezes_the_loaded_objects(make_clinic) -> None:
    clinic = make_clinic()
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    clinic.refresh()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000
    tid = clinic.rows[0].transplant_id
    clinic.refresh_transplants({tid})
    assert gc.get_freeze_count() <= frozen  # a partial refresh adds nothing frozen
    gc.unfreeze()
