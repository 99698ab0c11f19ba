"""Structural checker for Moodle course backups (.mbz).

CI has no Moodle, so this package opens a course backup and verifies what Moodle 4.5 LTS's restore relies on.
Every rule has a stable id and names the part of Moodle's backup/restore code it mirrors (rules.py), because the
dangerous failures are the silent ones: a restore that reports success but drops activities or files.

Rule groups, run in dependency order: archive (gzip/tar/zip and member paths, then XML parsing), manifest
(moodle_backup.xml), structure (required files, course, sections, module.xml, activity wrappers, sequences),
files (files.xml, blobs, inforef.xml, @@PLUGINFILE@@ links), activities (each module type's own fields), then
links and completion (encoded links, idnumbers and completion criteria name parts of the package).

Usage: ``python -m partnerkit.mbzcheck FILE.mbz`` prints the problems and exits 1, or prints a summary.
"""

from __future__ import annotations

import sys

from . import archive, events, files, links, manifest, structure
from .package import Package, Problem, Summary
from .rules import RULES, Rule

__all__ = ["RULES", "Problem", "Rule", "check", "check_mbz", "main"]


def _run(data: bytes) -> Package:
    pkg = Package(data)
    if not archive.read_archive(pkg):
        return pkg
    archive.parse_all_xml(pkg)
    manifest.check_manifest(pkg)
    structure.check_required_files(pkg)
    structure.check_unlisted_directories(pkg)
    files.load_files(pkg)
    structure.check_course(pkg)
    structure.check_sections(pkg)
    structure.check_activities(pkg)
    structure.check_sequences(pkg)
    files.check_files(pkg)
    links.check_links(pkg)
    links.check_idnumbers(pkg)
    links.check_completion(pkg)
    events.check_calendar(pkg)
    return pkg


def check(data: bytes) -> list[Problem]:
    """Return every problem of a course backup's bytes, each with its rule id (empty list = restorable)."""
    return _run(data).problems


def check_mbz(data: bytes) -> list[str]:
    """Return every problem of a .mbz package as 'path: message [rule id]' lines (empty list = restorable)."""
    return [str(problem) for problem in check(data)]


def _summary_line(summary: Summary) -> str:
    modules = ", ".join(f"{name} {count}" for name, count in sorted(summary.modules.items()))
    activities = sum(summary.modules.values())
    return (f"{summary.sections} sections, {activities} activities ({modules or 'none'}), "
            f"{summary.files} files")


def main(argv: list[str] | None = None) -> int:
    """Command line: check one .mbz file, print problems or a summary, return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m partnerkit.mbzcheck FILE.mbz", file=sys.stderr)
        return 2
    try:
        with open(args[0], "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"{args[0]}: cannot read ({exc.strerror})", file=sys.stderr)
        return 2
    pkg = _run(data)
    if pkg.problems:
        for problem in pkg.problems:
            print(problem)
        print(f"{args[0]}: {len(pkg.problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args[0]}: OK, {_summary_line(pkg.summary)}")
    return 0
