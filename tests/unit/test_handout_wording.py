"""Step wording of every bundled template in every bundled language, and a centre's own
handout languages and rewordings (validated like templates, never half loaded)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from planner.app.demo import build_demo_clinic
from planner.domain.assets import resource
from planner.domain.patients import ClinicSettings
from planner.domain.templates import Protocol, StepKind, StepTemplate, load_protocols
from planner.errors import PlannerError
from planner.export.handout import HandoutInfo, write_handout
from planner.export.texts import (
    REFERENCE_LANGUAGE,
    SHORT_MAX_CHARS,
    available_languages,
    centre_text_errors,
    load_texts,
)

TODAY = dt.date(2026, 3, 10)
BUNDLED = ("en", "es")
# Spanish generic names (DCI) of the drugs the bundled templates give, as the Spanish
# wording must name them; vaccines are named by the illness they prevent instead.
SPANISH_NAMES = {
    "aciclovir": "aciclovir",
    "anti-T-lymphocyte globulin (Grafalon)": "globulina anti-linfocitos T",
    "anti-thymocyte globulin (rabbit)": "globulina antitimocítica",
    "busulfan": "busulfano",
    "carmustine": "carmustina",
    "ciclosporin": "ciclosporina",
    "clonazepam": "clonazepam",
    "cyclophosphamide": "ciclofosfamida",
    "cytarabine": "citarabina",
    "entecavir": "entecavir",
    "etoposide": "etopósido",
    "filgrastim": "filgrastim",
    "fluconazole": "fluconazol",
    "fludarabine": "fludarabina",
    "letermovir": "letermovir",
    "levetiracetam": "levetiracetam",
    "levofloxacin": "levofloxacino",
    "melphalan": "melfalán",
    "mesna": "mesna",
    "methotrexate": "metotrexato",
    "methylprednisolone": "metilprednisolona",
    "mycophenolate mofetil": "micofenolato",
    "plerixafor": "plerixafor",
    "tacrolimus": "tacrolimus",
    "thiotepa": "tiotepa",
    "treosulfan": "treosulfán",
    "trimethoprim-sulfamethoxazole": "cotrimoxazol",
    "ursodeoxycholic acid": "ácido ursodesoxicólico",
}
# The English name a patient sees where it differs from the template's drug field.
ENGLISH_NAMES = {
    "anti-T-lymphocyte globulin (Grafalon)": "anti-T-lymphocyte globulin",
    "anti-thymocyte globulin (rabbit)": "anti-thymocyte globulin",
    "mycophenolate mofetil": "mycophenolate",
    "trimethoprim-sulfamethoxazole": "co-trimoxazole",
}


def patient_steps() -> list[tuple[Protocol, StepTemplate]]:
    """Every step a patient sees, of every bundled template (registry forms never)."""
    return [
        (proto, step)
        for proto in load_protocols().values()
        for step in proto.steps
        if step.kind is not StepKind.REGISTRY_FORM
    ]


def test_the_bundled_languages_are_english_and_spanish() -> None:
    assert available_languages() == BUNDLED


@pytest.mark.parametrize("lang", BUNDLED)
def test_every_patient_step_has_wording(lang: str) -> None:
    texts = load_texts(lang)
    missing = [f"{p.id}/{s.id}" for p, s in patient_steps() if texts.step(f"{p.id}/{s.id}") is None]
    assert missing == []


@pytest.mark.parametrize("lang", BUNDLED)
def test_every_step_key_names_a_template_step(lang: str) -> None:
    protocols = load_protocols()
    step_ids = {s.id for _, s in patient_steps()}
    orphans = []
    for key in load_texts(lang).step_keys():
        template, _, step = key.rpartition("/")
        if not template:
            ok = step in step_ids
        else:
            proto = protocols.get(template)
            ok = proto is not None and any(
                s.id == step and s.kind is not StepKind.REGISTRY_FORM for s in proto.steps
            )
        if not ok:
            orphans.append(key)
    assert orphans == []


def test_every_language_words_the_same_steps_as_english() -> None:
    english = set(load_texts(REFERENCE_LANGUAGE).step_keys())
    for lang in BUNDLED:
        assert set(load_texts(lang).step_keys()) == english, lang


def test_a_bare_key_is_used_only_where_the_step_means_the_same_everywhere() -> None:
    """A bare step id covers every template with that step; their English must agree."""
    texts = load_texts(REFERENCE_LANGUAGE)
    keys = set(texts.step_keys())
    by_step: dict[str, set[str]] = {}
    for proto, step in patient_steps():
        if f"{proto.id}/{step.id}" not in keys:
            by_step.setdefault(step.id, set()).add(step.patient_text)
    differing = sorted(sid for sid, wordings in by_step.items() if len(wordings) > 1)
    assert differing == []


def test_english_text_is_the_templates_patient_text() -> None:
    """One English wording per step: the handout's and the template's patient_text."""
    texts = load_texts(REFERENCE_LANGUAGE)
    differ = []
    for proto, step in patient_steps():
        found = texts.step(f"{proto.id}/{step.id}")
        if found is None or found.text != step.patient_text:
            differ.append(f"{proto.id}/{step.id}")
    assert differ == []


@pytest.mark.parametrize("lang", BUNDLED)
def test_shorts_fit_a_calendar_cell_and_texts_are_sentences(lang: str) -> None:
    texts = load_texts(lang)
    for key in texts.step_keys():
        found = texts.step(key)
        assert found is not None
        assert 0 < len(found.short) <= SHORT_MAX_CHARS, (key, found.short)
        assert found.text.endswith("."), (key, found.text)
        assert not found.text.startswith(found.short)  # a text says more than the cell


@pytest.mark.parametrize("lang", BUNDLED)
def test_medicines_are_named_by_their_generic_names(lang: str) -> None:
    texts = load_texts(lang)
    unnamed = []
    for proto, step in patient_steps():
        if step.kind is not StepKind.MEDICATION or not step.drug or "vaccine" in step.drug:
            continue
        found = texts.step(f"{proto.id}/{step.id}")
        assert found is not None
        names = SPANISH_NAMES if lang == "es" else ENGLISH_NAMES
        name = names.get(step.drug, step.drug)
        # The short names it too: the medicine sheet's name column shows the short.
        for wording in (found.short, found.text):
            if name.lower() not in wording.lower():
                unnamed.append(f"{proto.id}/{step.id}: {wording}")
    assert unnamed == []


# --- a centre's own languages and rewordings --------------------------------------------------


def write(folder: Path, lang: str, name: str, text: str) -> Path:
    path = folder / lang / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def french(folder: Path, **replace: str) -> Path:
    """A French handout.toml: the English one with its locale and a few texts changed."""
    text = resource("handouts", "en", "handout.toml").read_text("utf-8")
    changes = {
        'locale = "en_GB"': 'locale = "fr_FR"',
        'heading = "Your transplant guide"': 'heading = "Votre guide de greffe"',
        'day_label = "Day {n}"': 'day_label = "Jour {n}"',
        **replace,
    }
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return write(folder, "fr", "handout.toml", text)


def test_bundled_spanish_passes_the_centre_checks(tmp_path: Path) -> None:
    """The bundled files obey the rules a centre's files are held to (placeholders too)."""
    for lang in ("es", "en"):
        for name in ("handout.toml", "steps.toml"):
            source = resource("handouts", lang, name)
            write(tmp_path, lang, name, source.read_text("utf-8"))
    assert centre_text_errors(tmp_path) == ()


