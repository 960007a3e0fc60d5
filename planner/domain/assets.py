"""The single gateway to the bundled ``resources/`` package (data only).

Names are validated: no absolute paths, no "..", and an unknown name raises an
error that lists what exists, so a typo in a template or icon name fails loudly.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from planner.errors import PlannerError


def _root() -> Traversable:
    return resources.files("resources")


def resource(*parts: str) -> Traversable:
    """Return the bundled resource at ``parts`` (e.g. ``("protocols", "beam.toml")``)."""
    node = _root()
    for part in parts:
        if not part or part.startswith(("/", "\\")) or ".." in part or "/" in part:
            raise PlannerError(f"Resource name '{part}' is not a plain file or folder name.")
        child = node.joinpath(part)
        if not (child.is_file() or child.is_dir()):
            known = sorted(c.name for c in node.iterdir() if not c.name.startswith(("_", ".")))
            raise PlannerError(
                f"There is no resource '{part}' in {node.name}; known: {', '.join(known)}."
            )
        node = child
    return node


def list_resources(folder: str, suffix: str) -> list[Traversable]:
    """Files in a bundled folder with the given suffix, sorted by name."""
    return sorted(
        (c for c in resource(folder).iterdir() if c.is_file() and c.name.endswith(suffix)),
        key=lambda c: c.name,
    )
