"""The records of a transplant, stored as versioned documents: harvest log, recovery
(transfusions, overrides, superseded counts), checklists, complications, printed
documents; the storage port they are saved through and the audit trail's arithmetic.

Pure: no database, PDF or GUI library.
"""
