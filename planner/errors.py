"""Errors the core raises: each carries one plain sentence for the user, in the
interface's language (``planner.domain.i18n``)."""

from __future__ import annotations


def tr(text: str) -> str:
    """``planner.domain.i18n.tr`` (imported when first used: planner.domain imports this
    module before i18n is loaded)."""
    from planner.domain import i18n

    return i18n.tr(text)


def tr_noop(text: str) -> str:
    """Marks ``text`` for the catalogue (``planner.domain.i18n.tr_noop``)."""
    return text


# The records a conflict or an undo names (``ConflictError.entity``,
# ``ChangedSinceError.part``) with their article, shown translated.
_PARTS = {
    "plan": tr_noop("the plan"),
    "patient": tr_noop("the patient"),
    "transplant": tr_noop("the transplant"),
    "record": tr_noop("the record"),
    "harvest": tr_noop("the harvest"),
    "engraftment": tr_noop("the engraftment"),
    "complications": tr_noop("the complications"),
    "checklists": tr_noop("the checklists"),
    "documents": tr_noop("the documents"),
}


def _the(name: str) -> str:
    """ "the plan" in the interface's language ("the <name>" for another name)."""
    known = _PARTS.get(name)
    return tr(known) if known is not None else f"the {name}"


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
            where += tr(", step '{step}'").format(step=step)
        if field is not None:
            where += tr(", field '{field}'").format(field=field)
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
            tr(
                "{entity} was changed on another workstation (version {actual}, you "
                "edited version {expected}); reload it and apply your change again."
            ).format(
                entity=_the(entity)[:1].upper() + _the(entity)[1:],
                actual=actual_version,
                expected=expected_version,
            )
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
            tr(
                "{part} was changed since by another edit (here or on another "
                "workstation); undo that edit first, or correct it by hand."
            ).format(part=_the(part))
        )
        self.part = part


class StorageError(PlannerError):
    """The database cannot be opened or written (locked, damaged, too new, ...)."""


class PermissionDeniedError(PlannerError):
    """The signed-in account's role does not permit the action, or the account can no
    longer act (disabled, its role changed): one sentence, nothing changed.

    Attributes:
        permission: the permission the action needed ("" when the account itself is
            refused).
    """

    def __init__(self, message: str, permission: str = "") -> None:
        super().__init__(message)
        self.permission = permission


class SignInError(PlannerError):
    """A sign-in was refused. The message never says whether the name or the password
    was wrong.

    Attributes:
        wait_s: seconds before the next try is accepted for this name.
    """

    def __init__(self, message: str, wait_s: float = 0.0) -> None:
        super().__init__(message)
        self.wait_s = wait_s
