"""Export targets and atomic writes: names from an allow-list, the target stays in the
chosen folder, symlinks refused; a failed write leaves the previous file and no temp file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from planner.export.atomic import (
    MAX_NAME_CHARS,
    ExportPathError,
    ExportWriteError,
    TargetExistsError,
    export_target,
    safe_file_name,
    write_atomically,
)

ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".tp-export-")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("handout_2026-03-10_1a2b.pdf", "handout_2026-03-10_1a2b.pdf"),
        ("../../evil", "_.._evil"),
        ("/etc/passwd", "_etc_passwd"),
        ("a:b", "a_b"),
        ("x.", "x"),
        ("name with spaces .pdf ", "name_with_spaces_.pdf"),
        ("..\\..\\windows", "_.._windows"),
        ("María López.pdf", "Mar_a_L_pez.pdf"),
    ],
    ids=[
        "plain",
        "traversal",
        "absolute",
        "stream",
        "trailing-dot",
        "spaces",
        "backslash",
        "non-ascii",
    ],
)
def test_names_are_sanitised_to_the_allow_list(name, expected):
    got = safe_file_name(name)
    assert got == expected
    assert set(got) <= ALLOWED
    assert "/" not in got and not got.startswith(".")


@pytest.mark.parametrize("name", ["CON", "con.pdf", "NUL", "COM1.txt", "LPT9", "aux.tar.gz"])
def test_reserved_windows_names_are_refused(name):
    with pytest.raises(ExportPathError, match="reserved"):
        safe_file_name(name)


@pytest.mark.parametrize("name", ["", "...", "   ", "///", ". ."])
def test_names_without_usable_characters_are_refused(name):
    with pytest.raises(ExportPathError):
        safe_file_name(name)


def test_a_300_character_name_is_cut_to_100_keeping_the_extension():
    got = safe_file_name("a" * 296 + ".pdf")
    assert len(got) == MAX_NAME_CHARS
    assert got.endswith(".pdf")
    assert len(safe_file_name("b" * 300)) == MAX_NAME_CHARS


def test_target_stays_in_the_chosen_folder(tmp_path):
    for name in ("../../evil", "/etc/passwd", "sub/../../x.pdf"):
        target = export_target(tmp_path, name)
        assert target.parent == tmp_path.resolve()


def test_target_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ExportPathError, match="does not exist"):
        export_target(tmp_path / "nope", "a.pdf")


def test_write_creates_the_file_private_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.pdf"
    assert write_atomically(target, lambda f: f.write(b"%PDF-1.4 new"), overwrite=False) == 12
    assert target.read_bytes() == b"%PDF-1.4 new"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_an_existing_file_is_refused_without_overwrite(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    with pytest.raises(TargetExistsError) as err:
        write_atomically(target, lambda f: f.write(b"new"), overwrite=False)
    assert err.value.path == target
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []
    write_atomically(target, lambda f: f.write(b"new"), overwrite=True)
    assert target.read_bytes() == b"new"


def test_a_file_appearing_during_the_write_is_not_clobbered(tmp_path):
    target = tmp_path / "a.pdf"

    def write(stream):
        target.write_bytes(b"someone else")  # another process wins the race
        stream.write(b"mine")

    with pytest.raises(TargetExistsError):
        write_atomically(target, write, overwrite=False)
    assert target.read_bytes() == b"someone else"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_symlink_at_the_target_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "a.pdf"
    link.symlink_to(victim)
    for overwrite in (False, True):
        with pytest.raises(ExportPathError, match="symbolic link"):
            write_atomically(link, lambda f: f.write(b"evil"), overwrite=overwrite)
    assert victim.read_bytes() == b"precious"
    assert link.is_symlink()
    assert _leftovers(tmp_path) == []


def test_a_folder_at_the_target_is_refused(tmp_path):
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(ExportPathError, match="not a regular file"):
        write_atomically(tmp_path / "a.pdf", lambda f: f.write(b"x"), overwrite=True)


def test_disk_full_during_write_keeps_the_previous_file_and_no_temp(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"previous version")

    def write(stream):
        stream.write(b"half a docu")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(ExportWriteError, match="previous file"):
        write_atomically(target, write, overwrite=True)
    assert target.read_bytes() == b"previous version"
    assert _leftovers(tmp_path) == []


def test_disk_full_at_fsync_keeps_the_previous_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"previous version")

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("planner.export.atomic.os.fsync", full)
    with pytest.raises(ExportWriteError, match=r"^Could not write a\.pdf \(the disk is full\);"):
        write_atomically(target, lambda f: f.write(b"new"), overwrite=True)
    assert target.read_bytes() == b"previous version"
    assert _leftovers(tmp_path) == []


def test_any_failure_in_the_writer_removes_the_temp_and_propagates(tmp_path):
    def boom(_stream):
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "a.pdf", boom, overwrite=False)
    assert list(tmp_path.iterdir()) == []