def test_a_centre_adds_a_language(tmp_path: Path) -> None:
    french(tmp_path)
    assert available_languages(tmp_path) == ("en", "es", "fr")
    assert available_languages() == BUNDLED
    texts = load_texts("fr", tmp_path)
    assert texts.get("cover.heading") == "Votre guide de greffe"
    assert texts.day_label(-3) == "Jour -3"
    assert texts.date(dt.date(2026, 3, 13)) == "vendredi 13 mars 2026"
    assert texts.step("beam-auto/carmustine") is None  # no steps.toml: reported untranslated


Render = Callable[[Path, str], tuple[str, HandoutInfo, bytes]]


@pytest.fixture
def render() -> Render:
    """Write a demo patient's handout (beam-auto) with the texts of a centre folder."""
    clinic = build_demo_clinic(TODAY)

    def run(folder: Path, language: str) -> tuple[str, HandoutInfo, bytes]:
        patient, transplant, plan = clinic[2]
        out = io.BytesIO()
        info = write_handout(
            out,
            patient=patient,
            transplant=transplant,
            plan=plan,
            settings=ClinicSettings(
                centre_name="C", phone_24h="+1 555 0100", handout_texts=str(folder)
            ),
            printed_on=TODAY,
            plan_version=1,
            language=language,
        )
        pdf = out.getvalue()
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        return re.sub(r"\s+", " ", text), info, pdf

    return run


