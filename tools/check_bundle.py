"""Build the one-folder bundle and run it: does the frozen program work on its own?

    .venv/bin/python tools/check_bundle.py             # build (tools/build_bundle.py), then check
    .venv/bin/python tools/check_bundle.py --no-build  # check dist/transplant-planner as it is

Every run of the bundled executable happens in an empty temporary folder, with a fresh
data folder (TRANSPLANT_PLANNER_DATA) and without PYTHONPATH or PYTHONHOME, so that
nothing from the checkout or the virtual environment can stand in for a file the
bundle lacks. Checked:

* ``--version`` prints the version of pyproject.toml (the distribution's metadata).
* ``protocols`` and ``schedule`` read the bundled templates and plan rules, and a
  template put in the data folder's ``protocols`` folder is listed too.
* ``demo-db`` creates a database (the Alembic migrations run from their files), then
  ``check``, ``board``, ``backup`` and ``export`` (PDF with the bundled fonts, and a
  batch rendered in two worker processes) work on it, and so do the data exports whose
  libraries load modules by name (a calendar, a FHIR bundle, a PlanDefinition, an XLSX).
* With psycopg in the build, a PostgreSQL URL reaches the driver (a connection error,
  not a missing driver).
* The desktop app starts on the demo clinic with Qt's "offscreen" platform, and, when
  Xvfb is installed, with the "xcb" platform that Linux desktops use. It has no "quit
  after" option: it counts as started once it has stored its board for the next quick
  start (about 20 s after the board is shown), and is then stopped with SIGTERM.

Exit 0 when everything passed; otherwise the first failure is printed with the
program's output, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bundle import ROOT, build, executable, folder_size

# How long the desktop app may take to open the demo clinic and store its board
# snapshot on a slow, busy CI machine before the check gives up.
GUI_TIMEOUT_S = 180
COMMAND_TIMEOUT_S = 120
# A template the check puts into the data folder: a bundled one under another id.
LOCAL_TEMPLATE_SOURCE = "mel200-auto"
LOCAL_TEMPLATE_ID = "local-check-mel200"


class CheckError(Exception):
    """One check did not pass; the message says which and shows the output."""


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


class Bundle:
    """Runs the bundled executable in ``workdir`` with a private data folder."""

    def __init__(self, exe: Path, workdir: Path) -> None:
        self.exe = exe
        self.workdir = workdir
        self.data = workdir / "data"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TRANSPLANT_PLANNER_", "PYTHON", "QT_"))
        }
        env.update(TRANSPLANT_PLANNER_DATA=str(self.data), QT_QPA_PLATFORM="offscreen")
        env.update(extra)
        return env

    def run(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        """Run a command that ends by itself; raise CheckError on another exit code."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                [str(self.exe), *args],
                cwd=self.workdir,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise CheckError(f"`{' '.join(args)}` did not end within {exc.timeout} s") from None
        if done.returncode != expect:
            raise CheckError(
                f"`{' '.join(args)}` exited {done.returncode}, expected {expect}\n"
                f"stdout:\n{tail(done.stdout)}\nstderr:\n{tail(done.stderr)}"
            )
        print(f"  ok  {' '.join(args)}  ({time.monotonic() - started:.1f} s)")
        return done


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckError(message)


def check_contents(bundle_dir: Path) -> None:
    """The files that are read by path, not imported, are in the bundle as files."""
    internal = bundle_dir / "_internal"
    for folder, pattern in (
        ("resources/protocols", "*.toml"),
        ("resources/checklists", "*.toml"),
        ("resources/rules", "*.toml"),
        ("resources/fonts", "*.ttf"),
        ("resources/icons", "*.png"),
        ("planner/storage/migrations/versions", "*.py"),
    ):
        wanted = sorted(p.name for p in (ROOT / folder).glob(pattern))
        found = sorted(p.name for p in (internal / folder).glob(pattern))
        expect(bool(wanted), f"the checkout has no {folder}/{pattern}")
        expect(found == wanted, f"{folder}: bundled {found}, the checkout has {wanted}")
    expect((internal / "planner/storage/migrations/env.py").is_file(), "no migrations/env.py")
    for name in ("transplant-planner.desktop", "transplant-planner.png", "transplant-planner.svg"):
        expect((bundle_dir / name).is_file(), f"{name} is not beside the executable")
    print("  ok  resources, migration scripts, desktop entry and icon are in the bundle")


