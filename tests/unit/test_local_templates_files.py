"""The local templates folder holds what a centre's staff put there: only regular files
under the size limit are read; anything else is one sentence in the errors, never a hang,
an exhausted memory or a traceback."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from planner.domain.templates import MAX_TEMPLATE_BYTES, Protocol, load_local_protocols
from planner.errors import TemplateError

DATA = Path(__file__).resolve().parents[1] / "data" / "protocols"
NOT_REGULAR = "is not a regular file (a folder, pipe, device or link to one); it is skipped."

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types")


def load_within(
    folder: Path, seconds: float = 10
) -> tuple[dict[str, Protocol], list[TemplateError]]:
    """``load_local_protocols`` that fails the test, rather than hanging it, if it blocks."""
    result: list[tuple[dict[str, Protocol], list[TemplateError]]] = []
    worker = threading.Thread(
        target=lambda: result.append(load_local_protocols(folder)), daemon=True
    )
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "reading the local templates folder hung"
    assert result, "load_local_protocols raised"
    return result[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A local folder with one good template, which must survive every bad neighbour."""
    shutil.copy(DATA / "local-extra.toml", tmp_path / "z-good.toml")
    return tmp_path


def errors_by_file(errors: list[TemplateError]) -> dict[str, str]:
    return {e.file: str(e) for e in errors}


def test_a_folder_named_like_a_template_is_refused(folder: Path) -> None:
    (folder / "x.toml").mkdir()
    found, errors = load_within(folder)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {"x.toml": f"x.toml: {NOT_REGULAR}"}


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(folder: Path) -> None:
    os.mkfifo(folder / "pipe.toml")
    found, errors = load_within(folder)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {"pipe.toml": f"pipe.toml: {NOT_REGULAR}"}


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_an_endless_device_is_refused_unread(folder: Path) -> None:
    (folder / "zero.toml").symlink_to("/dev/zero")
    found, errors = load_within(folder)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {"zero.toml": f"zero.toml: {NOT_REGULAR}"}


@posix_only
def test_a_link_to_nothing_is_one_sentence(folder: Path) -> None:
    (folder / "gone.toml").symlink_to(folder / "deleted.toml")
    found, errors = load_within(folder)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {
        "gone.toml": "gone.toml: is a link to nothing; it is skipped."
    }


@posix_only
def test_a_link_to_a_regular_template_is_read(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    shutil.copy(DATA / "local-extra.toml", target / "extra.toml")
    local = tmp_path / "local"
    local.mkdir()
    (local / "extra.toml").symlink_to(target / "extra.toml")
    found, errors = load_within(local)
    assert sorted(found) == ["local-extra"] and errors == []


def test_a_file_over_the_size_limit_is_refused(folder: Path) -> None:
    (folder / "big.toml").write_bytes(b"#" * (MAX_TEMPLATE_BYTES + 1))
    found, errors = load_within(folder)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {
        "big.toml": f"big.toml: the file is larger than {MAX_TEMPLATE_BYTES // 1024} KB; "
        "it is skipped."
    }


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_one_sentence(folder: Path) -> None:
    locked = folder / "locked.toml"
    shutil.copy(DATA / "local-extra.toml", locked)
    locked.chmod(0o000)
    try:
        found, errors = load_within(folder)
    finally:
        locked.chmod(0o600)
    assert sorted(found) == ["local-extra"]
    assert errors_by_file(errors) == {
        "locked.toml": "locked.toml: cannot be read (Permission denied); it is skipped."
    }


@posix_only
def test_the_protocols_command_lists_the_good_template_and_warns_once_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import main
    from planner.storage.paths import local_templates_dir

    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    local = local_templates_dir()
    local.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "local-extra.toml", local / "z-good.toml")
    os.mkfifo(local / "pipe.toml")
    (local / "zero.toml").symlink_to("/dev/zero")
    (local / "dir.toml").mkdir()

    assert main.main(["protocols"]) == 0
    out, err = capsys.readouterr()
    assert "local-extra" in out
    assert err.splitlines() == [
        f"warning: {name}: {NOT_REGULAR}" for name in ("dir.toml", "pipe.toml", "zero.toml")
    ]
