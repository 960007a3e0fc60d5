"""Build the one-folder bundle a clinic's IT deploys: dist/transplant-planner/.

    UV_SYSTEM_CERTS=1 .venv/bin/uv pip install --python .venv/bin/python -e ".[bundle,postgres]"
    .venv/bin/python tools/build_bundle.py [--clean]

The folder holds the executable (transplant-planner, or transplant-planner.exe on
Windows), its libraries and data under _internal/, and beside them the desktop entry
transplant-planner.desktop and the icon (PNG and SVG). Copy the whole folder (the README,
"Deploying in a clinic"). PyInstaller bundles for the system it runs on: build on Linux
for Linux and on Windows for Windows (PyInstaller manual, "Supporting Multiple Operating
Systems"). tools/check_bundle.py builds it and runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = "transplant-planner"
SPEC = ROOT / "packaging" / f"{NAME}.spec"
DESKTOP = ROOT / "packaging" / f"{NAME}.desktop"
ICONS = ROOT / "resources" / "icons"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def bundle_dir(dist: Path = DIST) -> Path:
    return dist / NAME


def executable(dist: Path = DIST) -> Path:
    return bundle_dir(dist) / (NAME + (".exe" if os.name == "nt" else ""))


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) below ``folder``; links are not followed."""
    size = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size += path.stat().st_size
            count += 1
    return size, count


def build(*, clean: bool = False, dist: Path = DIST) -> float:
    """Run PyInstaller on the spec and add the desktop files; returns the seconds taken."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit(
            "PyInstaller is not installed: install the bundle extra, e.g. "
            'UV_SYSTEM_CERTS=1 .venv/bin/uv pip install --python .venv/bin/python -e ".[bundle]"'
        )
    if importlib.util.find_spec("psycopg") is None:
        print(
            "note: psycopg is not installed (the postgres extra): this bundle opens SQLite "
            "files only, not a PostgreSQL URL",
            file=sys.stderr,
        )
    started = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",  # replace the previous dist/transplant-planner without asking
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(WORK),
    ]
    if clean:
        command.append("--clean")  # empty PyInstaller's cache first: slower, from nothing
    subprocess.run([*command, str(SPEC)], check=True, cwd=ROOT)
    target = bundle_dir(dist)
    # Beside the executable, where an administrator looks for them: the desktop entry
    # and the icon it names (packaging/transplant-planner.desktop).
    shutil.copy2(DESKTOP, target / DESKTOP.name)
    shutil.copy2(ICONS / f"{NAME}-256.png", target / f"{NAME}.png")
    shutil.copy2(ICONS / f"{NAME}.svg", target / f"{NAME}.svg")
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the one-folder bundle with PyInstaller.")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument(
        "--dist", type=Path, default=DIST, help=f"where the bundle folder goes (default {DIST})"
    )
    args = parser.parse_args()
    seconds = build(clean=args.clean, dist=args.dist)
    size, files = folder_size(bundle_dir(args.dist))
    print(f"built {bundle_dir(args.dist)} in {seconds:.0f} s: {size / 1e6:.0f} MB in {files} files")
    print(f"run it: {executable(args.dist)} --version")
    return 0


if __name__ == "__main__":
    sys.exit(main())
