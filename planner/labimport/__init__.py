"""Lab exports (CSV, XLSX) read into validated lab samples, with a reason for every row
refused. Pure: no database; the use case that stores them is ``planner.app.lab_import``.
"""
