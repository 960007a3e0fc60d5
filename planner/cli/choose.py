"""Whom and where a command acts on: a patient by MRN, a transplant's plan, an output folder.

Mistakes in the request raise :class:`RefusedError` with one sentence (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from planner.domain.patients import Patient
from planner.records.ports import Repository


class RefusedError(Exception):
    """A mistake in the request: one sentence, exit code 2."""


# Patients the search may find for a typed MRN before the whole list is read instead.
_MRN_CANDIDATES = 1000


def patient_by_mrn(repo: Repository, mrn: str) -> Patient:
    """The patient with this MRN, whatever the letter case typed ("ab123" finds "AB123").

    An exact match wins; two patients whose MRNs differ only in case are refused rather
    than guessed between.
    """
    patient = repo.find_patient_by_mrn(mrn)
    if patient is not None:
        return patient
    wanted = mrn.casefold()
    # The store's search finds the candidates (an MRN equal but for case contains the
    # typed text, case aside); a history of any length is not read for one patient.
    found = repo.search_patients(mrn, limit=_MRN_CANDIDATES)
    if len(found) == _MRN_CANDIDATES:  # a text so short that the search was cut off
        found = repo.list_patients()
    matches = [p for p in found if p.mrn.casefold() == wanted]
    if not matches:
        raise RefusedError(f"No patient has MRN {mrn}.")
    if len(matches) > 1:
        raise RefusedError(
            f"MRN {mrn} matches {', '.join(sorted(p.mrn for p in matches))} when letter case "
            "is ignored; type it exactly."
        )
    return matches[0]


def transplant_of(repo: Repository, mrn: str) -> str:
    """The transplant to print for an MRN: the one with a plan and the latest Day 0."""
    patient = patient_by_mrn(repo, mrn.strip())
    planned = [t for t in repo.list_transplants(patient.id) if repo.get_plan(t.id) is not None]
    if not planned:
        raise RefusedError(f"Patient {patient.mrn} has no transplant plan to print.")
    return max(planned, key=lambda t: (t.day0 or dt.date.min, t.id)).id


def check_writable_folder(folder: Path, option: str) -> None:
    """Refuse a folder that is missing or not writable before any document is rendered:
    that is a mistake in the request (exit 2), not a failing disk (exit 1)."""
    if not folder.is_dir():
        raise RefusedError(f"The folder {folder} for {option} does not exist; check the path.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RefusedError(
            f"The folder {folder} for {option} is not writable for you; choose another folder."
        )
