"""The language of the interface: which one, and loading its translations at start.

The English text is in the code (``tr()``, ``QCoreApplication.translate``); every other
language is a set of Qt Linguist sources ``resources/translations/<part>_<lang>.ts``, one
per part of the interface, compiled to ``.qm`` files by ``tools/build_translations.py``
(at install, and for the bundle). At start the app loads every ``<part>_<lang>.qm`` of
the chosen language and Qt's own ``qtbase_<lang>.qm`` (the standard buttons: OK,
Cancel, Close). A ``.qm`` that is missing or older than its ``.ts`` (a source checkout
not built since a pull) is compiled into a cache in the data folder first, rather than
showing English without a word; what loaded, or why not, is logged (no patient data).

The language is a setting (View > Language: System, English, Español; kept by
``ui.settings.WindowState``) read once at start: a running window keeps the language it
was built in.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QLibraryInfo, QLocale, QTranslator

from planner.domain import i18n as planner_i18n
from ui.errors import LOG

SYSTEM = "system"
ENGLISH = "en"
LANGUAGES: tuple[str, ...] = (ENGLISH, "es")
"""The interface languages, English (the source text) first."""

_LRELEASE_TIMEOUT = 120  # seconds; compiling one catalogue takes well under one

_shown = ENGLISH  # the language installed at start (install_translators)

# strftime codes -> Qt's date format codes (QLocale::toString(QDate, QString)).
_QT_DATE_CODES = {"%a": "ddd", "%A": "dddd", "%d": "dd", "%b": "MMM", "%B": "MMMM", "%Y": "yyyy"}
_DATE_CODE = re.compile("|".join(_QT_DATE_CODES))


# Named as Qt names it, because pyside6-lupdate finds the texts to translate by this name;
# PySide6's own returns ``object`` to type checkers, this one the text it is given.
def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for translation in ``context`` (a table of texts translated where
    shown); returns ``text`` unchanged."""
    del context
    return text


def shown_language() -> str:
    """The language the interface was started in ("en" until translators are installed)."""
    return _shown


def format_date(date: dt.date, pattern: str) -> str:
    """``date`` written with a strftime ``pattern`` of day and month names and numbers
    ("%a %d %b %Y"), in the interface's language: in English exactly as strftime writes
    it, otherwise with the language's day and month names (Qt's CLDR data)."""
    if _shown == ENGLISH:
        return date.strftime(pattern)
    qt_pattern = _DATE_CODE.sub(lambda m: _QT_DATE_CODES[m.group(0)], pattern)
    return QLocale(_shown).toString(QDate(date.year, date.month, date.day), qt_pattern)


