"""The installed app as users run it: start, live clinic, stalls, idle, closing, memory.

Run: ``.venv/bin/python -m benchmarks.bench_app [--platform xcb|offscreen] [--archived N ...]
[--database-url postgresql+psycopg://USER@/PREFIX?host=...&port=...]``

Each figure comes from the real entry point (``transplant-planner --db FILE``, argument
parsing and all) on a realistic clinic (``benchmarks.clinic``: 500 live patients with
counts, transfusions, checklists and harvests, and a history of archived transplants),
reported by the app's own probe (``ui/probe.py``). Its floor is the bare PySide6 window
started the same way and timed to its paint as they are, and every round runs the floor
and each start one after another (interleaved), so a machine that slows down slows both.
Medians of ``--repeat`` rounds.

* first start: no board stored (a new database, or the first start after an edit
  closed without one): the window paints, then the live clinic;
* warm start: the board the last close stored is painted first;
* changed start (SQLite): the warm file with 50 patients edited by another program
  since that does not keep the board index (a script on the library, an older version):
  the stored entries of the others are painted with those computed behind the window,
  once they are (when a patient opens);
* start with accounts (SQLite): the warm file where the centre signs in with the
  computer's login (so no password is typed), timed to the board on screen after the
  sign-in: the quick start signs that login in from the file's rules and paints the
  stored board (``painted_signed_in``), so the figure is the first paint; a start that
  could not (the board read once the database is open) is timed to when a patient can
  be opened, as before, and says so;
* start after a nightly import (SQLite): the warm file after ``transplant-planner
  import-labs`` brought results for 50 patients, which renews the entries it made stale:
  the stored board painted whole, with the command's own time and when a patient opens
  reported;
* ready: a patient can be opened: on a stored board, as soon as the database is open
  behind it (``ClinicSession.sig_ready``);
* live: the clinic loaded behind it and painted;
* load stall / idle stall: the longest the GUI thread did not answer (a heartbeat every
  5 ms) while loading, and over the idle seconds after; a first start stays idle until
  its background refresh of the board index (20 s after the load, every entry computed
  in a worker thread) is over, so that refresh's stalls and memory are counted;
* closing: from the window's close to the end of the process (reopening the same
  database is refused until then); "first" stores the board on screen, "warm" has
  nothing to store. Each run stays ``--idle`` seconds after the live clinic, so that the
  start's file check (seconds on a long history) is over.

With ``--platform xcb`` the runs go to an X server: ``DISPLAY`` if set, else an Xvfb
started here.

With ``--database-url`` the clinic is a PostgreSQL database on that server (the app is
given its URL, as a shared clinic's workstations are): built once as
``PREFIX_pristine`` and copied for every round (``benchmarks.pg``). A server's stored
board is read once connected (the quick start reads SQLite files only): the warm start
is timed to that board on screen, which is also when a patient can be opened, and the
window's first paint (empty, "Loading the clinic...") is reported beside it; the
database the rounds keep has its board stored as a workstation's idle snapshot stores
it (a close on a shared server stores none). Memory is
the app's only (the server's is not counted).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import getpass
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import pg
from benchmarks.clinic import copy_db, move_db, write_clinic_db
from benchmarks.common import BARE_WINDOW, compile_project
from planner.app.accounts import add_account, set_sign_in_policy
from planner.app.context import Context
from planner.app.patients import save_patient
from planner.app.snapshot import refresh_board_index
from planner.domain.accounts import Role, SignInMethod
from planner.records.ports import Actor, Scope
from planner.storage import open_repository
from ui.session import SNAPSHOT_IDLE_MS

ROOT = Path(__file__).resolve().parents[1]
# Patients edited by another program between two starts (a nightly lab import touches
# about this many of a 500-patient clinic).
CHANGED_PATIENTS = 50
# Time allowed for the first start's background refresh of every entry once it begins
# (about 3.5 s of one core at 500 patients, more beside the GUI thread).
FIRST_REFRESH_S = 15.0
ENTRY = Path(sys.executable).with_name("transplant-planner")


def _fields(out: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for item in out.split():
        if "=" in item:
            k, v = item.split("=", 1)
            with contextlib.suppress(ValueError):
                found[k] = float(v)
    return found


def _run(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Start ``cmd``; its fields, with times made relative to the start, and its end.

    The harness's own writes (a copied clinic, the previous run's close) are flushed
    first: written back by the kernel during the next run, they slowed whichever run
    came next, the bare window most often (it follows the copy of the cold file).
    """
    os.sync()
    start = time.time()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    end = time.time()
    if done.returncode != 0:
        raise SystemExit(f"{cmd[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    fields = _fields(done.stdout)
    for key in ("painted_at", "ready_at", "live_at", "closing_at"):
        if key in fields:
            fields[key] -= start
    if "closing_at" in fields:
        fields["closing_s"] = end - start - fields["closing_at"]
    return fields


def _xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    display = ":97"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1600x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.environ["DISPLAY"] = display
    time.sleep(1.0)
    return server


def _median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _add_accounts(path: Path) -> None:
    """Accounts, signed in with the computer's login: the first an administrator's (as
    the store requires), then this login's."""
    repo = open_repository(str(path), user="bench", workstation="bench")
    try:
        now = dt.datetime.now().astimezone()
        first = Context(Actor("bench", "bench"), now)
        add_account(repo, first, "boss", Role.ADMINISTRATOR, "a bench passphrase")
        admin = Context(Actor("boss", "bench", Role.ADMINISTRATOR), now)
        add_account(repo, admin, getpass.getuser(), Role.COORDINATOR, "a bench passphrase")
        set_sign_in_policy(repo, admin, SignInMethod.OS_ACCOUNT, 30)
    finally:
        repo.close()


class _SqliteClinics:
    """The clinic as SQLite files: a pristine copy, one copied for each round's first
    start (``cold``) and one the rounds keep (``warm``, its board stored once)."""

    def __init__(self, folder: Path, patients: int, today: dt.date, archived: int) -> None:
        # Each file has its day's backup under the name it runs as ("cold", "warm"), so
        # the closes measured take none (the first close of a day would).
        self.cold, self.warm = folder / "cold.db", folder / "warm.db"
        self.accounts = folder / "accounts.db"
        self._pristine = folder / "pristine.db"
        for path in (self.cold, self.warm, self.accounts):
            write_clinic_db(path, patients, today, archived=archived, backed_up=True)
        _add_accounts(self.accounts)
        move_db(self.cold, self._pristine)

    def targets(self) -> tuple[str, str]:
        """(cold, warm) as ``--db`` takes them."""
        return str(self.cold), str(self.warm)

    def changed(self, patients: int, round_: int) -> str:
        """The warm file with ``patients`` patients edited by another program since its
        last close (a nightly import, the command line): their transplants' stored
        entries are stale, the others' current. Edited in place, so the file is in the
        page cache as the stored board's start finds it (a fresh copy of gigabytes is
        not, which measured the disk instead); the run's close stores their entries
        again for the next round's stored board."""
        repo = open_repository(str(self.warm), user="bench", workstation="bench")
        try:
            ctx = Context(Actor("bench", "bench"), dt.datetime.now().astimezone())
            for patient in repo.list_patients(Scope.OPEN)[:patients]:
                edited = dataclasses.replace(patient, coordinator=f"Night Shift {round_}")
                save_patient(repo, ctx, edited)
        finally:
            repo.close()
        return str(self.warm)

    def imported(self, patients: int, round_: int, env: dict[str, str]) -> tuple[str, float]:
        """The warm file after a nightly lab import by the command line (the installed
        entry point): a creatinine result for each of ``patients`` open patients, dated a
        day earlier each round so that each is new. The command renews the entries it made
        stale (``planner.cli.labs``); returns the file and the command's time."""
        repo = open_repository(str(self.warm), user="bench", workstation="bench")
        try:
            mrns = [p.mrn for p in repo.list_patients(Scope.OPEN)[-patients:]]
        finally:
            repo.close()
        day = dt.date.today() - dt.timedelta(days=1 + round_)
        labs = self.warm.with_name("nightly.csv")
        labs.write_text(
            "MRN,Date,Test,Result,Unit\n"
            + "".join(f"{mrn},{day.isoformat()},Creatinine,82,umol/L\n" for mrn in mrns),
            encoding="utf-8",
        )
        start = time.time()
        done = subprocess.run(
            [str(ENTRY), "--db", str(self.warm), "import-labs", str(labs)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        took = time.time() - start
        if done.returncode != 0 or f"{patients} result(s) imported" not in done.stdout:
            raise SystemExit(f"bench_app: the nightly import failed: {done.stdout}{done.stderr}")
        return str(self.warm), took

    def reset_cold(self) -> None:
        """The cold database as the pristine one is."""
        copy_db(self._pristine, self.cold)

    def close(self) -> None:
        """Nothing to drop: the files go with the temporary folder."""


class _PostgresClinics:
    """The clinic as PostgreSQL databases on the server of ``base``: ``<prefix>_pristine``
    built once, ``<prefix>_cold`` copied from it for each round's first start and
    ``<prefix>_warm`` copied once and kept (``benchmarks.pg``). The audit key and the
    anchors go to the data folder the app is run with."""

    def __init__(self, base: str, data: Path, patients: int, today: dt.date, archived: int) -> None:
        self._base, self._data = base, data
        prefix = pg.prefix_of(base)
        self._names = {k: f"{prefix}_{k}" for k in ("pristine", "cold", "warm")}
        self._pristine = pg.create_database(base, self._names["pristine"])
        try:
            with pg.data_folder(data):
                write_clinic_db(self._pristine, patients, today, archived=archived)
            self.warm = self._copy("warm")
            self.cold = pg.database_url(base, self._names["cold"])
            # A server's board is stored by a workstation's idle snapshot, not at close
            # (ui/session.py says why): stored here as that one would be.
            with pg.data_folder(data):
                repo = open_repository(self.warm, user="bench", workstation="bench")
                try:
                    refresh_board_index(repo, today)
                finally:
                    repo.close()
        except BaseException:
            self.close()
            raise

    def _copy(self, what: str) -> str:
        url = pg.create_database(self._base, self._names[what], self._names["pristine"])
        pg.copy_anchor(self._data, self._pristine, url)
        return url

    def targets(self) -> tuple[str, str]:
        """(cold, warm) as ``--db`` takes them."""
        return self.cold, self.warm

    def reset_cold(self) -> None:
        """The cold database as the pristine one is (a fresh copy)."""
        self._copy("cold")

    def close(self) -> None:
        """Drop the databases made here."""
        for name in self._names.values():
            pg.drop_database(self._base, name)


def measure(
    archived: int,
    patients: int,
    repeat: int,
    idle: float,
    env: dict[str, str],
    database_url: str | None = None,
) -> dict[str, float]:
    """The figures of one clinic (see the module's text); on the PostgreSQL server of
    ``database_url`` when given, else in SQLite files."""
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "data"
        run_env = {**env, "HOME": str(folder), "TRANSPLANT_PLANNER_DATA": str(data)}
        clinics: _SqliteClinics | _PostgresClinics = (
            _PostgresClinics(database_url, data, patients, today, archived)
            if database_url
            else _SqliteClinics(folder, patients, today, archived)
        )
        try:
            cold, warm = clinics.targets()
            app = [str(ENTRY), "--db"]
            # The warm database's board is stored by a first close, as in use (after the
            # start's file check: a close during it stores nothing).
            probe = {**run_env, "TRANSPLANT_PLANNER_PROBE": str(idle)}
            # A first start stays until its background refresh of the board index (every
            # entry, seconds of a worker thread) is over: its stalls and memory count.
            first_idle = max(idle, SNAPSHOT_IDLE_MS / 1000 + FIRST_REFRESH_S)
            probe_first = {**run_env, "TRANSPLANT_PLANNER_PROBE": str(first_idle)}
            _run([*app, warm], probe)
            if isinstance(clinics, _SqliteClinics):
                _run([*app, str(clinics.accounts)], probe)  # as warm: its close stores
            bare, first, stored, changed, nightly, nightly_cli = [], [], [], [], [], []
            accounts: list[dict[str, float]] = []
            for round_ in range(repeat):
                clinics.reset_cold()
                # To its paint, as the app's figures are: timed to the end of the process
                # (as this was until session 19) the floor held the bare window's exit,
                # some 15-20 ms, and every ratio looked about 15% better than it was.
                bare.append(_run([sys.executable, "-c", BARE_WINDOW], run_env)["painted_at"])
                first.append(_run([*app, cold], probe_first))
                stored.append(_run([*app, warm], probe))
                # The floor twice a round, at two places in it: a 2-core machine's speed
                # drifts within a round, and one sample a round made the floor the
                # noisiest figure (120-186 ms in three runs of one evening).
                bare.append(_run([sys.executable, "-c", BARE_WINDOW], run_env)["painted_at"])
                if isinstance(clinics, _SqliteClinics):
                    accounts.append(_run([*app, str(clinics.accounts)], probe))
                    target = clinics.changed(CHANGED_PATIENTS, round_)
                    changed.append(_run([*app, target], probe))
                    target, took = clinics.imported(CHANGED_PATIENTS, round_, run_env)
                    nightly_cli.append(took)
                    nightly.append(_run([*app, target], probe))
        finally:
            clinics.close()
    if any(r.get("from_snapshot") != 1 for r in stored) or any(r["from_snapshot"] for r in first):
        raise SystemExit("bench_app: the stored board was not used as intended")
    if any(r.get("painted_rows") != r["rows"] for r in nightly):
        raise SystemExit("bench_app: the board after the nightly import was not stored whole")
    floor = statistics.median(bare)
    return {
        "bare": floor,
        # Without a stored board the rows come with the live clinic.
        "first": _median(first, "live_at"),
        # A server's stored board is on screen once connected, when it is ready.
        "warm": _median(stored, "painted_at" if database_url is None else "ready_at"),
        "warm_painted": _median(stored, "painted_at"),
        "warm_live": _median(stored, "live_at"),
        "warm_ready": _median(stored, "ready_at"),
        "first_painted": _median(first, "painted_at"),
        "load_stall": max(_median(first, "load_stall_ms"), _median(stored, "load_stall_ms")),
        "idle_stall": max(_median(first, "idle_stall_ms"), _median(stored, "idle_stall_ms")),
        "closing_first": _median(first, "closing_s"),
        "closing_warm": _median(stored, "closing_s"),
        "live_rss": _median(stored, "live_rss_mb"),
        "peak": max(_median(first, "peak_mb"), _median(stored, "peak_mb")),
        "rows": _median(stored, "rows"),
        "sqlite": float(database_url is None),
        # A stored board with some transplants changed since: painted complete, and
        # usable, once those are computed behind the window.
        **({"changed": _median(changed, "ready_at")} if changed else {}),
        # The same after the command line's nightly import, which renews what it touched.
        # Painted whole from the store (checked above), as the stored board is.
        **({"nightly": _median(nightly, "painted_at")} if nightly else {}),
        **({"nightly_ready": _median(nightly, "ready_at")} if nightly else {}),
        **({"nightly_cli": statistics.median(nightly_cli)} if nightly_cli else {}),
        # Signed in with the computer's login: the board on screen after the sign-in (at
        # the first paint when the quick start signed the login in and painted it whole).
        **({"accounts": _median(accounts, _accounts_moment(accounts))} if accounts else {}),
        **(
            {"accounts_stored": min(r.get("from_snapshot", 0) for r in accounts)}
            if accounts
            else {}
        ),
        **({"accounts_painted": float(_at_paint(accounts))} if accounts else {}),
    }


def _at_paint(runs: list[dict[str, float]]) -> bool:
    """Every run painted the whole board, signed in, at its first paint."""
    return all(
        r.get("painted_signed_in") == 1 and r.get("painted_rows") == r.get("rows") for r in runs
    )


def _accounts_moment(runs: list[dict[str, float]]) -> str:
    return "painted_at" if _at_paint(runs) else "ready_at"


def report(archived: int, f: dict[str, float]) -> None:
    """Print one clinic's figures against their floor and budgets."""

    def line(name: str, value: str, budget: str, ok: bool) -> None:
        print(f"  {name:<40} {value:>26}   budget {budget:<16} {'ok' if ok else 'OVER BUDGET'}")

    bare = f["bare"]
    print(f"archived {archived:,}: {int(f['rows'])} rows, bare window {bare * 1000:.0f} ms")
    # A server's stored board comes with the connection: the window paints first, empty.
    stored = "start, stored board" if f["sqlite"] else "start to the stored board (connected)"
    starts = [("warm", stored), ("first", "start, none stored (live)")]
    if "changed" in f:
        starts.insert(1, ("changed", f"start, {CHANGED_PATIENTS} patients changed since"))
        starts.insert(2, ("nightly", f"start after a nightly import ({CHANGED_PATIENTS})"))
    if "accounts" in f:
        stored_too = "stored board" if f["accounts_stored"] else "live load"
        when = "at first paint" if f["accounts_painted"] else "after sign-in"
        starts.append(("accounts", f"start with accounts: {stored_too}, {when}"))
    for key, name in starts:
        line(name, f"{f[key] * 1000:.0f} ms  {f[key] / bare:.1f}x", "3x bare", f[key] <= 3 * bare)
    for key, name in (
        ("first_painted", "first start: window painted, loading"),
        ("warm_painted", "stored board: window painted"),
    ):
        if key == "warm_painted" and f["sqlite"]:
            continue  # the same moment as the stored board's
        print(f"  {name:<40} {f'{f[key] * 1000:.0f} ms  {f[key] / bare:.1f}x':>26}   (reported)")
    if "nightly_cli" in f:
        for key, name in (
            ("nightly_ready", "after the import: a patient opens"),
            ("nightly_cli", "the nightly import itself (command line)"),
        ):
            print(f"  {name:<40} {f'{f[key] * 1000:.0f} ms':>26}   (reported)")
    live, ready = f["warm_live"], f["warm_ready"]
    line("a patient opens (stored board)", f"{ready * 1000:.0f} ms", "1 s", ready <= 1.0)
    print(
        f"  {'live clinic behind the stored board':<40} {f'{live * 1000:.0f} ms':>26}   (reported)"
    )
    line("longest stall while loading", f"{f['load_stall']:.0f} ms", "50 ms", f["load_stall"] <= 50)
    line("longest stall while idle", f"{f['idle_stall']:.0f} ms", "50 ms", f["idle_stall"] <= 50)
    for key, name in (
        ("closing_warm", "closing, nothing changed"),
        ("closing_first", "closing, first"),
    ):
        line(name, f"{f[key] * 1000:.0f} ms", "1 s", f[key] <= 1.0)
    line(
        "memory live / peak",
        f"{f['live_rss']:.0f} / {f['peak']:.0f} MB",
        "250 MB peak",
        f["peak"] <= 250,
    )


def main(argv: list[str] | None = None) -> None:
    """Measure each clinic and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=("offscreen", "xcb"), default="offscreen")
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--archived", type=int, nargs="*", default=[0, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="measure on this PostgreSQL server instead of SQLite files "
        "(postgresql+psycopg://USER@/PREFIX?host=...&port=...): databases PREFIX_pristine, "
        "PREFIX_cold and PREFIX_warm are made there and dropped",
    )
    args = parser.parse_args(argv)
    if args.database_url and not pg.is_url(args.database_url):
        parser.error("--database-url takes a postgresql+psycopg://... URL")
    compile_project()
    server = _xvfb() if args.platform == "xcb" else None
    env = {**os.environ, "QT_QPA_PLATFORM": args.platform}
    try:
        where = "PostgreSQL" if args.database_url else "SQLite"
        print(f"== the app as run, {where}, {args.platform}, {args.patients} live patients")
        for archived in args.archived:
            figures = measure(
                archived, args.patients, args.repeat, args.idle, env, args.database_url
            )
            report(archived, figures)
    finally:
        if server is not None:
            server.terminate()


if __name__ == "__main__":
    main()
