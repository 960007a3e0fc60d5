"""Every user-visible string literal in ``ui/`` goes through Qt's translation system.

Read from the source with ``ast`` (no Qt): a string literal or f-string with letters
given to a call that puts text on screen (``setText``, ``QLabel(...)``,
``QMessageBox.warning``, a form row's label...) or returned by a model's ``data`` or
``headerData`` must be the direct argument of ``tr``, ``translate`` or
``QT_TRANSLATE_NOOP``; and what those get is one plain literal (an f-string or a
concatenation would never match the catalogue). Text built in a variable first is not
followed: the check is for the common slip, not a proof.

Run it on some files only (while the files of a part are being translated)::

    .venv/bin/python -m tests.unit.test_tr_coverage ui/main_window.py ui/widgets
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TRANSLATORS = frozenset({"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"})

# Methods whose every string argument is shown (a title, a text, a tip, an item).
SHOWN_METHODS = frozenset(
    {
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setPlaceholderText",
        "setTitle",
        "setSubTitle",
        "setHeaderLabels",
        "setHorizontalHeaderLabels",
        "setVerticalHeaderLabels",
        "addItem",
        "addItems",
        "insertItem",
        "insertItems",
        "setItemText",
        "addMenu",
        "addTab",
        "insertTab",
        "setTabText",
        "setTabToolTip",
        "showMessage",
        "setLabelText",
        "setCancelButtonText",
        "setInformativeText",
        "setDetailedText",
        "setButtonText",
        "setSpecialValueText",
        "setPrefix",
        "setSuffix",
        "setAccessibleName",
        "setAccessibleDescription",
        "setNameFilter",
        "setNameFilters",
        "addSection",
        "setHtml",
        "setPlainText",
        "setMarkdown",
        "setFormat",
        "addAction",
        "addButton",
        "addRow",
        "insertRow",
        "addPage",
        "setOption",
    }
)
# Only these methods' first argument is checked (the others are widgets or data).
FIRST_ARGUMENT_ONLY = frozenset({"addRow", "insertRow", "addTab", "insertTab", "setTabText"})
# Widgets and objects whose constructor shows its string arguments.
SHOWN_CONSTRUCTORS = frozenset(
    {
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        "QMessageBox",
        "QProgressDialog",
        "QListWidgetItem",
        "QTableWidgetItem",
        "QTreeWidgetItem",
        "QStandardItem",
        "QUndoCommand",
        "QCommandLinkButton",
        "ElidedLabel",
    }
)
# Static dialogs: every string argument is shown (titles, texts, file filters).
SHOWN_STATICS = {
    "QMessageBox": {"information", "warning", "critical", "question", "about"},
    "QInputDialog": {"getText", "getItem", "getInt", "getDouble", "getMultiLineText"},
    "QFileDialog": {
        "getSaveFileName",
        "getOpenFileName",
        "getOpenFileNames",
        "getExistingDirectory",
    },
}
# Model methods whose returned strings are shown in views.
SHOWN_RETURNS = frozenset({"data", "headerData"})

# Text with letters that is the same in every language: names of languages in their own
# language (the language menu lists them so), the program's name, and units of the
# International System, which Spanish writes the same way.
ALLOWED = frozenset({"English", "Español", "Transplant Planner", "mL", "kg", "mg", "g/dL"})

_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Finding:
    """A string shown without going through the translation system."""

    path: str
    line: int
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.why}: {self.text!r}"


def has_words(text: str) -> bool:
    """True when ``text`` has a word (two letters or more) that a translator would see."""
    return text not in ALLOWED and bool(_WORD.search(text))


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _owner_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return _call_name(func.value)
    return ""


_STRING_METHODS = frozenset({"format", "join", "replace", "strip", "upper", "lower", "capitalize"})


def _parts(node: ast.expr) -> list[ast.expr]:
    """The expressions whose text ends up in ``node``'s text."""
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.Call):
        if _call_name(node.func) not in _STRING_METHODS:
            return []  # a translation call, or a function whose own strings are its concern
        receiver = [node.func.value] if isinstance(node.func, ast.Attribute) else []
        return [*receiver, *node.args, *(kw.value for kw in node.keywords)]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    if isinstance(node, (ast.Starred, ast.Subscript)):
        return [node.value]
    if isinstance(node, ast.Dict):
        return [v for v in node.values if v is not None]
    return []


