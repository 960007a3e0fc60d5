"""Inputs of the team documents, free of any PDF library.

Callers (the export service, the app) build these without importing reportlab, which
stays off the start-up path; ``planner.export.summary`` renders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planner.domain.labs import LabSample
from planner.records.complications import ComplicationEpisode

if TYPE_CHECKING:  # engraftment imports pandas; only its result type is needed here
    from planner.clinical.engraftment import EngraftmentResult


@dataclass(frozen=True)
class HarvestRow:
    """One apheresis collection.

    Attributes:
        date: collection date; cd34_per_kg: CD34+ cells x10^6/kg that day;
        cumulative: running total x10^6/kg.
    """

    date: dt.date
    cd34_per_kg: float
    cumulative: float


@dataclass(frozen=True)
class SummaryInputs:
    """Optional sections of the team documents; every field may be empty.

    Attributes:
        harvest: collections in date order (from ``planner.records.harvest_log``).
        harvest_error: why the stored harvest log could not be read ("" when it could).
        engraftment: neutrophil and platelet results as the app shows them
            (``planner.records.recovery.assess``: transfusions and clinician overrides included).
        engraftment_error: why engraftment could not be computed ("" when it could).
        engraftment_record: the stored body of the transplant's "engraftment" record
            (transfusions, overrides, superseded samples; None when there is none), from
            which the export service computes ``engraftment`` off the GUI thread.
        labs: count samples for the chart.
        episodes: complication episodes.
        checklist: status lines ("Consent signed 2026-02-01", ...).
        infusion: the products infused and the doses per kg, one line each
            (``planner.records.infusion_log``: ``product_line``, ``total_lines``).
        infusion_reactions: the infusion reactions with their grade, one line each.
        infusion_error: why the stored infusion record could not be read ("" when it could).
        dose_check: the double check of the doses: where it stands, then each signature
            with whether it stands (empty: not asked for, a database without accounts).
    """

    harvest: tuple[HarvestRow, ...] = ()
    harvest_error: str = ""
    engraftment: tuple[EngraftmentResult, ...] = ()
    engraftment_error: str = ""
    engraftment_record: Mapping[str, Any] | None = None
    labs: tuple[LabSample, ...] = ()
    episodes: tuple[ComplicationEpisode, ...] = ()
    checklist: tuple[str, ...] = ()
    infusion: tuple[str, ...] = ()
    infusion_reactions: tuple[str, ...] = ()
    dose_check: tuple[str, ...] = ()
    infusion_error: str = ""
