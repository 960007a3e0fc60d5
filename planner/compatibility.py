"""Public name kept for other programs: ``planner.compatibility`` is ``planner.clinical.compatibility``.

The same module object, not a copy, so every name of ``planner.clinical.compatibility`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.clinical.compatibility``
(an import-linter contract keeps it so).
"""

import sys

from planner.clinical.compatibility import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
