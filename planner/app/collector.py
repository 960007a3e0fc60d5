"""Holding CPython's cycle collector off while a long piece of work builds its objects."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_pauses = 0
_was_on = False  # whether the collector ran when the first of the current pauses began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a load or an import builds its objects.

    Such work allocates hundreds of thousands of objects, none of them in a reference
    cycle; with the collector on, every few hundred allocations make it scan the young
    objects again and, as they pile up, every object of the program, with the interpreter
    lock held (Python documentation, ``gc.set_threshold``): a quarter to a third of a lab
    import, and 0.4-0.6 s of GUI stalls while a 500-patient clinic loads. Reference
    counting still frees everything as usual; only cycles wait until the work is done.
    Pauses may overlap (several threads): the collector comes back when the last one
    ends, and only if it was on when the first began.
    """
    global _pauses, _was_on
    with _LOCK:
        if _pauses == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _LOCK:
            _pauses -= 1
            if _pauses == 0 and _was_on:
                gc.enable()
