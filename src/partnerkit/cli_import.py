"""Command line of `partnerkit import FILE`: options, reading, the plan's report, the dry run's diff, writing.

Part of the command-line layer: the spreadsheet is read by sheetload, the rows are planned by importplan (pure),
the planned files are checked with the real checker together with the rest of the content, and only then
written, all of them in one atomic swap of content/partners/ (write.replace_folder_files).
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .importmap import Mapping, parse_mapping
from .importplan import PARTNER_FOLDER, Plan, all_problems, plan_import
from .load import Content, load_content, parse_document
from .messages import ContentError, format_message
from .project import Project, pause_collector
from .sheetload import SheetError, open_table
from .validate import FileCheck, check_file, toolbox_from_checks
from .write import OutputError, replace_folder_files

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
MAX_MAPPING_BYTES = 256 * 1024
# Rows listed per outcome; the counts are always complete and every problem is always shown.
LISTED_ROWS = 50
Say = Callable[[str], None]


def add_import_options(parser: argparse.ArgumentParser, lang: str) -> None:
    """Add the options of `import`."""
    group = parser.add_argument_group(format_message("import_group", lang))
    group.add_argument("--mapping", type=Path, default=None, metavar=format_message("import_metavar_file", lang),
                       help=format_message("import_help_mapping", lang))
    group.add_argument("--sheet", default=None, metavar=format_message("import_metavar_sheet", lang),
                       help=format_message("import_help_sheet", lang))
    group.add_argument("--dry-run", action="store_true", help=format_message("import_help_dry_run", lang))
    group.add_argument("--skip-bad-rows", action="store_true", help=format_message("import_help_skip", lang))


def _out(text: str) -> None:
    print(text, flush=True)


def run_import(args: argparse.Namespace, project: Project, say: Say, today: date | None = None) -> int:
    """Import a spreadsheet's rows into content/partners/; return the exit code."""
    lang = args.lang
    if not args.target:
        say(format_message("import_what", lang))
        return EXIT_USAGE
    mapping = Mapping()
    if args.mapping is not None:
        shown_mapping = str(args.mapping)
        try:
            data = args.mapping.read_bytes()[: MAX_MAPPING_BYTES + 1]
        except OSError as error:
            say(format_message("import_cannot_read", lang, path=shown_mapping, detail=error.strerror or str(error)))
            return EXIT_CONTENT
        mapping, problems = parse_mapping(data, shown_mapping)
        if problems:
            for problem in problems:
                _out(problem.render(lang))
            say(format_message("import_nothing_written", lang))
            return EXIT_CONTENT
    source = Path(args.target)
    try:
        table = open_table(source, str(args.target), args.sheet or mapping.sheet)
    except SheetError as error:
        _out(error.render(lang))
        say(format_message("import_nothing_written", lang))
        return EXIT_CONTENT
    say(format_message("cli_checking", lang, path=project.content_dir))
    with pause_collector():
        content = load_content(project.content_dir, project.root, lang)
        checks = [check_file(document, lang, content.attachments) for document in content.documents]
        toolbox = toolbox_from_checks(checks, content, lang)  # ContentError: the content must pass check first
    if table.kind == "xlsx":
        say(format_message("import_reading_sheet", lang, path=table.shown, sheet=table.sheet,
                           others=", ".join(table.other_sheets) or "-"))
    else:
        say(format_message("import_reading", lang, path=table.shown))

    def read_text(path: str) -> str:
        return (project.root / path).read_text(encoding="utf-8")

    plan = plan_import(table, mapping, toolbox, read_text, today or date.today(), lang)
    if table.kind == "csv":
        say(format_message("import_csv_read_as", lang, encoding=_encoding_name(table.encoding),
                           delimiter=table.delimiter.replace("\t", "\\t")))
    for problem in all_problems(plan):
        _out(problem.render(lang))
    _report(plan, lang)
    if plan.problems or (plan.blocked and not args.skip_bad_rows):
        say(format_message("import_nothing_written_rows" if not plan.problems else "import_nothing_written", lang))
        return EXIT_CONTENT
    problems = _check_planned(plan, content, checks, lang)
    if problems:
        for line in problems:
            _out(line)
        say(format_message("import_check_failed", lang))
        return EXIT_CONTENT
    if args.dry_run:
        for path in sorted(plan.files):
            _out(render_diff(path, plan.originals[path], plan.files[path]).rstrip("\n"))
        say(format_message("import_dry_run", lang, count=len(plan.files)))
        return EXIT_CONTENT if plan.blocked else EXIT_OK
    if plan.files:
        folder = project.root / PARTNER_FOLDER
        try:
            replace_folder_files(
                folder,
                {Path(path).name: text.encode("utf-8") for path, text in plan.files.items()},
                {Path(path).name: None if old is None else old.encode("utf-8") for path, old in plan.originals.items()},
            )
        except OutputError as error:
            say(error.render(lang))
            say(format_message("import_nothing_written", lang))
            return EXIT_USAGE
        except OSError as error:
            say(format_message("out_os", lang, detail=error))
            say(format_message("import_nothing_written", lang))
            return EXIT_USAGE
    skipped = plan.count("bad") + plan.count("conflict")
    say(format_message("import_written", lang, count=len(plan.files), skipped=skipped))
    if plan.files:
        say(format_message("new_check_next", lang))
    return EXIT_OK


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}.get(
        encoding, encoding)


def _report(plan: Plan, lang: str) -> None:
    counts = {outcome: plan.count(outcome) for outcome in ("new", "updated", "unchanged", "conflict", "bad")}
    _out(format_message("import_counts", lang, **counts))
    for outcome in ("new", "updated", "unchanged", "conflict", "bad"):
        rows = [r for r in plan.results if r.outcome == outcome]
        if not rows:
            continue
        _out(format_message(f"import_list_{outcome}", lang, count=len(rows)))
        for result in rows[:LISTED_ROWS]:
            if outcome == "updated":
                _out(format_message("import_row_updated", lang, row=result.row, name=result.name,
                                    path=result.path, fields=", ".join(result.fields)))
            elif result.path:
                _out(format_message("import_row_path", lang, row=result.row, name=result.name, path=result.path))
            else:
                _out(format_message("import_row", lang, row=result.row, name=result.name or "-"))
        if len(rows) > LISTED_ROWS:
            _out(format_message("import_more_rows", lang, count=len(rows) - LISTED_ROWS))


def render_diff(path: str, before: str | None, after: str) -> str:
    """Return the unified diff of one planned file (a new file is compared with /dev/null)."""
    old = before.splitlines(keepends=True) if before is not None else []
    lines = difflib.unified_diff(old, after.splitlines(keepends=True),
                                 fromfile=f"a/{path}" if before is not None else "/dev/null", tofile=f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _check_planned(plan: Plan, content: Content, checks: list[FileCheck], lang: str) -> list[str]:
    """Return the checker's problems in the content as it would be after the import (empty: it passes check)."""
    planned: list[FileCheck] = [check for check in checks if check.path not in plan.files]
    problems: list[str] = []
    for path, text in sorted(plan.files.items()):
        document, found = parse_document(text.encode("utf-8"), path, "partner", lang)
        problems.extend(p.render(lang) for p in found)
        if document is not None:
            planned.append(check_file(document, lang, content.attachments))
    if problems:
        return problems
    try:
        toolbox_from_checks(planned, content, lang)
    except ContentError as error:
        return [p.render(lang) for p in error.problems]
    return []

