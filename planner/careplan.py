"""Public name kept for other programs: ``planner.careplan`` is ``planner.domain.plans``.

The same module object, not a copy, so every name of ``planner.domain.plans`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.domain.plans``
(an import-linter contract keeps it so).
"""

import sys

from planner.domain.plans import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
