"""Exit codes of every command."""

from typing import Final

EXIT_OK: Final = 0
EXIT_PARTIAL: Final = 1
"""Something was refused (lab rows, one patient of a batch) or a check found a problem."""
EXIT_BAD_INPUT: Final = 2
"""A mistake in the command line or its input: one sentence on stderr, nothing written."""
EXIT_CLOSED_PIPE: Final = 141
"""The reader of the output stopped early (``| head``): the shells' code for SIGPIPE."""
