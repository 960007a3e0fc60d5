"""The import contracts are drawn by package: a module added to a pure package is checked
the day it is added. Run on a copy of the source tree with one throwaway module."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _tree(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("planner", "ui"):
        shutil.copytree(ROOT / package, copy / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy, not the installed project
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        (
            "planner/clinical/throwaway.py",
            "import reportlab\n",
            "the pure packages import no database, migration or PDF library",
        ),
        (
            "planner/records/throwaway.py",
            "import sqlalchemy\n",
            "the pure packages import no database, migration or PDF library",
        ),
        (
            "planner/domain/throwaway.py",
            "import planner.app.board\n",
            "layers: the shells above the use cases above the records, the rules and the domain",
        ),
        ("planner/app/throwaway.py", "import PySide6\n", "planner never imports Qt or the UI"),
        (
            "planner/app/throwaway.py",
            "import planner.storage.sql\n",
            "the use cases reach storage only through the repository port",
        ),
        (
            "ui/throwaway.py",
            "import planner.storage.sql\n",
            "the UI reaches storage only through the repository port",
        ),
        (
            "planner/app/throwaway.py",
            "import planner.careplan\n",
            "the public names of other programs are not used inside the project",
        ),
    ],
    ids=["clinical-pdf", "records-sql", "domain-above", "app-qt", "app-sql", "ui-sql", "alias"],
)
def test_a_new_module_that_breaks_a_layer_fails_the_contracts(
    tmp_path: Path, module: str, source: str, contract: str
) -> None:
    tree = _tree(tmp_path)
    (tree / module).write_text(f'"""A module added today."""\n\n{source}', encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    words = " ".join(result.stdout.split())  # contract names wrap over lines
    verdicts = re.findall(r"([A-Za-z][^\n]*?) (KEPT|BROKEN)", words)
    broken = [name for name, verdict in verdicts if verdict == "BROKEN"]
    assert any(name.endswith(contract) or contract in name for name in broken), result.stdout


@pytest.mark.slow
def test_the_tree_as_it_is_keeps_every_contract(tmp_path: Path) -> None:
    result = _lint(_tree(tmp_path))
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout
