"""The toolbox as Moodle packages: a course backup (.mbz), a Book import zip and a Glossary import file. Pure.

The course is planned first as plain values (sections, activities, chapters with their HTML), then given ids
derived from content ids, then written as the XML files Moodle 4.5's backup writes, and packed byte for byte
the same way on every build. Nothing here reads or writes the filesystem: attachments arrive as bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile
import urllib.parse
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

from ..audience import Profile
from ..markup import render_markdown, unlink_addresses
from ..messages import RenderError
from ..collation import collation_key
from ..model import Action, Plan, Toolbox
from ..review import build_reference_date
from ..schema import ACTION_STATUSES, METHOD_KINDS, TIER_IDS
from . import make_environment, package_slug
from .site import SHAPE_NAMES, index_toolbox
from .wheel import SHAPES, render_wheel

# What the package claims to be: Moodle 4.5 LTS (backup/backup.class.php VERSION and RELEASE), so it restores
# into 4.5 and every later release. Core modules of 4.5.0 all carry the same version number.
MOODLE_VERSION = 2024100700
MOODLE_RELEASE = "4.5 (Build: 20241007)"
BACKUP_VERSION = 2024100700
BACKUP_RELEASE = "4.5"
MODULE_VERSION = 2024100700

COURSE_FORMAT = "topics"
# A made-up origin: restore compares it with the target site and treats the package as coming from elsewhere.
ORIGINAL_WWWROOT = "https://partnerkit.invalid"
SYSTEM_CONTEXT_ID = 1
CATEGORY_ID = 1

# Ids are hashes of content keys in this range: stable when unrelated content changes, unique by construction.
ID_BASE = 100_000_000
ID_SPAN = 900_000_000

# The earliest time a zip entry can carry (MS-DOS dates start in 1980).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

INTRO_SECTION_NAME = "Johdanto"
CONCEPTS_PAGE_NAME = "Keskeiset käsitteet"
PLANS_PAGE_NAME = "Vuosisuunnitelmat kuukausittain"
MONTH_NAMES = ("tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu", "heinäkuu", "elokuu",
               "syyskuu", "lokakuu", "marraskuu", "joulukuu")
PUBLIC_PARTNERS_PAGE_NAME = "Kumppanit"
GUIDES_SECTION_NAME = "Ohjeita ja oppaita"
METHODS_SECTION_NAME = "Menetelmät ja työkalut"
SERVICES_SECTION_NAME = "Palvelut työelämälle"
# The toolbox's own language: every text the course shows is Finnish (toolbox.yaml moodle_course_language).
TOOLBOX_LANGUAGE = "fi"
# course_modules.idnumber is varchar(100); longer content keys are hashed to fit.
IDNUMBER_PREFIX = "partnerkit:"
IDNUMBER_MAX = 100
# completion_info: COMPLETION_TRACKING_MANUAL, COMPLETION_TRACKING_AUTOMATIC; completion_criteria
# COMPLETION_CRITERIA_TYPE_ACTIVITY; COMPLETION_AGGREGATION_ALL.
COMPLETION_MANUAL = 1
COMPLETION_AUTOMATIC = 2
CRITERIA_TYPE_ACTIVITY = 4
AGGREGATION_ALL = 1
# Links between activities are planned before ids exist: templates write a marker (NUL never survives validation
# or XML, so content cannot forge one), and _resolve_links() turns it into the form Moodle's backup writes for
# links (backup_page_activity_task::encode_content_links(), backup_course_task::encode_content_links()). Restore's
# decoder (restore_decode_rule) maps the old ids to the restored ones.
_LINK_MARKER = re.compile("\x00(cm|section):([^\x00]*)\x00")

# backup_root_task::define_settings() of a course backup without users, in Moodle's order. 'activities' is the
# one that matters most: without it a restore silently creates an empty course.
ROOT_SETTINGS: tuple[tuple[str, int], ...] = (
    ("imscc11", 0), ("users", 0), ("anonymize", 0), ("role_assignments", 0), ("activities", 1), ("blocks", 1),
    ("files", 1), ("filters", 1), ("comments", 0), ("badges", 1), ("calendarevents", 1), ("userscompletion", 0),
    ("logs", 0), ("grade_histories", 0), ("questionbank", 1), ("groups", 1), ("competencies", 1),
    ("customfield", 1), ("contentbankcontent", 1), ("xapistate", 0), ("legacyfiles", 1),
)

# Files Moodle writes even when they hold nothing for this course: {path: (root element, empty children)}.
# files.xml and each activity's inforef.xml are written from templates: they list the attachments.
EMPTY_ROOT_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "users.xml": ("users", ()),
    "roles.xml": ("roles_definition", ()),
    "groups.xml": ("groups", ("groupings",)),
    "scales.xml": ("scales_definition", ()),
    "outcomes.xml": ("outcomes_definition", ()),
    "questions.xml": ("question_categories", ()),
    "gradebook.xml": ("gradebook", ("attributes", "grade_categories", "grade_items", "grade_letters",
                                    "grade_settings")),
    "grade_history.xml": ("grade_history", ("grade_grades",)),
    "badges.xml": ("badges", ()),
    "course/inforef.xml": ("inforef", ()),
    "course/roles.xml": ("roles", ("role_overrides", "role_assignments")),
    "course/enrolments.xml": ("enrolments", ("enrols",)),
    "course/filters.xml": ("filters", ("filter_actives", "filter_configs")),
    "course/comments.xml": ("comments", ()),
    "course/competencies.xml": ("course_competencies", ("competencies", "user_competencies")),
    "course/completiondefaults.xml": ("course_completion_defaults", ()),
    "course/contentbank.xml": ("contents", ()),
}
EMPTY_SECTION_FILES: dict[str, tuple[str, tuple[str, ...]]] = {"inforef.xml": ("inforef", ())}
EMPTY_ACTIVITY_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "roles.xml": ("roles", ("role_overrides", "role_assignments")),
    "grades.xml": ("activity_gradebook", ("grade_items", "grade_letters")),
    "grade_history.xml": ("grade_history", ("grade_grades",)),
    "filters.xml": ("filters", ("filter_actives", "filter_configs")),
    "comments.xml": ("comments", ()),
    "calendar.xml": ("events", ()),
    "competencies.xml": ("course_module_competencies", ("competencies",)),
    "completion.xml": ("completions", ("completionviews",)),
}

# Plan dates are Finnish calendar days (the toolbox is for Finnish institutions); Moodle stores an event as a
# moment and a length in seconds, so a day starts at midnight in Finland and a summer day is still 24 hours long.
CALENDAR_TIMEZONE = ZoneInfo("Europe/Helsinki")
EVENT_NAME_MAX = 255  # event.name in lib/db/install.xml

# Attachments in a course backup: each activity's file area, Moodle's link prefix to it, and the folder of the
# Book import zip that holds them next to the chapters.
PLUGINFILE = "@@PLUGINFILE@@"
NULL = "$@NULL@$"  # SQL NULL in Moodle's backup XML
FILE_AREAS = {"page": "content", "book": "chapter"}
BOOK_ZIP_FILES = "liitteet"
PLUGIN_ZIP_ROOT = "partnerkit"  # the plugin's folder name under admin/tool/, as Moodle's installer requires
PLUGIN_ZIP_NAME = "moodle-tool_partnerkit.zip"
# sha1 of nothing: the content hash of the directory record ('.') Moodle writes for the root of each file area.
EMPTY_SHA1 = hashlib.sha1(b"").hexdigest()
# The licence Moodle gives a file nobody chose one for ($CFG->sitedefaultlicense defaults to it).
FILE_LICENSE = "unknown"
# Mime types as Moodle 4.5 names them (core_filetypes::get_default_types); restore recomputes them anyway.
# webp is not in 4.5's table; its registered type is used. Keys: schema.ATTACHMENT_TYPES (a test checks).
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "text/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
# Moodle's own name for a type it does not know.
UNKNOWN_MIME_TYPE = "document/unknown"
# The year wheel is the one file the course draws itself: an SVG image in the plans page's content area. Inline
# SVG would not survive Moodle's HTML cleaning where it applies (purify_html() knows no svg element; mod_page
# skips cleaning only while $CFG->forceclean is off), an image does. Moodle serves an SVG file as a download
# (send_file() forces it unless the module allows otherwise, and mod_page does not), which an <img> still shows.
WHEEL_FILENAME = "vuosikello-{year}.svg"
WHEEL_MIME_TYPE = "image/svg+xml"
# What Moodle's PARAM_FILE strips from a file name (core\param::clean_param_value_file); a name written
# with them would be stored under another name on restore and its links would break.
_MOODLE_FILENAME_STRIPPED = re.compile(r"[\x00-\x1f\x7f&<>\"`|':\\/]")
# Moodle's zip reader joins runs of dots in member names (zip_archive::mangle_pathname).
_DOTS = re.compile(r"\.\.+")

# Characters XML 1.0 cannot carry at all; Moodle's own writer drops them too.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_SHIPPED_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class AreaFile:
    """One file in an activity's file area: an attachment (source under content/files/) or the area's root '.'."""

    source: str
    filename: str
    chapter_key: str = ""  # the book chapter whose area holds it; "" for a page's content area
    id: int = 0
    data: bytes | None = None  # the bytes of a file the course draws itself (the year wheel), not read from content

    @property
    def is_directory(self) -> bool:
        """True for the directory record Moodle writes for the root of every file area that holds files."""
        return self.filename == "."


@dataclass(frozen=True)
class StoredFile:
    """One record of files.xml, with everything Moodle's backup writes for it."""

    id: int
    contenthash: str
    contextid: int
    component: str
    filearea: str
    itemid: int
    filename: str
    filesize: int
    mimetype: str
    source: str
    license: str


