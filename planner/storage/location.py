"""Refuse an SQLite file on a network drive (SQLite "How To Corrupt An SQLite Database File").

SQLite's locking and its WAL shared memory do not work over network filesystems: two
workstations can both write and corrupt the file. A clinic that shares its data uses the
PostgreSQL server mode instead. Standard library only (the quick start runs it first).

Detected: a Windows UNC path or a drive Windows reports as remote; on Linux, a mount
whose filesystem type is a network or remote-sync one (read from /proc/self/mountinfo).
macOS is not checked (its statfs flags are not exposed to Python without C bindings).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from planner.errors import StorageError

# Linux filesystem types (mountinfo names) of network and remote-sync mounts.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.davfs2",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.glusterfs",
        "fuse.ceph",
    }
)
_DRIVE_REMOTE = 4  # GetDriveTypeW
_OCTAL = re.compile(r"\\([0-7]{3})")


def is_unc(path_text: str) -> bool:
    r"""True for a Windows network path: ``\\server\share\...`` (not ``\\?\C:\...``)."""
    if path_text.startswith("\\\\?\\"):
        return path_text[4:].upper().startswith("UNC\\")
    return path_text.startswith("\\\\")


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in mount points as \ooo.
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def _inside(path: str, mount_point: str) -> bool:
    return mount_point == "/" or path == mount_point or path.startswith(mount_point + "/")


def mount_fs_type(path: str, mountinfo: str) -> str | None:
    """The filesystem type of the mount that holds ``path`` (an absolute, real path)."""
    best, found = "", None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields, source = left.split(), right.split()
        if not sep or len(fields) < 5 or not source:
            continue
        mount_point = _unescape(fields[4])
        if _inside(path, mount_point) and len(mount_point) >= len(best):
            best, found = mount_point, source[0]
    return found


def _read_mountinfo() -> str | None:
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None  # not Linux (or no /proc): nothing to read here


def _windows_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path))[0]
    if not drive:
        return False
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 - absent off Windows
    return int(kernel32.GetDriveTypeW(drive + "\\")) == _DRIVE_REMOTE


def network_location(path: Path, mountinfo: str | None = None) -> str | None:
    """What makes ``path`` a network location ("a cifs network mount"), or None."""
    text = str(path)
    if is_unc(text):
        return "a Windows network path"
    if os.name == "nt":  # pragma: no cover - Windows only
        return "a network drive" if _windows_remote(path) else None
    info = mountinfo if mountinfo is not None else _read_mountinfo()
    if info is None:
        return None
    folder = os.path.realpath(path.parent)  # the file itself may not exist yet
    fs_type = mount_fs_type(folder, info)
    if fs_type == "9p":  # how WSL and virtual machines see the host's drives
        return "a drive shared from the host system (9p, e.g. a Windows drive under WSL)"
    return f"a {fs_type} network mount" if fs_type in NETWORK_FS_TYPES else None


# Folder names that cloud services synchronise (warned about, not refused). A
# syncing service can upload a half-written file or bring back an old copy of it.
_SYNC_FOLDERS: tuple[tuple[str, str], ...] = (
    ("dropbox", "Dropbox"),
    ("onedrive", "OneDrive"),
    ("icloud drive", "iCloud Drive"),
    ("icloud", "iCloud Drive"),
    ("mobile documents", "iCloud Drive"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("box sync", "Box"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
)


def synced_folder(path: Path) -> str | None:
    """The cloud service whose folder holds ``path`` ("OneDrive - Clinic" is OneDrive)."""
    for part in Path(os.path.abspath(path)).parts[:-1]:
        folder = part.lower()
        for start, service in _SYNC_FOLDERS:
            if folder == start or folder.startswith((start + " ", start + "-", start + "(")):
                return service
    return None


def sync_warning(path: Path) -> str:
    """A sentence for the window when the database sits in a synced folder ("" if not)."""
    service = synced_folder(path)
    if service is None:
        return ""
    return (
        f"The clinic database is in a folder that {service} synchronises. A syncing "
        "service can copy the file while it is being written or bring back an old copy: "
        "move it to a local folder that is not synchronised (keep backups elsewhere)."
    )


def refuse_network_location(path: Path, mountinfo: str | None = None) -> None:
    """Raise ``StorageError`` when ``path`` is on a network drive."""
    where = network_location(path, mountinfo)
    if where is not None:
        raise StorageError(
            f"The database {path} is on {where}. An SQLite database must stay on this "
            "system's own disk (its locking does not work across a network or a share). Move it "
            "to a local folder, or share a clinic through the PostgreSQL server mode "
            "(--db postgresql+psycopg://...)."
        )
