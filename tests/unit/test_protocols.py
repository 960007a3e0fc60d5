"""Template parser: good input parses; bad input is refused with file, step and field named."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from planner.domain.templates import (
    MAX_TEMPLATE_BYTES,
    DoseBasis,
    Phase,
    StepKind,
    all_protocols,
    get_protocol,
    load_local_protocols,
    load_protocols,
    parse_protocol,
)
from planner.errors import TemplateError, UnknownTemplateError

DATA = Path(__file__).resolve().parents[1] / "data" / "protocols"
FILE = "test-minimal.toml"


@pytest.fixture(scope="module")
def minimal_text() -> str:
    return (DATA / "minimal.toml").read_text(encoding="utf-8")


def _mutate(text: str, old: str, new: str) -> bytes:
    """Replace one exact fragment of the fixture (fails loudly if the fixture drifted)."""
    assert text.count(old) == 1, f"fixture fragment not unique: {old!r}"
    return text.replace(old, new).encode("utf-8")


# --- the good case ------------------------------------------------------------------------------


def test_minimal_fixture_parses(minimal_text: str) -> None:
    proto = parse_protocol(minimal_text.encode(), FILE)
    assert proto.id == "test-minimal"
    assert proto.category == "conditioning"
    assert proto.transplant_types == ("autologous",)
    assert proto.intensity == "MAC"
    mel = proto.step("melphalan")
    assert mel.phase is Phase.CONDITIONING
    assert mel.kind is StepKind.MEDICATION
    assert mel.days == (-2,)
    assert mel.anchor == "day0"
    assert mel.regimen_tied is True
    assert mel.dose is not None
    assert (mel.dose.amount, mel.dose.unit, mel.dose.per) == (200, "mg", DoseBasis.PER_M2)
    aph = proto.step("apheresis")
    assert aph.anchor == "mobilisation"
    assert aph.days == (5, 6, 7)
    assert (aph.window_before, aph.window_after) == (1, 1)
    assert proto.anchors["mobilisation"].numbering == "mday"
    assert proto.anchors["mobilisation"].default_day == -30
    assert proto.path == FILE
    with pytest.raises(KeyError, match="test-minimal"):
        proto.step("nope")


@pytest.mark.parametrize(
    ("old", "new", "days"),
    [
        pytest.param("day = -2\n", "days = [-1, -3, -2]\n", (-3, -2, -1), id="days-list-sorted"),
        pytest.param("day = -2\n", "from = -10\nto = 0\nevery = 5\n", (-10, -5, 0), id="every"),
        pytest.param("day = -2\n", "day = 3650\n", (3650,), id="day-limit"),
    ],
)
def test_day_forms(minimal_text: str, old: str, new: str, days: tuple[int, ...]) -> None:
    proto = parse_protocol(_mutate(minimal_text, old, new), FILE)
    assert proto.step("melphalan").days == days


# --- bad fields: (fragment, replacement, step, field, words in the message) --------------------

BAD_FIELDS = [
    pytest.param(
        'title = "Test template"\n', "", None, "title", "required", id="missing-top-level-title"
    ),
    pytest.param(
        'source = "Test fixture, not clinical content."\n',
        "",
        None,
        "source",
        "required",
        id="missing-source",
    ),
    pytest.param(
        'source = "Test fixture, not clinical content."',
        'source = "  "',
        None,
        "source",
        "empty",
        id="empty-source",
    ),
    pytest.param(
        'kind = "medication"\n', "", "melphalan", "kind", "required", id="missing-step-kind"
    ),
    pytest.param(
        'title = "Melphalan"\n', "", "melphalan", "title", "required", id="missing-step-title"
    ),
    pytest.param('id = "melphalan"\n', "", "#1", "id", "required", id="missing-step-id"),
    pytest.param("day = -2\n", "", "melphalan", "days", "exactly one", id="missing-day"),
    pytest.param(
        "day = -2\n",
        "day = -2\ndays = [-1]\n",
        "melphalan",
        "days",
        "exactly one",
        id="day-and-days",
    ),
    pytest.param("day = -2\n", 'day = "x"\n', "melphalan", "day", "whole number", id="day-is-text"),
    pytest.param(
        "day = -2\n", "day = true\n", "melphalan", "day", "whole number", id="day-is-bool"
    ),
    pytest.param(
        "day = -2\n", "day = -2.5\n", "melphalan", "day", "whole number", id="day-is-float"
    ),
    pytest.param(
        "day = -2\n", "days = [1, 1]\n", "melphalan", "days", "same day twice", id="day-twice"
    ),
    pytest.param("day = -2\n", "days = []\n", "melphalan", "days", "at least one", id="days-empty"),
    pytest.param(
        "day = -2\n", 'days = [1, "2"]\n', "melphalan", "days", "whole number", id="days-with-text"
    ),
    pytest.param(
        "day = -2\n", "day = 3651\n", "melphalan", "day", "3650", id="day-beyond-ten-years"
    ),
    pytest.param(
        "day = -2\n",
        "from = -200\nto = 201\n",
        "melphalan",
        "days",
        "400",
        id="too-many-occurrences",
    ),
    pytest.param(
        "from = 5\nto = 7\n", "from = 7\nto = 5\n", "apheresis", "to", "before", id="from-after-to"
    ),
    pytest.param(
        "from = 5\nto = 7\n", "from = 5\n", "apheresis", "to", "required", id="from-without-to"
    ),
    pytest.param(
        "day = -2\n",
        "day = -2\nevery = 2\n",
        "melphalan",
        "every",
        "from/to",
        id="every-without-from",
    ),
    pytest.param(
        "from = 5\nto = 7\n",
        "from = 5\nto = 7\nevery = 0\n",
        "apheresis",
        "every",
        "1 to 366",
        id="every-zero",
    ),
    pytest.param(
        "from = 5\nto = 7\n", "from = 0\nto = 7\n", "apheresis", "days", "M-Day 0", id="mday-zero"
    ),
    pytest.param(
        "from = 5\nto = 7\n",
        "days = [-1, 0, 1]\n",
        "apheresis",
        "days",
        "M-Day 0",
        id="mday-zero-in-list",
    ),
    pytest.param(
        'anchor = "mobilisation"\n',
        'anchor = "harvest"\n',
        "apheresis",
        "anchor",
        "not declared",
        id="unknown-anchor",
    ),
    pytest.param(
        'anchor = "mobilisation"\n',
        "anchor = 3\n",
        "apheresis",
        "anchor",
        "text",
        id="anchor-not-text",
    ),
    pytest.param(
        'phase = "conditioning"\n',
        'phase = "chemo"\n',
        "melphalan",
        "phase",
        "not one of",
        id="unknown-phase",
    ),
    pytest.param(
        'kind = "medication"\n',
        'kind = "drug"\n',
        "melphalan",
        "kind",
        "not one of",
        id="unknown-kind",
    ),
    pytest.param(
        'drug = "melphalan"\n',
        'drug = "melphalan"\ndosage = 1\n',
        "melphalan",
        "dosage",
        "dosage",
        id="unknown-step-key",
    ),
    pytest.param(
        'unit = "mg"',
        'unit = "µg"',
        "melphalan",
        "dose.unit",
        "not one of",
        id="dose-unit-micro-sign",
    ),
    pytest.param(
        'unit = "mg"',
        'unit = "mg", strength = 2',
        "melphalan",
        "strength",
        "strength",
        id="unknown-dose-key",
    ),
    pytest.param(
        "amount = 200", "amount = -200", "melphalan", "amount", "positive", id="negative-amount"
    ),
    pytest.param(
        "amount = 200", "amount = nan", "melphalan", "amount", "positive", id="nan-amount"
    ),
    pytest.param(
        "amount = 200", "amount = inf", "melphalan", "amount", "positive", id="infinite-amount"
    ),
    pytest.param(
        "amount = 200", 'amount = "200"', "melphalan", "amount", "number", id="amount-is-text"
    ),
    pytest.param(
        'per = "m2"', 'per = "m²"', "melphalan", "per", "not one of", id="unknown-dose-basis"
    ),
    pytest.param(
        'dose = { amount = 200, unit = "mg", per = "m2", route = "IV", frequency = "once" }',
        'dose = "200 mg/m2"',
        "melphalan",
        "dose",
        "table",
        id="dose-not-a-table",
    ),
    pytest.param(
        "regimen_tied = true\n",
        'regimen_tied = "yes"\n',
        "melphalan",
        "regimen_tied",
        "true or false",
        id="regimen-tied-text",
    ),
    pytest.param(
        "window = 1\n", "window = 61\n", "apheresis", "window", "0 to 60", id="window-too-wide"
    ),
    pytest.param(
        "window = 1\n",
        "window = 1\nwindow_after = 2\n",
        "apheresis",
        "window",
        "either",
        id="window-twice",
    ),
    pytest.param(
        'id = "test-minimal"', 'id = "Test Minimal"', None, "id", "lower-case", id="bad-template-id"
    ),
    pytest.param(
        'id = "melphalan"', 'id = "Melphalan!"', "#1", "id", "lower-case", id="bad-step-id"
    ),
    pytest.param(
        'id = "apheresis"', 'id = "melphalan"', "melphalan", "id", "twice", id="duplicate-step-id"
    ),
    pytest.param(
        "schema = 1\n", "schema = 2\n", None, "schema", "not supported", id="wrong-schema"
    ),
    pytest.param(
        "schema = 1\n", 'schema = "1"\n', None, "schema", "whole number", id="schema-is-text"
    ),
    pytest.param("schema = 1\n", "", None, "schema", "required", id="missing-schema"),
    pytest.param(
        'review_status = "for local review"',
        'review_status = "approved"',
        None,
        "review_status",
        "for local review",
        id="review-status-not-allowed",
    ),
    pytest.param(
        'category = "conditioning"',
        'category = "chemo"',
        None,
        "category",
        "not one of",
        id="unknown-category",
    ),
    pytest.param(
        'transplant_types = ["autologous"]',
        'transplant_types = ["auto"]',
        None,
        "transplant_types",
        "autologous",
        id="unknown-transplant-type",
    ),
    pytest.param(
        'graft_sources = ["pbsc"]',
        "graft_sources = []",
        None,
        "graft_sources",
        "one or more",
        id="no-graft-source",
    ),
    pytest.param(
        'intensity = "MAC"',
        'intensity = "high"',
        None,
        "intensity",
        "MAC, RIC",
        id="unknown-intensity",
    ),
    pytest.param(
        'description = "Used',
        'colour = "red"\ndescription = "Used',
        None,
        "colour",
        "colour",
        id="unknown-top-level-key",
    ),
    pytest.param(
        'numbering = "mday"',
        'numbering = "weeks"',
        None,
        "anchors.mobilisation.numbering",
        "mday",
        id="unknown-numbering",
    ),
    pytest.param(
        "default_day = -30\n", "", None, "default_day", "required", id="anchor-without-default-day"
    ),
    pytest.param(
        "default_day = -30\n",
        "default_day = -30\nstart = 1\n",
        None,
        "start",
        "start",
        id="unknown-anchor-key",
    ),
    pytest.param(
        "[anchors.mobilisation]",
        "[anchors.day0]",
        None,
        "anchors",
        "reserved",
        id="anchor-named-day0",
    ),
]


@pytest.mark.parametrize(("old", "new", "step", "field", "words"), BAD_FIELDS)
def test_bad_field_is_refused_naming_file_step_and_field(
    minimal_text: str,
    old: str,
    new: str,
    step: str | None,
    field: str | None,
    words: str,
) -> None:
    with pytest.raises(TemplateError) as info:
        parse_protocol(_mutate(minimal_text, old, new), FILE)
    exc = info.value
    message = str(exc)
    assert exc.file == FILE
    assert message.startswith(FILE)
    assert exc.step == step
    assert exc.field == field
    if step is not None:
        assert f"step '{step}'" in message
    if field is not None:
        assert f"field '{field}'" in message
    assert words in message


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        pytest.param("", "required", id="no-steps-key"),
        pytest.param("steps = []\n", "at least one", id="empty-steps"),
        pytest.param('steps = "melphalan"\n', "a list", id="steps-not-a-list"),
        pytest.param("steps = [1]\n", "must be a table", id="step-not-a-table"),
    ],
)
def test_template_steps_must_be_a_list_of_tables(
    minimal_text: str, prefix: str, words: str
) -> None:
    head = minimal_text.split("[[steps]]")[0]
    head = head.replace("schema = 1\n", "schema = 1\n" + prefix, 1)
    with pytest.raises(TemplateError, match=r"^test-minimal\.toml") as info:
        parse_protocol(head.encode(), FILE)
    assert words in str(info.value)


def test_too_many_steps_is_refused(minimal_text: str) -> None:
    head = minimal_text.split("[[steps]]")[0]
    steps = "".join(
        f'[[steps]]\nid = "s{i}"\ntitle = "Step"\nphase = "recovery"\nkind = "lab"\nday = 1\n'
        for i in range(401)
    )
    with pytest.raises(TemplateError, match=r"field 'steps'.*more than 400"):
        parse_protocol((head + steps).encode(), FILE)


# --- hostile or broken files: one clear error, never a traceback or a side effect --------------

HOSTILE = [
    pytest.param(b"a = " + b"[" * 2000 + b"]" * 2000, "nested", id="deep-nesting-2000"),
    pytest.param(b"a = " + b"[" * 20 + b"]" * 20, "nested more than 8", id="nesting-20"),
    pytest.param(b"a = " + b"{ b = " * 20 + b"1" + b" }" * 20, "nested", id="nested-tables"),
    pytest.param(b"schema = " + b"9" * 5000, "cannot be read", id="integer-5000-digits"),
    pytest.param(
        'schema = 1\ntitle = "Caf\u00e9"\n'.encode("latin-1"), "not UTF-8", id="latin-1-bytes"
    ),
    pytest.param(b"\xff\xfeschema = 1", "not UTF-8", id="utf-16-bom"),
    pytest.param(b"schema = = 1", "not valid TOML", id="invalid-toml"),
    pytest.param(b"time = 9:30", "not valid TOML", id="yaml-style-time"),
    pytest.param(
        b'!!python/object/apply:os.system ["touch pwned-marker"]',
        "not valid TOML",
        id="yaml-python-tag",
    ),
    pytest.param(b"a = 1\na = 2", "not valid TOML", id="duplicate-key"),
    pytest.param(b"", "schema", id="empty-file"),
]


@pytest.mark.parametrize(("data", "words"), HOSTILE)
def test_hostile_input_is_refused_cleanly(data: bytes, words: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_protocol(data, "hostile.toml")
    assert str(info.value).startswith("hostile.toml")
    assert words in str(info.value)


def test_deep_nesting_really_exercises_the_recursion_guard() -> None:
    """The 2,000-deep case makes tomllib itself raise RecursionError; the parser must not."""
    deep = "a = " + "[" * 2000 + "]" * 2000
    with pytest.raises(RecursionError):
        tomllib.loads(deep)
    with pytest.raises(TemplateError, match="nested"):
        parse_protocol(deep.encode(), "deep.toml")


def test_yaml_tag_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError):
        parse_protocol(b'x = !!python/object/apply:os.system ["touch pwned-marker"]', "y.toml")
    assert not (tmp_path / "pwned-marker").exists()


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(MAX_TEMPLATE_BYTES + 1, id="256KB-plus-1"),
        pytest.param(10 * 1024 * 1024, id="10MB"),
    ],
)
def test_oversized_file_is_refused_before_parsing(minimal_text: str, size: int) -> None:
    data = minimal_text.encode()
    data += b"#" * (size - len(data))
    assert len(data) == size
    with pytest.raises(TemplateError, match=r"limited to 256 KB") as info:
        parse_protocol(data, "big.toml")
    assert str(info.value).startswith("big.toml")


def test_file_just_under_the_limit_parses(minimal_text: str) -> None:
    data = minimal_text.encode()
    data += b"#" * (MAX_TEMPLATE_BYTES - len(data))
    assert parse_protocol(data, FILE).id == "test-minimal"


# --- checksum -------------------------------------------------------------------------------


def test_checksum_is_sha256_of_the_bytes(minimal_text: str) -> None:
    data = minimal_text.encode()
    assert parse_protocol(data, FILE).checksum == hashlib.sha256(data).hexdigest()


def test_checksum_changes_when_one_byte_changes(minimal_text: str) -> None:
    data = minimal_text.encode()
    changed = _mutate(minimal_text, "amount = 200", "amount = 201")
    assert len(changed) == len(data)
    assert sum(a != b for a, b in zip(data, changed, strict=True)) == 1
    first = parse_protocol(data, FILE)
    second = parse_protocol(changed, FILE)
    assert first.checksum != second.checksum
    assert parse_protocol(data, FILE).checksum == first.checksum


# --- local templates folder -------------------------------------------------------------------


def _write(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def test_local_folder_returns_good_templates_and_errors_for_bad(
    tmp_path: Path,
    minimal_text: str,
) -> None:
    shutil.copy(DATA / "local-extra.toml", tmp_path / "a-extra.toml")
    shutil.copy(DATA / "broken-syntax.toml", tmp_path / "b-broken.toml")
    _write(tmp_path, "c-bad-day.toml", _mutate(minimal_text, "day = -2\n", 'day = "x"\n'))
    _write(tmp_path, "d-good.toml", minimal_text.encode())
    _write(tmp_path, "e-same-id.toml", minimal_text.encode())
    _write(tmp_path, "f-big.toml", b"#" * (MAX_TEMPLATE_BYTES + 1))
    _write(tmp_path, "notes.txt", b"not a template")

    found, errors = load_local_protocols(tmp_path)

    assert sorted(found) == ["local-extra", "test-minimal"]
    assert all(p.origin == "local" for p in found.values())
    assert found["local-extra"].review_status == "locally approved"
    assert found["test-minimal"].path == "d-good.toml"
    by_file = {e.file: e for e in errors}
    assert sorted(by_file) == ["b-broken.toml", "c-bad-day.toml", "e-same-id.toml", "f-big.toml"]
    assert "not valid TOML" in str(by_file["b-broken.toml"])
    assert (by_file["c-bad-day.toml"].step, by_file["c-bad-day.toml"].field) == ("melphalan", "day")
    assert by_file["e-same-id.toml"].field == "id"
    assert "256 KB" in str(by_file["f-big.toml"])


def test_missing_local_folder_is_empty(tmp_path: Path) -> None:
    assert load_local_protocols(tmp_path / "absent") == ({}, [])


def test_all_protocols_flags_a_local_id_that_repeats_a_bundled_id(
    tmp_path: Path,
    minimal_text: str,
) -> None:
    bundled = load_protocols()
    _write(
        tmp_path, "mine.toml", _mutate(minimal_text, 'id = "test-minimal"', 'id = "mel200-auto"')
    )
    shutil.copy(DATA / "local-extra.toml", tmp_path / "extra.toml")

    merged, errors = all_protocols(tmp_path)

    assert len(errors) == 1
    assert errors[0].file == "mine.toml"
    assert errors[0].field == "id"
    assert "repeats a bundled" in str(errors[0])
    assert merged["mel200-auto"].origin == "bundled"
    assert merged["mel200-auto"].checksum == bundled["mel200-auto"].checksum
    assert merged["local-extra"].origin == "local"
    assert set(merged) == set(bundled) | {"local-extra"}


def test_all_protocols_without_local_folder(tmp_path: Path) -> None:
    merged, errors = all_protocols(None)
    assert errors == []
    assert set(merged) == set(load_protocols())


def test_get_protocol_unknown_id_lists_known_ids() -> None:
    protocols = load_protocols()
    assert get_protocol(protocols, "mel200-auto").id == "mel200-auto"
    with pytest.raises(UnknownTemplateError, match=r"no template 'mel999'.*mel200-auto"):
        get_protocol(protocols, "mel999")


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        pytest.param('per = "m2", ', "", "per", "required", id="dose-without-basis"),
        pytest.param(
            'unit = "mg"', 'unit = "mg/m2"', "dose.unit", "not one of", id="compound-unit"
        ),
    ],
)
def test_dose_basis_is_explicit(
    minimal_text: str, old: str, new: str, field: str, words: str
) -> None:
    assert old in minimal_text
    with pytest.raises(TemplateError) as err:
        parse_protocol(minimal_text.replace(old, new, 1).encode(), "minimal.toml")
    assert err.value.field == field
    assert words in str(err.value)
