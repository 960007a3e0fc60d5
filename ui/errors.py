"""Uncaught errors: a short dialog for the user, details to a log without patient data.

The log gets the exception type and the stack of code locations only: no exception
message (it may quote a name or an MRN) and no local variables.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from planner.errors import PlannerError

LOG = logging.getLogger("transplant_planner")


def configure_logging(log_dir: Path) -> Path | None:
    """Log to ``log_dir/app.log`` (folder 0700, file 0600); returns the file path.

    A log folder that cannot be made or written (a read-only data folder, a file named
    ``logs``) must not stop the app: the log goes to stderr instead, after one line
    saying why, and None is returned.
    """
    path = log_dir / "app.log"
    handler: logging.Handler
    try:
        log_dir.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if os.name == "posix":
                os.fchmod(fd, 0o600)  # a file left by an older version: private too
        finally:
            os.close(fd)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        reason = (
            "a file of that name is in the way"
            if isinstance(exc, FileExistsError)
            else (exc.strerror or type(exc).__name__)
        )
        sys.stderr.write(
            f"transplant-planner: warning: the log folder {log_dir} cannot be written "
            f"({reason}); logging to the terminal instead.\n"
        )
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    return path if isinstance(handler, logging.FileHandler) else None


def redacted_traceback(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Exception type and code locations, without the message or any values."""
    frames = traceback.extract_tb(tb)
    where = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in frames)
    return f"{exc_type.__name__}\n{where}"


def user_message(exc: BaseException) -> str:
    """What the dialog says: planner errors are written for users; others are not shown."""
    if isinstance(exc, PlannerError):
        return str(exc)
    return QCoreApplication.translate(
        "errors",
        "An unexpected error occurred ({error}). Your saved work is safe; "
        "the last action may not have been completed. Details were written to the log.",
    ).format(error=type(exc).__name__)


def install_excepthook(
    parent: Callable[[], QWidget | None], show: Callable[[QWidget | None, str], None] | None = None
) -> None:
    """Route uncaught exceptions to the log and a dialog; the app keeps running."""

    def _show(widget: QWidget | None, text: str) -> None:
        QMessageBox.warning(widget, "Transplant Planner", text)

    presenter = show or _show

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        LOG.error("uncaught exception: %s", redacted_traceback(exc_type, tb))
        presenter(parent(), user_message(exc))

    sys.excepthook = hook
