"""The phases of a transplant's path, as the templates' steps and the timelines name them.

A module of its own, apart from the template parser: the board painted at start-up
names phases but reads no template (the start-up budget, docs/architecture.md).
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Timeline lanes, in the order they are drawn."""

    WORKUP = "work-up"
    MOBILISATION = "mobilisation"
    COLLECTION = "collection"
    CONDITIONING = "conditioning"
    INFUSION = "infusion"
    GVHD_PROPHYLAXIS = "gvhd-prophylaxis"
    SUPPORTIVE_CARE = "supportive-care"
    RECOVERY = "recovery"
    FOLLOW_UP = "follow-up"
