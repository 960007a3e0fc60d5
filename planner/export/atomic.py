"""Safe export targets and atomic file writes (the "safe save" of KeePassXC).

A document is written to a temporary file in the target's own folder (created 0600,
so no other user can read a half-written handout), flushed and fsynced, then moved
over the target with one rename: a reader sees the old file or the new one, never
half of one, and a full disk leaves the previous file as it was. A symbolic link at
the target is refused, and an existing file is replaced only when the caller says
so (the app asks the user first).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Final, TypeVar

from planner.errors import PlannerError

T = TypeVar("T")

MAX_NAME_CHARS: Final = 100
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9._-]+")
# Windows refuses these as file names whatever the extension ("CON.pdf" too).
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(10)}
    | {f"LPT{i}" for i in range(10)}
)
_TEMP_PREFIX: Final = ".tp-export-"


class ExportPathError(PlannerError):
    """The export target cannot be used (reserved name, symbolic link, not a folder...)."""


class TargetExistsError(PlannerError):
    """A file already exists at the target and overwriting was not allowed.

    The app turns this into an "overwrite?" question; the command line into exit 2.

    Attributes:
        path: the existing file.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} already exists; choose another name or allow overwriting it."
        )
        self.path = path


class ExportWriteError(PlannerError):
    """Writing the file failed (disk full, no permission); the previous file is intact."""


def safe_file_name(name: str) -> str:
    """The file name reduced to the allow-list ``[A-Za-z0-9._-]``, at most 100 characters.

    Path separators and every other character become "_", leading dots (hidden files,
    "..") and trailing dots and spaces are removed, and an over-long name is cut
    keeping its extension.

    Raises:
        ExportPathError: nothing usable is left, or the name is reserved on Windows.
    """
    cleaned = _NOT_ALLOWED.sub("_", name.strip().rstrip(". ")).lstrip(".").rstrip(". ")
    if len(cleaned) > MAX_NAME_CHARS:
        stem, dot, ext = cleaned.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            cleaned = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            cleaned = cleaned[:MAX_NAME_CHARS].rstrip(". ")
    if not cleaned.strip("_"):
        raise ExportPathError(
            "The file name has no usable characters; use letters, digits, '.', '_' or '-'."
        )
    if cleaned.split(".", 1)[0].upper() in _RESERVED:
        raise ExportPathError(
            f"'{cleaned}' is a reserved device name on Windows; choose another file name."
        )
    return cleaned


def export_target(folder: Path, name: str) -> Path:
    """The file ``name`` (made safe) inside the chosen ``folder``, checked to stay there.

    Raises:
        ExportPathError: the folder does not exist, or the name would leave it.
    """
    chosen = folder.expanduser().resolve()
    if not chosen.is_dir():
        raise ExportPathError(f"The folder {folder} does not exist.")
    target = chosen / safe_file_name(name)
    # A symlink at the target is refused by write_atomically; resolve the parent only,
    # so the check compares folders, not where a link would lead.
    if target.parent.resolve() != chosen:
        raise ExportPathError("The file would be written outside the chosen folder.")
    return target


def _check_target(target: Path, overwrite: bool) -> None:
    if target.is_symlink():
        raise ExportPathError(f"{target.name} is a symbolic link; refusing to write through it.")
    if target.exists():
        if not target.is_file():
            raise ExportPathError(f"{target.name} exists and is not a regular file.")
        if not overwrite:
            raise TargetExistsError(target)
    if not target.parent.is_dir():
        raise ExportPathError(f"The folder {target.parent} does not exist.")


def _publish(tmp: str, target: Path, overwrite: bool) -> None:
    """Move the finished temp file to the target (no-clobber when not overwriting)."""
    _check_target(target, overwrite)  # again: the world may have changed while writing
    if not overwrite:
        try:  # a hard link fails if the name appeared meanwhile: no silent overwrite
            os.link(tmp, target)
        except FileExistsError:
            raise TargetExistsError(target) from None
        except OSError:  # file systems without hard links (FAT, some shares)
            os.replace(tmp, target)
        else:
            os.unlink(tmp)
    else:
        os.replace(tmp, target)


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):  # best effort: some file systems refuse it
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _why_not_written(exc: OSError) -> str:
    """The reason in words a coordinator acts on ("the disk is full", not "Errno 28")."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    return exc.strerror or type(exc).__name__


def write_atomically(
    target: Path,
    write: Callable[[BinaryIO], T],
    *,
    overwrite: bool,
    before_publish: Callable[[], object] | None = None,
) -> T:
    """Write a file through ``write(stream)``, all or nothing; return what ``write`` returned.

    ``before_publish`` runs once the whole file is on disk under its temporary name and
    before it takes the target's name (an export records its audit row there). When it
    raises, the temporary file is removed and its exception propagates: the target never
    appears.

    Raises:
        TargetExistsError: the file exists and ``overwrite`` is False.
        ExportPathError: the target is a symbolic link, a folder, or its folder is missing.
        ExportWriteError: the disk is full or not writable (the previous file is intact).
    """
    _check_target(target, overwrite)
    tmp = ""
    try:
        # mkstemp: O_CREAT|O_EXCL, mode 0600, in the target's folder (same file system).
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if before_publish is not None:
            _check_target(target, overwrite)  # a name taken meanwhile: refuse before it runs
            before_publish()
        _publish(tmp, target, overwrite)
        tmp = ""
        _fsync_folder(target.parent)
        return result
    except OSError as exc:
        raise ExportWriteError(
            f"Could not write {target.name} ({_why_not_written(exc)}); any previous file of "
            "that name is unchanged."
        ) from None
    finally:
        if tmp:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
