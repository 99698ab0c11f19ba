"""Rule group structure: the files a restore opens, course.xml, section.xml, module.xml and each activity wrapper."""

from __future__ import annotations

from . import activities
from .package import Activity, Package, is_int, text_of

# Root files and their root elements, as written by backup_final_task / backup_root_task steps. A wrong
# root element makes the restore step match nothing, silently.
ROOT_FILES: dict[str, str] = {
    "files.xml": "files",
    "users.xml": "users",
    "roles.xml": "roles_definition",
    "groups.xml": "groups",
    "scales.xml": "scales_definition",
    "outcomes.xml": "outcomes_definition",
    "questions.xml": "question_categories",
    "course/course.xml": "course",
    "course/roles.xml": "roles",
}

# Optional files and their root elements, checked only when present (or required by a root setting).
OPTIONAL_ROOTS: dict[str, str] = {
    "filters.xml": "filters",
    "comments.xml": "comments",
    "calendar.xml": "events",
    "completion.xml": "completions",
    "xapistate.xml": "states",
    "contentbank.xml": "contents",
}

# Per-task files a restore step opens unconditionally (restore_structure_step::execute() throws when
# the file is absent).
ACTIVITY_FILES = {"module.xml": "module", "roles.xml": "roles", "grades.xml": "activity_gradebook"}

# Files that restore steps open only when a root setting is on (restore_activity_task::build,
# restore_course_task::build); comments, completion follow 'users' through setting dependencies.
CONDITIONAL_COURSE_FILES = (("filters", "filters.xml", False), ("comments", "comments.xml", True),
                            ("calendarevents", "calendar.xml", False),
                            ("contentbankcontent", "contentbank.xml", False))
CONDITIONAL_ACTIVITY_FILES = (("filters", "filters.xml", False), ("comments", "comments.xml", True),
                              ("calendarevents", "calendar.xml", False),
                              ("userscompletion", "completion.xml", True),
                              ("xapistate", "xapistate.xml", False))

# backup_module_structure_step (4.5): every field of course_modules that Moodle writes.
MODULE_FIELDS = (
    "modulename", "sectionid", "sectionnumber", "idnumber", "added", "score", "indent", "visible",
    "visibleoncoursepage", "visibleold", "groupmode", "groupingid", "completion",
    "completiongradeitemnumber", "completionpassgrade", "completionview", "completionexpected",
    "availability", "showdescription", "downloadcontent", "lang",
)

# backup_section_structure_step (4.5).
SECTION_FIELDS = ("number", "name", "summary", "summaryformat", "sequence", "visible", "availabilityjson",
                  "component", "itemid", "timemodified")

COURSE_FIELDS = ("shortname", "fullname", "format", "summary", "summaryformat")

# COMPLETION_TRACKING_NONE, _MANUAL, _AUTOMATIC.
COMPLETION_VALUES = {"0", "1", "2"}

# restore_prechecks_helper::execute_prechecks() loads a task's inforef.xml only "if exists": without it the task's
# files are never restored and nothing is reported (a real restore did exactly that), so it is required here.
INFOREF_REASON = "Moodle restores this part without its files and reports nothing"


def check_required_files(pkg: Package) -> None:
    """Root, course, section and activity files restore opens unconditionally or by setting."""
    for path, root_name in ROOT_FILES.items():
        if pkg.require(path):
            pkg.root(path, root_name)
    if pkg.require("course/inforef.xml", "files.inforef_missing", INFOREF_REASON):
        pkg.root("course/inforef.xml", "inforef")
    users = pkg.setting_on("users")
    _check_conditional_files(pkg, "course", CONDITIONAL_COURSE_FILES, users)
    for section in pkg.sections.values():
        if not pkg.directory_exists(section.directory):
            continue  # already reported by the contents check
        if pkg.require(f"{section.directory}/section.xml"):
            pkg.root(f"{section.directory}/section.xml", "section")
        if pkg.require(f"{section.directory}/inforef.xml", "files.inforef_missing", INFOREF_REASON):
            pkg.root(f"{section.directory}/inforef.xml", "inforef")
    for activity in pkg.activities.values():
        base = activity.directory
        if not pkg.directory_exists(base):
            continue  # already reported by the contents check
        for filename, root_name in ACTIVITY_FILES.items():
            if pkg.require(f"{base}/{filename}"):
                pkg.root(f"{base}/{filename}", root_name)
        if pkg.require(f"{base}/inforef.xml", "files.inforef_missing", INFOREF_REASON):
            pkg.root(f"{base}/inforef.xml", "inforef")
        pkg.require(f"{base}/{activity.modulename}.xml")
        _check_conditional_files(pkg, base, CONDITIONAL_ACTIVITY_FILES, users)


