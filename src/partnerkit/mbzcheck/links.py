"""Rule groups links and completion: what restore maps from one part of the course to another.

Links between activities are written in the encoded form Moodle's backup gives them ($@PAGEVIEWBYID*12@$); the
restore decoder maps each id to the restored activity or section, and a target missing from the package silently
becomes a link to the site the backup came from. Course completion criteria and activity idnumbers are mapped
the same silent way: a criterion whose activity is absent is skipped, a repeated idnumber is emptied.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .package import Package, text_of

# restore_decode_processor::decode_content(): $@NAME*id@$ with an upper-case rule name.
_ENCODED_LINK = re.compile(r"\$@([A-Z]+)\*(\d+)@\$")
# The rules whose targets this checker can see: each module's view link and the course's section link.
_VIEW_SUFFIX = "VIEWBYID"
_SECTION_RULE = "COURSESECTIONBYID"
# Fields restore decodes (define_decode_contents() of the course, section and module tasks).
_DECODED_FIELDS = ("summary", "intro", "content")
# completion_criteria::COMPLETION_CRITERIA_TYPE_ACTIVITY.
_CRITERIA_ACTIVITY = "4"


def _contents_known(pkg: Package) -> bool:
    """True when moodle_backup.xml listed the course's contents, so a missing target is really missing."""
    manifest = pkg.xml.get("moodle_backup.xml")
    return pkg.backup_usable and manifest is not None and manifest.find("information/contents") is not None


def check_links(pkg: Package) -> None:
    """Every encoded link in section summaries, activity texts and book chapters names a part of the package."""
    if not _contents_known(pkg):
        return
    modules = {activity.moduleid: activity.modulename for activity in pkg.activities.values()}
    for path in sorted(pkg.xml):
        if not (path.startswith(("sections/", "activities/")) and path.endswith(".xml")):
            continue
        root = pkg.xml[path]
        if root is None:
            continue
        for element in root.iter():
            if element.tag not in _DECODED_FIELDS:
                continue
            for name, target in _ENCODED_LINK.findall(element.text or ""):
                _check_link(pkg, path, name, target, modules)


def _check_link(pkg: Package, path: str, name: str, target: str, modules: dict[str, str]) -> None:
    if name == _SECTION_RULE:
        if target not in pkg.sections:
            pkg.add("links.unknown_section", path, f"$@{name}*{target}@$ links to a section the package lacks")
        return
    if not name.endswith(_VIEW_SUFFIX):
        return
    modname = name[: -len(_VIEW_SUFFIX)].lower()
    if target not in modules:
        pkg.add("links.unknown_activity", path, f"$@{name}*{target}@$ links to an activity the package lacks")
    elif modules[target] != modname:
        pkg.add("links.wrong_module", path,
                f"$@{name}*{target}@$ links to a {modname}, but activity {target} is a {modules[target]}")


def check_completion(pkg: Package) -> None:
    """Course completion criteria name activities of the package that track completion."""
    root = pkg.root("completion.xml", "course_completion") if "completion.xml" in pkg.members else None
    if root is None or not _contents_known(pkg):
        return
    tracking = {activity.moduleid: _completion_of(pkg, activity.directory) for activity in pkg.activities.values()}
    for criterion in root.findall("course_completion_criteria"):
        if (text_of(criterion, "criteriatype") or "").strip() != _CRITERIA_ACTIVITY:
            continue
        cmid = (text_of(criterion, "moduleinstance") or "").strip()
        if cmid not in tracking:
            pkg.add("completion.unknown_activity", "completion.xml",
                    f"a criterion requires activity {cmid!r}, which the package lacks (restore skips it)")
        elif tracking[cmid] in ("", "0"):
            pkg.add("completion.untracked_activity", "completion.xml",
                    f"a criterion requires activity {cmid}, which does not track completion")


def check_idnumbers(pkg: Package) -> None:
    """No two activities share an idnumber (restore empties the later one's)."""
    seen: dict[str, str] = {}
    for key in sorted(pkg.activities, key=lambda k: pkg.activities[k].directory):
        activity = pkg.activities[key]
        path = f"{activity.directory}/module.xml"
        module = pkg.xml.get(path)
        idnumber = (text_of(module, "idnumber") or "").strip() if isinstance(module, ET.Element) else ""
        if not idnumber:
            continue
        if idnumber in seen:
            pkg.add("links.idnumber_duplicate", path, f"idnumber {idnumber!r} is also {seen[idnumber]}'s")
        else:
            seen[idnumber] = activity.directory


def _completion_of(pkg: Package, directory: str) -> str:
    module = pkg.xml.get(f"{directory}/module.xml")
    return (text_of(module, "completion") or "").strip() if module is not None else ""
