"""Rule group files: files.xml records, the blobs in files/, inforef.xml references and @@PLUGINFILE@@ links."""

from __future__ import annotations

import hashlib
import html
import re
import urllib.parse
import xml.etree.ElementTree as ET

from .package import NULL, Activity, FileRecord, Package, Section, is_int, text_of

# sha1 of the empty string: what Moodle stores as contenthash of directory records ('.').
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

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

PLUGINFILE = "@@PLUGINFILE@@"
# A link ends where an HTML attribute, CSS url() or query/fragment would end it.
PLUGINFILE_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#)]*)")

RECORD_FIELDS = ("contenthash", "contextid", "component", "filearea", "itemid", "filepath", "filename", "filesize")


def load_files(pkg: Package) -> None:
    """Read and check the records of files.xml; later checks look files up here."""
    root = pkg.root("files.xml", "files")
    if root is not None:
        _load_file_records(pkg, root)
        pkg.files_usable = True


def _load_file_records(pkg: Package, root: ET.Element) -> None:
    path = "files.xml"
    for index, element in enumerate(root.findall("file"), start=1):
        fid = element.get("id")
        if fid is None or not is_int(fid):
            pkg.add("files.record_id", path, f"file #{index} has no integer id attribute")
            continue
        if fid in pkg.files:
            pkg.add("files.record_duplicate", path, f"file id {fid} is listed twice")
            continue
        values = {name: text_of(element, name) for name in RECORD_FIELDS}
        missing = [name for name, value in values.items() if value is None]
        for name in missing:
            pkg.add("files.record_field_missing", path, f"file id {fid} is missing <{name}>")
        if missing:
            continue
        record = FileRecord(fid, *(str(values[name]).strip() for name in RECORD_FIELDS))
        record.filename = str(values["filename"])
        record.filepath = str(values["filepath"])
        pkg.files[fid] = record
        if not re.fullmatch(r"[0-9a-f]{40}", record.contenthash):
            pkg.add("files.contenthash", path, f"file id {fid} contenthash {record.contenthash!r} is not 40 "
                    "lowercase hex characters")
        if not (record.filepath.startswith("/") and record.filepath.endswith("/")):
            pkg.add("files.filepath", path, f"file id {fid} filepath {record.filepath!r} must start and end with '/'")
        if not record.filename:
            pkg.add("files.filename_empty", path, f"file id {fid} has an empty filename")
        if not is_int(record.itemid):
            pkg.add("files.itemid", path, f"file id {fid} itemid {record.itemid!r} is not an integer")
        if not is_int(record.filesize):
            pkg.add("files.filesize_not_int", path, f"file id {fid} filesize {record.filesize!r} is not an integer")
        repositoryid = (text_of(element, "repositoryid") or "").strip()
        if repositoryid and repositoryid != NULL:
            pkg.add("files.repository_reference", path, f"file id {fid} is a reference to repository "
                    f"{repositoryid}; its content is not in the package")
        if record.filename == "." and record.contenthash != EMPTY_SHA1:
            pkg.add("files.directory_hash", path, f"file id {fid} is a directory record ('.') but its contenthash "
                    f"is not {EMPTY_SHA1}")
        if record.filename != ".":
            pkg.summary.files += 1


def check_files(pkg: Package) -> None:
    """Blobs, inforef cross-references, file areas and @@PLUGINFILE@@ links."""
    _check_blobs(pkg)
    _check_inforefs(pkg)
    # Without a usable moodle_backup.xml the inforef files are unknown, so every file would be listed.
    if pkg.files_usable and pkg.backup_usable:
        for fid, record in pkg.files.items():
            if fid not in pkg.referenced_files:
                pkg.add("files.unreferenced", "files.xml", f"file id {fid} ({record.label()}) is not referenced by "
                        "any inforef.xml; Moodle's restore skips it")
    _check_pluginfile_links(pkg)


