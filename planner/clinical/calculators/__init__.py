"""Calculators as data: each is a list of inputs (with units and allowed ranges), a
function and the published criteria it implements. The desktop app builds a dialog for
each from ``registry.CALCULATORS``; nothing clinical is computed in the UI.
"""
