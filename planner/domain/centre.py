"""Centre settings from ``centre.toml`` in the data folder: contacts, thresholds, closures.

A missing file means the defaults; a bad file gives one clear message naming the
field and the defaults are used, so a typo never stops the clinic from working.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.domain.i18n import tr
from planner.domain.patients import ClinicSettings
from planner.errors import TemplateError

MAX_BYTES = 64 * 1024
_KEYS = {"centre_name", "phone_24h", "fever_threshold_c", "closures", "backup_keep"}

EXAMPLE = """\
# Transplant Planner centre settings (example; edit for your centre)
centre_name = "Transplant Centre"
phone_24h = "+1 555 0100"
fever_threshold_c = 38.0
# Days the clinic is closed: steps that need a clinic slot on these days are flagged.
closures = [2026-12-25, 2027-01-01]
# How many of the app's own backups of the database to keep (newest first).
backup_keep = 20
"""


def parse_centre_settings(data: bytes, file: str) -> ClinicSettings:
    """Validate a centre settings file; raise ``TemplateError`` naming the field."""
    if len(data) > MAX_BYTES:
        raise TemplateError(
            file, tr("the file is larger than {limit} KB.").format(limit=MAX_BYTES // 1024)
        )
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise TemplateError(
            file, tr("cannot be read as UTF-8 TOML ({error}).").format(error=exc)
        ) from None
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise TemplateError(
            file,
            tr("unknown setting(s) {unknown}; allowed: {allowed}.").format(
                unknown=", ".join(unknown), allowed=", ".join(sorted(_KEYS))
            ),
            field=unknown[0],
        )
    defaults = ClinicSettings()
    return ClinicSettings(
        closures=_closures(doc.get("closures", []), file),
        centre_name=_text(doc, "centre_name", defaults.centre_name, file),
        phone_24h=_text(doc, "phone_24h", defaults.phone_24h, file),
        fever_threshold_c=_fever(doc.get("fever_threshold_c", defaults.fever_threshold_c), file),
        backup_keep=_keep(doc.get("backup_keep", defaults.backup_keep), file),
    )


def _keep(value: Any, file: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise TemplateError(file, tr("must be a whole number from 1 to 1000."), field="backup_keep")
    return value


def _text(doc: dict[str, Any], key: str, default: str, file: str) -> str:
    value = doc.get(key, default)
    if not isinstance(value, str) or len(value) > 200:
        raise TemplateError(file, tr("must be text of at most 200 characters."), field=key)
    return value.strip()


def _fever(value: Any, file: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 37.5 <= value <= 39.0:
        raise TemplateError(
            file,
            tr("must be a temperature from 37.5 to 39.0 (degrees C)."),
            field="fever_threshold_c",
        )
    return float(value)


def _closures(value: Any, file: str) -> frozenset[dt.date]:
    if not isinstance(value, list) or not all(
        isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in value
    ):
        raise TemplateError(
            file, tr("must be a list of dates such as [2026-12-25]."), field="closures"
        )
    return frozenset(value)


def load_centre_settings(path: Path) -> tuple[ClinicSettings, TemplateError | None]:
    """The settings at ``path`` (defaults if absent), plus the error of a bad file.

    The centre's handout texts are looked for in ``handouts/`` beside the file.
    """
    texts = str(path.parent / "handouts")
    if not path.is_file():
        return ClinicSettings(handout_texts=texts), None
    try:
        settings = parse_centre_settings(path.read_bytes(), path.name)
    except TemplateError as err:
        return ClinicSettings(handout_texts=texts), err
    return replace(settings, handout_texts=texts), None