@dataclass(frozen=True)
class Chapter:
    """One chapter of a book: a guide, as HTML."""

    key: str
    title: str
    content_html: str
    id: int = 0


@dataclass(frozen=True)
class Activity:
    """One course module: a page, a URL or a book, with its HTML already rendered and sanitised."""

    key: str
    modname: str
    name: str
    intro_html: str = ""
    show_description: bool = False
    content_html: str = ""
    url: str = ""
    chapters: tuple[Chapter, ...] = ()
    files: tuple[AreaFile, ...] = ()
    # Tracked by hand (1), or complete when viewed (2: a tier's definition, for the course completion criteria).
    completion: int = COMPLETION_MANUAL
    cmid: int = 0
    instanceid: int = 0
    contextid: int = 0

    @property
    def idnumber(self) -> str:
        """A stable identity from the content key (course_modules.idnumber): the same on every build."""
        return stable_idnumber(self.key)

    @property
    def directory_name(self) -> str:
        """The activity's folder name in the backup, which is also the prefix of its settings."""
        return f"{self.modname}_{self.cmid}"

    @property
    def directory(self) -> str:
        """The activity's folder in the backup."""
        return f"activities/{self.directory_name}"


@dataclass(frozen=True)
class Section:
    """One course section with its activities in display order."""

    key: str
    number: int
    name: str
    summary_html: str
    activities: tuple[Activity, ...]
    id: int = 0

    @property
    def directory_name(self) -> str:
        """The section's folder name in the backup, which is also the prefix of its settings."""
        return f"section_{self.id}"

    @property
    def directory(self) -> str:
        """The section's folder in the backup."""
        return f"sections/{self.directory_name}"