def test_an_added_language_renders_a_handout(tmp_path: Path, render: Render) -> None:
    french(tmp_path)
    write(
        tmp_path,
        "fr",
        "steps.toml",
        '[admission]\nshort = "Entrée à l\'hôpital"\ntext = "Vous entrez à l\'hôpital."\n',
    )
    text, info, pdf = render(tmp_path, "fr")
    assert "Votre guide de greffe" in text and "Jour 0" in text
    assert "mars 2026" in text  # month names from Babel for fr_FR
    assert "Entrée à l'hôpital" in text and "Vous entrez à l'hôpital." in text
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert isinstance(root, DictionaryObject) and str(root["/Lang"]) == "fr"
    assert "beam-auto/carmustine" in info.untranslated_steps  # reported, not hidden
    assert "beam-auto/admission" not in info.untranslated_steps


def test_a_reworded_key_appears_in_the_pdf(tmp_path: Path, render: Render) -> None:
    write(tmp_path, "en", "handout.toml", '[cover]\nintro = "Riverside wording for this guide."\n')
    write(
        tmp_path,
        "en",
        "steps.toml",
        '[admission]\nshort = "Ward 7 admission"\ntext = "Come to Ward 7 at 10 in the morning."\n'
        # a step of the centre's own template: not a bundled one, so not checked here
        '["riverside-mel-auto/admission"]\nshort = "Ward 9"\ntext = "Come to Ward 9."\n',
    )
    assert centre_text_errors(tmp_path) == ()
    bundled_intro = load_texts("en").get("cover.intro")
    text, _, _ = render(tmp_path, "en")
    assert "Riverside wording for this guide." in text and bundled_intro not in text
    assert "Ward 7 admission" in text and "Come to Ward 7 at 10 in the morning." in text
    assert "Your transplant calendar" in text  # the keys not reworded stay bundled


REFUSALS = [
    # (language, file, content, the key named)
    ("es", "handout.toml", '[cover]\nheadline = "x"\n', "cover.headline"),
    ("es", "handout.toml", '[call]\nsigns = "Llame."\n', "call.signs"),
    ("es", "handout.toml", '[format]\nfooter = "Versión {versión} · {date}"\n', "format.footer"),
    ("es", "handout.toml", '[format]\npage = "Página {page} de {total"\n', "format.page"),
    ("es", "handout.toml", '[format]\nlocale = "xx_YY"\n', "format.locale"),
    ("es", "handout.toml", "[cover\n", "handouts/es/handout.toml"),
    ("es", "steps.toml", '[admission]\nshort = "Ingreso"\n', "admission"),
    ("es", "steps.toml", '[admission]\nshort = "a"\ntext = "b."\nnote = "c"\n', "admission"),
    ("es", "steps.toml", f'[admission]\nshort = "{"x" * 29}"\ntext = "b."\n', "admission"),
    ("es", "steps.toml", '[admission]\nshort = "a"\ntext = "Día {n}."\n', "admission"),
    ("es", "steps.toml", '"Beam/x" = { short = "a", text = "b." }\n', "Beam/x"),
    ("es", "steps.toml", 'admission = "Ingreso"\n', "admission"),
    (
        "es",
        "steps.toml",
        '"beam-auto/busulfan" = { short = "a", text = "b." }\n',
        "beam-auto/busulfan",
    ),
    (
        "es",
        "steps.toml",
        '"follow-up-auto/registry-day100" = { short = "a", text = "b." }\n',
        "follow-up-auto/registry-day100",
    ),
]


