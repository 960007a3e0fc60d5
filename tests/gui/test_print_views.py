"""Printing the patient's views and honouring the print dialog's page range.

The timeline, the month calendar and the checklists print through Qt's print dialog
(Patient menu), each recorded in the audit trail before the first page and refused when
the row cannot be written; the worklist and every printout print only the pages chosen.
Each is printed here to a PDF file and read back with poppler (pdfinfo, pdftotext).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from planner.errors import StorageError
from tests.gui.conftest import ACTOR
from ui import patient_workspace
from ui.printing import chosen_pages

FULL = "The disk is full, so the change was not saved; free some space and try again."


def _printer(path: Path, pages: tuple[int, int] | None = None) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    if pages is not None:
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(*pages)
    return printer


def _page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _print_events(repo) -> list[str]:
    return [e.new for e in repo.audit_log() if e.entity == "event" and "Print" in e.new]


@pytest.fixture
def workspace(make_window, demo_repo):
    window = make_window(demo_repo)
    row = next(r for r in window.session.rows if r.mrn == "DEMO-0003")
    ws = window.open_transplant(row.transplant_id)
    assert ws is not None
    return ws


@pytest.fixture
def failing_commits(demo_repo, monkeypatch):
    """Set ``failing[0]`` to make every commit fail as on a full disk."""
    failing = [False]
    real = demo_repo.commit

    def commit(action):
        if failing[0]:
            raise StorageError(FULL)
        return real(action)

    monkeypatch.setattr(demo_repo, "commit", commit)
    return failing


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        patient_workspace.QMessageBox,
        "warning",
        staticmethod(lambda _parent, _title, text, *_a: shown.append(text)),
    )
    return shown


def test_chosen_pages_follow_the_print_range(qapp, tmp_path):
    printer = _printer(tmp_path / "x.pdf")
    assert chosen_pages(printer, 4) == [0, 1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert chosen_pages(printer, 4) == [1, 2]
    printer.setFromTo(3, 9)
    assert chosen_pages(printer, 4) == [2, 3]  # pages past the end do not exist
    printer.setFromTo(6, 9)
    assert chosen_pages(printer, 4) == []
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    assert chosen_pages(printer, 4) == [0, 1, 2, 3]


VIEWS = [
    ("timeline", "print_timeline_to", "Print timeline"),
    ("calendar", "print_calendar_to", "Print calendar"),
    ("checklists", "print_checklists_to", "Print checklists"),
]


@pytest.mark.parametrize(("what", "method", "event"), VIEWS)
def test_a_view_prints_every_page_then_only_the_chosen_one(
    workspace, demo_repo, tmp_path, what, method, event
):
    whole, second = tmp_path / f"{what}.pdf", tmp_path / f"{what}-2.pdf"
    assert getattr(workspace, method)(_printer(whole))
    pages = _page_count(whole)
    assert pages >= 2  # a Day -10..+100 plan spans months; checklists each start a page
    assert getattr(workspace, method)(_printer(second, (2, 2)))
    assert _page_count(second) == 1
    assert _text(second).strip() in _text(whole)
    assert _text(second).strip()  # the page has a text layer, not an image
    assert _print_events(demo_repo) == [f'"{event}"', f'"{event}"']
    [row, *_] = [e for e in demo_repo.audit_log() if e.new == f'"{event}"']
    assert row.user == ACTOR.user and row.patient_id == workspace.session.patient.id


def test_the_printed_timeline_names_months_and_steps(workspace, tmp_path):
    path = tmp_path / "timeline.pdf"
    assert workspace.print_timeline_to(_printer(path))
    text = _text(path)
    plan = workspace.session.plan
    assert plan.day0.strftime("%B %Y") in text
    titles = {step.title for step in plan.steps}
    assert any(title in text for title in titles)
    assert "Day 0" in text and "page 1 of" in text


def test_the_printed_calendar_has_a_month_per_page(workspace, tmp_path):
    path = tmp_path / "calendar.pdf"
    assert workspace.print_calendar_to(_printer(path))
    day0 = workspace.session.plan.day0
    pages = _page_count(path)
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(
        r"(January|February|March|April|May|June|July|August|September|"
        r"October|November|December) \d{4}",
        first_page,
    )
    assert day0.strftime("%B %Y") in _text(path)
    assert f"page 1 of {pages}" in first_page


def test_the_printed_checklists_hold_their_items(workspace, tmp_path):
    path = tmp_path / "checklists.pdf"
    assert workspace.print_checklists_to(_printer(path))
    text = _text(path)
    view = workspace.checklists.view
    assert view is not None and view.template.title in text
    assert view.items[0].item.title.split()[0] in text
    assert workspace.session.patient.mrn in text


@pytest.mark.parametrize(("what", "method", "event"), VIEWS)
def test_a_view_is_not_printed_when_its_row_cannot_be_written(
    workspace, demo_repo, failing_commits, warnings, tmp_path, what, method, event
):
    path = tmp_path / f"{what}.pdf"
    failing_commits[0] = True
    assert not getattr(workspace, method)(_printer(path))
    assert not path.exists()
    assert warnings == [
        f"The {what} was not printed, because the print could not be recorded in the audit "
        "trail: the disk is full, so the change was not saved; free some space and try again."
    ]
    assert _print_events(demo_repo) == []


def test_the_row_is_written_before_the_first_page(workspace, demo_repo, tmp_path, monkeypatch):
    seen: list[list[str]] = []
    real = patient_workspace.print_pages

    def spy(printer, count, paint):
        seen.append(_print_events(demo_repo))
        return real(printer, count, paint)

    monkeypatch.setattr(patient_workspace, "print_pages", spy)
    assert workspace.print_timeline_to(_printer(tmp_path / "t.pdf"))
    assert seen == [['"Print timeline"']]


@pytest.mark.parametrize(
    ("action", "what"),
    [
        ("print_timeline", "timeline"),
        ("print_calendar", "calendar"),
        ("print_checklists", "checklists"),
    ],
)
def test_the_patient_menu_prints_through_the_print_dialog(
    workspace, demo_repo, tmp_path, monkeypatch, qtbot, action, what
):
    path = tmp_path / f"{what}.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(path))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    window = workspace.window()
    window.actions_by_name[action].trigger()
    qtbot.waitUntil(path.exists)
    assert _page_count(path) >= 1
    assert _print_events(demo_repo) == [f'"Print {what}"']


def test_the_worklist_prints_only_the_chosen_pages(make_window, demo_repo, tmp_path):
    window = make_window(demo_repo)
    whole, one = tmp_path / "worklist.pdf", tmp_path / "worklist-1.pdf"
    assert window.print_worklist_to(_printer(whole))
    assert window.print_worklist_to(_printer(one, (1, 1)))
    assert _page_count(one) == 1
    assert window.session.worklist[0].title.split()[0] in _text(one)
    beyond = tmp_path / "worklist-9.pdf"
    assert window.print_worklist_to(_printer(beyond, (9, 9)))
    assert not beyond.exists() or _page_count(beyond) == 0


# --- the board and the worklist --------------------------------------------------------------


def _page_texts(path: Path) -> list[str]:
    return _text(path).split("\f")[: _page_count(path)]


def _page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.MULTILINE)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def _words_outside_the_page(path: Path) -> list[str]:
    """Words whose box reaches past the page's edge (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    width, height = _page_size(path)
    return [
        m.group(5)
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
        if float(m.group(1)) < 0
        or float(m.group(3)) > width
        or float(m.group(2)) < 0
        or float(m.group(4)) > height
    ]


