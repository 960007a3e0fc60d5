"""Public name kept for other programs: ``planner.grading`` is ``planner.clinical.grading``.

The same module object, not a copy, so every name of ``planner.clinical.grading`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.clinical.grading``
(an import-linter contract keeps it so).
"""

import sys

from planner.clinical.grading import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