def check_commands(bundle: Bundle) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    out = bundle.run("--version").stdout.strip()
    expect(out == f"transplant-planner {version}", f"--version printed {out!r}")

    bundled = sorted(p.stem for p in (ROOT / "resources" / "protocols").glob("*.toml"))
    listed = [line.split()[0] for line in bundle.run("protocols").stdout.splitlines() if line]
    expect(sorted(listed) == bundled, f"protocols listed {listed}, expected {bundled}")
    rows = json.loads(bundle.run("schedule", "bucy2-allo", "--day0", "2026-03-10", "--json").stdout)
    expect(bool(rows) and rows[0]["date"] <= "2026-03-10", "schedule --json gave no rows")

    # The centre's own templates: the data folder's "protocols" folder.
    local = bundle.data / "protocols"
    local.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "resources" / "protocols" / f"{LOCAL_TEMPLATE_SOURCE}.toml").read_text("utf-8")
    old_id = f'id = "{LOCAL_TEMPLATE_SOURCE}"'
    expect(old_id in text, f"{LOCAL_TEMPLATE_SOURCE}.toml has no line {old_id}")
    new_text = text.replace(old_id, f'id = "{LOCAL_TEMPLATE_ID}"', 1)
    (local / f"{LOCAL_TEMPLATE_ID}.toml").write_text(new_text, "utf-8")
    listed = [line.split()[0] for line in bundle.run("protocols").stdout.splitlines() if line]
    expect(LOCAL_TEMPLATE_ID in listed, "a template in the data folder is not listed")
    bundle.run("schedule", LOCAL_TEMPLATE_ID, "--day0", "2026-03-10", "--json")

    db = "clinic.db"  # relative: the commands run in the temporary folder
    bundle.run("demo-db", db)
    bundle.run("--db", db, "check")
    board = json.loads(bundle.run("--db", db, "board", "--json").stdout)
    expect(len(board) > 0, "board --json of the demo clinic is empty")
    bundle.run("--db", db, "backup")
    expect(any((bundle.workdir / "backups").glob("*.db")), "backup wrote no file")
    # Reading a database that does not exist is refused (exit 2), not created.
    bundle.run("--db", "missing.db", "board", expect=2)

    mrn = board[0]["mrn"]
    bundle.run("--db", db, "export", "handout", "--patient", mrn, "--lang", "es", "--out", "h.pdf")
    pdf = (bundle.workdir / "h.pdf").read_bytes()
    expect(pdf.startswith(b"%PDF-"), "the handout is not a PDF")
    expect(b"DejaVu" in pdf, "the handout does not embed the bundled DejaVu fonts")
    # Two patients and two workers: rendered in processes started by "spawn", which in a
    # frozen program re-run the executable (packaging/launcher.py).
    mrns = ",".join(row["mrn"] for row in board[:2])
    (bundle.workdir / "batch").mkdir()
    bundle.run(
        "--db", db, "export", "summary", "--patients", mrns, "--out-dir", "batch", "--workers", "2"
    )
    written = list((bundle.workdir / "batch").glob("*.pdf"))
    expect(len(written) == 2, f"the batch export wrote {len(written)} files, expected 2")
    check_data_exports(bundle, db, mrn)


def check_data_exports(bundle: Bundle, db: str, mrn: str) -> None:
    """The interoperability files, whose libraries load modules by name at run time: a
    calendar (icalendar), a FHIR bundle and a template's PlanDefinition (fhir.resources
    validates each element with a model class it imports by name), a spreadsheet."""
    bundle.run("--db", db, "export", "ics", "--patient", mrn, "--out", "c.ics")
    ics = (bundle.workdir / "c.ics").read_bytes()
    expect(ics.startswith(b"BEGIN:VCALENDAR"), "the calendar file is not iCalendar")
    bundle.run("--db", db, "export", "fhir", "--patient", mrn, "--out", "f.json")
    fhir = json.loads((bundle.workdir / "f.json").read_text("utf-8"))
    expect(fhir.get("resourceType") == "Bundle", "the FHIR export is not a Bundle")
    bundle.run("templates", "export-fhir", "mel200-auto", "--out", "pd.json")
    pd = json.loads((bundle.workdir / "pd.json").read_text("utf-8"))
    expect(pd.get("resourceType") == "PlanDefinition", "the template is not a PlanDefinition")
    bundle.run("--db", db, "export", "board", "--out", "b.xlsx")
    expect((bundle.workdir / "b.xlsx").read_bytes()[:2] == b"PK", "the board is not an XLSX")


