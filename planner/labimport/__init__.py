"""Lab files (CSV, XLSX, HL7 v2 ORU^R01) read into validated lab samples, with a reason for
every row or result refused. Pure: no database; the use case that stores them is
``planner.app.lab_import``.
"""
