"""Use cases and the clinic view.

Each use case takes the repository (the port), a ``Context`` (who and when) and its
inputs, validates, commits one action, and returns a ``Change`` naming what it touched
(``planner.app.changes``). The desktop app and the command line call the same functions.
"""
