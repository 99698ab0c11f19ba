"""Structural checker for Moodle course backups (.mbz).

CI has no Moodle, so this module opens a package and verifies what Moodle 4.5 LTS's restore relies on.
Every rule mirrors a specific part of Moodle's backup/restore code (named in the comments), because the
dangerous failures are the silent ones: a restore that reports success but drops activities or files.

Usage: ``python -m partnerkit.mbzcheck FILE.mbz`` prints the problems and exits 1, or prints a summary.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

# sha1 of the empty string: what Moodle stores as contenthash of directory records ('.').
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

# restore_prechecks_helper refuses anything older than the first 2.0 backup format.
MIN_BACKUP_VERSION = 2010072300

# convert_helper::detect_moodle2_format() reads the first 200 bytes of moodle_backup.xml and needs all of
# these literally; otherwise the package is "unknown format" and nothing is restored.
FORMAT_MARKERS = ('<?xml version="1.0" encoding="UTF-8"?>', "<moodle_backup>", "<information>")

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
    "course/inforef.xml": "inforef",
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

# Per-task files a restore step opens unconditionally (restore_structure_step::execute() throws when
# the file is absent). inforef.xml is optional to Moodle's code, but without it the task's files are
# silently dropped, so it is required here.
ACTIVITY_FILES = ("module.xml", "inforef.xml", "roles.xml", "grades.xml")
ACTIVITY_ROOTS = {"module.xml": "module", "inforef.xml": "inforef", "roles.xml": "roles",
                  "grades.xml": "activity_gradebook"}

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

# mod/*/backup/moodle2/backup_*_stepslib.php: the fields each module writes. Missing ones would be
# filled with database defaults on restore (e.g. a page without contentformat is not HTML).
MODULE_SPECS: dict[str, tuple[str, ...]] = {
    "page": ("name", "intro", "introformat", "content", "contentformat", "legacyfiles", "legacyfileslast",
             "display", "displayoptions", "revision", "timemodified"),
    "url": ("name", "intro", "introformat", "externalurl", "display", "displayoptions", "parameters",
            "timemodified"),
    "book": ("name", "intro", "introformat", "numbering", "navstyle", "customtitles", "timecreated",
             "timemodified"),
    "label": ("name", "intro", "introformat", "timemodified"),
    "resource": ("name", "intro", "introformat", "tobemigrated", "legacyfiles", "legacyfileslast", "display",
                 "displayoptions", "filterfiles", "revision", "timemodified"),
    "folder": ("name", "intro", "introformat", "revision", "timemodified", "display", "showexpanded",
               "showdownloadfolder", "forcedownload"),
    "glossary": ("name", "intro", "introformat", "allowduplicatedentries", "displayformat", "mainglossary",
                 "showspecial", "showalphabet", "showall", "allowcomments", "allowprintview", "usedynalink",
                 "defaultapproval", "globalglossary", "entbypage", "editalways", "rsstype", "rssarticles",
                 "assessed", "assesstimestart", "assesstimefinish", "scale", "timecreated", "timemodified",
                 "completionentries"),
}
# 'timemcreated' is Moodle's own misspelling in backup_book_stepslib; the column does not exist, so it
# is not required here.
BOOK_CHAPTER_FIELDS = ("pagenum", "subchapter", "title", "content", "contentformat", "hidden", "timemodified",
                       "importsrc")
GLOSSARY_ENTRY_FIELDS = ("userid", "concept", "definition", "definitionformat", "definitiontrust", "attachment",
                         "timecreated", "timemodified", "teacherentry", "sourceglossaryid", "usedynalink",
                         "casesensitive", "fullmatch", "approved")

# File areas each module's restore step passes to add_related_files(), with the mapping that translates
# the itemid (None: itemid kept as is, and pluginfile serves item 0). Files in other areas are dropped.
RESTORED_AREAS: dict[str, dict[str, str | None]] = {
    "page": {"intro": None, "content": None},
    "url": {"intro": None},
    "label": {"intro": None},
    "resource": {"intro": None, "content": None},
    "folder": {"intro": None, "content": None},
    "book": {"intro": None, "chapter": "chapter"},
    "glossary": {"intro": None, "entry": "entry", "attachment": "entry"},
}
COURSE_AREAS = ("summary", "overviewfiles", "legacy")

# Text fields that may hold @@PLUGINFILE@@ links: (element path below the module element, field, file area,
# whether the itemid is the element's id). file_rewrite_pluginfile_urls() resolves them against that area.
TEXT_AREAS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    "page": ((".", "content", "content", False),),
    "book": (("chapters/chapter", "content", "chapter", True),),
    "glossary": (("entries/entry", "definition", "entry", True),),
}

# FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_WIKI (legacy), FORMAT_MARKDOWN.
TEXT_FORMATS = {"0", "1", "2", "3", "4"}

# COMPLETION_TRACKING_NONE, _MANUAL, _AUTOMATIC.
COMPLETION_VALUES = {"0", "1", "2"}

# PARAM_FILE strips these from every path segment when tgz_extractor cleans archive paths.
STRIPPED_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f&<>\"`|':]")

# mod/url/locallib.php url_appears_valid_url().
URL_ABSOLUTE = re.compile(r"^(/|https?:|ftp:)", re.IGNORECASE)
URL_STRICT = re.compile(r"^[a-z]+://([^:@\s]+:[^@\s]+@)?[^ @]+(:[0-9]+)?(/[^#]*)?(#.*)?$", re.IGNORECASE)
URL_LOOSE = re.compile(r"^[a-z]+://...*$", re.IGNORECASE)

PLUGINFILE = "@@PLUGINFILE@@"
# A link ends where an HTML attribute, CSS url() or query/fragment would end it.
PLUGINFILE_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#)]*)")

NULL = "$@NULL@$"


@dataclass
class FileRecord:
    """One <file> of files.xml."""

    fid: str
    contenthash: str
    contextid: str
    component: str
    filearea: str
    itemid: str
    filepath: str
    filename: str
    filesize: str

    def label(self) -> str:
        """Describe the record as component/filearea/itemid plus path, for messages."""
        return f"{self.component}/{self.filearea}/{self.itemid} {self.filepath}{self.filename}"


@dataclass
class Activity:
    """One activity as moodle_backup.xml lists it."""

    moduleid: str
    sectionid: str
    modulename: str
    directory: str
    contextid: str | None = None
    instance: ET.Element | None = None
    module_sectionid: str | None = None


@dataclass
class Section:
    """One section as moodle_backup.xml lists it."""

    sectionid: str
    directory: str
    number: int | None = None
    sequence: str | None = None
    element: ET.Element | None = None


@dataclass
class Summary:
    """Counts for the CLI's success line."""

    sections: int = 0
    modules: Counter[str] = field(default_factory=Counter)
    files: int = 0


