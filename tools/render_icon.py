"""Render the application icon's SVG into the PNG sizes the app and desktops use.

    .venv/bin/python tools/render_icon.py          # rewrite the PNGs beside the SVG
    .venv/bin/python tools/render_icon.py --check  # exit 1 if a PNG is missing or stale

The PNGs are committed: the window icon is loaded from PNG so that it does not depend
on Qt's SVG image plugin being present in every installation, and a freedesktop icon
theme wants fixed sizes (Icon Theme Specification: 48x48 is the size every theme must
have; 256x256 is used by large views and HiDPI screens).
Run it again after editing the SVG. Needs no screen: Qt's "offscreen" platform is used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "transplant-planner.svg"
SIZES = (48, 256)


def png_path(size: int) -> Path:
    return ICONS / f"transplant-planner-{size}.png"


def render(size: int) -> bytes:
    """The SVG drawn on a transparent square of ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not an SVG that Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; write nothing")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    stale = []
    for size in SIZES:
        png = render(size)
        target = png_path(size)
        if args.check:
            if not target.is_file() or target.read_bytes() != png:
                stale.append(target.name)
            continue
        target.write_bytes(png)
        print(f"wrote {target.relative_to(ROOT)} ({len(png)} bytes)")
    if stale:
        print(f"out of date with {SVG.name}: {', '.join(stale)} (run tools/render_icon.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
