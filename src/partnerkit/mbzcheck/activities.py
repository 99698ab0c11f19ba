"""Rule group activity: what each module type's own restore step reads from <modname>.xml."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from .package import NULL, Activity, Package, is_int, text_of

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

# mod/url/locallib.php url_appears_valid_url().
URL_ABSOLUTE = re.compile(r"^(/|https?:|ftp:)", re.IGNORECASE)
URL_STRICT = re.compile(r"^[a-z]+://([^:@\s]+:[^@\s]+@)?[^ @]+(:[0-9]+)?(/[^#]*)?(#.*)?$", re.IGNORECASE)
URL_LOOSE = re.compile(r"^[a-z]+://...*$", re.IGNORECASE)


def check_instance(pkg: Package, path: str, key: str, activity: Activity, instance: ET.Element) -> None:
    """The module element's fields, text formats, and the module type's own rules."""
    fields = MODULE_SPECS.get(activity.modulename, ())
    for name in fields:
        if instance.find(name) is None:
            pkg.add(f"activity.{activity.modulename}.field_missing", path,
                    f"{activity.modulename} is missing <{name}>")
    if "name" in fields:
        name_value = text_of(instance, "name")
        if name_value is not None and (not name_value.strip() or name_value == NULL):
            pkg.add("activity.name_empty", path, f"{activity.modulename} name is empty")
    for format_field in ("introformat", "contentformat"):
        pkg.check_format(path, instance, format_field, activity.modulename)
    # An explicit table, not getattr: a module name must never select an unrelated function.
    checker = MODULE_CHECKS.get(activity.modulename)
    if checker is not None:
        checker(pkg, path, key, activity, instance)


def _check_page(pkg: Package, path: str, key: str, activity: Activity, page: ET.Element) -> None:
    if text_of(page, "content") == NULL:
        pkg.add("activity.page.content_null", path, "page content is $@NULL@$")


def _check_url(pkg: Package, path: str, key: str, activity: Activity, url: ET.Element) -> None:
    externalurl = text_of(url, "externalurl")
    if externalurl is None:
        return
    value = externalurl.strip()
    pattern = URL_STRICT if URL_ABSOLUTE.match(value) else URL_LOOSE
    if not value or value == NULL or not pattern.match(value):
        pkg.add("activity.url.invalid", path,
                f"externalurl {externalurl!r} is not a valid URL (mod/url url_appears_valid_url)")


def _check_book(pkg: Package, path: str, key: str, activity: Activity, book: ET.Element) -> None:
    pagenums: list[int] = []
    first: tuple[int, str] | None = None
    for chapter in book.findall("chapters/chapter"):
        cid = chapter.get("id")
        label = f"chapter {cid}" if cid else "a chapter"
        if not is_int(cid):
            pkg.add("activity.book.chapter_id", path, f"{label} has no integer id attribute")
        for name in BOOK_CHAPTER_FIELDS:
            if chapter.find(name) is None:
                pkg.add("activity.book.chapter_field_missing", path, f"{label} is missing <{name}>")
        pagenum = text_of(chapter, "pagenum")
        if pagenum is not None:
            if is_int(pagenum):
                pagenums.append(int(pagenum))
                if first is None or int(pagenum) < first[0]:
                    first = (int(pagenum), (text_of(chapter, "subchapter") or "").strip())
            else:
                pkg.add("activity.book.pagenum_not_int", path, f"{label} pagenum {pagenum!r} is not an integer")
        subchapter = text_of(chapter, "subchapter")
        if subchapter is not None and subchapter.strip() not in ("0", "1"):
            pkg.add("activity.book.subchapter_value", path, f"{label} subchapter must be 0 or 1, got {subchapter!r}")
        title = text_of(chapter, "title")
        if title is not None and not title.strip():
            pkg.add("activity.book.title_empty", path, f"{label} title is empty")
        pkg.check_format(path, chapter, "contentformat", label)
    if pagenums and sorted(pagenums) != list(range(1, len(pagenums) + 1)):
        pkg.add("activity.book.pagenum_sequence", path, "chapter pagenum values must run from 1 without gaps or "
                f"repeats, got {', '.join(str(n) for n in sorted(pagenums))}")
    # book_preload_chapters(): "book can not start with a subchapter" — it is silently promoted.
    if first is not None and first[1] == "1":
        pkg.add("activity.book.starts_with_subchapter", path, "the first chapter is a subchapter; Moodle turns it "
                "into a chapter")


def _check_resource(pkg: Package, path: str, key: str, activity: Activity, resource: ET.Element) -> None:
    # resource_view reads the first file of mod_resource/content; with none it shows an error page.
    has_file = any(f.contextid == activity.contextid and f.component == "mod_resource"
                   and f.filearea == "content" and f.filename != "." for f in pkg.files.values())
    if activity.contextid is not None and not has_file:
        pkg.add("activity.resource.no_file", activity.directory, "resource has no file in mod_resource/content")


def _check_glossary(pkg: Package, path: str, key: str, activity: Activity, glossary: ET.Element) -> None:
    entries = glossary.findall("entries/entry")
    if not entries:
        return
    # restore_glossary_activity_structure_step only reads entries when the activity's userinfo is on,
    # which depends on the root users setting.
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    if not pkg.setting_on("users"):
        pkg.add("activity.glossary.users_off", path,
                f"glossary has {count} but root setting users is not 1; Moodle drops them")
    userinfo = pkg.settings.get(f"{key}_userinfo", {}).get("value")
    if userinfo != "1":
        pkg.add("activity.glossary.userinfo_off", path,
                f"glossary has {count} but setting {key}_userinfo is not 1; Moodle drops them")
    users = pkg.ids("users.xml", "users", "user")
    refs = pkg.inforef_ids(f"{activity.directory}/inforef.xml", "user")
    for entry in entries:
        label = f"entry {entry.get('id')}"
        for name in GLOSSARY_ENTRY_FIELDS:
            if entry.find(name) is None:
                pkg.add("activity.glossary.entry_field_missing", path, f"{label} is missing <{name}>")
        userid = (text_of(entry, "userid") or "").strip()
        if userid:
            if users is not None and userid not in users:
                pkg.add("activity.glossary.author_not_in_users", path,
                        f"{label} author user {userid} is not in users.xml")
            if refs is not None and userid not in refs:
                pkg.add("activity.glossary.author_not_in_inforef", path,
                        f"{label} author user {userid} is not in {activity.directory}/inforef.xml userref")
        pkg.check_format(path, entry, "definitionformat", label)


MODULE_CHECKS: dict[str, Callable[[Package, str, str, Activity, ET.Element], None]] = {
    "page": _check_page, "url": _check_url, "book": _check_book, "resource": _check_resource,
    "glossary": _check_glossary,
}