@dataclass(frozen=True)
class CalendarEvent:
    """A dated action of an annual plan as a course event of the course calendar (course/calendar.xml)."""

    key: str  # <team>-<year>/<action id>
    name: str
    description_html: str
    timestart: int
    timeduration: int
    id: int = 0

    @property
    def uuid(self) -> str:
        """Return the event's stable identity in Moodle's uuid column: tool_partnerkit updates events by it."""
        return f"{IDNUMBER_PREFIX}plan/{self.key}"


@dataclass(frozen=True)
class Course:
    """The whole course as Moodle will show it."""

    fullname: str
    shortname: str
    summary_html: str
    sections: tuple[Section, ...]
    category: str
    id: int = 0
    contextid: int = 0
    categoryid: int = CATEGORY_ID
    format: str = COURSE_FORMAT
    # One section per page (coursedisplay 1): the course page shows the sections with their summaries and each
    # section's activities are on its own page, so the course page stays small.
    format_options: tuple[tuple[str, str], ...] = (("hiddensections", "1"), ("coursedisplay", "1"))
    lang: str = ""
    completion: str = "none"
    events: tuple[CalendarEvent, ...] = ()

    def completion_criteria(self) -> tuple[Activity, ...]:
        """The activities the course completion criteria require (toolbox.yaml moodle_completion)."""
        activities = [a for section in self.sections for a in section.activities]
        if self.completion == "tier_introductions":
            return tuple(a for a in activities if a.key.endswith("/definition"))
        if self.completion == "all_activities":
            return tuple(activities)
        return ()


def stable_idnumber(key: str) -> str:
    """Return the idnumber of the activity with a content key: readable, or hashed when too long for Moodle."""
    idnumber = IDNUMBER_PREFIX + key
    if len(idnumber) <= IDNUMBER_MAX:
        return idnumber
    return IDNUMBER_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


def default_environment() -> jinja2.Environment:
    """Return a strict environment over the shipped templates, for callers without a project."""
    return make_environment(_SHIPPED_TEMPLATES)


def plan_course(view: Toolbox, profile: Profile, env: jinja2.Environment, reference: date | None = None) -> Course:
    """Return the course the profile's view becomes: sections, activities and their HTML, ids included.

    reference is the build's "today" (review.build_reference_date): the month the year wheel marks. Without it,
    the latest review date in content, as for a build outside Git.
    """
    html = _HtmlRenderer(env, view)
    reference = reference or build_reference_date(view, None)
    if not profile.staff_only:
        # The public course is for companies, like the public site: what we offer, our partners, guides for
        # workplaces; no tier sections and no methods section (the staff's working tools).
        sections = _public_sections(view, html, profile, reference)
    else:
        sections = [_intro_section(view, html, profile, reference)]
        for number, tier in enumerate(view.tiers, start=1):
            sections.append(_tier_section(view, html, tier.id, number, profile))
        if view.methods:
            sections.append(_methods_section(view, html, len(sections)))
        sections.append(_guides_section(view, html, len(sections)))
    slug = package_slug(view)
    course = Course(
        fullname=view.title if profile.staff_only else f"{view.title} (julkinen)",
        shortname=slug if profile.staff_only else f"{slug}-julkinen",
        summary_html=html.fragment("intro_summary.html.j2" if profile.staff_only else "public_intro.html.j2"),
        sections=tuple(sections),
        category=view.institution,
        lang=TOOLBOX_LANGUAGE if view.moodle_course_language else "",
        completion=view.moodle_completion,
        events=_plan_events(view, html, profile),
    )
    if not course.completion_criteria():
        # A rule that names no activity of this course (tier_introductions in the public course, which has no
        # tier definitions) gives it no completion criteria at all, rather than criteria nothing can meet.
        course = replace(course, completion="none")
    return _resolve_links(_with_ids(course))


def package_attachments(view: Toolbox) -> tuple[str, ...]:
    """Return the content/files/ paths the view's packages link to, sorted: the caller reads their bytes."""
    return tuple(sorted({link.file for item in (*view.methods, *view.guides) for link in item.links if link.file}))


def render_course_backup(view: Toolbox, profile: Profile, timestamp: int, env: jinja2.Environment,
                         attachments: Mapping[str, bytes] | None = None, reference: date | None = None) -> bytes:
    """Return the profile's view as a Moodle 4.5 course backup (.mbz: gzip tar).

    attachments holds {content/files/ path: bytes} of every file package_attachments() names; reference is the
    build's "today", as for plan_course().
    """
    course = plan_course(view, profile, env, reference)
    files = backup_files(course, timestamp, env, f"{package_slug(view)}-{profile.name}.mbz", attachments or {})
    return pack_backup(files, timestamp)


