"""Clinical rules: dosing, grading, engraftment, SOS/VOD, toxicity, eligibility,
compatibility, harvest arithmetic and the calculator registry.

Pure functions of typed values; each result carries the rule, its published source and
the values it used. Imports only ``planner.domain`` and ``planner.errors``.
"""
