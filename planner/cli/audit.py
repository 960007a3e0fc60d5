"""``transplant-planner audit``: the audit trail on the terminal, as JSON or as a file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from planner.app.audit_view import (
    AuditLine,
    AuditPage,
    audit_page,
    export_name,
    one_line,
    patient_of_mrn,
    save_audit_export,
)
from planner.app.audited_output import patients_phrase, record_output
from planner.app.context import Context
from planner.cli.parser import UserError, parse_date
from planner.records.audit_query import AuditQuery, local_day_bounds
from planner.records.ports import Repository

# The most rows one command reads (the trail of a busy programme holds millions).
MOST_ROWS = 100_000
# Before and after are cut to this many characters on the terminal (JSON and files
# keep them whole).
SHOWN_CHARS = 60


def audit_query(repo: Repository, ctx: Context, args: argparse.Namespace) -> AuditQuery:
    """The query the command line asks for.

    Raises:
        UserError: a malformed date or limit, or days in the wrong order.
        ValidationError: an MRN no patient has.
    """
    first = parse_date(args.since, "--since") if args.since else None
    last = parse_date(args.until, "--until") if args.until else None
    if first is not None and last is not None and last < first:
        raise UserError(f"--until {last} is before --since {first}.")
    since, until = local_day_bounds(first, last)  # this computer's days
    try:
        limit = int(args.limit)
    except ValueError:
        raise UserError(f"--limit '{args.limit}' is not a whole number.") from None
    if not 1 <= limit <= MOST_ROWS:
        raise UserError(f"--limit {limit} is outside 1 to {MOST_ROWS:,}.")
    return AuditQuery(
        patient_id=patient_of_mrn(repo, args.patient) if args.patient else None,
        user=(args.user or "").strip(),
        since=since,
        until=until,
        action=(args.action or "").strip(),
        limit=limit,
    )


def run_audit(repo: Repository, ctx: Context, args: argparse.Namespace) -> str:
    """The command's output (the rows, or the sentence saying where the file went)."""
    page = audit_page(repo, audit_query(repo, ctx, args))
    if args.out:
        path = Path(args.out)
        if path.is_dir():
            path = path / export_name("csv", ctx.now.date())
        target = save_audit_export(repo, ctx, page, path, overwrite=False).path
        return f"Wrote {len(page.lines)} audit rows to {target}.{_more(page)}"
    if args.json:
        if page.lines:
            record_output(
                repo,
                ctx,
                f"Export audit trail as JSON ({len(page.lines)} rows, "
                f"{patients_phrase(page.patient_ids)})",
                outcome="The audit trail was not exported",
                what="the export",
                patient_id=page.query.patient_id,
            )
        return json.dumps([x.as_json() for x in page.lines], ensure_ascii=False, indent=2)
    if not page.lines:
        return "No audit row matches."
    return "\n".join(_text_line(x) for x in page.lines) + _more(page, "\n")


def _more(page: AuditPage, sep: str = " ") -> str:
    if not page.more:
        return ""
    return (
        f"{sep}These are the newest {len(page.lines)} rows; narrow the filters "
        "(or raise --limit) for older ones."
    )


def _text_line(x: AuditLine) -> str:
    head = (
        f"{x.at.isoformat(sep=' ', timespec='minutes')}  {x.user}@{x.workstation}  "
        f"{x.action}  {x.mrn or '-'}"
    )
    if x.what == "event":
        return head
    before, after, why = (one_line(v, SHOWN_CHARS, "...") for v in (x.before, x.after, x.reason))
    change = f"{x.what}: {before or '(none)'} -> {after or '(none)'}"
    reason = f" (reason: {why})" if why else ""
    return f"{head}\n    {change}{reason}"
