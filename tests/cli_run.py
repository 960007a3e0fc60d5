"""Running the command line in-process, as the tests of its output do."""

from __future__ import annotations

import pytest

import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``transplant-planner ARGV``; (exit code, stdout, stderr)."""
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