def backup_files(course: Course, timestamp: int, env: jinja2.Environment, name: str,
                 attachments: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """Return every file of the backup as {archive path: bytes}: the XML files and the attachments' blobs."""
    files: dict[str, bytes] = {}
    stored: list[StoredFile] = []

    def emit(path: str, template: str, **values: Any) -> None:
        files[path] = _xml(env, template, timestamp=timestamp, **values)

    info = {
        "name": name,
        "moodle_version": MOODLE_VERSION,
        "moodle_release": MOODLE_RELEASE,
        "backup_version": BACKUP_VERSION,
        "backup_release": BACKUP_RELEASE,
        "timestamp": timestamp,
        "wwwroot": ORIGINAL_WWWROOT,
        "site_hash": hashlib.md5(f"partnerkit:{course.category}".encode(), usedforsecurity=False).hexdigest(),
        "system_contextid": SYSTEM_CONTEXT_ID,
        "backup_id": hashlib.md5(f"partnerkit:{name}".encode(), usedforsecurity=False).hexdigest(),
    }
    emit("moodle_backup.xml", "moodle_backup.xml.j2", info=info, course=course, sections=course.sections,
         root_settings=(("filename", name), *ROOT_SETTINGS))
    emit("course/course.xml", "course.xml.j2", course=course)
    emit("completion.xml", "completion.xml.j2", course=course, criteria=course.completion_criteria())
    emit("course/calendar.xml", "calendar.xml.j2", course=course, events=course.events)
    for path, (root, children) in EMPTY_ROOT_FILES.items():
        emit(path, "empty.xml.j2", root=root, children=children)
    for section in course.sections:
        emit(f"{section.directory}/section.xml", "section.xml.j2", section=section)
        for filename, (root, children) in EMPTY_SECTION_FILES.items():
            emit(f"{section.directory}/{filename}", "empty.xml.j2", root=root, children=children)
        for activity in section.activities:
            emit(f"{activity.directory}/module.xml", "module.xml.j2", activity=activity, section=section,
                 module_version=MODULE_VERSION)
            emit(f"{activity.directory}/{activity.modname}.xml", f"{activity.modname}.xml.j2", activity=activity)
            for filename, (root, children) in EMPTY_ACTIVITY_FILES.items():
                emit(f"{activity.directory}/{filename}", "empty.xml.j2", root=root, children=children)
            for record, blob in _stored_files(activity, attachments or {}):
                stored.append(record)
                if blob is not None:
                    # backup_file_manager::get_backup_content_file_location(): one blob per content, however
                    # many activities list it.
                    files[f"files/{record.contenthash[:2]}/{record.contenthash}"] = blob
            # Without its inforef.xml entry a file is silently left out of the restore.
            emit(f"{activity.directory}/inforef.xml", "inforef.xml.j2", file_ids=[f.id for f in activity.files])
    emit("files.xml", "files.xml.j2", files=stored)
    return files


def _stored_files(activity: Activity, attachments: Mapping[str, bytes]) -> Iterator[tuple[StoredFile, bytes | None]]:
    """Yield the files.xml record of each file in the activity's areas, with its bytes (None for a directory)."""
    component, filearea = f"mod_{activity.modname}", FILE_AREAS.get(activity.modname, "")
    chapter_ids = {chapter.key: chapter.id for chapter in activity.chapters}
    for area_file in activity.files:
        itemid = chapter_ids[area_file.chapter_key] if area_file.chapter_key else 0
        if area_file.is_directory:
            yield StoredFile(area_file.id, EMPTY_SHA1, activity.contextid, component, filearea, itemid, ".", 0,
                             NULL, NULL, NULL), None
            continue
        if area_file.data is not None:
            blob, mimetype = area_file.data, WHEEL_MIME_TYPE
        else:
            blob = _attachment(attachments, area_file.source)
            mimetype = MIME_TYPES.get(area_file.filename.rsplit(".", 1)[-1].lower(), UNKNOWN_MIME_TYPE)
        yield StoredFile(area_file.id, hashlib.sha1(blob).hexdigest(), activity.contextid, component, filearea,
                         itemid, area_file.filename, len(blob), mimetype, area_file.filename, FILE_LICENSE), blob


def render_book_zip(view: Toolbox, env: jinja2.Environment | None = None,
                    attachments: Mapping[str, bytes] | None = None) -> bytes:
    """Return a Book import zip of the guides book: one HTML file per guide, named so natural order is book order.

    Attachments the guides link to lie in a folder next to the chapters, linked relatively, so the import
    copies each into the chapter that links to it.
    """
    env = env or default_environment()
    html = _HtmlRenderer(env, view)
    paths = book_zip_paths(link.file for guide in view.guides for link in guide.links if link.file)
    chapters: list[tuple[str, str, str]] = []
    for guide in view.guides:
        content = html.fragment("guide.html.j2", guide=guide, file_href=paths.__getitem__)
        chapters.append((guide.id, guide.title, content))
    width = max(2, len(str(len(chapters))))
    files: dict[str, bytes] = {path: _attachment(attachments or {}, source) for source, path in paths.items()}
    for number, (key, title, content) in enumerate(chapters, start=1):
        document = env.get_template("moodle/chapter_file.html.j2").render(title=title, content=Markup(content))
        files[f"{number:0{width}d}-{key}.html"] = _clean(document).encode("utf-8")
    return _zip(files)


def render_plugin_zip(files: Mapping[str, bytes]) -> bytes:
    """Return the Moodle plugin as the zip Moodle's "Install plugins" page takes: its folder partnerkit/ at the root.

    Directory entries are written too, as zip tools do: Moodle's plugin validator looks for lang/en/ by its entry.
    """
    folders = {f"{PLUGIN_ZIP_ROOT}/"}
    for path in files:
        parts = path.split("/")[:-1]
        folders.update(f"{PLUGIN_ZIP_ROOT}/{'/'.join(parts[:depth])}/" for depth in range(1, len(parts) + 1))
    entries = dict.fromkeys(folders, b"")
    entries.update((f"{PLUGIN_ZIP_ROOT}/{path}", data) for path, data in files.items())
    return _zip(entries)


def render_glossary_xml(toolbox: Toolbox, env: jinja2.Environment | None = None) -> bytes:
    """Return the toolbox's concepts as a Moodle Glossary import file (Glossary -> Import entries)."""
    env = env or default_environment()
    entries = [
        {"term": c.term, "aliases": c.aliases,
         "definition_html": unlink_addresses(render_markdown(c.definition), toolbox.hidden_addresses)}
        for c in toolbox.concepts
    ]
    intro = _HtmlRenderer(env, toolbox).fragment("glossary_intro.html.j2")
    return _xml(env, "glossary.xml.j2", name=f"{toolbox.title}: {CONCEPTS_PAGE_NAME.lower()}", intro_html=intro,
                entries=entries)


def moodle_filename(name: str) -> str:
    """Return a file name as Moodle stores it (PARAM_FILE cleaning), so links written with it match after restore."""
    return _MOODLE_FILENAME_STRIPPED.sub("", name)


def area_filenames(sources: Iterable[str]) -> dict[str, str]:
    """Return {content/files/ path: name in one Moodle file area}: the base name, the whole path where names clash."""
    base = {source: moodle_filename(source.rsplit("/", 1)[-1]) for source in sorted(set(sources))}
    counts = Counter(base.values())
    return _made_unique({source: name if counts[name] == 1 else moodle_filename(source.replace("/", "-"))
                         for source, name in base.items()})


def book_zip_paths(sources: Iterable[str]) -> dict[str, str]:
    """Return {content/files/ path: path in the Book import zip}, in a form Moodle's zip reader keeps unchanged."""
    return _made_unique({source: "/".join([BOOK_ZIP_FILES, *(_zip_part(part) for part in source.split("/"))])
                         for source in sorted(set(sources))})


def _zip_part(part: str) -> str:
    # PARAM_PATH cleans each folder and file name like PARAM_FILE and empties '.' and '..'; runs of dots are
    # joined when the zip is read. A part already in that form is kept as it is, so the relative link matches.
    cleaned = _DOTS.sub(".", moodle_filename(part))
    return cleaned if cleaned.strip(".") else "_"


def _made_unique(wanted: dict[str, str]) -> dict[str, str]:
    """Return wanted with a number added to any name already given to an earlier source (in sorted order)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for source in sorted(wanted):
        name = stem = wanted[source]
        head, dot, suffix = stem.rpartition(".")
        number = 2
        while name in taken:
            name = f"{head}-{number}.{suffix}" if dot else f"{stem}-{number}"
            number += 1
        names[source] = name
        taken.add(name)
    return names


def _area_files(names: Mapping[str, str], chapter_key: str = "",
                data: Mapping[str, bytes] | None = None) -> tuple[AreaFile, ...]:
    """Return the files of one file area: its root directory record first, then each file by name.

    data holds the bytes of the files the course draws itself, by source; the others are attachments.
    """
    if not names:
        return ()
    files = sorted((AreaFile(source, name, chapter_key, data=(data or {}).get(source))
                    for source, name in names.items()), key=lambda f: f.filename)
    return (AreaFile("", ".", chapter_key), *files)


def _pluginfile_href(names: Mapping[str, str]) -> Callable[[str], str]:
    """Return the link maker of one file area: @@PLUGINFILE@@ and the name, percent-encoded like Moodle's editor."""
    return lambda source: f"{PLUGINFILE}/{urllib.parse.quote(names[source], safe='')}"


def _unplanned_attachment(source: str) -> str:
    """Stand in for file_href where no file area was planned: a link to nowhere must stop the build."""
    raise RenderError(f"content/files/{source}", "no file area in the Moodle course for this attachment")


def _attachment(attachments: Mapping[str, bytes], source: str) -> bytes:
    blob = attachments.get(source)
    if blob is None:
        raise RenderError(f"content/files/{source}", "the attachment was not read for the Moodle package")
    return blob


class _HtmlRenderer:
    """Renders the HTML fragments of the course from templates/moodle/*.html.j2 against one toolbox view."""

    def __init__(self, env: jinja2.Environment, view: Toolbox) -> None:
        self.env = env
        self.index = index_toolbox(view)
        self.common = {"toolbox": view, "index": self.index, "tiers": {tier.id: tier for tier in view.tiers},
                       "file_href": _unplanned_attachment, "activity_href": activity_href,
                       "section_href": section_href}
        self.hidden = view.hidden_addresses

    def fragment(self, template: str, **values: Any) -> str:
        """Render one fragment and return it as plain text, so XML templates escape it as Moodle expects."""
        rendered = self.env.get_template(f"moodle/{template}").render({**self.common, **values})
        # Links to the view's hidden addresses (the public view's internal ones) keep only their text.
        return unlink_addresses(str(rendered), self.hidden).strip()


def activity_href(key: str) -> str:
    """Return the planned link to the activity with a content key (resolved once ids exist)."""
    return f"\x00cm:{key}\x00"


def section_href(key: str) -> str:
    """Return the planned link to the section with a content key (resolved once ids exist)."""
    return f"\x00section:{key}\x00"


def method_key(method_id: str) -> str:
    """Return the content key of a method's one activity in the methods section."""
    return f"method/{method_id}"


def _intro_section(view: Toolbox, html: _HtmlRenderer, profile: Profile, reference: date) -> Section:
    activities: list[Activity] = []
    if view.concepts:
        activities.append(Activity("intro/concepts", "page", CONCEPTS_PAGE_NAME,
                                   content_html=html.fragment("concepts.html.j2")))
    if view.plans and profile.staff_only:
        activities.append(_plans_page(view, html, reference))
    if not profile.tiers:
        # Without the tiers: partners in one list, with teams instead of people.
        team_ids = [
            (partner, tuple(dict.fromkeys(t for coop in partner.cooperations for t in coop.contacts)))
            for partner in sorted(view.partners, key=lambda p: (collation_key(p.name), p.id))
        ]
        activities.append(Activity("intro/partners", "page", PUBLIC_PARTNERS_PAGE_NAME,
                                   content_html=html.fragment("public_partners.html.j2", partners=team_ids)))
    return Section("intro", 0, INTRO_SECTION_NAME, html.fragment("intro_summary.html.j2"), tuple(activities))


def _public_sections(view: Toolbox, html: _HtmlRenderer, profile: Profile, reference: date) -> list[Section]:
    intro = _intro_section(view, html, profile, reference)
    # The staff's concepts page stays with the staff; the partners page is the public's references.
    intro = replace(intro, summary_html=html.fragment("public_intro.html.j2"),
                    activities=tuple(a for a in intro.activities if a.key != "intro/concepts"))
    sections = [intro]
    if view.services:
        services = tuple(
            Activity(f"services/{service.id}", "page", service.title, intro_html=f"<p>{escape(service.summary)}</p>",
                     show_description=True, content_html=html.fragment("service.html.j2", service=service))
            for service in view.services)
        sections.append(Section("services", len(sections), SERVICES_SECTION_NAME, "", services))
    sections.append(_guides_section(view, html, len(sections)))
    return sections


def _tier_section(view: Toolbox, html: _HtmlRenderer, tier_id: str, number: int, profile: Profile) -> Section:
    tier = view.tier(tier_id)
    index = html.index
    first_paragraph = _BLANK_LINE.split(tier.definition.strip(), maxsplit=1)[0]
    definition = Activity(f"tier/{tier.id}/definition", "page", f"{tier.title}: määritelmä ja painopisteet",
                          content_html=html.fragment("tier.html.j2", tier=tier), completion=COMPLETION_AUTOMATIC)
    activities = [definition]
    if profile.tiers:
        partners = index.partners_by_tier.get(tier.id, [])
        activities.append(Activity(f"tier/{tier.id}/partners", "page", f"{tier.title}: kumppanit",
                                   content_html=html.fragment("tier_partners.html.j2", tier=tier, partners=partners)))
    # The tier's methods live once in the methods section; the tier links to them from its summary.
    methods = index.methods_by_tier.get(tier.id, [])
    summary = html.fragment("tier_summary.html.j2", tier=tier, definition_start=first_paragraph, methods=methods,
                            method_key=method_key)
    return Section(f"tier/{tier.id}", number, tier.heading, summary, tuple(activities))


def _methods_section(view: Toolbox, html: _HtmlRenderer, number: int) -> Section:
    """Every method once, by title: the one activity each tier links to, so completion counts it once."""
    activities = []
    for method in sorted(view.methods, key=lambda m: (collation_key(m.title), m.id)):
        key = method_key(method.id)
        only_link = method.links[0] if len(method.links) == 1 else None
        # A lone web link without further text is most useful as a link straight to it; mod_url takes web
        # addresses only, so a mailto link stays on a page, and so does an attachment: the page's content
        # area holds the file.
        if only_link and not method.body.strip() and only_link.url.lower().startswith(("http://", "https://")):
            # A url has no page of its own: its description carries the links to the method's tiers.
            intro = html.fragment("method_intro.html.j2", method=method, with_tiers=True)
            activities.append(Activity(key, "url", method.title, intro_html=intro, show_description=True,
                                       url=only_link.url))
        else:
            names = area_filenames(link.file for link in method.links if link.file)
            content = html.fragment("method.html.j2", method=method, kind=METHOD_KINDS[method.kind],
                                    file_href=_pluginfile_href(names))
            intro = html.fragment("method_intro.html.j2", method=method, with_tiers=False)
            activities.append(Activity(key, "page", method.title, intro_html=intro, show_description=True,
                                       content_html=content, files=_area_files(names)))
    summary = html.fragment("methods_summary.html.j2")
    return Section("methods", number, METHODS_SECTION_NAME, summary, tuple(activities))


def _guides_section(view: Toolbox, html: _HtmlRenderer, number: int) -> Section:
    chapters: list[Chapter] = []
    files: list[AreaFile] = []
    for guide in view.guides:
        # Each chapter has a file area of its own (mod_book/chapter/<chapter id>).
        names = area_filenames(link.file for link in guide.links if link.file)
        chapters.append(Chapter(guide.id, guide.title,
                                html.fragment("guide.html.j2", guide=guide, file_href=_pluginfile_href(names))))
        files.extend(_area_files(names, guide.id))
    activities: tuple[Activity, ...] = ()
    if chapters:
        activities = (Activity("guides/book", "book", GUIDES_SECTION_NAME, chapters=tuple(chapters),
                               files=tuple(files)),)
    intro = unlink_addresses(render_markdown(view.guides_intro), view.hidden_addresses)
    return Section("guides", number, GUIDES_SECTION_NAME, intro, activities)


@dataclass(frozen=True)
class YearWheel:
    """One year's wheel on the plans page: the SVG file, and its numbers for the text alternative and the table."""

    year: int
    filename: str
    svg: bytes
    counts: dict[tuple[int, str], int]  # (month 1-12, tier id) -> actions
    totals: tuple[int, ...]  # actions in each month, January first
    actions: int  # actions in the year, each once
    marked_month: int | None

    @property
    def busiest_months(self) -> tuple[int, ...]:
        """Return the months (1-12) with the most actions, in calendar order."""
        return tuple(month for month, total in enumerate(self.totals, start=1) if total == max(self.totals))


def _plans_page(view: Toolbox, html: _HtmlRenderer, reference: date) -> Activity:
    """The staff's planning material: each year's wheel and every team's actions month by month (plans are internal).

    The wheel is an image file in the page's content area, with the same numbers as a table beside it.
    """
    years = _plans_by_month(view)
    wheels = [_year_wheel(view, year, months, reference) for year, months in years]
    names = {wheel.filename: wheel.filename for wheel in wheels}
    content = html.fragment("plans.html.j2", years=years, statuses=ACTION_STATUSES,
                            wheels={wheel.year: wheel for wheel in wheels}, wheel_href=_pluginfile_href(names),
                            tier_ids=TIER_IDS, shape_names={tier: SHAPE_NAMES[shape] for tier, shape in SHAPES.items()},
                            month_names=MONTH_NAMES)
    return Activity("intro/plans", "page", PLANS_PAGE_NAME, content_html=content,
                    files=_area_files(names, data={wheel.filename: wheel.svg for wheel in wheels}))


def _year_wheel(view: Toolbox, year: int, months: list[tuple[str, list[tuple[Plan, Action]]]],
                reference: date) -> YearWheel:
    """Return the year's wheel from the plans page's months: what the page lists is what the wheel counts."""
    counts: Counter[tuple[int, str]] = Counter()
    totals = [0] * 12
    actions: set[tuple[str, str]] = set()
    for name, items in months:
        month = MONTH_NAMES.index(name) + 1
        totals[month - 1] = len(items)
        for plan, action in items:
            counts[month, action.tier] += 1
            actions.add((plan.key, action.id))
    # The month marked is the build's reference date's, never the clock's: the same commit gives the same file.
    marked = reference.month if reference.year == year else None
    svg = render_wheel(dict(counts), {tier.id: tier.title for tier in view.tiers}, f"Vuosikello {year}", "", marked)
    return YearWheel(year, WHEEL_FILENAME.format(year=year), svg.encode("utf-8"), dict(counts), tuple(totals),
                     len(actions), marked)


def _plan_events(view: Toolbox, html: _HtmlRenderer, profile: Profile) -> tuple[CalendarEvent, ...]:
    """Return the view's dated plan actions as course events, by day, team and action; cancelled ones are left out.

    Actions timed by month only stay off the calendar (a month-long event would hide the days that matter).
    The view decides what may show: the public view holds only public actions, without people; events never
    name the people responsible in any profile, and the public course, for companies, no tier (staff vocabulary).
    """
    teams = {team.id: team for team in view.teams}
    tiers = {tier.id: tier for tier in view.tiers} if profile.staff_only else {}
    events = []
    for plan in view.plans:
        for action in plan.actions:
            if action.start is None or action.status == "cancelled":
                continue
            team = teams.get(plan.team)
            name = f"{action.title} ({team.name})" if team else action.title
            if len(name) > EVENT_NAME_MAX:
                name = name[: EVENT_NAME_MAX - 1] + "…"
            start, after = _day_start(action.start), _day_start((action.end or action.start) + timedelta(days=1))
            description = html.fragment("event.html.j2", action=action, plan=plan, team=team,
                                        tier=tiers.get(action.tier))
            events.append(CalendarEvent(f"{plan.key}/{action.id}", name, description, start, after - start))
    return tuple(sorted(events, key=lambda event: (event.timestart, event.key)))


def _plans_by_month(view: Toolbox) -> list[tuple[int, list[tuple[str, list[tuple[Plan, Action]]]]]]:
    """Return [(year, [(month name, [(plan, action)])])]: each action in every month it takes place in.

    Cancelled actions are left out; within a month, actions by start day (month-level ones first), team and title.
    """
    years: dict[int, dict[int, list[tuple[Plan, Action]]]] = {}
    for plan in view.plans:
        for action in plan.actions:
            if action.status == "cancelled":
                continue
            for month in action.active_months:
                years.setdefault(plan.year, {}).setdefault(month, []).append((plan, action))

    def order(item: tuple[Plan, Action]) -> tuple[Any, ...]:
        plan, action = item
        return (action.start or date.min, collation_key(plan.team), collation_key(action.title), action.id)

    return [(year, [(MONTH_NAMES[month - 1], sorted(items, key=order)) for month, items in sorted(months.items())])
            for year, months in sorted(years.items())]


def _day_start(day: date) -> int:
    """Return the Unix time of midnight at the start of day in the toolbox's time zone."""
    return int(datetime.combine(day, time(0), tzinfo=CALENDAR_TIMEZONE).timestamp())


def _with_ids(course: Course) -> Course:
    """Return the course with every Moodle id filled in from hashes of content keys."""
    keys = ["course", "context:course"]
    for section in course.sections:
        keys.append(f"section:{section.key}")
        for activity in section.activities:
            keys += [f"cm:{activity.key}", f"instance:{activity.key}", f"context:{activity.key}"]
            keys += [f"chapter:{activity.key}:{chapter.key}" for chapter in activity.chapters]
            keys += [_file_key(activity, area_file) for area_file in activity.files]
    keys += [f"event:{event.key}" for event in course.events]
    ids = assign_ids(keys)

    def numbered(activity: Activity) -> Activity:
        chapters = tuple(replace(c, id=ids[f"chapter:{activity.key}:{c.key}"]) for c in activity.chapters)
        files = tuple(replace(f, id=ids[_file_key(activity, f)]) for f in activity.files)
        return replace(activity, cmid=ids[f"cm:{activity.key}"], instanceid=ids[f"instance:{activity.key}"],
                       contextid=ids[f"context:{activity.key}"], chapters=chapters, files=files)

    sections = tuple(replace(section, id=ids[f"section:{section.key}"],
                             activities=tuple(numbered(activity) for activity in section.activities))
                     for section in course.sections)
    events = tuple(replace(event, id=ids[f"event:{event.key}"]) for event in course.events)
    return replace(course, id=ids["course"], contextid=ids["context:course"], sections=sections, events=events)


def _resolve_links(course: Course) -> Course:
    """Return the course with every planned link written as Moodle's backup encodes links to that target."""
    targets: dict[tuple[str, str], str] = {}
    for section in course.sections:
        # restore_course_task::define_decode_rules(): COURSESECTIONBYID -> /course/section.php?id=
        targets["section", section.key] = f"$@COURSESECTIONBYID*{section.id}@$"
        for activity in section.activities:
            # mod/<modname>/backup/moodle2/restore_<modname>_activity_task: <MODNAME>VIEWBYID -> view.php?id=
            targets["cm", activity.key] = f"$@{activity.modname.upper()}VIEWBYID*{activity.cmid}@$"

    def resolve(html: str) -> str:
        def link(match: re.Match[str]) -> str:
            target = targets.get((match[1], match[2]))
            if target is None:
                raise RenderError(match[2], "a link to a part of the Moodle course that was not planned")
            return target
        return _LINK_MARKER.sub(link, html)

    sections = tuple(
        replace(section, summary_html=resolve(section.summary_html), activities=tuple(
            replace(activity, intro_html=resolve(activity.intro_html), content_html=resolve(activity.content_html),
                    chapters=tuple(replace(c, content_html=resolve(c.content_html)) for c in activity.chapters))
            for activity in section.activities))
        for section in course.sections)
    return replace(course, summary_html=resolve(course.summary_html), sections=sections)


def _file_key(activity: Activity, area_file: AreaFile) -> str:
    return f"file:{activity.key}:{area_file.chapter_key}/{area_file.filename}"


def assign_ids(keys: Iterable[str]) -> dict[str, int]:
    """Return a distinct id for each key: a hash of the key, moved to the next free number on a collision."""
    ids: dict[str, int] = {}
    taken: set[int] = {SYSTEM_CONTEXT_ID, CATEGORY_ID}
    # Sorted, so a collision is always resolved the same way whatever order the keys came in.
    for key in sorted(set(keys)):
        offset = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % ID_SPAN
        while ID_BASE + offset in taken:
            offset = (offset + 1) % ID_SPAN
        ids[key] = ID_BASE + offset
        taken.add(ID_BASE + offset)
    return ids


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _xml(env: jinja2.Environment, template: str, **values: Any) -> bytes:
    return _clean(env.get_template(f"moodle/{template}").render(values)).encode("utf-8")


def pack_backup(files: dict[str, bytes], timestamp: int) -> bytes:
    """Pack files as Moodle's extractor reads them: plain ustar, sorted, fixed owner and time, stable gzip."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in _sorted_items(files):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = timestamp
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    # gzip.compress writes no file name, and mtime is fixed, so the header is the same on every build. Level 6
    # (gzip's own default): level 9 took three times as long at 20,000 partners for a 3 % smaller package.
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=timestamp)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in _sorted_items(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            # A name ending in / is a folder: drwxr-xr-x plus the MS-DOS directory flag, as zip tools write it.
            info.external_attr = (0o40755 << 16 | 0x10) if path.endswith("/") else 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def _sorted_items(files: dict[str, bytes]) -> Iterator[tuple[str, bytes]]:
    for path in sorted(files):
        yield path, files[path]
