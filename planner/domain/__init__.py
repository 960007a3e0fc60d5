"""The domain: days, patients and transplants, protocol templates, plans, lab samples.

Pure: it imports nothing from the rest of ``planner`` but ``planner.errors``, and no
database, PDF or GUI library (import-linter contracts in ``pyproject.toml``).
"""
