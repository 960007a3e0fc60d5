"""Inputs of the team documents, free of any PDF library.

Callers (the export service, the app) build these without importing reportlab, which
stays off the start-up path; ``planner.export.summary`` renders them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.complications import ComplicationEpisode
from planner.labs import LabSample

if TYPE_CHECKING:  # engraftment imports pandas; only its result type is needed here
    from planner.engraftment import EngraftmentResult


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
        harvest: collections in date order.
        engraftment: neutrophil and platelet results.
        labs: count samples for the chart.
        episodes: complication episodes.
        checklist: status lines ("Consent signed 2026-02-01", ...).
    """

    harvest: tuple[HarvestRow, ...] = ()
    engraftment: tuple[EngraftmentResult, ...] = ()
    labs: tuple[LabSample, ...] = ()
    episodes: tuple[ComplicationEpisode, ...] = ()
    checklist: tuple[str, ...] = ()
