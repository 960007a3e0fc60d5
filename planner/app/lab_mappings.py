"""Saved lab import mappings: a laboratory's columns, decimal commas and codes, by name.

A coordinator maps a laboratory's export once, in the import dialog, and saves it under a
name ("Central lab CSV"); the command line imports with ``--mapping NAME``. The mappings
live in the database (``Repository.lab_mappings``), not in the workstation's settings:
the desktop and the command line read the same ones, every workstation of a shared
server sees them, and a backup keeps them. They hold column names, flags and codes, never
a value read from a file. Saving one is recorded in the audit trail with what was saved,
because a local code table decides which result becomes which analyte.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Final

from planner.app.changes import Change, Documents, commit, require_recorded
from planner.app.context import Context
from planner.domain.accounts import Permission
from planner.domain.i18n import tr
from planner.labimport.common import (
    ColumnMapping,
    LabImportError,
    mapping_from_dict,
    mapping_to_dict,
)
from planner.records.ports import Repository

MAX_NAME: Final = 50
"""The longest name a mapping may have."""


def mapping_names(repo: Repository) -> list[str]:
    """The names of the saved mappings, sorted."""
    return sorted(repo.lab_mappings(), key=str.casefold)


def saved_mapping(repo: Repository, name: str) -> ColumnMapping:
    """The mapping saved under ``name`` (exactly, or else the one name equal case aside).

    Raises:
        LabImportError: no mapping has that name (the sentence lists the saved ones), or
            the saved one is damaged.
    """
    saved = repo.lab_mappings()
    try:
        data = json.loads(saved[_stored_name(saved, name)])
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise LabImportError(tr("The saved column mapping is damaged; save it again."))
    return mapping_from_dict(data)


def _stored_name(saved: Mapping[str, str], name: str) -> str:
    """The saved name ``name`` means: itself, or the one name equal to it case aside.

    Raises:
        LabImportError: none, naming the saved ones.
    """
    wanted = name.strip()
    if wanted in saved:
        return wanted
    alike = [n for n in saved if n.casefold() == wanted.casefold()]
    if len(alike) == 1:
        return alike[0]
    names = sorted(saved, key=str.casefold)
    if not names:
        raise LabImportError(
            tr(
                "No column mapping is saved under the name '{name}'; none is saved yet "
                "(save one in the desktop's Import lab results dialog)."
            ).format(name=wanted)
        )
    raise LabImportError(
        tr(
            "No column mapping is saved under the name '{name}'; the saved ones are: {names}."
        ).format(name=wanted, names=", ".join(names))
    )


def check_mapping_name(name: str) -> str:
    """``name`` without surrounding spaces, when it can name a mapping.

    Raises:
        LabImportError: empty, longer than ``MAX_NAME`` characters, or holding control
            characters.
    """
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise LabImportError(tr("Give the column mapping a name."))
    if len(text) > MAX_NAME:
        raise LabImportError(
            tr("A column mapping's name has at most {n} characters.").format(n=MAX_NAME)
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise LabImportError(tr("A column mapping's name cannot hold control characters."))
    return text


def save_mapping(repo: Repository, ctx: Context, name: str, mapping: ColumnMapping) -> Change:
    """Save ``mapping`` under ``name`` (replacing one of that name) and record it in the
    audit trail; needs the permission to import lab results.

    Raises:
        LabImportError: the name cannot be used.
        PermissionDeniedError: the signed-in role cannot import lab results.
        StorageError: the database cannot be written.
    """
    text = check_mapping_name(name)
    description = f"Save lab import mapping '{text}'"
    require_recorded(repo, ctx, Permission.IMPORT_LABS, description)
    body = json.dumps(mapping_to_dict(mapping), ensure_ascii=False, sort_keys=True)
    repo.store_lab_mapping(text, body)
    return commit(
        repo,
        ctx,
        description,
        Documents(),
        Documents(),
        event=f"{description}: {body}",
        reversible=False,
        permission=Permission.IMPORT_LABS,
    )


def delete_mapping(repo: Repository, ctx: Context, name: str) -> Change:
    """Forget the mapping saved under ``name`` and record it in the audit trail.

    Raises:
        LabImportError: no mapping has that name.
        PermissionDeniedError: the signed-in role cannot import lab results.
    """
    text = _stored_name(repo.lab_mappings(), name)
    description = f"Delete lab import mapping '{text}'"
    require_recorded(repo, ctx, Permission.IMPORT_LABS, description)
    repo.store_lab_mapping(text, None)
    return commit(
        repo,
        ctx,
        description,
        Documents(),
        Documents(),
        event=description,
        reversible=False,
        permission=Permission.IMPORT_LABS,
    )