def _check_blobs(pkg: Package) -> None:
    content_files = [r for r in pkg.files.values() if r.filename != "."]
    if not pkg.include_files:
        if content_files:
            pkg.add("files.include_files_off", "moodle_backup.xml", f"include_files is 0 but files.xml lists "
                    f"{len(content_files)} files; Moodle would look for them in the target site instead of the package")
        return
    checked: set[str] = set()
    for record in content_files:
        if not re.fullmatch(r"[0-9a-f]{40}", record.contenthash):
            continue
        # backup_file_manager::get_backup_content_file_location(): files/<first two chars>/<hash>.
        blob_path = f"files/{record.contenthash[:2]}/{record.contenthash}"
        blob = pkg.members.get(blob_path)
        if blob is None:
            # send_files_to_pool() only logs a warning for a missing blob: the restore "succeeds".
            pkg.add("files.blob_missing", blob_path, f"missing (needed by files.xml file id {record.fid}, "
                    f"{record.label()})")
            continue
        if blob_path not in checked:
            checked.add(blob_path)
            actual = hashlib.sha1(blob).hexdigest()
            if actual != record.contenthash:
                pkg.add("files.blob_hash", blob_path, f"content sha1 is {actual}, not the hash in its name")
        if is_int(record.filesize) and int(record.filesize) != len(blob):
            pkg.add("files.blob_size", "files.xml", f"file id {record.fid} filesize is {record.filesize} but "
                    f"{blob_path} has {len(blob)} bytes")


def _check_inforefs(pkg: Package) -> None:
    users = pkg.ids("users.xml", "users", "user")
    roles = pkg.ids("roles.xml", "roles_definition", "role")
    owners: list[tuple[str, str, Activity | Section | None]] = [("course/inforef.xml", "course", None)]
    owners += [(f"{s.directory}/inforef.xml", "section", s) for s in pkg.sections.values()]
    owners += [(f"{a.directory}/inforef.xml", "activity", a) for a in pkg.activities.values()]
    for path, kind, owner in owners:
        root = pkg.xml.get(path)
        if root is None or root.tag != "inforef":
            continue
        for fid in sorted(pkg.inforef_ids(path, "file") or set(), key=lambda v: (len(v), v)):
            record = pkg.files.get(fid)
            if record is None:
                if pkg.files_usable:
                    pkg.add("files.inforef_unknown_file", path, f"file id {fid} referenced but not in files.xml")
                continue
            pkg.referenced_files.add(fid)
            _check_file_owner(pkg, path, kind, owner, record)
        if users is not None:
            for uid in sorted(pkg.inforef_ids(path, "user") or set()):
                if uid not in users:
                    pkg.add("files.inforef_unknown_user", path, f"user id {uid} referenced but not in users.xml")
        if roles is not None:
            for rid in sorted(pkg.inforef_ids(path, "role") or set()):
                if rid not in roles:
                    pkg.add("files.inforef_unknown_role", path, f"role id {rid} referenced but not in roles.xml")


def _check_file_owner(pkg: Package, path: str, kind: str, owner: Activity | Section | None,
                      record: FileRecord) -> None:
    # send_files_to_pool() selects files by the task's old contextid, component and file area, and
    # (for mapped areas) joins the itemid to a restored record; anything else is silently left out.
    fid = record.fid
    if kind in ("course", "section"):
        if pkg.course_contextid and record.contextid != pkg.course_contextid:
            pkg.add("files.course_context", path, f"file id {fid} has contextid {record.contextid}, expected "
                    f"{pkg.course_contextid} (the course context)")
        if kind == "course":
            if record.component == "course" and record.filearea not in COURSE_AREAS:
                pkg.add("files.course_area", path, f"file id {fid} is in course file area {record.filearea!r}, "
                        "which Moodle does not restore")
            return
        assert isinstance(owner, Section)
        if (record.component, record.filearea) != ("course", "section"):
            pkg.add("files.section_area", path,
                    f"file id {fid} is {record.component}/{record.filearea}, expected course/section")
        elif record.itemid != owner.sectionid:
            pkg.add("files.section_itemid", path,
                    f"file id {fid} has itemid {record.itemid}, expected {owner.sectionid} (the section id)")
        return
    assert isinstance(owner, Activity)
    if owner.contextid is not None and record.contextid != owner.contextid:
        pkg.add("files.activity_context", path, f"file id {fid} has contextid {record.contextid}, expected "
                f"{owner.contextid} (the activity's context)")
    areas = RESTORED_AREAS.get(owner.modulename)
    if areas is None:
        return
    component = f"mod_{owner.modulename}"
    if record.component != component:
        pkg.add("files.activity_component", path,
                f"file id {fid} has component {record.component!r}, expected {component!r}")
        return
    if record.filearea not in areas:
        pkg.add("files.activity_area", path, f"file id {fid} is in file area {record.filearea!r}, which Moodle "
                f"does not restore for {owner.modulename}")
        return
    mapping = areas[record.filearea]
    if mapping is None:
        if record.itemid != "0":
            pkg.add("files.activity_itemid_zero", path,
                    f"file id {fid} has itemid {record.itemid}, expected 0 for {component}/{record.filearea}")
        return
    if owner.instance is None:
        return  # the module's own file is already reported
    container = {"chapter": "chapters/chapter", "entry": "entries/entry"}[mapping]
    item_ids = {element.get("id", "") for element in owner.instance.findall(container)}
    if record.itemid not in item_ids:
        pkg.add("files.activity_itemid_unknown", path, f"file id {fid} has itemid {record.itemid}, which is not a "
                f"{mapping} id in {owner.modulename}.xml")