def _is_int(value: str | None) -> bool:
    return value is not None and re.fullmatch(r"-?[0-9]+", value.strip()) is not None


def _text(element: ET.Element | None, tag: str) -> str | None:
    """Text of a child element: None when the child is absent, '' when it is empty."""
    if element is None:
        return None
    child = element.find(tag)
    if child is None:
        return None
    return child.text or ""


def _extended_name(typeflag: bytes, content: bytes) -> str | None:
    """The path a pax ('x') or GNU long-name ('L') header carries, to name the entry it belongs to."""
    if typeflag == b"L":
        return content.rstrip(b"\0").decode("utf-8", errors="replace")
    if typeflag == b"x":
        # pax records are "<length> <key>=<value>\n".
        for record in content.split(b"\n"):
            _, _, pair = record.partition(b" ")
            key, _, value = pair.partition(b"=")
            if key == b"path":
                return value.decode("utf-8", errors="replace")
    return None


class _Checker:
    """Holds the unpacked archive and collects problems; one instance per package."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.problems: list[str] = []
        self.members: dict[str, bytes] = {}
        self.xml: dict[str, ET.Element | None] = {}
        self.settings: dict[str, dict[str, str]] = {}
        self.root_settings: dict[str, str] = {}
        self.sections: dict[str, Section] = {}
        self.activities: dict[str, Activity] = {}
        self.files: dict[str, FileRecord] = {}
        self.referenced_files: set[str] = set()
        self.course_contextid: str | None = None
        self.system_contextid: str | None = None
        self.include_files = True
        self.backup_type: str | None = None
        self.backup_usable = False
        self.files_usable = False
        self.bad_roots: set[str] = set()
        self.summary = Summary()

    def add(self, path: str, message: str) -> None:
        """Record one problem, prefixed with the archive path it concerns."""
        self.problems.append(f"{path}: {message}")

    # ----------------------------------------------------------------------------------------------
    # Archive

    def read_archive(self) -> bool:
        """Unpack the members into memory; False when nothing can be read at all."""
        # mbz_packer::get_packer_for_read_operation(): gzip magic means tgz, anything else goes to zip.
        if self.data[:2] == b"\x1f\x8b":
            try:
                raw = gzip.decompress(self.data)
            except (OSError, EOFError, zlib.error) as exc:
                self.add("archive", f"gzip data is corrupt ({exc})")
                return False
            return self._read_tar(raw)
        if zipfile.is_zipfile(io.BytesIO(self.data)):
            return self._read_zip()
        self.add("archive", "not a gzip tar or zip file")
        return False

    def _read_tar(self, raw: bytes) -> bool:
        # Parsed by hand, the way lib/filestorage/tgz_extractor.php does, so that what this checker sees
        # is what Moodle sees: ustar names with prefix, no pax/GNU extensions, links ignored.
        counts: Counter[str] = Counter()
        pos = 0
        zero = b"\0" * 512
        while pos + 512 <= len(raw):
            block = raw[pos:pos + 512]
            offset = pos
            pos += 512
            if block == zero:
                continue
            magic = block[257:263]
            if magic not in (b"ustar\0", b"ustar "):
                self.add("archive", f"tar header at byte {offset} has no ustar magic; Moodle's extractor stops there")
                return bool(self.members)
            size_field = block[124:136].strip(b"\0 ")
            try:
                size = int(size_field or b"0", 8)
            except ValueError:
                self.add("archive", f"tar header at byte {offset} has a non-octal size; Moodle cannot read it")
                return bool(self.members)
            name_raw = block[0:100].rstrip(b"\0")
            prefix_raw = block[345:500].rstrip(b"\0")
            full_raw = prefix_raw + b"/" + name_raw if prefix_raw else name_raw
            content = raw[pos:pos + size]
            pos += (size + 511) // 512 * 512
            if len(content) < size:
                self.add("archive", f"tar entry at byte {offset} is truncated")
                break
            typeflag = block[156:157]
            try:
                name = full_raw.decode("utf-8")
            except UnicodeDecodeError:
                self.add(repr(full_raw)[2:-1], "path is not valid UTF-8")
                continue
            if typeflag in (b"x", b"g", b"L", b"K"):
                self.add(_extended_name(typeflag, content) or name,
                         f"pax/GNU extended tar header (type {typeflag.decode()}); Moodle's extractor does not "
                         "understand it and extracts it as an ordinary file (write plain ustar)")
                continue
            if typeflag in (b"1", b"2", b"3", b"4", b"6", b"7"):
                self.add(name, f"tar link or special entry (type {typeflag.decode()}); Moodle's extractor skips it")
                continue
            is_dir = typeflag == b"5"
            self._add_member(name, None if is_dir else content, counts)
        self._report_duplicates(counts)
        return True

    def _read_zip(self) -> bool:
        counts: Counter[str] = Counter()
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                for info in archive.infolist():
                    if info.is_dir():
                        self._add_member(info.filename, None, counts)
                        continue
                    try:
                        content = archive.read(info)
                    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
                        self.add(info.filename, f"cannot be read from the zip ({exc})")
                        continue
                    self._add_member(info.filename, content, counts)
        except zipfile.BadZipFile as exc:
            self.add("archive", f"zip is corrupt ({exc})")
            return False
        self._report_duplicates(counts)
        return True

    def _add_member(self, name: str, content: bytes | None, counts: Counter[str]) -> None:
        # Absolute paths and '..' are refused outright (tgz_extractor would silently rewrite them via
        # clean_param(PARAM_PATH), so the file would land somewhere other than intended).
        if name.startswith("/"):
            self.add(name, "absolute path in archive")
            return
        segments = name.split("/")
        if ".." in segments:
            self.add(name, "path contains '..'")
            return
        if "\\" in name:
            self.add(name, "path contains a backslash (Moodle turns it into '/')")
            return
        stripped = sorted(set(STRIPPED_PATH_CHARS.findall(name)))
        if stripped:
            self.add(name, f"path contains characters Moodle's extractor strips: {' '.join(map(repr, stripped))}")
        # './x' as written by 'tar -C dir .' is harmless: Moodle extracts it to the same place.
        parts = [part for part in segments if part not in ("", ".")]
        path = "/".join(parts)
        if not path or content is None:
            return
        counts[path] += 1
        self.members[path] = content

    def _report_duplicates(self, counts: Counter[str]) -> None:
        for path, count in sorted(counts.items()):
            if count > 1:
                self.add(path, f"appears {count} times in the archive (the last copy wins)")

    # ----------------------------------------------------------------------------------------------
    # XML

    def parse_all_xml(self) -> None:
        """Check every .xml member for UTF-8 and well-formedness; cache the parsed roots."""
        for path in sorted(self.members):
            if path.endswith(".xml"):
                self.xml[path] = self._parse(path, self.members[path])

    def _parse(self, path: str, data: bytes) -> ET.Element | None:
        # progressive_parser creates its expat parser for UTF-8; anything else is mangled or rejected.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.add(path, f"not valid UTF-8 (byte {exc.start})")
            return None
        declaration = re.match(r"\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']", text)
        if declaration and declaration.group(1).upper().replace("-", "") != "UTF8":
            self.add(path, f"declares encoding {declaration.group(1)}; Moodle reads backups as UTF-8")
        # Moodle never writes a DOCTYPE; refusing it also keeps entity expansion out of the parser.
        if re.search(r"<!DOCTYPE", text, re.IGNORECASE):
            self.add(path, "contains a DOCTYPE declaration, which Moodle's backup files never have")
            return None
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            self.add(path, f"malformed XML: {exc}")
            return None
        except (LookupError, ValueError) as exc:  # e.g. an unknown encoding in the declaration
            self.add(path, f"malformed XML: {exc}")
            return None

    def root(self, path: str, expected: str) -> ET.Element | None:
        """Parsed root of a member if it exists, parsed, and has the expected root element."""
        element = self.xml.get(path)
        if element is None:
            return None
        if element.tag != expected:
            # Reported once even though several checks ask for the same file.
            if path not in self.bad_roots:
                self.bad_roots.add(path)
                self.add(path, f"root element is <{element.tag}>, Moodle expects <{expected}>")
            return None
        return element

    def require(self, path: str, reason: str = "") -> bool:
        """Report a missing required file; True when present."""
        if path in self.members:
            return True
        self.add(path, "required file is missing" + (f" ({reason})" if reason else ""))
        return False

    # ----------------------------------------------------------------------------------------------
    # moodle_backup.xml

    def check_moodle_backup(self) -> ET.Element | None:
        """Check the header, <information>, contents and settings; return <information> when usable."""
        path = "moodle_backup.xml"
        if path not in self.members:
            nested = sorted(p for p in self.members if p.endswith("/moodle_backup.xml"))
            hint = f" (found {nested[0]}; remove the wrapping folder)" if nested else ""
            self.add(path, f"missing at the archive root{hint}")
            return None
        head = self.members[path][:200].decode("utf-8", errors="replace")
        for marker in FORMAT_MARKERS:
            if marker not in head:
                self.add(path, f"{marker!r} not found in the first 200 bytes; Moodle would not recognise "
                               "the backup format (convert_helper::detect_moodle2_format)")
        root = self.root(path, "moodle_backup")
        if root is None:
            return None
        info = root.find("information")
        if info is None:
            self.add(path, "<information> is missing")
            return None
        for name in INFORMATION_FIELDS:
            if info.find(name) is None:
                self.add(path, f"information/{name} is missing")
        backup_version = _text(info, "backup_version")
        if backup_version is not None and (not _is_int(backup_version) or int(backup_version) < MIN_BACKUP_VERSION):
            self.add(path, f"information/backup_version must be an integer >= {MIN_BACKUP_VERSION}, "
                           f"got {backup_version!r}")
        for name in ("original_course_contextid", "original_system_contextid", "original_course_id"):
            value = _text(info, name)
            if value is not None and not (_is_int(value) and int(value) > 0):
                self.add(path, f"information/{name} must be a positive integer, got {value!r}")
        self.course_contextid = (_text(info, "original_course_contextid") or "").strip() or None
        self.system_contextid = (_text(info, "original_system_contextid") or "").strip() or None
        if self.course_contextid and self.course_contextid == self.system_contextid:
            self.add(path, "original_course_contextid equals original_system_contextid; Moodle maps both")
        if (_text(info, "original_course_format") or "").strip() == "site":
            self.add(path, "original_course_format is 'site'; Moodle refuses to restore a front page into a course")
        # get_backup_information(): include_files defaults to 1 when absent.
        self.include_files = (_text(info, "include_files") or "1").strip() != "0"
        self._check_details(info)
        self._check_contents(info)
        self._check_settings(info)
        self.backup_usable = True
        return info

    def _check_details(self, info: ET.Element) -> None:
        path = "moodle_backup.xml"
        detail = info.find("details/detail")
        if detail is None:
            self.add(path, "information/details/detail is missing")
            return
        # restore_plan_builder::build_plan() picks the plan by type; only 'course' restores a whole course.
        self.backup_type = (_text(detail, "type") or "").strip()
        expected = {"type": "course", "format": "moodle2"}
        for name, value in expected.items():
            actual = _text(detail, name)
            if actual is None:
                self.add(path, f"details/detail/{name} is missing")
            elif actual.strip() != value:
                self.add(path, f"details/detail/{name} is {actual!r}, expected {value!r}")
        mode = _text(detail, "mode")
        if mode is None:
            self.add(path, "details/detail/mode is missing")
        elif not _is_int(mode):
            self.add(path, f"details/detail/mode must be an integer, got {mode!r}")

    def _check_contents(self, info: ET.Element) -> None:
        path = "moodle_backup.xml"
        contents = info.find("contents")
        if contents is None:
            self.add(path, "information/contents is missing")
            return
        if contents.find("course") is None:
            self.add(path, "information/contents/course is missing")
        for index, element in enumerate(contents.findall("sections/section"), start=1):
            values = {name: (_text(element, name) or "").strip() for name in ("sectionid", "title", "directory")}
            for name in ("sectionid", "title", "directory"):
                if element.find(name) is None:
                    self.add(path, f"contents section #{index} is missing <{name}>")
            sectionid = values["sectionid"]
            if not _is_int(sectionid):
                if element.find("sectionid") is not None:
                    self.add(path, f"contents section #{index} sectionid {sectionid!r} is not an integer")
                continue
            # restore_section_task::get_taskbasepath() ignores <directory> and always reads
            # sections/section_<sectionid>, while settings are keyed by the directory's basename.
            expected_dir = f"sections/section_{sectionid}"
            if values["directory"] and values["directory"] != expected_dir:
                self.add(path, f"section {sectionid} directory is {values['directory']!r}, expected {expected_dir!r}")
            if sectionid in self.sections:
                self.add(path, f"section {sectionid} is listed twice")
                continue
            self.sections[sectionid] = Section(sectionid, expected_dir)
            if not self._directory_exists(expected_dir):
                self.add(path, f"section directory {expected_dir} does not exist in the archive")
        for index, element in enumerate(contents.findall("activities/activity"), start=1):
            values = {name: (_text(element, name) or "").strip()
                      for name in ("moduleid", "sectionid", "modulename", "title", "directory")}
            missing = [name for name in values if element.find(name) is None]
            for name in missing:
                self.add(path, f"contents activity #{index} is missing <{name}>")
            if any(name in missing for name in ("moduleid", "sectionid", "modulename")):
                continue
            moduleid, modulename = values["moduleid"], values["modulename"]
            if not _is_int(moduleid) or not re.fullmatch(r"[a-z][a-z0-9_]*", modulename):
                self.add(path, f"contents activity #{index} has moduleid {moduleid!r} and modulename "
                               f"{modulename!r}; expected an integer and a module name")
                continue
            # Settings are keyed by basename(directory) but looked up as <modname>_<moduleid>_…
            # (restore_activity_task::get_setting), so the two must agree.
            expected_dir = f"activities/{modulename}_{moduleid}"
            if values["directory"] and values["directory"] != expected_dir:
                self.add(path, f"activity {modulename}_{moduleid} directory is {values['directory']!r}, "
                               f"expected {expected_dir!r}")
            key = f"{modulename}_{moduleid}"
            if key in self.activities:
                self.add(path, f"activity {key} is listed twice")
                continue
            directory = values["directory"] or expected_dir
            self.activities[key] = Activity(moduleid, values["sectionid"], modulename, directory)
            if not self._directory_exists(directory):
                self.add(path, f"activity directory {directory} does not exist in the archive")
        # restore_plan_builder::build_course_plan() reaches activities only through build_section_plan(), which
        # takes those whose sectionid matches a listed section; any other activity is silently not restored.
        if self.backup_type != "course":
            return  # a wrong type is already reported, and other types are planned differently
        for key, activity in self.activities.items():
            if activity.sectionid not in self.sections:
                self.add(path, f"activity {key} is in section {activity.sectionid}, which contents/sections does "
                               "not list; Moodle silently skips it")

    def _check_settings(self, info: ET.Element) -> None:
        path = "moodle_backup.xml"
        section_dirs = {s.directory.rsplit("/", 1)[-1] for s in self.sections.values()}
        activity_dirs = {a.directory.rsplit("/", 1)[-1] for a in self.activities.values()}
        for index, element in enumerate(info.findall("settings/setting"), start=1):
            level = (_text(element, "level") or "").strip()
            name = (_text(element, "name") or "").strip()
            value = _text(element, "value")
            label = name or f"#{index}"
            if element.find("level") is None or element.find("name") is None or value is None:
                self.add(path, f"setting {label} needs <level>, <name> and <value>")
                continue
            # get_backup_information() files each setting under its owner; an unknown owner is a PHP error.
            if level == "section":
                owner = (_text(element, "section") or "").strip()
                if owner not in section_dirs:
                    self.add(path, f"setting {name} belongs to section {owner!r}, which contents/sections does "
                                   "not list; Moodle's restore fails")
            elif level == "activity":
                owner = (_text(element, "activity") or "").strip()
                if owner not in activity_dirs:
                    self.add(path, f"setting {name} belongs to activity {owner!r}, which contents/activities "
                                   "does not list; Moodle's restore fails")
            elif level == "root":
                self.root_settings[name] = value.strip()
            elif level != "course":
                self.add(path, f"setting {name} has unknown level {level!r}")
                continue
            self.settings[name] = {"level": level, "value": value.strip()}
        # Without the activities setting restore_root_task defaults it to false: the course restores empty
        # and Moodle reports success (measured in a real restore too).
        activities = self.root_settings.get("activities")
        if activities is None:
            self.add(path, "root setting activities is missing; Moodle would restore no activities and still "
                           "report success")
        elif activities != "1":
            self.add(path, f"root setting activities is {activities!r}; Moodle would restore no activities and "
                           "still report success")
        for name in ROOT_SETTINGS:
            if name == "activities":
                continue
            value = self.root_settings.get(name)
            if value is None:
                self.add(path, f"root setting {name} is missing")
            elif name == "filename":
                if not value:
                    self.add(path, "root setting filename is empty")
            elif value not in ("0", "1"):
                self.add(path, f"root setting {name} must be 0 or 1, got {value!r}")
        # backup_section_task / backup_activity_task always write <prefix>included and <prefix>userinfo.
        owners = [(f"section_{sid}", "section") for sid in self.sections]
        owners += [(key, "activity") for key in self.activities]
        for prefix, level in owners:
            for suffix in ("included", "userinfo"):
                name = f"{prefix}_{suffix}"
                setting = self.settings.get(name)
                if setting is None:
                    self.add(path, f"{level} setting {name} is missing")
                elif setting["level"] != level:
                    self.add(path, f"setting {name} has level {setting['level']!r}, expected {level!r}")
                elif setting["value"] not in ("0", "1"):
                    self.add(path, f"setting {name} must be 0 or 1, got {setting['value']!r}")

    def _directory_exists(self, directory: str) -> bool:
        return any(p.startswith(directory + "/") for p in self.members)

    def setting_on(self, name: str) -> bool:
        """True when a root setting is 1 in moodle_backup.xml."""
        return self.root_settings.get(name) == "1"

    # ----------------------------------------------------------------------------------------------
    # Required files

    def check_required_files(self) -> None:
        """Root, course, section and activity files restore opens unconditionally or by setting."""
        for path, root_name in ROOT_FILES.items():
            if self.require(path):
                self.root(path, root_name)
        users = self.setting_on("users")
        for setting, filename, needs_users in CONDITIONAL_COURSE_FILES:
            path = f"course/{filename}"
            if self.setting_on(setting) and (users or not needs_users):
                self.require(path, f"root setting {setting} is 1")
            if path in self.members:
                self.root(path, OPTIONAL_ROOTS[filename])
        for section in self.sections.values():
            if not self._directory_exists(section.directory):
                continue  # already reported by the contents check
            for filename, root_name in (("section.xml", "section"), ("inforef.xml", "inforef")):
                path = f"{section.directory}/{filename}"
                if self.require(path):
                    self.root(path, root_name)
        for activity in self.activities.values():
            base = activity.directory
            if not self._directory_exists(base):
                continue  # already reported by the contents check
            for filename in ACTIVITY_FILES:
                path = f"{base}/{filename}"
                if self.require(path):
                    self.root(path, ACTIVITY_ROOTS[filename])
            self.require(f"{base}/{activity.modulename}.xml")
            for setting, filename, needs_users in CONDITIONAL_ACTIVITY_FILES:
                path = f"{base}/{filename}"
                if self.setting_on(setting) and (users or not needs_users):
                    self.require(path, f"root setting {setting} is 1")
                if path in self.members:
                    self.root(path, OPTIONAL_ROOTS[filename])

    def check_unlisted_directories(self) -> None:
        """Directories in the archive that moodle_backup.xml does not list are never restored."""
        if not self.backup_usable:
            return  # without a readable moodle_backup.xml every directory would be reported
        listed = {a.directory for a in self.activities.values()} | {s.directory for s in self.sections.values()}
        found = {"/".join(p.split("/")[:2]) for p in self.members
                 if p.startswith(("activities/", "sections/")) and p.count("/") >= 2}
        for directory in sorted(found - listed):
            kind = "activities" if directory.startswith("activities/") else "sections"
            self.add(directory, f"directory is not listed in moodle_backup.xml contents/{kind}")

    # ----------------------------------------------------------------------------------------------
    # Course, sections, activities

    def check_course(self) -> None:
        """course/course.xml: identity and the fields a restore overwrites."""
        path = "course/course.xml"
        course = self.root(path, "course")
        if course is None:
            return
        for name in COURSE_FIELDS:
            if course.find(name) is None:
                self.add(path, f"missing <{name}>")
        contextid = course.get("contextid")
        if contextid is None:
            self.add(path, "course/@contextid is missing")
        elif self.course_contextid and contextid != self.course_contextid:
            self.add(path, f"course/@contextid is {contextid!r}, but moodle_backup.xml says original_course_contextid "
                           f"{self.course_contextid!r}")
        self._check_format(path, course, "summaryformat")

    def check_sections(self) -> None:
        """section.xml identity, fields and numbering."""
        numbers: dict[int, str] = {}
        for section in self.sections.values():
            path = f"{section.directory}/section.xml"
            element = self.root(path, "section")
            if element is None:
                continue
            section.element = element
            if element.get("id") != section.sectionid:
                self.add(path, f"section/@id is {element.get('id')!r}, expected {section.sectionid!r} "
                               "(the sectionid in moodle_backup.xml)")
            for name in SECTION_FIELDS:
                if element.find(name) is None:
                    self.add(path, f"missing <{name}>")
            number = _text(element, "number")
            if number is not None:
                if _is_int(number):
                    section.number = int(number)
                    # process_section() looks sections up by number: a second one merges into the first.
                    if section.number in numbers:
                        self.add(path, f"section number {section.number} is also used by {numbers[section.number]}")
                    else:
                        numbers[section.number] = path
                else:
                    self.add(path, f"number {number!r} is not an integer")
            section.sequence = _text(element, "sequence")
            self._check_format(path, element, "summaryformat")
        complete = all(section.number is not None for section in self.sections.values())
        if numbers and complete and sorted(numbers) != list(range(len(numbers))):
            got = ", ".join(str(n) for n in sorted(numbers))
            self.add("moodle_backup.xml", f"section numbers must run from 0 without gaps, got {got}")
        self.summary.sections = len(self.sections)

    def check_activities(self) -> None:
        """module.xml and <modname>.xml identity, fields and module-specific rules."""
        contexts: dict[str, str] = {}
        for key, activity in self.activities.items():
            self.summary.modules[activity.modulename] += 1
            self._check_module_xml(key, activity)
            self._check_activity_xml(key, activity, contexts)

    def _check_module_xml(self, key: str, activity: Activity) -> None:
        path = f"{activity.directory}/module.xml"
        module = self.root(path, "module")
        if module is None:
            return
        if module.get("id") != activity.moduleid:
            self.add(path, f"module/@id is {module.get('id')!r}, expected {activity.moduleid!r}")
        # restore_module_structure_step reads @version into the task.
        if module.get("version") is None:
            self.add(path, "module/@version is missing")
        for name in MODULE_FIELDS:
            if module.find(name) is None:
                self.add(path, f"missing <{name}>")
        modulename = _text(module, "modulename")
        if modulename is not None and modulename.strip() != activity.modulename:
            self.add(path, f"modulename is {modulename!r}, expected {activity.modulename!r}")
        sectionid = _text(module, "sectionid")
        if sectionid is not None:
            activity.module_sectionid = sectionid.strip()
            if activity.module_sectionid != activity.sectionid:
                self.add(path, f"sectionid is {sectionid!r}, but moodle_backup.xml puts {key} in section "
                               f"{activity.sectionid!r}")
            section = self.sections.get(activity.module_sectionid)
            sectionnumber = _text(module, "sectionnumber")
            if section is not None and section.number is not None and sectionnumber is not None \
                    and sectionnumber.strip() != str(section.number):
                self.add(path, f"sectionnumber is {sectionnumber!r}, but section {section.sectionid} has number "
                               f"{section.number}")
        completion = _text(module, "completion")
        if completion is not None and completion.strip() not in COMPLETION_VALUES:
            self.add(path, f"completion must be 0, 1 or 2, got {completion!r}")
        completionview = _text(module, "completionview")
        if completionview is not None and completionview.strip() not in ("0", "1"):
            self.add(path, f"completionview must be 0 or 1, got {completionview!r}")

    def _check_activity_xml(self, key: str, activity: Activity, contexts: dict[str, str]) -> None:
        path = f"{activity.directory}/{activity.modulename}.xml"
        root = self.root(path, "activity")
        if root is None:
            return
        for name in ("id", "moduleid", "modulename", "contextid"):
            if root.get(name) is None:
                self.add(path, f"activity/@{name} is missing")
        if root.get("moduleid") is not None and root.get("moduleid") != activity.moduleid:
            self.add(path, f"activity/@moduleid is {root.get('moduleid')!r}, expected {activity.moduleid!r}")
        if root.get("modulename") is not None and root.get("modulename") != activity.modulename:
            self.add(path, f"activity/@modulename is {root.get('modulename')!r}, expected {activity.modulename!r}")
        contextid = root.get("contextid")
        if contextid is not None:
            if not (_is_int(contextid) and int(contextid) > 0):
                self.add(path, f"activity/@contextid must be a positive integer, got {contextid!r}")
            elif contextid in (self.course_contextid, self.system_contextid):
                # process_activity() maps this context; reusing the course/system one remaps theirs.
                self.add(path, f"activity/@contextid {contextid} is the course or system context")
            elif contextid in contexts:
                self.add(path, f"activity/@contextid {contextid} is also used by {contexts[contextid]}")
            else:
                contexts[contextid] = path
                activity.contextid = contextid
        instance = root.find(activity.modulename)
        if instance is None:
            self.add(path, f"<{activity.modulename}> element is missing under <activity>")
            return
        activity.instance = instance
        if root.get("id") is not None and instance.get("id") != root.get("id"):
            self.add(path, f"<{activity.modulename}>/@id is {instance.get('id')!r}, but activity/@id is "
                           f"{root.get('id')!r}")
        fields = MODULE_SPECS.get(activity.modulename, ())
        for name in fields:
            if instance.find(name) is None:
                self.add(path, f"{activity.modulename} is missing <{name}>")
        if "name" in fields:
            name_value = _text(instance, "name")
            if name_value is not None and (not name_value.strip() or name_value == NULL):
                self.add(path, f"{activity.modulename} name is empty")
        for format_field in ("introformat", "contentformat"):
            self._check_format(path, instance, format_field, activity.modulename)
        # An explicit table, not getattr: a module name must never select an unrelated method.
        module_checks = {"page": self._check_page, "url": self._check_url, "book": self._check_book,
                         "resource": self._check_resource, "glossary": self._check_glossary}
        checker = module_checks.get(activity.modulename)
        if checker is not None:
            checker(path, key, activity, instance)

    def _check_format(self, path: str, element: ET.Element, name: str, owner: str = "") -> None:
        value = _text(element, name)
        if value is not None and value.strip() not in TEXT_FORMATS:
            where = f"{owner} " if owner else ""
            self.add(path, f"{where}{name} must be one of 0, 1, 2, 3, 4, got {value!r}")

    def _check_page(self, path: str, key: str, activity: Activity, page: ET.Element) -> None:
        content = _text(page, "content")
        if content == NULL:
            self.add(path, "page content is $@NULL@$")

    def _check_url(self, path: str, key: str, activity: Activity, url: ET.Element) -> None:
        externalurl = _text(url, "externalurl")
        if externalurl is None:
            return
        value = externalurl.strip()
        pattern = URL_STRICT if URL_ABSOLUTE.match(value) else URL_LOOSE
        if not value or value == NULL or not pattern.match(value):
            self.add(path, f"externalurl {externalurl!r} is not a valid URL (mod/url url_appears_valid_url)")

    def _check_book(self, path: str, key: str, activity: Activity, book: ET.Element) -> None:
        pagenums: list[int] = []
        first: tuple[int, str] | None = None
        for chapter in book.findall("chapters/chapter"):
            cid = chapter.get("id")
            label = f"chapter {cid}" if cid else "a chapter"
            if not _is_int(cid):
                self.add(path, f"{label} has no integer id attribute")
            for name in BOOK_CHAPTER_FIELDS:
                if chapter.find(name) is None:
                    self.add(path, f"{label} is missing <{name}>")
            pagenum = _text(chapter, "pagenum")
            if pagenum is not None:
                if _is_int(pagenum):
                    pagenums.append(int(pagenum))
                    if first is None or int(pagenum) < first[0]:
                        first = (int(pagenum), (_text(chapter, "subchapter") or "").strip())
                else:
                    self.add(path, f"{label} pagenum {pagenum!r} is not an integer")
            subchapter = _text(chapter, "subchapter")
            if subchapter is not None and subchapter.strip() not in ("0", "1"):
                self.add(path, f"{label} subchapter must be 0 or 1, got {subchapter!r}")
            title = _text(chapter, "title")
            if title is not None and not title.strip():
                self.add(path, f"{label} title is empty")
            self._check_format(path, chapter, "contentformat", label)
        if pagenums and sorted(pagenums) != list(range(1, len(pagenums) + 1)):
            self.add(path, f"chapter pagenum values must run from 1 without gaps or repeats, got "
                           f"{', '.join(str(n) for n in sorted(pagenums))}")
        # book_preload_chapters(): "book can not start with a subchapter" — it is silently promoted.
        if first is not None and first[1] == "1":
            self.add(path, "the first chapter is a subchapter; Moodle turns it into a chapter")

    def _check_resource(self, path: str, key: str, activity: Activity, resource: ET.Element) -> None:
        # resource_view reads the first file of mod_resource/content; with none it shows an error page.
        has_file = any(f.contextid == activity.contextid and f.component == "mod_resource"
                       and f.filearea == "content" and f.filename != "." for f in self.files.values())
        if activity.contextid is not None and not has_file:
            self.add(activity.directory, "resource has no file in mod_resource/content")

    def _check_glossary(self, path: str, key: str, activity: Activity, glossary: ET.Element) -> None:
        entries = glossary.findall("entries/entry")
        if not entries:
            return
        # restore_glossary_activity_structure_step only reads entries when the activity's userinfo is on,
        # which depends on the root users setting.
        count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
        if not self.setting_on("users"):
            self.add(path, f"glossary has {count} but root setting users is not 1; Moodle drops them")
        userinfo = self.settings.get(f"{key}_userinfo", {}).get("value")
        if userinfo != "1":
            self.add(path, f"glossary has {count} but setting {key}_userinfo is not 1; Moodle drops them")
        users = self._ids("users.xml", "users", "user")
        refs = self._inforef_ids(f"{activity.directory}/inforef.xml", "user")
        for entry in entries:
            label = f"entry {entry.get('id')}"
            for name in GLOSSARY_ENTRY_FIELDS:
                if entry.find(name) is None:
                    self.add(path, f"{label} is missing <{name}>")
            userid = (_text(entry, "userid") or "").strip()
            if userid:
                if users is not None and userid not in users:
                    self.add(path, f"{label} author user {userid} is not in users.xml")
                if refs is not None and userid not in refs:
                    self.add(path, f"{label} author user {userid} is not in {activity.directory}/inforef.xml userref")
            self._check_format(path, entry, "definitionformat", label)

    def _ids(self, path: str, root_name: str, child: str) -> set[str] | None:
        root = self.xml.get(path)
        if root is None or root.tag != root_name:
            return None
        return {element.get("id", "") for element in root.findall(child)}

    def _inforef_ids(self, path: str, item: str) -> set[str] | None:
        root = self.xml.get(path)
        if root is None or root.tag != "inforef":
            return None
        return {(_text(element, "id") or "").strip() for element in root.findall(f"{item}ref/{item}")}

    def check_sequences(self) -> None:
        """Each section's <sequence> equals its activities, in the order restore will recreate them."""
        # restore_module_structure_step appends each cm to its section's sequence in plan order, i.e. the
        # order of contents/activities in moodle_backup.xml; section.xml's own sequence is discarded.
        by_section: dict[str, list[str]] = {sid: [] for sid in self.sections}
        for activity in self.activities.values():
            sectionid = activity.module_sectionid or activity.sectionid
            if sectionid in by_section:
                by_section[sectionid].append(activity.moduleid)
        for sectionid, section in self.sections.items():
            if section.sequence is None:
                continue
            actual = [part.strip() for part in section.sequence.split(",") if part.strip()]
            expected = by_section[sectionid]
            if actual != expected:
                self.add(f"{section.directory}/section.xml",
                         f"sequence is {','.join(actual)!r}, expected {','.join(expected)!r} (the activities "
                         "whose module.xml names this section, in moodle_backup.xml order)")

    # ----------------------------------------------------------------------------------------------
    # Files

    def load_files(self) -> None:
        """Read and check the records of files.xml; later checks look files up here."""
        root = self.root("files.xml", "files")
        if root is not None:
            self._load_file_records(root)
            self.files_usable = True

    def check_files(self) -> None:
        """Blobs, inforef cross-references, file areas and @@PLUGINFILE@@ links."""
        self._check_blobs()
        self._check_inforefs()
        # Without a usable moodle_backup.xml the inforef files are unknown, so every file would be listed.
        if self.files_usable and self.backup_usable:
            for fid, record in self.files.items():
                if fid not in self.referenced_files:
                    self.add("files.xml", f"file id {fid} ({record.label()}) is not referenced by any inforef.xml; "
                                          "Moodle's restore skips it")
        self._check_pluginfile_links()

    def _load_file_records(self, root: ET.Element) -> None:
        required = ("contenthash", "contextid", "component", "filearea", "itemid", "filepath", "filename",
                    "filesize")
        for index, element in enumerate(root.findall("file"), start=1):
            fid = element.get("id")
            if not _is_int(fid):
                self.add("files.xml", f"file #{index} has no integer id attribute")
                continue
            assert fid is not None
            if fid in self.files:
                self.add("files.xml", f"file id {fid} is listed twice")
                continue
            values = {name: _text(element, name) for name in required}
            missing = [name for name, value in values.items() if value is None]
            for name in missing:
                self.add("files.xml", f"file id {fid} is missing <{name}>")
            if missing:
                continue
            record = FileRecord(fid, *(str(values[name]).strip() for name in required))
            record.filename = str(values["filename"])
            record.filepath = str(values["filepath"])
            self.files[fid] = record
            if not re.fullmatch(r"[0-9a-f]{40}", record.contenthash):
                self.add("files.xml", f"file id {fid} contenthash {record.contenthash!r} is not 40 lowercase hex "
                                      "characters")
            if not (record.filepath.startswith("/") and record.filepath.endswith("/")):
                self.add("files.xml", f"file id {fid} filepath {record.filepath!r} must start and end with '/'")
            if not record.filename:
                self.add("files.xml", f"file id {fid} has an empty filename")
            if not _is_int(record.itemid):
                self.add("files.xml", f"file id {fid} itemid {record.itemid!r} is not an integer")
            if not _is_int(record.filesize):
                self.add("files.xml", f"file id {fid} filesize {record.filesize!r} is not an integer")
            repositoryid = (_text(element, "repositoryid") or "").strip()
            if repositoryid and repositoryid != NULL:
                self.add("files.xml", f"file id {fid} is a reference to repository {repositoryid}; its content "
                                      "is not in the package")
            if record.filename == "." and record.contenthash != EMPTY_SHA1:
                self.add("files.xml", f"file id {fid} is a directory record ('.') but its contenthash is not "
                                      f"{EMPTY_SHA1}")
            if record.filename != ".":
                self.summary.files += 1

    def _check_blobs(self) -> None:
        content_files = [r for r in self.files.values() if r.filename != "."]
        if not self.include_files:
            if content_files:
                self.add("moodle_backup.xml", f"include_files is 0 but files.xml lists {len(content_files)} files; "
                                              "Moodle would look for them in the target site instead of the package")
            return
        checked: dict[str, str | None] = {}
        for record in content_files:
            if not re.fullmatch(r"[0-9a-f]{40}", record.contenthash):
                continue
            # backup_file_manager::get_backup_content_file_location(): files/<first two chars>/<hash>.
            blob_path = f"files/{record.contenthash[:2]}/{record.contenthash}"
            blob = self.members.get(blob_path)
            if blob is None:
                # send_files_to_pool() only logs a warning for a missing blob: the restore "succeeds".
                self.add(blob_path, f"missing (needed by files.xml file id {record.fid}, {record.label()})")
                continue
            if blob_path not in checked:
                actual = hashlib.sha1(blob).hexdigest()
                checked[blob_path] = actual
                if actual != record.contenthash:
                    self.add(blob_path, f"content sha1 is {actual}, not the hash in its name")
            if _is_int(record.filesize) and int(record.filesize) != len(blob):
                self.add("files.xml", f"file id {record.fid} filesize is {record.filesize} but {blob_path} has "
                                      f"{len(blob)} bytes")

    def _check_inforefs(self) -> None:
        users = self._ids("users.xml", "users", "user")
        roles = self._ids("roles.xml", "roles_definition", "role")
        owners: list[tuple[str, str, Activity | Section | None]] = [("course/inforef.xml", "course", None)]
        owners += [(f"{s.directory}/inforef.xml", "section", s) for s in self.sections.values()]
        owners += [(f"{a.directory}/inforef.xml", "activity", a) for a in self.activities.values()]
        for path, kind, owner in owners:
            root = self.xml.get(path)
            if root is None or root.tag != "inforef":
                continue
            for fid in sorted(self._inforef_ids(path, "file") or set(), key=lambda v: (len(v), v)):
                record = self.files.get(fid)
                if record is None:
                    if self.files_usable:
                        self.add(path, f"file id {fid} referenced but not in files.xml")
                    continue
                self.referenced_files.add(fid)
                self._check_file_owner(path, kind, owner, record)
            if users is not None:
                for uid in sorted(self._inforef_ids(path, "user") or set()):
                    if uid not in users:
                        self.add(path, f"user id {uid} referenced but not in users.xml")
            if roles is not None:
                for rid in sorted(self._inforef_ids(path, "role") or set()):
                    if rid not in roles:
                        self.add(path, f"role id {rid} referenced but not in roles.xml")

    def _check_file_owner(self, path: str, kind: str, owner: Activity | Section | None, record: FileRecord) -> None:
        # send_files_to_pool() selects files by the task's old contextid, component and file area, and
        # (for mapped areas) joins the itemid to a restored record; anything else is silently left out.
        fid = record.fid
        if kind in ("course", "section"):
            if self.course_contextid and record.contextid != self.course_contextid:
                self.add(path, f"file id {fid} has contextid {record.contextid}, expected {self.course_contextid} "
                               "(the course context)")
            if kind == "course":
                if record.component == "course" and record.filearea not in COURSE_AREAS:
                    self.add(path, f"file id {fid} is in course file area {record.filearea!r}, which Moodle does "
                                   "not restore")
                return
            assert isinstance(owner, Section)
            if (record.component, record.filearea) != ("course", "section"):
                self.add(path, f"file id {fid} is {record.component}/{record.filearea}, expected course/section")
            elif record.itemid != owner.sectionid:
                self.add(path, f"file id {fid} has itemid {record.itemid}, expected {owner.sectionid} (the section id)")
            return
        assert isinstance(owner, Activity)
        if owner.contextid is not None and record.contextid != owner.contextid:
            self.add(path, f"file id {fid} has contextid {record.contextid}, expected {owner.contextid} "
                           "(the activity's context)")
        areas = RESTORED_AREAS.get(owner.modulename)
        if areas is None:
            return
        component = f"mod_{owner.modulename}"
        if record.component != component:
            self.add(path, f"file id {fid} has component {record.component!r}, expected {component!r}")
            return
        if record.filearea not in areas:
            self.add(path, f"file id {fid} is in file area {record.filearea!r}, which Moodle does not restore for "
                           f"{owner.modulename}")
            return
        mapping = areas[record.filearea]
        if mapping is None:
            if record.itemid != "0":
                self.add(path, f"file id {fid} has itemid {record.itemid}, expected 0 for "
                               f"{component}/{record.filearea}")
            return
        item_ids = self._item_ids(owner, mapping)
        if item_ids is not None and record.itemid not in item_ids:
            self.add(path, f"file id {fid} has itemid {record.itemid}, which is not a {mapping} id in "
                           f"{owner.modulename}.xml")

    def _item_ids(self, activity: Activity, item: str) -> set[str] | None:
        if activity.instance is None:
            return None
        container = {"chapter": "chapters/chapter", "entry": "entries/entry"}[item]
        return {element.get("id", "") for element in activity.instance.findall(container)}

    def _check_pluginfile_links(self) -> None:
        if not self.files_usable:
            return  # files.xml itself is already reported
        if self.course_contextid:
            course = self.root("course/course.xml", "course")
            if course is not None:
                self._resolve_links("course/course.xml", "course/inforef.xml", _text(course, "summary"), "summary",
                                    self.course_contextid, "course", "summary", "0")
            for section in self.sections.values():
                if section.element is not None:
                    self._resolve_links(f"{section.directory}/section.xml", f"{section.directory}/inforef.xml",
                                        _text(section.element, "summary"), "summary", self.course_contextid,
                                        "course", "section", section.sectionid)
        for activity in self.activities.values():
            if activity.instance is None or activity.contextid is None:
                continue
            path = f"{activity.directory}/{activity.modulename}.xml"
            inforef = f"{activity.directory}/inforef.xml"
            component = f"mod_{activity.modulename}"
            # Every module's intro is rendered against its 'intro' area (format_module_intro).
            self._resolve_links(path, inforef, _text(activity.instance, "intro"), "intro", activity.contextid,
                                component, "intro", "0")
            for where, name, area, by_id in TEXT_AREAS.get(activity.modulename, ()):
                for element in activity.instance.findall(where):
                    itemid = element.get("id", "") if by_id else "0"
                    label = f"{name} of {element.tag} {itemid}" if by_id else name
                    self._resolve_links(path, inforef, _text(element, name), label, activity.contextid,
                                        component, area, itemid)

    def _resolve_links(self, path: str, inforef: str, text: str | None, field_label: str, contextid: str,
                       component: str, filearea: str, itemid: str) -> None:
        if not text or PLUGINFILE not in text:
            return
        refs = self._inforef_ids(inforef, "file")
        if text.count(PLUGINFILE) != len(PLUGINFILE_LINK.findall(text)):
            self.add(path, f"{PLUGINFILE} in <{field_label}> is not followed by '/'")
        for raw in PLUGINFILE_LINK.findall(text):
            # The stored text is HTML: decode entities, then the URL encoding pluginfile.php undoes.
            decoded = urllib.parse.unquote(html.unescape(raw))
            directory, _, filename = decoded.rpartition("/")
            filepath = f"/{directory}/" if directory else "/"
            where = f"{component}/{filearea}/{itemid} {filepath}{filename}"
            matches = [r for r in self.files.values()
                       if (r.contextid, r.component, r.filearea, r.itemid, r.filepath, r.filename)
                       == (contextid, component, filearea, itemid, filepath, filename)]
            if not matches:
                self.add(path, f"{PLUGINFILE}/{raw} in <{field_label}> has no file {where} (context {contextid}) "
                               "in files.xml")
            elif refs is not None and not any(r.fid in refs for r in matches):
                self.add(path, f"{PLUGINFILE}/{raw} in <{field_label}> matches file id {matches[0].fid}, which "
                               f"{inforef} does not reference; Moodle drops it")

    # ----------------------------------------------------------------------------------------------

    def run(self) -> list[str]:
        """Run every check in dependency order and return the problems."""
        if not self.read_archive():
            return self.problems
        self.parse_all_xml()
        self.check_moodle_backup()
        self.check_required_files()
        self.check_unlisted_directories()
        self.load_files()
        self.check_course()
        self.check_sections()
        self.check_activities()
        self.check_sequences()
        self.check_files()
        return self.problems


def check_mbz(data: bytes) -> list[str]:
    """Return every structural problem of a .mbz package (empty list = restorable)."""
    return _Checker(data).run()


def _summary_line(summary: Summary) -> str:
    modules = ", ".join(f"{name} {count}" for name, count in sorted(summary.modules.items()))
    activities = sum(summary.modules.values())
    return (f"{summary.sections} sections, {activities} activities ({modules or 'none'}), "
            f"{summary.files} files")


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: check one .mbz file, print problems or a summary, return the exit code."""
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
    checker = _Checker(data)
    problems = checker.run()
    if problems:
        for problem in problems:
            print(problem)
        print(f"{args[0]}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{args[0]}: OK, {_summary_line(checker.summary)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
