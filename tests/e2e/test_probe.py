"""The benchmarks' timing probe on the real entry point (``ui/probe.py``).

``benchmarks/bench_app.py`` times the installed ``transplant-planner`` by this probe, so
the probe must keep reporting every figure, in order, and close the app cleanly; and it
must print nothing about a patient.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from planner.app.demo import build_demo_clinic

ENTRY = Path(sys.executable).with_name("transplant-planner")
FIELDS = (
    "painted_at",
    "painted_rows",
    "ready_at",
    "live_at",
    "load_stall_ms",
    "closing_at",
    "peak_mb",
    "rows",
)


def _env(tmp_path: Path, idle: str) -> dict[str, str]:
    """The app's environment: offscreen, its folders in ``tmp_path``, the probe on, idle
    ``idle`` seconds once live."""
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TRANSPLANT_PLANNER_DATA": str(tmp_path / "data"),
        "HOME": str(tmp_path),
        "TRANSPLANT_PLANNER_PROBE": idle,
    }


def _run(db: Path, tmp_path: Path) -> dict[str, str]:
    # A second: the start's file check is over before the close (the board is stored).
    env = _env(tmp_path, "1")
    done = subprocess.run(
        [str(ENTRY), "--db", str(db)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    fields = dict(item.split("=", 1) for item in done.stdout.split())
    clinic = build_demo_clinic(dt.date.today())
    names = {p.family_name for p, _, _ in clinic} | {p.mrn for p, _, _ in clinic}
    assert not any(name in done.stdout for name in names)
    return fields


def test_the_probe_reports_a_start_its_live_clinic_and_its_close(tmp_path):
    db = tmp_path / "clinic.db"
    subprocess.run([str(ENTRY), "demo-db", str(db)], check=True, capture_output=True)
    first = _run(db, tmp_path)
    assert set(FIELDS) <= set(first)
    assert float(first["painted_at"]) <= float(first["live_at"]) <= float(first["closing_at"])
    assert first["from_snapshot"] == "0" and int(first["rows"]) >= 17
    # The close stored the board: the next start paints it first.
    second = _run(db, tmp_path)
    assert second["from_snapshot"] == "1" and second["rows"] == first["rows"]
    # The first start painted the window before any row; the second, the stored board whole.
    assert first["painted_rows"] == "0" and second["painted_rows"] == second["rows"]
    # On the stored board a patient opens before the live load is in.
    assert float(second["painted_at"]) <= float(second["ready_at"]) < float(second["live_at"])


# What a stored start must not import before its first paint: the rules, plans and
# templates cost some 25 ms of imports, and the stored board needs none of them (the
# start-up budget, docs/architecture.md, "Quick start"). They come with the live load.
NOT_BEFORE_THE_FIRST_PAINT = (
    "planner.app.board",
    "planner.app.changes",
    "planner.app.clinic",
    "planner.domain.plans",
    "planner.domain.templates",
    "sqlalchemy",
)

# The real entry point, its stdout tapped: the probe's "painted_at" line is written at
# the first paint, and the modules loaded then are listed once the app has closed.
_TAPPED_START = """
import sys
seen = []
class Tap:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        if "painted_at=" in text and not seen:
            seen.append(sorted(sys.modules))
        return self.out.write(text)
    def flush(self):
        self.out.flush()
sys.stdout = Tap(sys.stdout)
import main
sys.argv = ["transplant-planner", "--db", sys.argv[1]]
try:
    main.main()
finally:
    sys.stdout = sys.stdout.out
    print("modules_at_paint=" + ",".join(seen[0] if seen else ["none"]))
"""


def test_a_stored_start_paints_before_importing_the_rules_and_the_database_library(tmp_path):
    db = tmp_path / "clinic.db"
    subprocess.run([str(ENTRY), "demo-db", str(db)], check=True, capture_output=True)
    _run(db, tmp_path)  # its close stores the board
    done = subprocess.run(
        [sys.executable, "-c", _TAPPED_START, str(db)],
        env=_env(tmp_path, "0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    fields = dict(item.split("=", 1) for item in done.stdout.split())
    assert fields["from_snapshot"] == "1" and fields["painted_rows"] == fields["rows"]
    loaded = set(fields["modules_at_paint"].split(","))
    assert "planner.app.snapshot" in loaded and "ui.main_window" in loaded  # not vacuous
    assert loaded.isdisjoint(NOT_BEFORE_THE_FIRST_PAINT)


def test_the_computer_login_start_paints_the_stored_board_and_records_the_sign_in(tmp_path):
    """A database with accounts where the centre signs in with the computer's login: the
    stored board is painted at the first paint, as without accounts, and the sign-in is
    in the audit trail once the app has closed."""
    import getpass

    from planner.app.accounts import add_account, set_sign_in_policy
    from planner.app.context import Context
    from planner.domain.accounts import Role, SignInMethod
    from planner.records.ports import Actor
    from planner.storage import open_repository

    db = tmp_path / "clinic.db"
    subprocess.run([str(ENTRY), "demo-db", str(db)], check=True, capture_output=True)
    _run(db, tmp_path)  # its close stores the board
    login = getpass.getuser()
    repo = open_repository(str(db), user="test", workstation="test")
    try:
        now = dt.datetime.now().astimezone()
        add_account(repo, Context(Actor("test", "test"), now), "boss", Role.ADMINISTRATOR, "x" * 12)
        admin = Context(Actor("boss", "test", Role.ADMINISTRATOR), now)
        add_account(repo, admin, login, Role.COORDINATOR, "y" * 12)
        set_sign_in_policy(repo, admin, SignInMethod.OS_ACCOUNT, 30)
        signed_before = len(repo.audit_log())
    finally:
        repo.close()
    fields = _run(db, tmp_path)
    assert fields["from_snapshot"] == "1" and fields["painted_rows"] == fields["rows"] != "0"
    assert fields["painted_signed_in"] == "1"  # the rows were painted for the login
    repo = open_repository(str(db), user="test", workstation="test")
    try:
        added = repo.audit_log()[signed_before:]
    finally:
        repo.close()
    sign_ins = [e for e in added if e.action == "Sign in"]
    assert [e.user for e in sign_ins] == [login]
    assert added.index(sign_ins[0]) == 0  # before anything the session wrote