@pytest.fixture
def window_warnings(monkeypatch) -> list[str]:
    from ui import main_window

    shown: list[str] = []
    monkeypatch.setattr(
        main_window.QMessageBox,
        "warning",
        staticmethod(lambda _parent, _title, text, *_a: shown.append(text)),
    )
    return shown


@pytest.fixture
def big_board(make_window, demo_repo):
    """A window whose board prints on at least three pages (a large table font)."""
    window = make_window(demo_repo)
    font = window.board.table.font()
    font.setPixelSize(24)
    window.board.table.setFont(font)
    return window


def test_the_board_prints_landscape_with_its_header_on_every_page(big_board, demo_repo, tmp_path):
    whole = tmp_path / "board.pdf"
    assert big_board.print_board_to(_printer(whole))
    pages = _page_texts(whole)
    assert len(pages) >= 3
    width, height = _page_size(whole)
    assert width > height  # landscape
    for n, page in enumerate(pages, start=1):
        assert "MRN" in page and "Alerts" in page  # the header row repeated
        assert f"page {n} of {len(pages)}" in page
    for row in big_board.session.rows:
        assert row.mrn in _text(whole)  # every row, no row lost between pages
    assert _words_outside_the_page(whole) == []
    patients = len({r.patient_id for r in big_board.session.rows})
    assert _print_events(demo_repo) == [f'"Print board ({patients} patients)"']


def test_the_board_prints_only_the_chosen_page(big_board, demo_repo, tmp_path):
    whole, second = tmp_path / "board.pdf", tmp_path / "board-2.pdf"
    assert big_board.print_board_to(_printer(whole))
    assert _page_count(whole) >= 3
    assert big_board.print_board_to(_printer(second, (2, 2)))
    assert _page_count(second) == 1
    page = _page_texts(second)[0]
    assert f"page 2 of {_page_count(whole)}" in page
    assert page.strip() == _page_texts(whole)[1].strip()
    assert len(_print_events(demo_repo)) == 2  # each printout has its row


