"""An SQLite file on a network drive (UNC path, NFS/SMB mount) is refused, pointing to the
PostgreSQL server mode: file locking is unreliable there (SQLite, "How To Corrupt An SQLite
Database File", section 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.errors import StorageError
from planner.storage import location, open_repository
from planner.storage.location import is_unc, mount_fs_type, network_location
from planner.storage.quick import quick_open

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 27 0:50 / /mnt/clinic rw,relatime - cifs //server/share rw,vers=3.0
41 27 0:51 / /mnt/clinic\040two rw,relatime - nfs4 server:/export rw
42 27 0:52 / /home/nurse/Remote rw,nosuid - fuse.sshfs nurse@host: rw
"""


@pytest.mark.parametrize(
    ("path", "fs_type"),
    [
        ("/mnt/clinic/data", "cifs"),
        ("/mnt/clinic", "cifs"),
        ("/mnt/clinicother/data", "ext4"),  # a prefix of the name is not the mount
        ("/mnt/clinic two/planner", "nfs4"),  # \040 in mountinfo is a space
        ("/home/nurse/Remote/x", "fuse.sshfs"),
        ("/home/nurse/Documents", "ext4"),
    ],
)
def test_the_mount_holding_a_path_is_found(path: str, fs_type: str) -> None:
    assert mount_fs_type(path, MOUNTINFO) == fs_type


@pytest.mark.parametrize(
    ("text", "unc"),
    [
        (r"\\server\share\planner.db", True),
        (r"\\?\UNC\server\share\planner.db", True),
        (r"\\?\C:\data\planner.db", False),
        (r"C:\Users\nurse\planner.db", False),
        ("/home/nurse/planner.db", False),
    ],
)
def test_windows_network_paths_are_recognised(text: str, unc: bool) -> None:
    assert is_unc(text) is unc


def test_a_local_disk_is_not_a_network_location() -> None:
    assert network_location(Path("/home/nurse/Documents/planner.db"), MOUNTINFO) is None
    assert network_location(Path("/mnt/clinic/planner.db"), MOUNTINFO) == "a cifs network mount"


@pytest.fixture
def network_mount(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/share`` mounted over NFS, as /proc/self/mountinfo would say."""
    share = tmp_path / "share"
    share.mkdir(mode=0o700)
    real = Path(share).resolve()
    info = f"27 1 8:1 / / rw - ext4 /dev/sda1 rw\n50 27 0:60 / {real} rw - nfs4 srv:/x rw\n"
    monkeypatch.setattr(location, "_read_mountinfo", lambda: info)
    return share


def test_network_path_refused(network_mount: Path) -> None:
    db = network_mount / "planner.db"
    with pytest.raises(StorageError, match=r"network mount.*PostgreSQL server mode"):
        open_repository(db, user="jdoe", workstation="WS-07")
    assert not db.exists()  # refused before anything was created there


def test_the_quick_start_refuses_it_too(network_mount: Path, tmp_path: Path) -> None:
    local = tmp_path / "local.db"
    open_repository(local, user="jdoe", workstation="WS-07").close()
    moved = network_mount / "planner.db"
    moved.write_bytes(local.read_bytes())
    moved.chmod(0o600)
    with pytest.raises(StorageError, match="network mount"):
        quick_open(moved, user="jdoe", workstation="WS-07", now=dt.datetime.now(dt.UTC))
    assert not (network_mount / "planner.db.lock").exists()


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/home/nurse/Dropbox/clinic/planner.db", "Dropbox"),
        ("/home/nurse/Dropbox (Personal)/planner.db", "Dropbox"),
        ("/Users/nurse/OneDrive - Clinic/planner.db", "OneDrive"),
        ("/Users/nurse/Library/Mobile Documents/com~apple~CloudDocs/planner.db", "iCloud Drive"),
        ("/home/nurse/Google Drive/planner.db", "Google Drive"),
        ("/home/nurse/Documents/planner.db", None),
        ("/home/nurse/dropboxes-old/planner.db", None),  # not the service's folder name
        ("/home/nurse/Documents/Dropbox.db", None),  # the file's own name does not count
    ],
)
def test_synced_folders_are_recognised(path: str, service: str | None) -> None:
    assert location.synced_folder(Path(path)) == service
    warning = location.sync_warning(Path(path))
    assert (service in warning) if service else warning == ""
