"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 does).

A leak of one reference per call aborts the whole program after a few thousand paint
calls ("Fatal Python error: none_dealloc"); this guards the pinned version.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget


def test_void_calls_keep_none_alive(qapp):
    widget = QWidget()
    rect = QRectF()
    before = sys.getrefcount(None)
    for _ in range(20_000):
        rect.setX(1.0)
        widget.update()
    assert sys.getrefcount(None) >= before - 100
