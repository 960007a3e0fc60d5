"""The patient handout PDF: content, languages, large print, no-identifier variant."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.domain.assets import resource
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Plan
from planner.errors import PlannerError, ValidationError
from planner.export.handout import HandoutInfo, times_a_day, write_handout
from planner.export.names import default_file_name

TODAY = dt.date(2026, 3, 10)
SETTINGS = ClinicSettings(
    centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100", fever_threshold_c=38.0
)


@pytest.fixture(scope="module")
def clinic() -> list[tuple[Patient, Transplant, Plan]]:
    return build_demo_clinic(TODAY)


def render(case: tuple[Patient, Transplant, Plan], **kw: object) -> tuple[bytes, HandoutInfo]:
    patient, transplant, plan = case
    out = io.BytesIO()
    info = write_handout(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=kw.pop("settings", SETTINGS),
        printed_on=TODAY,
        plan_version=3,
        **kw,
    )  # type: ignore[arg-type]
    return out.getvalue(), info


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def font_sizes(pdf: bytes) -> list[float]:
    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        data = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        sizes += [float(s) for s in re.findall(r"/F\d+\+?\d* ([\d.]+) Tf", data)]
    return sizes


def test_english_handout_has_calendar_contacts_and_threshold(clinic) -> None:
    pdf, info = render(clinic[4])  # Petrova, Day -3 today, allogeneic
    text = text_of(pdf)
    for label in ("Day -6", "Day 0", "Day +12", "Day +100"):
        assert label in text
    assert "Your transplant calendar" in text
    assert "Friday, 13 March 2026" in text  # Day 0 on the cover, written by Babel (en_GB)
    assert "+1 555 0100" in text
    assert "38.0 °C (100.4 °F)" in text
    assert "What to expect" in text and "Medicines to protect your new stem cells" in text
    assert "When to call us" in text and "Safe food" in text
    assert "Your new vaccines" in text and "Medicine sheet for your caregiver" in text
    assert "Plan version 3" in text and "10 Mar 2026" in text
    assert f"Page 1 of {info.pages}" in text
    assert "Иванна Petrova" in text
    assert info.missing_glyphs == () and info.untranslated_steps == ()
    assert info.base_font_size < 16


def test_threshold_comes_from_settings(clinic) -> None:
    settings = ClinicSettings(centre_name="C", phone_24h="1", fever_threshold_c=37.8)
    text = text_of(render(clinic[4], settings=settings)[0])
    assert "37.8 °C (100.0 °F)" in text


def test_spanish_handout_uses_spanish_texts(clinic) -> None:
    pdf, info = render(clinic[2], language="es")  # Moreno, Spanish-speaking
    text = text_of(pdf)
    for label in (
        "Día -6",
        "Día 0",
        "Día +12",
        "Su calendario de trasplante",
        "Cuándo llamarnos",
        "Comida segura",
        "Hoja de medicinas para su cuidador",
        "Página 1 de",
    ):
        assert label in text
    assert "38,0 °C (100,4 °F)" in text
    assert "When to call us" not in text and "Day +12" not in text
    assert info.untranslated_steps == ()
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "es"


def test_untranslated_step_is_reported_not_hidden(clinic, tmp_path) -> None:
    # A centre's added language without step wording: every step is reported.
    english = resource("handouts", "en", "handout.toml").read_text("utf-8")
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "handout.toml").write_text(
        english.replace('locale = "en_GB"', 'locale = "fr_FR"'), encoding="utf-8"
    )
    settings = replace(SETTINGS, handout_texts=str(tmp_path))
    _, info = render(clinic[4], language="fr", settings=settings)
    assert info.untranslated_steps
    assert all("/" in s for s in info.untranslated_steps)
    assert not render(clinic[4], language="es")[1].untranslated_steps


def test_unknown_language_lists_available(clinic) -> None:
    with pytest.raises(PlannerError, match="available: en, es"):
        render(clinic[4], language="fr")


def test_large_print_uses_16_pt_everywhere(clinic) -> None:
    pdf, info = render(clinic[2], language="es", large_print=True)
    sizes = font_sizes(pdf)
    assert info.large_print and info.base_font_size >= 16
    assert sizes and min(sizes) >= 16
    normal_sizes = font_sizes(render(clinic[2], language="es")[0])
    assert min(normal_sizes) < 16


def test_no_phi_variant_has_no_identifiers(clinic) -> None:
    patient = clinic[4][0]
    pdf, info = render(clinic[4], no_phi=True)
    reader = PdfReader(io.BytesIO(pdf))
    text = text_of(pdf)
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    outline = str(reader.outline)
    dob = patient.date_of_birth
    for value in (
        patient.family_name,
        patient.given_name,
        patient.mrn,
        dob.isoformat(),
        f"1 January {dob.year}",
    ):
        assert value not in text
        assert value not in meta
        assert value not in outline
        assert value.encode() not in pdf
    assert "Write your name here" in text
    assert info.no_phi


def test_identified_handout_keeps_identifiers_out_of_metadata(clinic) -> None:
    patient = clinic[4][0]
    reader = PdfReader(io.BytesIO(render(clinic[4])[0]))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert patient.family_name not in meta and patient.mrn not in meta
    assert reader.metadata is not None
    assert reader.metadata.title == "Your transplant guide"
    assert reader.metadata.author == "Riverside Transplant Centre"
    assert reader.metadata.subject


def test_bookmarks_name_the_sections(clinic) -> None:
    reader = PdfReader(io.BytesIO(render(clinic[4])[0]))
    titles = [o.title for o in reader.outline if not isinstance(o, list)]  # type: ignore[union-attr]
    assert {"Your transplant calendar", "What to expect", "When to call us"} <= set(titles)


def test_same_inputs_give_identical_bytes(clinic) -> None:
    assert render(clinic[2], language="es")[0] == render(clinic[2], language="es")[0]
    assert render(clinic[4], large_print=True)[0] == render(clinic[4], large_print=True)[0]


def test_missing_phone_asks_to_write_it_on_a_line_on_page_one(clinic) -> None:
    pdf = render(clinic[4], settings=ClinicSettings(centre_name="C"))[0]
    first = PdfReader(io.BytesIO(pdf)).pages[0]
    text = " ".join(first.extract_text().split())
    assert "When to call us" in text
    assert "Write the 24-hour phone number on this line:" in text
    stream = first.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    assert re.search(r"[\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S", stream), "no line to write on"


@pytest.mark.parametrize(
    ("frequency", "count"),
    [
        ("once daily", 1),
        ("every 12 hours", 2),
        ("twice daily", 2),
        ("every 8 hours", 3),
        ("every 6 hours", 4),
        ("", 1),
    ],
)
def test_times_a_day(frequency: str, count: int) -> None:
    assert times_a_day(frequency) == count


def test_default_file_name_has_no_patient_data() -> None:
    assert default_file_name("handout", TODAY, "1a2b") == "handout_2026-03-10_1a2b.pdf"
    with pytest.raises(ValidationError):
        default_file_name("letter", TODAY, "1a2b")
    with pytest.raises(ValidationError):
        default_file_name("summary", TODAY, "../x")


def test_crowded_calendar_cells_say_how_many_more_in_words():
    import datetime as _dt
    import io as _io

    from pypdf import PdfReader as _Reader

    from planner.app.demo import build_demo_clinic
    from planner.domain.patients import ClinicSettings
    from planner.export.handout import write_handout

    today = _dt.date(2026, 3, 10)
    patient, transplant, plan = next(c for c in build_demo_clinic(today) if c[0].mrn == "DEMO-0003")
    out = _io.BytesIO()
    write_handout(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=ClinicSettings(),
        printed_on=today,
        plan_version=1,
        language="es",
    )
    text = " ".join(" ".join(p.extract_text().split()) for p in _Reader(out).pages)
    assert "más: vea la lista de cada día" in text
    assert "(+1)" not in text and "(+2)" not in text


def test_a_centre_template_keeps_its_own_wording_for_a_bundled_step_id(clinic) -> None:
    patient, transplant, plan = clinic[2]  # Moreno: admission for conditioning ahead
    assert any(s.id.endswith("/admission") for s in plan.steps)
    own = tuple(
        replace(
            s,
            id="riverside-mel/admission",
            template_id="riverside-mel",
            title="Ward 9",
            patient_text="Come to Ward 9 at ten.",
        )
        if s.id.endswith("/admission")
        else s
        for s in plan.steps
    )
    text = text_of(render((patient, transplant, replace(plan, steps=own)), large_print=True)[0])
    assert "Come to Ward 9 at ten." in text