def _check_pluginfile_links(pkg: Package) -> None:
    if not pkg.files_usable:
        return  # files.xml itself is already reported
    if pkg.course_contextid:
        course = pkg.root("course/course.xml", "course")
        if course is not None:
            _resolve_links(pkg, "course/course.xml", "course/inforef.xml", text_of(course, "summary"), "summary",
                           pkg.course_contextid, "course", "summary", "0")
        for section in pkg.sections.values():
            if section.element is not None:
                _resolve_links(pkg, f"{section.directory}/section.xml", f"{section.directory}/inforef.xml",
                               text_of(section.element, "summary"), "summary", pkg.course_contextid,
                               "course", "section", section.sectionid)
    for activity in pkg.activities.values():
        if activity.instance is None or activity.contextid is None:
            continue
        path = f"{activity.directory}/{activity.modulename}.xml"
        inforef = f"{activity.directory}/inforef.xml"
        component = f"mod_{activity.modulename}"
        # Every module's intro is rendered against its 'intro' area (format_module_intro).
        _resolve_links(pkg, path, inforef, text_of(activity.instance, "intro"), "intro", activity.contextid,
                       component, "intro", "0")
        for where, name, area, by_id in TEXT_AREAS.get(activity.modulename, ()):
            for element in activity.instance.findall(where):
                itemid = element.get("id", "") if by_id else "0"
                label = f"{name} of {element.tag} {itemid}" if by_id else name
                _resolve_links(pkg, path, inforef, text_of(element, name), label, activity.contextid,
                               component, area, itemid)


def _resolve_links(pkg: Package, path: str, inforef: str, text: str | None, field_label: str, contextid: str,
                   component: str, filearea: str, itemid: str) -> None:
    if not text or PLUGINFILE not in text:
        return
    refs = pkg.inforef_ids(inforef, "file")
    if text.count(PLUGINFILE) != len(PLUGINFILE_LINK.findall(text)):
        pkg.add("files.pluginfile_no_slash", path, f"{PLUGINFILE} in <{field_label}> is not followed by '/'")
    for raw in PLUGINFILE_LINK.findall(text):
        # The stored text is HTML: decode entities, then the URL encoding pluginfile.php undoes.
        decoded = urllib.parse.unquote(html.unescape(raw))
        directory, _, filename = decoded.rpartition("/")
        filepath = f"/{directory}/" if directory else "/"
        where = f"{component}/{filearea}/{itemid} {filepath}{filename}"
        matches = [r for r in pkg.files.values()
                   if (r.contextid, r.component, r.filearea, r.itemid, r.filepath, r.filename)
                   == (contextid, component, filearea, itemid, filepath, filename)]
        if not matches:
            pkg.add("files.pluginfile_missing", path, f"{PLUGINFILE}/{raw} in <{field_label}> has no file {where} "
                    f"(context {contextid}) in files.xml")
        elif refs is not None and not any(r.fid in refs for r in matches):
            pkg.add("files.pluginfile_unreferenced", path, f"{PLUGINFILE}/{raw} in <{field_label}> matches file id "
                    f"{matches[0].fid}, which {inforef} does not reference; Moodle drops it")
