"""Public name kept for other programs: ``planner.engraftment`` is ``planner.clinical.engraftment``.

The same module object, not a copy, so every name of ``planner.clinical.engraftment`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.clinical.engraftment``
(an import-linter contract keeps it so).
"""

import sys

from planner.clinical.engraftment import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