def _check_conditional_files(pkg: Package, folder: str, files: tuple[tuple[str, str, bool], ...],
                             users: bool) -> None:
    """Require the files folder must hold by the root settings, and check the root of each one present."""
    for setting, filename, needs_users in files:
        path = f"{folder}/{filename}"
        if pkg.setting_on(setting) and (users or not needs_users):
            pkg.require(path, "structure.setting_file_missing", f"root setting {setting} is 1")
        if path in pkg.members:
            pkg.root(path, OPTIONAL_ROOTS[filename])


def check_unlisted_directories(pkg: Package) -> None:
    """Directories in the archive that moodle_backup.xml does not list are never restored."""
    if not pkg.backup_usable:
        return  # without a readable moodle_backup.xml every directory would be reported
    listed = {a.directory for a in pkg.activities.values()} | {s.directory for s in pkg.sections.values()}
    found = {"/".join(p.split("/")[:2]) for p in pkg.members
             if p.startswith(("activities/", "sections/")) and p.count("/") >= 2}
    for directory in sorted(found - listed):
        kind = "activities" if directory.startswith("activities/") else "sections"
        pkg.add("structure.directory_unlisted", directory,
                f"directory is not listed in moodle_backup.xml contents/{kind}")


def check_course(pkg: Package) -> None:
    """course/course.xml: identity and the fields a restore overwrites."""
    path = "course/course.xml"
    course = pkg.root(path, "course")
    if course is None:
        return
    for name in COURSE_FIELDS:
        if course.find(name) is None:
            pkg.add("structure.course_field_missing", path, f"missing <{name}>")
    contextid = course.get("contextid")
    if contextid is None:
        pkg.add("structure.course_contextid_missing", path, "course/@contextid is missing")
    elif pkg.course_contextid and contextid != pkg.course_contextid:
        pkg.add("structure.course_contextid_mismatch", path, f"course/@contextid is {contextid!r}, but "
                f"moodle_backup.xml says original_course_contextid {pkg.course_contextid!r}")
    pkg.check_format(path, course, "summaryformat")


def check_sections(pkg: Package) -> None:
    """section.xml identity, fields and numbering."""
    numbers: dict[int, str] = {}
    for section in pkg.sections.values():
        path = f"{section.directory}/section.xml"
        element = pkg.root(path, "section")
        if element is None:
            continue
        section.element = element
        if element.get("id") != section.sectionid:
            pkg.add("structure.section_id", path, f"section/@id is {element.get('id')!r}, expected "
                    f"{section.sectionid!r} (the sectionid in moodle_backup.xml)")
        for name in SECTION_FIELDS:
            if element.find(name) is None:
                pkg.add("structure.section_field_missing", path, f"missing <{name}>")
        number = text_of(element, "number")
        if number is not None:
            if is_int(number):
                section.number = int(number)
                # process_section() looks sections up by number: a second one merges into the first.
                if section.number in numbers:
                    pkg.add("structure.section_number_duplicate", path,
                            f"section number {section.number} is also used by {numbers[section.number]}")
                else:
                    numbers[section.number] = path
            else:
                pkg.add("structure.section_number_not_int", path, f"number {number!r} is not an integer")
        section.sequence = text_of(element, "sequence")
        pkg.check_format(path, element, "summaryformat")
    complete = all(section.number is not None for section in pkg.sections.values())
    if numbers and complete and sorted(numbers) != list(range(len(numbers))):
        got = ", ".join(str(n) for n in sorted(numbers))
        pkg.add("structure.section_numbers_gap", "moodle_backup.xml",
                f"section numbers must run from 0 without gaps, got {got}")
    pkg.summary.sections = len(pkg.sections)


def check_activities(pkg: Package) -> None:
    """module.xml and <modname>.xml identity and fields, then the module type's own rules."""
    contexts: dict[str, str] = {}
    for key, activity in pkg.activities.items():
        pkg.summary.modules[activity.modulename] += 1
        _check_module_xml(pkg, key, activity)
        _check_activity_xml(pkg, key, activity, contexts)