@pytest.mark.parametrize(("lang", "name", "content", "key"), REFUSALS)
def test_a_bad_centre_file_is_refused_in_one_sentence(
    tmp_path: Path, lang: str, name: str, content: str, key: str
) -> None:
    write(tmp_path, lang, name, content)
    errors = centre_text_errors(tmp_path)
    assert len(errors) == 1
    message = str(errors[0])
    assert f"handouts/{lang}/{name}" in message and key in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert "bundled 'es' texts are used instead" in message
    assert load_texts("es", tmp_path).get("cover.heading") == load_texts("es").get("cover.heading")
    assert load_texts("es", tmp_path).step("admission") == load_texts("es").step("admission")


def test_a_language_is_never_half_loaded(tmp_path: Path) -> None:
    write(tmp_path, "es", "handout.toml", '[cover]\nheading = "Su guía del centro"\n')
    write(tmp_path, "es", "steps.toml", '[admission]\nshort = "Ingreso"\n')  # no text
    assert len(centre_text_errors(tmp_path)) == 1
    assert load_texts("es", tmp_path).get("cover.heading") == load_texts("es").get("cover.heading")


def test_a_new_language_missing_keys_is_not_offered(tmp_path: Path) -> None:
    write(tmp_path, "fr", "handout.toml", '[cover]\nheading = "Votre guide de greffe"\n')
    (error,) = centre_text_errors(tmp_path)
    assert "handouts/fr/handout.toml" in str(error) and "is missing" in str(error)
    assert "the language 'fr' is not offered" in str(error)
    assert "fr" not in available_languages(tmp_path)
    with pytest.raises(PlannerError, match="available: en, es"):
        load_texts("fr", tmp_path)


def test_a_new_language_with_an_unknown_locale_is_not_offered(tmp_path: Path) -> None:
    french(tmp_path, **{'locale = "fr_FR"': 'locale = "fr_XX_bad"'})
    (error,) = centre_text_errors(tmp_path)
    assert "format.locale" in str(error) and "not a CLDR locale" in str(error)
    assert available_languages(tmp_path) == BUNDLED


def test_a_folder_that_is_not_a_language_code_is_refused(tmp_path: Path) -> None:
    french(tmp_path)
    shutil.move(tmp_path / "fr", tmp_path / "French")
    (error,) = centre_text_errors(tmp_path)
    assert "handouts/French" in str(error) and "not a language code" in str(error)
    assert available_languages(tmp_path) == BUNDLED


def test_a_missing_centre_folder_means_the_bundled_texts(tmp_path: Path) -> None:
    assert centre_text_errors(tmp_path / "none") == ()
    assert available_languages(tmp_path / "none") == BUNDLED
    assert load_texts("es", tmp_path / "none") is load_texts("es")


def test_an_edited_centre_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "en", "handout.toml", '[cover]\nintro = "First wording."\n')
    assert load_texts("en", tmp_path).get("cover.intro") == "First wording."
    path.write_text('[cover]\nintro = "Second, longer wording."\n', encoding="utf-8")
    assert load_texts("en", tmp_path).get("cover.intro") == "Second, longer wording."
    path.write_text('[cover]\nintro = "Third {x}."\n', encoding="utf-8")
    assert load_texts("en", tmp_path).get("cover.intro") == load_texts("en").get("cover.intro")
    assert len(centre_text_errors(tmp_path)) == 1


def test_a_centre_language_without_the_car_t_wording_is_still_offered(tmp_path: Path) -> None:
    """Programme wording is optional: a language written before it existed keeps working,
    and a CAR-T handout in it uses its general texts."""
    path = french(tmp_path)
    text = path.read_text("utf-8")
    cut = text.index("# CAR T-cell therapy:")
    path.write_text(text[:cut], "utf-8")
    assert "[car-t." not in path.read_text("utf-8")
    assert centre_text_errors(tmp_path) == ()
    assert "fr" in available_languages(tmp_path)
    texts = load_texts("fr", tmp_path).for_programme("car-t")
    assert texts.get("cover.heading") == "Votre guide de greffe"
    english = load_texts("en").for_programme("car-t")
    assert english.get("cover.heading") == "Your CAR T-cell therapy guide"
    assert english.get("call.heading") == load_texts("en").get("call.heading")  # not overlaid
