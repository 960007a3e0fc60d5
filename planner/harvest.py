"""Public name kept for other programs: ``planner.harvest`` is ``planner.clinical.harvest``.

The same module object, not a copy, so every name of ``planner.clinical.harvest`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.clinical.harvest``
(an import-linter contract keeps it so).
"""

import sys

from planner.clinical.harvest import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