def _check_module_xml(pkg: Package, key: str, activity: Activity) -> None:
    path = f"{activity.directory}/module.xml"
    module = pkg.root(path, "module")
    if module is None:
        return
    if module.get("id") != activity.moduleid:
        pkg.add("structure.module_id", path, f"module/@id is {module.get('id')!r}, expected {activity.moduleid!r}")
    # restore_module_structure_step reads @version into the task.
    if module.get("version") is None:
        pkg.add("structure.module_version_missing", path, "module/@version is missing")
    for name in MODULE_FIELDS:
        if module.find(name) is None:
            pkg.add("structure.module_field_missing", path, f"missing <{name}>")
    modulename = text_of(module, "modulename")
    if modulename is not None and modulename.strip() != activity.modulename:
        pkg.add("structure.module_name", path, f"modulename is {modulename!r}, expected {activity.modulename!r}")
    sectionid = text_of(module, "sectionid")
    if sectionid is not None:
        activity.module_sectionid = sectionid.strip()
        if activity.module_sectionid != activity.sectionid:
            pkg.add("structure.module_section", path, f"sectionid is {sectionid!r}, but moodle_backup.xml puts "
                    f"{key} in section {activity.sectionid!r}")
        section = pkg.sections.get(activity.module_sectionid)
        sectionnumber = text_of(module, "sectionnumber")
        if section is not None and section.number is not None and sectionnumber is not None \
                and sectionnumber.strip() != str(section.number):
            pkg.add("structure.module_section_number", path, f"sectionnumber is {sectionnumber!r}, but section "
                    f"{section.sectionid} has number {section.number}")
    completion = text_of(module, "completion")
    if completion is not None and completion.strip() not in COMPLETION_VALUES:
        pkg.add("structure.module_completion", path, f"completion must be 0, 1 or 2, got {completion!r}")
    completionview = text_of(module, "completionview")
    if completionview is not None and completionview.strip() not in ("0", "1"):
        pkg.add("structure.module_completionview", path, f"completionview must be 0 or 1, got {completionview!r}")


def _check_activity_xml(pkg: Package, key: str, activity: Activity, contexts: dict[str, str]) -> None:
    path = f"{activity.directory}/{activity.modulename}.xml"
    root = pkg.root(path, "activity")
    if root is None:
        return
    for name in ("id", "moduleid", "modulename", "contextid"):
        if root.get(name) is None:
            pkg.add("structure.activity_attribute_missing", path, f"activity/@{name} is missing")
    if root.get("moduleid") is not None and root.get("moduleid") != activity.moduleid:
        pkg.add("structure.activity_moduleid", path,
                f"activity/@moduleid is {root.get('moduleid')!r}, expected {activity.moduleid!r}")
    if root.get("modulename") is not None and root.get("modulename") != activity.modulename:
        pkg.add("structure.activity_modulename", path,
                f"activity/@modulename is {root.get('modulename')!r}, expected {activity.modulename!r}")
    contextid = root.get("contextid")
    if contextid is not None:
        if not (is_int(contextid) and int(contextid) > 0):
            pkg.add("structure.activity_contextid_invalid", path,
                    f"activity/@contextid must be a positive integer, got {contextid!r}")
        elif contextid in (pkg.course_contextid, pkg.system_contextid):
            # process_activity() maps this context; reusing the course/system one remaps theirs.
            pkg.add("structure.activity_contextid_course", path,
                    f"activity/@contextid {contextid} is the course or system context")
        elif contextid in contexts:
            pkg.add("structure.activity_contextid_duplicate", path,
                    f"activity/@contextid {contextid} is also used by {contexts[contextid]}")
        else:
            contexts[contextid] = path
            activity.contextid = contextid
    instance = root.find(activity.modulename)
    if instance is None:
        pkg.add("structure.instance_missing", path, f"<{activity.modulename}> element is missing under <activity>")
        return
    activity.instance = instance
    if root.get("id") is not None and instance.get("id") != root.get("id"):
        pkg.add("structure.instance_id", path, f"<{activity.modulename}>/@id is {instance.get('id')!r}, but "
                f"activity/@id is {root.get('id')!r}")
    activities.check_instance(pkg, path, key, activity, instance)


def check_sequences(pkg: Package) -> None:
    """Each section's <sequence> equals its activities, in the order restore will recreate them."""
    # restore_module_structure_step appends each cm to its section's sequence in plan order, i.e. the
    # order of contents/activities in moodle_backup.xml; section.xml's own sequence is discarded.
    by_section: dict[str, list[str]] = {sid: [] for sid in pkg.sections}
    for activity in pkg.activities.values():
        sectionid = activity.module_sectionid or activity.sectionid
        if sectionid in by_section:
            by_section[sectionid].append(activity.moduleid)
    for sectionid, section in pkg.sections.items():
        if section.sequence is None:
            continue
        actual = [part.strip() for part in section.sequence.split(",") if part.strip()]
        expected = by_section[sectionid]
        if actual != expected:
            pkg.add("structure.sequence", f"{section.directory}/section.xml",
                    f"sequence is {','.join(actual)!r}, expected {','.join(expected)!r} (the activities whose "
                    "module.xml names this section, in moodle_backup.xml order)")
