"""Folders that fail the way real disks do: full, or read-only, for root too.

Root may write into any folder whatever its mode, so ``chmod`` cannot take the
permission away from it; a mount can. As root (with the right to mount) a full disk is a
small tmpfs filled to the last block and a read-only folder is a read-only bind mount
of it; the kernel then answers ENOSPC and EROFS as on a real disk. Without that right,
a read-only folder is ``chmod 0500`` (EACCES for a normal user) and a full disk is
faked at the file layer: the temporary file an export writes is backed by ``/dev/full``,
whose every write fails with ENOSPC (Linux ``null(4)`` manual page).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

TMPFS_SIZE = "256k"


def _run(*argv: str) -> bool:
    if shutil.which(argv[0]) is None:
        return False
    done = subprocess.run(argv, capture_output=True, check=False, timeout=30)
    return done.returncode == 0


def _may_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _fill(folder: Path) -> None:
    """Write a filler file until the file system says it is full."""
    chunk = b"\0" * 4096
    with open(folder / "filler", "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                return


@contextlib.contextmanager
def full_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Make ``folder`` (created here) a folder on a full disk; yields how ("tmpfs" or
    "/dev/full")."""
    folder.mkdir()
    if _may_mount() and _run(
        "mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs", str(folder)
    ):
        try:
            _fill(folder)
            yield "tmpfs"
        finally:
            _run("umount", str(folder))
        return
    if not os.path.exists("/dev/full"):
        pytest.fail("no way to fill a disk here: not root with mount, and no /dev/full")
    real_mkstemp = tempfile.mkstemp
    inside = folder.resolve()

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
        if Path(name).resolve().parent == inside:
            full = os.open("/dev/full", os.O_WRONLY)
            os.dup2(full, fd)  # the file exists, but every write to it fails: ENOSPC
            os.close(full)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    yield "/dev/full"


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[str]:
    """Make the existing ``folder`` read-only for this user; yields the reason the
    system gives for a refused write ("Read-only file system", "Permission denied")."""
    if _may_mount():
        if not _run("mount", "--bind", str(folder), str(folder)):
            pytest.skip(
                "running as root without the right to mount: a folder cannot be made "
                "read-only for root (tests with a file in the folder's way cover it)"
            )
        try:
            if not _run("mount", "-o", "remount,ro,bind", str(folder)):
                pytest.fail(f"could not remount {folder} read-only")
            yield os.strerror(errno.EROFS)
        finally:
            _run("umount", str(folder))
        return
    mode = folder.stat().st_mode & 0o777
    folder.chmod(0o500)
    try:
        yield os.strerror(errno.EACCES)
    finally:
        folder.chmod(mode)
