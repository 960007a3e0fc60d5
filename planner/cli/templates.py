"""``transplant-planner templates``: protocol templates to and from FHIR PlanDefinition.

    transplant-planner templates export-fhir ID --out FILE.json [--overwrite]
    transplant-planner templates import-fhir FILE.json [--overwrite]

An export writes the template (bundled or local) as a FHIR R4 PlanDefinition. An import
reads one, checks it as a template file is checked, and saves it as ``<id>.toml`` in the
centre's templates folder, where the app and ``protocols`` find it; an id the bundled
templates already use is refused (a local template may not stand in for a bundled one),
and an existing file is replaced only with ``--overwrite``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.cli.choose import RefusedError, check_writable_folder
from planner.domain.templates import all_protocols, load_local_protocols, load_protocols
from planner.export.atomic import TargetExistsError, export_target, write_atomically
from planner.export.plandefinition import (
    MAX_PLAN_DEFINITION_BYTES,
    plan_definition_json,
    protocol_from_plan_definition,
    protocol_of_plan_definition,
)


def _export(args: argparse.Namespace, folder: Path) -> str:
    protocols, _ = all_protocols(folder if folder.is_dir() else None)
    protocol = protocols.get(args.id)
    if protocol is None:
        raise RefusedError(f"No template has the id {args.id}; `protocols` lists them.")
    out = Path(args.out).expanduser()
    check_writable_folder(out.parent, "--out")
    data = plan_definition_json(protocol)
    target = export_target(out.parent, out.name)
    write_atomically(target, lambda stream: stream.write(data), overwrite=args.overwrite)
    return f"Wrote template {protocol.id} as a FHIR PlanDefinition to {target}."


def _import(args: argparse.Namespace, folder: Path) -> str:
    source = Path(args.file).expanduser()
    try:
        if source.stat().st_size > MAX_PLAN_DEFINITION_BYTES:
            raise RefusedError(f"{source.name} is too big for a PlanDefinition.")
        data = source.read_bytes()
    except OSError as exc:
        raise RefusedError(f"Cannot read {source.name}: {exc.strerror or exc}.") from None
    text = protocol_from_plan_definition(data, source.name)
    protocol = protocol_of_plan_definition(data, source.name)
    if protocol.id in load_protocols():
        raise RefusedError(
            f"Template {protocol.id} is a bundled template, already available; to keep a "
            "local variant, give it another id in the PlanDefinition."
        )
    folder.mkdir(parents=True, exist_ok=True)
    target = export_target(folder, f"{protocol.id}.toml")
    _refuse_id_of_another_file(folder, protocol.id, target)
    encoded = text.encode("utf-8")
    write_atomically(target, lambda stream: stream.write(encoded), overwrite=args.overwrite)
    return f"Imported template {protocol.id} ({protocol.title}) to {target}."


def _refuse_id_of_another_file(folder: Path, template_id: str, target: Path) -> None:
    """A local template of the same id in a file of another name: the import would make
    two templates of one id (neither would load as the centre meant)."""
    local, _ = load_local_protocols(folder)
    found = local.get(template_id)
    if found is not None and Path(found.path).name != target.name:
        raise RefusedError(
            f"Template {template_id} is already the centre's, in {Path(found.path).name}; "
            "change that file, or give the PlanDefinition another id."
        )


def run_templates(args: argparse.Namespace, folder: Path) -> str:
    """Run ``templates export-fhir|import-fhir``; ``folder`` is the centre's templates
    folder. Returns the text to print.

    Raises:
        RefusedError, PlannerError (a TemplateError names the element): a mistake in the request (one sentence, exit 2);
            nothing was written.
    """
    try:
        if args.what == "export-fhir":
            return _export(args, folder)
        return _import(args, folder)
    except TargetExistsError as exc:
        raise RefusedError(
            f"{exc.path.name} already exists; add --overwrite to replace it, or choose "
            "another name."
        ) from None
