"""Plan rules: clinical reasoning across a whole plan (doses that know the patient and
the other drugs, templates that cannot clash, steps for some patients only).

The rules are data (resources/rules/plan-rules.toml); the modules here interpret them:
``catalogue`` reads the file, ``facts`` holds what the record says about the patient,
``doses`` adjusts one step's order, ``clashes`` checks a choice of templates, and
``checks`` runs everything on a plan.
"""
