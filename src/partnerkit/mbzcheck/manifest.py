"""Rule group manifest: moodle_backup.xml's header, <information>, listed contents and settings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .package import Activity, Package, Section, is_int, text_of

PATH = "moodle_backup.xml"

# restore_prechecks_helper refuses anything older than the first 2.0 backup format.
MIN_BACKUP_VERSION = 2010072300

# convert_helper::detect_moodle2_format() reads the first 200 bytes of moodle_backup.xml and needs all of
# these literally; otherwise the package is "unknown format" and nothing is restored.
FORMAT_MARKERS = ('<?xml version="1.0" encoding="UTF-8"?>', "<moodle_backup>", "<information>")

# Fields of <information> that backup_main_structure_step writes and get_backup_information() reads.
INFORMATION_FIELDS = (
    "name", "moodle_version", "moodle_release", "backup_version", "backup_release", "backup_date",
    "mnet_remoteusers", "include_files", "include_file_references_to_external_content",
    "original_wwwroot", "original_site_identifier_hash", "original_course_id", "original_course_format",
    "original_course_fullname", "original_course_shortname", "original_course_startdate",
    "original_course_enddate", "original_course_contextid", "original_system_contextid",
)

# Root settings backup_root_task::define_settings() writes for a general course backup in 4.5.
ROOT_SETTINGS = (
    "filename", "users", "anonymize", "role_assignments", "activities", "blocks", "files", "filters",
    "comments", "badges", "calendarevents", "userscompletion", "logs", "grade_histories", "questionbank",
    "groups", "competencies", "customfield", "contentbankcontent", "xapistate", "legacyfiles",
)


def check_manifest(pkg: Package) -> None:
    """Check the header, <information>, contents and settings; learn the contexts, sections and activities."""
    if PATH not in pkg.members:
        nested = sorted(p for p in pkg.members if p.endswith("/moodle_backup.xml"))
        hint = f" (found {nested[0]}; remove the wrapping folder)" if nested else ""
        pkg.add("manifest.missing", PATH, f"missing at the archive root{hint}")
        return
    head = pkg.members[PATH][:200].decode("utf-8", errors="replace")
    for marker in FORMAT_MARKERS:
        if marker not in head:
            pkg.add("manifest.format_marker", PATH, f"{marker!r} not found in the first 200 bytes; Moodle would not "
                    "recognise the backup format (convert_helper::detect_moodle2_format)")
    root = pkg.root(PATH, "moodle_backup")
    if root is None:
        return
    info = root.find("information")
    if info is None:
        pkg.add("manifest.information_missing", PATH, "<information> is missing")
        return
    for name in INFORMATION_FIELDS:
        if info.find(name) is None:
            pkg.add("manifest.information_field", PATH, f"information/{name} is missing")
    backup_version = text_of(info, "backup_version")
    if backup_version is not None and (not is_int(backup_version) or int(backup_version) < MIN_BACKUP_VERSION):
        pkg.add("manifest.backup_version", PATH, f"information/backup_version must be an integer >= "
                f"{MIN_BACKUP_VERSION}, got {backup_version!r}")
    for name in ("original_course_contextid", "original_system_contextid", "original_course_id"):
        value = text_of(info, name)
        if value is not None and not (is_int(value) and int(value) > 0):
            pkg.add("manifest.positive_id", PATH, f"information/{name} must be a positive integer, got {value!r}")
    pkg.course_contextid = (text_of(info, "original_course_contextid") or "").strip() or None
    pkg.system_contextid = (text_of(info, "original_system_contextid") or "").strip() or None
    if pkg.course_contextid and pkg.course_contextid == pkg.system_contextid:
        pkg.add("manifest.context_clash", PATH, "original_course_contextid equals original_system_contextid; "
                "Moodle maps both")
    if (text_of(info, "original_course_format") or "").strip() == "site":
        pkg.add("manifest.site_format", PATH, "original_course_format is 'site'; Moodle refuses to restore a front "
                "page into a course")
    # get_backup_information(): include_files defaults to 1 when absent.
    pkg.include_files = (text_of(info, "include_files") or "1").strip() != "0"
    _check_details(pkg, info)
    _check_contents(pkg, info)
    _check_settings(pkg, info)
    pkg.backup_usable = True


def _check_details(pkg: Package, info: ET.Element) -> None:
    detail = info.find("details/detail")
    if detail is None:
        pkg.add("manifest.detail_missing", PATH, "information/details/detail is missing")
        return
    # restore_plan_builder::build_plan() picks the plan by type; only 'course' restores a whole course.
    pkg.backup_type = (text_of(detail, "type") or "").strip()
    for name, value in (("type", "course"), ("format", "moodle2")):
        actual = text_of(detail, name)
        if actual is None:
            pkg.add("manifest.detail_field_missing", PATH, f"details/detail/{name} is missing")
        elif actual.strip() != value:
            pkg.add("manifest.detail_value", PATH, f"details/detail/{name} is {actual!r}, expected {value!r}")
    mode = text_of(detail, "mode")
    if mode is None:
        pkg.add("manifest.detail_field_missing", PATH, "details/detail/mode is missing")
    elif not is_int(mode):
        pkg.add("manifest.detail_mode", PATH, f"details/detail/mode must be an integer, got {mode!r}")


def _check_contents(pkg: Package, info: ET.Element) -> None:
    contents = info.find("contents")
    if contents is None:
        pkg.add("manifest.contents_missing", PATH, "information/contents is missing")
        return
    if contents.find("course") is None:
        pkg.add("manifest.contents_course_missing", PATH, "information/contents/course is missing")
    _list_sections(pkg, contents)
    _list_activities(pkg, contents)


def _list_sections(pkg: Package, contents: ET.Element) -> None:
    for index, element in enumerate(contents.findall("sections/section"), start=1):
        values = {name: (text_of(element, name) or "").strip() for name in ("sectionid", "title", "directory")}
        for name in ("sectionid", "title", "directory"):
            if element.find(name) is None:
                pkg.add("manifest.section_field_missing", PATH, f"contents section #{index} is missing <{name}>")
        sectionid = values["sectionid"]
        if not is_int(sectionid):
            if element.find("sectionid") is not None:
                pkg.add("manifest.section_id", PATH,
                        f"contents section #{index} sectionid {sectionid!r} is not an integer")
            continue
        # restore_section_task::get_taskbasepath() ignores <directory> and always reads
        # sections/section_<sectionid>, while settings are keyed by the directory's basename.
        expected_dir = f"sections/section_{sectionid}"
        if values["directory"] and values["directory"] != expected_dir:
            pkg.add("manifest.section_directory", PATH,
                    f"section {sectionid} directory is {values['directory']!r}, expected {expected_dir!r}")
        if sectionid in pkg.sections:
            pkg.add("manifest.section_duplicate", PATH, f"section {sectionid} is listed twice")
            continue
        pkg.sections[sectionid] = Section(sectionid, expected_dir)
        if not pkg.directory_exists(expected_dir):
            pkg.add("manifest.section_dir_missing", PATH,
                    f"section directory {expected_dir} does not exist in the archive")


def _list_activities(pkg: Package, contents: ET.Element) -> None:
    for index, element in enumerate(contents.findall("activities/activity"), start=1):
        values = {name: (text_of(element, name) or "").strip()
                  for name in ("moduleid", "sectionid", "modulename", "title", "directory")}
        missing = [name for name in values if element.find(name) is None]
        for name in missing:
            pkg.add("manifest.activity_field_missing", PATH, f"contents activity #{index} is missing <{name}>")
        if any(name in missing for name in ("moduleid", "sectionid", "modulename")):
            continue
        moduleid, modulename = values["moduleid"], values["modulename"]
        if not is_int(moduleid) or not re.fullmatch(r"[a-z][a-z0-9_]*", modulename):
            pkg.add("manifest.activity_identity", PATH, f"contents activity #{index} has moduleid {moduleid!r} and "
                    f"modulename {modulename!r}; expected an integer and a module name")
            continue
        # Settings are keyed by basename(directory) but looked up as <modname>_<moduleid>_…
        # (restore_activity_task::get_setting), so the two must agree.
        expected_dir = f"activities/{modulename}_{moduleid}"
        if values["directory"] and values["directory"] != expected_dir:
            pkg.add("manifest.activity_directory", PATH, f"activity {modulename}_{moduleid} directory is "
                    f"{values['directory']!r}, expected {expected_dir!r}")
        key = f"{modulename}_{moduleid}"
        if key in pkg.activities:
            pkg.add("manifest.activity_duplicate", PATH, f"activity {key} is listed twice")
            continue
        directory = values["directory"] or expected_dir
        pkg.activities[key] = Activity(moduleid, values["sectionid"], modulename, directory)
        if not pkg.directory_exists(directory):
            pkg.add("manifest.activity_dir_missing", PATH,
                    f"activity directory {directory} does not exist in the archive")
    # restore_plan_builder::build_course_plan() reaches activities only through build_section_plan(), which
    # takes those whose sectionid matches a listed section; any other activity is silently not restored.
    if pkg.backup_type != "course":
        return  # a wrong type is already reported, and other types are planned differently
    for key, activity in pkg.activities.items():
        if activity.sectionid not in pkg.sections:
            pkg.add("manifest.activity_section_unlisted", PATH, f"activity {key} is in section {activity.sectionid}, "
                    "which contents/sections does not list; Moodle silently skips it")


def _check_settings(pkg: Package, info: ET.Element) -> None:
    section_dirs = {s.directory.rsplit("/", 1)[-1] for s in pkg.sections.values()}
    activity_dirs = {a.directory.rsplit("/", 1)[-1] for a in pkg.activities.values()}
    for index, element in enumerate(info.findall("settings/setting"), start=1):
        level = (text_of(element, "level") or "").strip()
        name = (text_of(element, "name") or "").strip()
        value = text_of(element, "value")
        label = name or f"#{index}"
        if element.find("level") is None or element.find("name") is None or value is None:
            pkg.add("manifest.setting_incomplete", PATH, f"setting {label} needs <level>, <name> and <value>")
            continue
        # get_backup_information() files each setting under its owner; an unknown owner is a PHP error.
        if level == "section":
            owner = (text_of(element, "section") or "").strip()
            if owner not in section_dirs:
                pkg.add("manifest.setting_section_unknown", PATH, f"setting {name} belongs to section {owner!r}, "
                        "which contents/sections does not list; Moodle's restore fails")
        elif level == "activity":
            owner = (text_of(element, "activity") or "").strip()
            if owner not in activity_dirs:
                pkg.add("manifest.setting_activity_unknown", PATH, f"setting {name} belongs to activity {owner!r}, "
                        "which contents/activities does not list; Moodle's restore fails")
        elif level == "root":
            pkg.root_settings[name] = value.strip()
        elif level != "course":
            pkg.add("manifest.setting_level_unknown", PATH, f"setting {name} has unknown level {level!r}")
            continue
        pkg.settings[name] = {"level": level, "value": value.strip()}
    # Without the activities setting restore_root_task defaults it to false: the course restores empty
    # and Moodle reports success (measured in a real restore too).
    activities = pkg.root_settings.get("activities")
    if activities is None:
        pkg.add("manifest.activities_setting_missing", PATH, "root setting activities is missing; Moodle would "
                "restore no activities and still report success")
    elif activities != "1":
        pkg.add("manifest.activities_setting_off", PATH, f"root setting activities is {activities!r}; Moodle would "
                "restore no activities and still report success")
    for name in ROOT_SETTINGS:
        if name == "activities":
            continue
        value = pkg.root_settings.get(name)
        if value is None:
            pkg.add("manifest.root_setting_missing", PATH, f"root setting {name} is missing")
        elif name == "filename":
            if not value:
                pkg.add("manifest.root_setting_filename_empty", PATH, "root setting filename is empty")
        elif value not in ("0", "1"):
            pkg.add("manifest.root_setting_value", PATH, f"root setting {name} must be 0 or 1, got {value!r}")
    # backup_section_task / backup_activity_task always write <prefix>included and <prefix>userinfo.
    owners = [(f"section_{sid}", "section") for sid in pkg.sections]
    owners += [(key, "activity") for key in pkg.activities]
    for prefix, level in owners:
        for suffix in ("included", "userinfo"):
            name = f"{prefix}_{suffix}"
            setting = pkg.settings.get(name)
            if setting is None:
                pkg.add("manifest.task_setting_missing", PATH, f"{level} setting {name} is missing")
            elif setting["level"] != level:
                pkg.add("manifest.task_setting_level", PATH,
                        f"setting {name} has level {setting['level']!r}, expected {level!r}")
            elif setting["value"] not in ("0", "1"):
                pkg.add("manifest.task_setting_value", PATH, f"setting {name} must be 0 or 1, got {setting['value']!r}")
