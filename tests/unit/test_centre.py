"""Centre settings: closures, contacts and thresholds from TOML, with clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.centre import EXAMPLE, load_centre_settings, parse_centre_settings
from planner.errors import TemplateError


def test_example_parses():
    settings = parse_centre_settings(EXAMPLE.encode(), "centre.toml")
    assert dt.date(2026, 12, 25) in settings.closures
    assert settings.fever_threshold_c == 38.0
    assert settings.phone_24h == "+1 555 0100"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('closures = ["2026-12-25"]', "closures"),
        ("closures = [2026-12-25T10:00:00]", "closures"),
        ("fever_threshold_c = 40.5", "fever_threshold_c"),
        ("fever_threshold_c = true", "fever_threshold_c"),
        ('centre_nam = "x"', "centre_nam"),
        ("phone_24h = 5", "phone_24h"),
    ],
    ids=["date-as-text", "datetime", "fever-out-of-range", "fever-bool", "typo", "phone-number"],
)
def test_bad_settings_name_the_field(text, field):
    with pytest.raises(TemplateError) as err:
        parse_centre_settings(text.encode(), "centre.toml")
    assert err.value.field == field
    assert "centre.toml" in str(err.value)


def test_missing_file_gives_defaults(tmp_path):
    settings, error = load_centre_settings(tmp_path / "centre.toml")
    assert error is None and settings.closures == frozenset()


def test_bad_file_gives_defaults_and_the_error(tmp_path):
    path = tmp_path / "centre.toml"
    path.write_bytes(b"closures = [1, 2]")
    settings, error = load_centre_settings(path)
    assert settings.closures == frozenset()
    assert error is not None and error.field == "closures"


def test_backup_keep_is_read_and_checked() -> None:
    from planner.domain.centre import parse_centre_settings
    from planner.errors import TemplateError

    assert parse_centre_settings(b"backup_keep = 5\n", "centre.toml").backup_keep == 5
    assert parse_centre_settings(b"", "centre.toml").backup_keep == 20
    for bad in (b"backup_keep = 0\n", b"backup_keep = true\n", b'backup_keep = "7"\n'):
        with pytest.raises(TemplateError, match="whole number from 1 to 1000") as err:
            parse_centre_settings(bad, "centre.toml")
        assert err.value.field == "backup_keep"