def test_the_printed_board_follows_the_filter_and_the_sort(make_window, demo_repo, tmp_path):
    from PySide6.QtCore import Qt

    window = make_window(demo_repo)
    window.board.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # MRN, Z to A
    path = tmp_path / "sorted.pdf"
    assert window.print_board_to(_printer(path))
    mrns = re.findall(r"DEMO-\d{4}", _text(path))
    assert mrns == sorted(mrns, reverse=True) and len(mrns) == len(window.session.rows)
    window.board.search.setText("DEMO-0003")
    path = tmp_path / "filtered.pdf"
    assert window.print_board_to(_printer(path))
    assert re.findall(r"DEMO-\d{4}", _text(path)) == ["DEMO-0003"]
    assert f"1 of {len(window.session.rows)} active transplants" in _text(path)
    assert _print_events(demo_repo)[-1] == '"Print board (1 patient)"'


def test_the_board_is_not_printed_when_its_row_cannot_be_written(
    make_window, demo_repo, failing_commits, window_warnings, tmp_path
):
    window = make_window(demo_repo)
    path = tmp_path / "board.pdf"
    failing_commits[0] = True
    assert not window.print_board_to(_printer(path))
    assert not path.exists()
    assert window_warnings == [
        "The board was not printed, because the print could not be recorded in the audit "
        "trail: the disk is full, so the change was not saved; free some space and try again."
    ]
    assert _print_events(demo_repo) == []


def test_the_row_of_the_board_is_written_before_the_first_page(
    make_window, demo_repo, tmp_path, monkeypatch
):
    from ui import printing

    window = make_window(demo_repo)
    seen: list[list[str]] = []
    real = printing.print_pages

    def spy(printer, count, paint):
        seen.append(_print_events(demo_repo))
        return real(printer, count, paint)

    monkeypatch.setattr(printing, "print_pages", spy)
    assert window.print_board_to(_printer(tmp_path / "b.pdf"))
    assert len(seen) == 1 and seen[0][0].startswith('"Print board (')


@pytest.mark.parametrize(
    ("action", "what"), [("print_board", "board"), ("print_worklist", "worklist")]
)
def test_the_file_menu_prints_the_board_and_the_worklist(
    make_window, demo_repo, tmp_path, monkeypatch, qtbot, action, what
):
    window = make_window(demo_repo)
    path = tmp_path / f"{what}.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(path))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.actions_by_name[action] in file_menu.actions()
    window.actions_by_name[action].trigger()
    qtbot.waitUntil(path.exists)
    assert _page_count(path) >= 1
    [event] = _print_events(demo_repo)
    assert event.startswith(f'"Print {what} (')


def test_the_worklist_print_is_recorded_with_its_patients(make_window, demo_repo, tmp_path):
    window = make_window(demo_repo)
    assert window.print_worklist_to(_printer(tmp_path / "w.pdf"))
    patients = len({item.patient_id for item in window.session.worklist})
    assert patients > 1
    assert _print_events(demo_repo) == [f'"Print worklist ({patients} patients)"']


def _word_boxes(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append(
            [
                (float(a), float(b), float(c), float(d), word)
                for a, b, c, d, word in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                    r'yMax="([\d.]+)">([^<]*)</word>',
                    page,
                )
            ]
        )
    return pages


def test_the_printed_timeline_is_landscape_with_every_label_whole(workspace, tmp_path):
    path = tmp_path / "timeline.pdf"
    assert workspace.print_timeline_to(_printer(path))
    width, height = _page_size(path)
    assert width > height
    assert _words_outside_the_page(path) == []
    raw = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # "ﬂ" ligatures back to "fl"; a label wrapped after a hyphen ("non-/live") joined.
    flowing = " ".join(re.sub(r"-\n", "-", unicodedata.normalize("NFKC", raw)).split())
    plan = workspace.session.plan
    for title in {occ.title for occ in plan.occurrences()}:
        assert " ".join(title.split()) in flowing  # wrapped in its column, every word kept
    # No label runs into the axis or the next label: no two words overlap.
    for words in _word_boxes(path):
        for n, (x0, y0, x1, y1, word) in enumerate(words):
            for a0, b0, a1, b1, other in words[n + 1 :]:
                overlap = min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5
                assert not overlap, (word, other)


def test_a_long_worklist_repeats_its_header_on_every_page(make_window, demo_repo, tmp_path):
    window = make_window(demo_repo)
    window.session.worklist = list(window.session.worklist) * 40  # several pages
    path = tmp_path / "long.pdf"
    assert window.print_worklist_to(_printer(path))
    from pypdf import PdfReader

    pages = PdfReader(str(path)).pages
    assert len(pages) >= 3
    assert all("MRN" in page.extract_text() for page in pages)
