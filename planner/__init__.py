"""Transplant Planner: the domain core (no Qt, no clock)."""

__version__ = "0.1.0"
