"""Public name kept for other programs: ``planner.dosing`` is ``planner.clinical.dosing``.

The same module object, not a copy, so every name of ``planner.clinical.dosing`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.clinical.dosing``
(an import-linter contract keeps it so).
"""

import sys

from planner.clinical.dosing import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
