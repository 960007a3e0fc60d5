"""Errors the core raises: each carries one plain sentence for the user."""

from __future__ import annotations


class PlannerError(Exception):
    """Base class: ``str(err)`` is a complete sentence a coordinator can act on."""


class ValidationError(PlannerError):
    """A value the user typed or a file supplied is not acceptable.

    Attributes:
        field: the name of the offending field (for messages next to form fields).
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class TemplateError(PlannerError):
    """A protocol or checklist template is invalid; the message names file, step and field."""

    def __init__(
        self, file: str, message: str, *, step: str | None = None, field: str | None = None
    ) -> None:
        where = file
        if step is not None:
            where += f", step '{step}'"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.step = step
        self.field = field


class UnknownTemplateError(PlannerError):
    """A template id that no bundled or local template has."""


class NotFoundError(PlannerError):
    """A patient, transplant or plan that the database does not hold."""


class ConflictError(PlannerError):
    """A save based on a stale version: someone else saved first.

    Attributes:
        entity: which record ("plan", "patient", ...).
        entity_id: its id.
        expected_version: the version the caller read.
        actual_version: the version now stored.
    """

    def __init__(
        self, entity: str, entity_id: str, expected_version: int, actual_version: int
    ) -> None:
        super().__init__(
            f"The {entity} was changed on another workstation (version {actual_version}, "
            f"you edited version {expected_version}); reload it and apply your change again."
        )
        self.entity = entity
        self.entity_id = entity_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class ChangedSinceError(PlannerError):
    """An undo or redo would overwrite a document that another edit changed since.

    Attributes:
        part: what changed ("plan", "patient", "harvest", ...).
    """

    def __init__(self, part: str) -> None:
        super().__init__(
            f"the {part} was changed since by another edit (here or on another "
            "workstation); undo that edit first, or correct it by hand."
        )
        self.part = part


class StorageError(PlannerError):
    """The database cannot be opened or written (locked, damaged, too new, ...)."""
