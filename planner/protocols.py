"""Public name kept for other programs: ``planner.protocols`` is ``planner.domain.templates``.

The same module object, not a copy, so every name of ``planner.domain.templates`` is reachable here
(docs/architecture.md, "Public names"). Code inside the project imports ``planner.domain.templates``
(an import-linter contract keeps it so).
"""

import sys

from planner.domain.templates import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