def language_choices() -> list[tuple[str, str]]:
    """(setting, menu text) for View > Language: System, then each language named in its
    own language, as language menus conventionally name them (access keys S, E, P)."""
    return [
        (SYSTEM, QCoreApplication.translate("translation", "&System")),
        (ENGLISH, "&English"),
        ("es", "Es&pañol"),
    ]


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The language to show: the one chosen, or for "system" the first of the system's
    preferred languages that the app has (English when none)."""
    if choice in LANGUAGES:
        return choice
    locale = system if system is not None else QLocale.system()
    for name in [*locale.uiLanguages(), locale.name()]:
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return ENGLISH


def translations_folder() -> Path:
    """``resources/translations`` (in a checkout, an installed package or the bundle)."""
    import resources

    return Path(resources.__file__).resolve().parent / "translations"


def catalogues(folder: Path, language: str) -> list[str]:
    """The parts (``main``, ``dialogs``...) that have a ``.ts`` or ``.qm`` for ``language``."""
    suffix = f"_{language}"
    return sorted(
        {
            p.stem[: -len(suffix)]
            for p in folder.glob(f"*{suffix}.*")
            if p.suffix in (".ts", ".qm") and p.stem.endswith(suffix)
        }
    )


def lrelease() -> str | None:
    """Qt's catalogue compiler: the one PySide6 ships, else one on the PATH."""
    import PySide6

    name = "lrelease.exe" if sys.platform == "win32" else "lrelease"
    shipped = Path(PySide6.__file__).resolve().parent / name
    if shipped.is_file():
        return str(shipped)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compile_catalogue(ts: Path, qm: Path) -> None:
    """Compile ``ts`` into ``qm`` with lrelease (written aside, then renamed into place,
    so a reader never sees half a file). Raises OSError when it cannot be done."""
    tool = lrelease()
    if tool is None:
        raise OSError("Qt's lrelease was not found")
    qm.parent.mkdir(parents=True, exist_ok=True)
    partial = qm.with_name(f".{qm.stem}.{os.getpid()}.qm")
    try:
        done = subprocess.run(
            [tool, "-silent", str(ts), "-qm", str(partial)],
            capture_output=True,
            timeout=_LRELEASE_TIMEOUT,
            check=False,
        )
        if done.returncode != 0 or not partial.is_file():
            raise OSError(f"lrelease failed on {ts.name} (exit code {done.returncode})")
        os.replace(partial, qm)
    except subprocess.SubprocessError as exc:
        raise OSError(f"lrelease failed on {ts.name}: {type(exc).__name__}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _current(qm: Path, ts: Path) -> bool:
    """True when ``qm`` exists and is not older than ``ts`` (or there is no ``ts``)."""
    if not qm.is_file():
        return False
    return not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime


def compiled_catalogue(folder: Path, part: str, language: str, cache: Path | None) -> Path:
    """The ``.qm`` of one part: the built one beside its ``.ts`` when up to date, else one
    compiled now into ``cache``. Raises OSError when there is none and none can be made."""
    ts = folder / f"{part}_{language}.ts"
    built = folder / f"{part}_{language}.qm"
    if _current(built, ts):
        return built
    if cache is None:
        raise OSError(f"{built.name} is missing or older than {ts.name}")
    cached = cache / built.name
    if not _current(cached, ts):
        compile_catalogue(ts, cached)
    return cached


@dataclass
class Loaded:
    """What :func:`install_translators` did."""

    language: str
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    translators: list[QTranslator] = field(default_factory=list)


def install_translators(
    app: QCoreApplication,
    language: str,
    *,
    folder: Path | None = None,
    cache: Path | None = None,
) -> Loaded:
    """Load and install the catalogues of ``language`` into ``app`` (nothing for English).

    The translators are kept in the result and parented to ``app``: a QTranslator that
    Python frees is silently removed from the application.
    """
    global _shown
    loaded = Loaded(language)
    _shown = language
    # The planner's own sentences (alerts, rules, calculators) follow the interface.
    planner_i18n.set_language(language)
    if language == ENGLISH:
        LOG.info("interface language: en")
        return loaded
    folder = folder if folder is not None else translations_folder()
    paths: list[Path] = []
    for part in catalogues(folder, language):
        try:
            paths.append(compiled_catalogue(folder, part, language, cache))
        except OSError as exc:
            loaded.problems.append(str(exc))
    qt_own = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    qtbase = qt_own / f"qtbase_{language}.qm"
    if qtbase.is_file():
        paths.append(qtbase)
    for path in paths:
        translator = QTranslator(app)
        if translator.load(str(path)) and app.installTranslator(translator):
            loaded.translators.append(translator)
            loaded.files.append(path.name)
        else:
            loaded.problems.append(f"{path.name} could not be loaded")
    if not any(name != qtbase.name for name in loaded.files):
        loaded.problems.append(f"no translation of the interface into '{language}' loaded")
    LOG.info("interface language: %s (%s)", language, ", ".join(loaded.files) or "nothing")
    for problem in loaded.problems:
        LOG.warning("translation: %s", problem)
    return loaded


def remove_translators(app: QCoreApplication, loaded: Loaded) -> None:
    """Take the translators of ``loaded`` out of ``app`` (tests switch back to English)."""
    global _shown
    for translator in loaded.translators:
        app.removeTranslator(translator)
    loaded.translators.clear()
    _shown = ENGLISH
    planner_i18n.set_language(ENGLISH)
