"""The desktop's board index across a command's commits.

A command that commits clinical data (``import-labs``; ``export``, which records each
document printed) raises the marks of the transplants it touched, and the desktop's next
start would compute those behind its window instead of painting their stored entries.
:class:`BoardKeeper` reads which entries are current before the command and renews
those it made stale after it (``planner.app.snapshot.renew_entries``), so a nightly job
leaves the morning a stored board. Entries carry the program version, the closure days
and the language they were computed with, so a command run with other settings than the
desktop's renews nothing rather than something the desktop would not show.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from planner.app.snapshot import CurrentEntries, current_entries, renew_entries
from planner.records.ports import Repository

LOG = logging.getLogger(__name__)


class BoardKeeper:
    """Made before a command's commits, ``renew()`` after them."""

    def __init__(self, repo: Repository, today: dt.date, closures: Sequence[dt.date]) -> None:
        self._repo, self._today, self._closures = repo, today, closures
        self._problem = ""
        self._before: CurrentEntries | None = None
        try:
            self._before = current_entries(repo, today, closures)
        except Exception as exc:  # noqa: BLE001 - derived data: never a reason to refuse the command
            self._problem = str(exc) or type(exc).__name__
            LOG.warning("board index not read before a command: %s", type(exc).__name__)

    def renew(self) -> list[str]:
        """Renew what the command made stale; nothing to say when done, else one line.

        What the command stored stands whatever happens here: a failure costs the next
        start those patients' rows, computed behind the window as before.
        """
        if self._before is not None and not self._problem:
            try:
                renew_entries(self._repo, self._before, self._today, self._closures)
                return []
            except Exception as exc:  # noqa: BLE001 - the command's commits stand
                self._problem = str(exc) or type(exc).__name__
                LOG.warning("board index not renewed after a command: %s", type(exc).__name__)
        return [
            f"The board's stored rows were not renewed ({self._problem}); the app computes "
            "those patients when it next starts."
        ]