def untranslated(node: ast.expr) -> Iterator[ast.expr]:
    """The literal parts of ``node`` with words that no translation call wraps."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and has_words(node.value):
            yield node
        return
    if isinstance(node, ast.JoinedStr):
        literal = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        if has_words(literal):
            yield node
    for part in _parts(node):
        yield from untranslated(part)


def _shown_arguments(call: ast.Call) -> list[ast.expr]:
    name = _call_name(call.func)
    owner = _owner_name(call.func)
    args = [*call.args, *(kw.value for kw in call.keywords)]
    if owner in SHOWN_STATICS and name in SHOWN_STATICS[owner]:
        return args
    if isinstance(call.func, ast.Name) and name in SHOWN_CONSTRUCTORS:
        return args
    if isinstance(call.func, ast.Attribute) and name in SHOWN_METHODS:
        if name in FIRST_ARGUMENT_ONLY:
            # addTab(widget, "Text"): the text is the last positional argument.
            positional = [a for a in call.args if not isinstance(a, ast.Starred)]
            return positional[-1:] if name in {"addTab", "setTabText"} else positional[:1]
        return args
    return []


def _translation_text_problems(call: ast.Call) -> Iterator[ast.expr]:
    """A tr/translate argument that is not one plain literal (an f-string, a sum)."""
    name = _call_name(call.func)
    if name not in TRANSLATORS:
        return
    context = call.args[0] if call.args else None
    if name == "translate" and not (
        isinstance(context, ast.Constant) and isinstance(context.value, str)
    ):
        return  # QPainter.translate(x, y) and the like: no context, not a translation
    index = 0 if name in {"tr", "QT_TR_NOOP"} else 1
    if len(call.args) > index:
        text = call.args[index]
        if isinstance(text, (ast.JoinedStr, ast.BinOp)) or (
            isinstance(text, ast.Call) and _call_name(text.func) == "format"
        ):
            yield text


class _Checker(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self._functions: list[str] = []
        self._classes = 0

    def _add(self, node: ast.expr, why: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, ast.unparse(node), why))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._classes += 1
        saved, self._functions = self._functions, []
        self.generic_visit(node)
        self._functions = saved
        self._classes -= 1

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_function(node)

    def visit_Call(self, node: ast.Call) -> None:
        for arg in _shown_arguments(node):
            for part in untranslated(arg):
                self._add(part, f"shown by {_call_name(node.func)}() without tr()")
        for part in _translation_text_problems(node):
            self._add(part, "built text given to tr(); use one literal and .format()")
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        # Only the model method's own returns (not a nested helper's).
        if (
            node.value is not None
            and self._classes
            and self._functions
            and self._functions[-1] in SHOWN_RETURNS
            and len(self._functions) == 1
        ):
            for part in untranslated(node.value):
                self._add(part, f"returned by {self._functions[-1]}() without tr()")
        self.generic_visit(node)


def check_source(source: str, path: str = "<snippet>") -> list[Finding]:
    """The untranslated visible strings of one module's source text."""
    checker = _Checker(path)
    checker.visit(ast.parse(source, filename=path))
    return checker.findings


def python_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.py`` files named, and those below the folders named."""
    out: list[Path] = []
    for path in paths:
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def check_paths(paths: Iterable[Path]) -> list[Finding]:
    """Every finding in the files and folders named."""
    findings: list[Finding] = []
    for path in python_files(paths):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        findings += check_source(path.read_text(encoding="utf-8"), str(shown))
    return findings


# --------------------------------------------------------------------------- tests


def test_every_visible_string_in_ui_goes_through_tr():
    """The whole ``ui`` package passes the check."""
    findings = check_paths([ROOT / "ui"])
    assert not findings, "\n".join(map(str, findings))


def test_the_check_finds_a_planted_untranslated_string():
    """A snippet with the slips the check exists for fails it, line by line."""
    snippet = (
        "class Box(QDialog):\n"
        "    def __init__(self):\n"
        '        self.setWindowTitle("Move Day 0")\n'  # 3
        '        ok = QPushButton(f"Move {n} steps")\n'  # 4
        '        form.addRow("Reason:", edit)\n'  # 5
        '        QMessageBox.warning(self, "Refused", self.tr("No"))\n'  # 6
        '        label.setText(self.tr(f"Moved {n}"))\n'  # 7
        '        label.setText("Day " + str(n))\n'  # 8
        "class Model(QAbstractTableModel):\n"
        "    def headerData(self, section, orientation, role):\n"
        '        return ("Step", "Date")[section]\n'  # 11
    )
    lines = sorted(f.line for f in check_source(snippet))
    assert lines == [3, 4, 5, 6, 7, 8, 11, 11]


def test_the_check_accepts_translated_and_wordless_strings():
    """tr(), translate(), QT_TRANSLATE_NOOP, placeholders and symbols pass."""
    snippet = (
        "TEXTS = (QT_TRANSLATE_NOOP('actions', '&Undo'),)\n"
        "class Box(QDialog):\n"
        "    def __init__(self):\n"
        '        self.setWindowTitle(self.tr("Move Day 0"))\n'
        '        ok = QPushButton(self.tr("Move {n} steps").format(n=n))\n'
        '        form.addRow(QCoreApplication.translate("Box", "Reason:"), edit)\n'
        '        label.setText("—")\n'
        '        label.setText(f"{value} %")\n'
        "        label.setText(f\"{self.tr('Day')} {n}\")\n"
        '        menu.addAction("Español")\n'
        "        label.setText(name)\n"
        "class Model(QAbstractTableModel):\n"
        "    def data(self, index, role):\n"
        '        return "#c0392b" if role == 9 else self.tr("Done")\n'
    )
    assert check_source(snippet) == []


def main(argv: list[str]) -> int:
    """Check the files and folders named on the command line (default: ``ui``)."""
    paths = [Path(a).resolve() for a in argv] or [ROOT / "ui"]
    findings = check_paths(paths)
    for finding in findings:
        sys.stdout.write(f"{finding}\n")
    sys.stdout.write(
        f"{len(findings)} untranslated string(s) in {len(python_files(paths))} file(s)\n"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
