"""PostgreSQL databases for the benchmarks: one pristine clinic, cloned for every round.

The benchmarks are given a server URL with the psycopg driver, as the app is
(``postgresql+psycopg://postgres@/bench?host=/tmp/mypg&port=54331``). Its database name
is only a prefix: the databases made here are named ``<prefix>_<what>`` on the same
server, created and dropped through its ``postgres`` maintenance database. A clinic is
built once (``benchmarks.clinic.write_clinic_db`` with the database's URL) and every
round starts from a copy of it (``CREATE DATABASE ... TEMPLATE``), as every SQLite round
starts from a copy of the pristine file.

The audit key and anchor of a PostgreSQL clinic live in the data folder
(``TRANSPLANT_PLANNER_DATA``), the anchor under a name derived from the URL:
``copy_anchor`` gives a copy the anchor of its template, as ``copy_db`` does for a file.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def is_url(target: str | os.PathLike[str]) -> bool:
    """True for a database URL, False for a file path (as the app tells them apart)."""
    return "://" in str(target)


def database_url(base: str, name: str) -> str:
    """``base`` with its database replaced by ``name`` (same server, user and options)."""
    if not _NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def prefix_of(base: str) -> str:
    """The prefix of the databases made for ``base`` (its database name, or ``bench``)."""
    name = (make_url(base).database or "bench").lower()
    if not _NAME.match(name):
        raise ValueError(f"the database name of {base!r} is not a plain name")
    return name


@contextlib.contextmanager
def _admin(base: str) -> Iterator[Engine]:
    engine = create_engine(
        make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        yield engine
    finally:
        engine.dispose()


def drop_database(base: str, name: str) -> None:
    """Drop database ``name`` if it exists (any session left on it is ended)."""
    database_url(base, name)  # checks the name
    with _admin(base) as engine, engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def create_database(base: str, name: str, template: str | None = None) -> str:
    """(Re)create database ``name``, empty or as a copy of ``template``; its URL.

    ``FILE_COPY`` copies the template's files (with a checkpoint before and after), so
    the copy's writes are on disk before the round that uses it starts.
    """
    url = database_url(base, name)
    drop_database(base, name)
    clause = ""
    if template is not None:
        database_url(base, template)  # checks the name
        clause = f' TEMPLATE "{template}" STRATEGY = FILE_COPY'
    with _admin(base) as engine, engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    return url


def copy_archive(url: str, tables: dict[str, str], token: str, copies: int) -> None:
    """Copy the rows whose key holds ``token`` ``copies - 1`` times with fresh ids, on the
    server (the PostgreSQL form of ``benchmarks.clinic._copy_archive``): copy ``n`` has
    ``token`` replaced by ``Z`` and ``n`` in five digits in every text column. A serial
    ``id`` (lab samples) is left to the server, in the order SQLite gives it."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for table, key in tables.items():
                columns = conn.execute(
                    text(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = :t "
                        "ORDER BY ordinal_position"
                    ),
                    {"t": table},
                ).all()
                names, values = [], []
                for name, kind in columns:
                    if name == "id" and key != "id":
                        continue
                    names.append(f'"{name}"')
                    if kind in ("text", "character varying"):
                        values.append(
                            f"replace(s.\"{name}\", :token, 'Z' || lpad(CAST(g AS text), 5, '0'))"
                        )
                    else:
                        values.append(f's."{name}"')
                order = "g, s.id" if key != "id" and any(n == "id" for n, _ in columns) else "g"
                # Names from the caller's table list and the catalogue; values are bound.
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                        f"SELECT {', '.join(values)} FROM {table} AS s, "
                        f"generate_series(1, :last) AS g WHERE s.{key} LIKE :like ORDER BY {order}"
                    ),
                    {"token": token, "last": copies - 1, "like": f"%{token}%"},
                )
    finally:
        engine.dispose()


def analyze(url: str) -> None:
    """``VACUUM ANALYZE`` the database: the statistics a database in use for years has
    (autovacuum keeps them)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def anchor_file(data: Path, url: str) -> Path:
    """Where the app run with data folder ``data`` keeps the audit anchor of ``url``."""
    from planner.storage.audit_trail import anchor_file_for

    with data_folder(data):
        return anchor_file_for(None, url)


def copy_anchor(data: Path, source_url: str, target_url: str) -> None:
    """Give the copy ``target_url`` the audit anchor of ``source_url`` (if it has one)."""
    source = anchor_file(data, source_url)
    if source.exists():
        shutil.copy(source, anchor_file(data, target_url))


@contextlib.contextmanager
def data_folder(data: Path) -> Iterator[None]:
    """Run with ``TRANSPLANT_PLANNER_DATA`` set to ``data`` (where the audit key of a
    PostgreSQL clinic is kept), as the app started by the benchmark runs."""
    old = os.environ.get("TRANSPLANT_PLANNER_DATA")
    os.environ["TRANSPLANT_PLANNER_DATA"] = str(data)
    try:
        yield
    finally:
        if old is None:
            del os.environ["TRANSPLANT_PLANNER_DATA"]
        else:
            os.environ["TRANSPLANT_PLANNER_DATA"] = old