def check_postgres_driver(bundle: Bundle) -> None:
    """A PostgreSQL URL gets as far as connecting: the driver is in the bundle. Nothing
    listens at the URL, so the expected answer is exit 2 with a connection error."""
    url = f"postgresql+psycopg://nobody@/planner?host={bundle.workdir / 'no-server'}&port=5999"
    done = bundle.run("--db", url, "board", expect=2)
    expect("not installed" not in done.stderr, f"the bundle lacks psycopg: {done.stderr}")
    expect("Traceback" not in done.stderr, f"a traceback:\n{tail(done.stderr)}")


def stored_board(database: Path) -> bool:
    """True once the app has stored its board index (read-only look, like the quick start)."""

    if not database.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT 1 FROM board_entries LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # not created or migrated yet


def check_gui(bundle: Bundle, label: str, **env: str) -> None:
    """Start the desktop app on the demo clinic; wait until it has shown and stored its
    board; stop it; then read the clinic it made with the command line."""
    started = time.monotonic()
    data = bundle.data.parent / f"gui-{label}"
    data.mkdir()
    run_env = bundle.env(TRANSPLANT_PLANNER_DATA=str(data), **env)
    log = bundle.workdir / f"gui-{label}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(bundle.exe), "--demo"],
            cwd=bundle.workdir,
            env=run_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while not stored_board(data / "demo-clinic.db"):
            if proc.poll() is not None:
                raise CheckError(
                    f"the desktop app ({label}) ended with {proc.returncode} before showing "
                    f"the clinic:\n{tail(log.read_text(errors='replace'))}"
                )
            if time.monotonic() - started > GUI_TIMEOUT_S:
                raise CheckError(
                    f"the desktop app ({label}) stored no board within {GUI_TIMEOUT_S} s:\n"
                    f"{tail(log.read_text(errors='replace'))}"
                )
            time.sleep(1)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    output = log.read_text(errors="replace")
    for bad in ("Traceback", "Could not load the Qt platform plugin", "Fatal Python error"):
        expect(bad not in output, f"the desktop app ({label}) printed {bad!r}:\n{tail(output)}")
    print(
        f"  ok  desktop app ({label}) showed the demo clinic  ({time.monotonic() - started:.0f} s)"
    )
    board = subprocess.run(
        [str(bundle.exe), "--demo", "board", "--json"],
        cwd=bundle.workdir,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    expect(
        board.returncode == 0 and len(json.loads(board.stdout or "[]")) > 0,
        f"the demo clinic the app made cannot be read back:\n{tail(board.stderr)}",
    )


@contextmanager
def xvfb() -> Iterator[str | None]:
    """A virtual X display (its DISPLAY value), or None when Xvfb is not installed.

    ``-displayfd`` makes Xvfb choose a free display number and write it to the pipe once
    it accepts connections (Xserver(1) manual), so no number is guessed and no sleep is
    needed.
    """
    binary = shutil.which("Xvfb")
    if binary is None or not sys.platform.startswith("linux"):
        yield None
        return
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_end), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number:
            raise CheckError("Xvfb did not start within 30 s")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=15)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the bundle and check that it runs.")
    parser.add_argument("--no-build", action="store_true", help="check the bundle already built")
    parser.add_argument("--no-gui", action="store_true", help="skip the desktop app checks")
    args = parser.parse_args(argv)
    if not args.no_build:
        seconds = build()
        size, files = folder_size(executable().parent)
        print(f"built {executable().parent} in {seconds:.0f} s: {size / 1e6:.0f} MB, {files} files")
    exe = executable()
    if not exe.is_file():
        print(f"no bundle at {exe}: run tools/build_bundle.py first", file=sys.stderr)
        return 1
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="tp-bundle-check-") as tmp:
            bundle = Bundle(exe, Path(tmp))
            bundle.data.mkdir(mode=0o700)
            check_contents(exe.parent)
            check_commands(bundle)
            if importlib.util.find_spec("psycopg") is not None:
                check_postgres_driver(bundle)
            if not args.no_gui:
                check_gui(bundle, "offscreen")
                with xvfb() as display:
                    if display is None:
                        print("  --  no Xvfb: the desktop app was not started on X11 (xcb)")
                    else:
                        check_gui(bundle, "xcb", QT_QPA_PLATFORM="xcb", DISPLAY=display)
    except CheckError as exc:
        print(f"bundle check FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"bundle check passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
