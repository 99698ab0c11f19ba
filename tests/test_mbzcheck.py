"""Tests for partnerkit.mbzcheck: a valid course passes, and each class of breakage is reported exactly."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from partnerkit.cli import main as main_cli
from partnerkit.mbzcheck import check, check_mbz, main

COURSE_ID = 7
COURSE_CTX = 70
SYSTEM_CTX = 1
MTIME = 1700000000
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def png_1x1() -> bytes:
    """A real, deterministic 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PAGE_IMAGE = png_1x1()
CHAPTER_IMAGE = PAGE_IMAGE + b"\x00"  # different content, so a different blob
SECTION_IMAGE = PAGE_IMAGE + b"\x00\x00"


def sha1(data: bytes) -> str:
    """SHA-1 hex digest, as Moodle's contenthash."""
    return hashlib.sha1(data).hexdigest()


def blob_path(data: bytes) -> str:
    """Archive path where Moodle expects the content of a file."""
    digest = sha1(data)
    return f"files/{digest[:2]}/{digest}"


def fields(values: dict[str, object]) -> str:
    """Child elements with XML-escaped text, as Moodle writes them."""
    return "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in values.items())


def xml(body: str) -> bytes:
    """UTF-8 bytes of an XML document with Moodle's exact declaration."""
    return (DECL + body + "\n").encode("utf-8")


def inforef(file_ids: tuple[int, ...] = ()) -> bytes:
    """An inforef.xml referencing the given file ids."""
    if not file_ids:
        return xml("<inforef></inforef>")
    refs = "".join(f"<file><id>{fid}</id></file>" for fid in file_ids)
    return xml(f"<inforef><fileref>{refs}</fileref></inforef>")


ROOT_SETTINGS = {
    "filename": "partnerkit.mbz", "imscc11": 0, "users": 0, "anonymize": 0, "role_assignments": 0,
    "activities": 1, "blocks": 0, "files": 1, "filters": 0, "comments": 0, "badges": 0, "calendarevents": 0,
    "userscompletion": 0, "logs": 0, "grade_histories": 0, "questionbank": 0, "groups": 0, "competencies": 0,
    "customfield": 0, "contentbankcontent": 0, "xapistate": 0, "legacyfiles": 0,
}


def root_setting(name: str, value: object) -> str:
    """One root setting on one line, so tests can remove it exactly."""
    return f"<setting><level>root</level><name>{name}</name><value>{value}</value></setting>"


SECTIONS = [
    {"id": 101, "number": 0, "name": "Aloitus", "summary": "<p>Tervetuloa.</p>", "sequence": "11"},
    {"id": 102, "number": 1, "name": "Arjen yhteistyö",
     "summary": '<p>Arki.</p><img src="@@PLUGINFILE@@/banneri.png" alt="">', "sequence": "12,13"},
]

ACTIVITIES = [
    {"cmid": 11, "mod": "page", "instance": 1, "ctx": 111, "section": 101, "name": "Kumppanit"},
    {"cmid": 12, "mod": "url", "instance": 2, "ctx": 112, "section": 102, "name": "Parasta-malli"},
    {"cmid": 13, "mod": "book", "instance": 3, "ctx": 113, "section": 102, "name": "Opas"},
]

FILES = [
    # (id, content or None for a directory record, contextid, component, filearea, itemid, filename)
    (501, PAGE_IMAGE, 111, "mod_page", "content", 0, "kuva.png"),
    (502, None, 111, "mod_page", "content", 0, "."),
    (503, CHAPTER_IMAGE, 113, "mod_book", "chapter", 22, "kaavio 1.png"),
    (504, SECTION_IMAGE, COURSE_CTX, "course", "section", 102, "banneri.png"),
]


def moodle_backup_xml(activities: list[dict[str, object]], sections: list[dict[str, object]],
                      root_settings: dict[str, object], userinfo: set[int]) -> bytes:
    """moodle_backup.xml for the given contents, root settings and activities with user data."""
    information = fields({
        "name": "partnerkit.mbz", "moodle_version": 2024100700, "moodle_release": "4.5 (Build: 20241007)",
        "backup_version": 2024100700, "backup_release": "4.5", "backup_date": MTIME, "mnet_remoteusers": 0,
        "include_files": 1, "include_file_references_to_external_content": 0,
        "original_wwwroot": "https://moodle.invalid", "original_site_identifier_hash": "0" * 32,
        "original_course_id": COURSE_ID, "original_course_format": "topics",
        "original_course_fullname": "Parasta kumppanuutta", "original_course_shortname": "parasta",
        "original_course_startdate": MTIME, "original_course_enddate": 0,
        "original_course_contextid": COURSE_CTX, "original_system_contextid": SYSTEM_CTX,
    })
    details = ('<details><detail backup_id="0123456789abcdef0123456789abcdef">' + fields({
        "type": "course", "format": "moodle2", "interactive": 1, "mode": 10, "execution": 1, "executiontime": 0,
    }) + "</detail></details>")
    activity_xml_list = "".join("<activity>" + fields({
        "moduleid": a["cmid"], "sectionid": a["section"], "modulename": a["mod"], "title": a["name"],
        "directory": f"activities/{a['mod']}_{a['cmid']}", "insubsection": "",
    }) + "</activity>" for a in activities)
    section_xml = "".join("<section>" + fields({
        "sectionid": s["id"], "title": s["name"], "directory": f"sections/section_{s['id']}", "parentcmid": "",
        "modname": "",
    }) + "</section>" for s in sections)
    course = "<course>" + fields({"courseid": COURSE_ID, "title": "parasta", "directory": "course"}) + "</course>"
    settings = [root_setting(name, value) for name, value in root_settings.items()]
    for s in sections:
        for suffix in ("included", "userinfo"):
            settings.append(f"<setting><level>section</level><section>section_{s['id']}</section>"
                            f"<name>section_{s['id']}_{suffix}</name><value>{1 if suffix == 'included' else 0}"
                            "</value></setting>")
    for a in activities:
        key = f"{a['mod']}_{a['cmid']}"
        for suffix in ("included", "userinfo"):
            value = 1 if suffix == "included" or a["cmid"] in userinfo else 0
            settings.append(f"<setting><level>activity</level><activity>{key}</activity><name>{key}_{suffix}"
                            f"</name><value>{value}</value></setting>")
    body = ("<moodle_backup>\n  <information>" + information + details + "<contents><activities>" + activity_xml_list
            + "</activities><sections>" + section_xml + "</sections>" + course + "</contents><settings>\n"
            + "\n".join(settings) + "\n</settings></information>\n</moodle_backup>")
    return xml(body)


def files_xml(files: list[tuple[int, bytes | None, int, str, str, int, str]]) -> bytes:
    """files.xml with one record per file; None content means a directory record."""
    records = []
    for fid, content, ctx, component, area, itemid, filename in files:
        data = content if content is not None else b""
        records.append(f'<file id="{fid}">' + fields({
            "contenthash": sha1(data), "contextid": ctx, "component": component, "filearea": area,
            "itemid": itemid, "filepath": "/", "filename": filename, "userid": "$@NULL@$",
            "filesize": len(data), "mimetype": "$@NULL@$" if content is None else "application/octet-stream",
            "status": 0, "timecreated": MTIME, "timemodified": MTIME, "source": "$@NULL@$",
            "author": "$@NULL@$", "license": "$@NULL@$", "sortorder": 0, "repositorytype": "$@NULL@$",
            "repositoryid": "$@NULL@$", "reference": "$@NULL@$",
        }) + "</file>")
    return xml("<files>" + "".join(records) + "</files>")


def module_xml(a: dict[str, object], number: object) -> bytes:
    """module.xml of one activity in a section with the given number."""
    return xml(f'<module id="{a["cmid"]}" version="2024100700">' + fields({
        "modulename": a["mod"], "sectionid": a["section"], "sectionnumber": number, "idnumber": "",
        "added": MTIME, "score": 0, "indent": 0, "visible": 1, "visibleoncoursepage": 1, "visibleold": 1,
        "groupmode": 0, "groupingid": 0, "completion": 1, "completiongradeitemnumber": "$@NULL@$",
        "completionpassgrade": 0, "completionview": 0, "completionexpected": 0, "availability": "$@NULL@$",
        "showdescription": 0, "downloadcontent": 1, "lang": "",
    }) + "<tags></tags></module>")


def activity_xml(a: dict[str, object], inner: str) -> bytes:
    """The <modname>.xml wrapper of one activity around its module element."""
    return xml(f'<activity id="{a["instance"]}" moduleid="{a["cmid"]}" modulename="{a["mod"]}" '
               f'contextid="{a["ctx"]}">{inner}</activity>')


def page_body(a: dict[str, object]) -> str:
    """A page with an embedded image."""
    return f'<page id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1,
        "content": '<p>Kumppanit</p><img src="@@PLUGINFILE@@/kuva.png" alt="kuva">', "contentformat": 1,
        "legacyfiles": 0, "legacyfileslast": "$@NULL@$", "display": 5,
        "displayoptions": 'a:1:{s:10:"printintro";s:1:"0";}', "revision": 1, "timemodified": MTIME,
    }) + "</page>"


def url_body(a: dict[str, object]) -> str:
    """A url pointing to an external site."""
    return f'<url id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1, "externalurl": "https://example.org/parasta?a=1&b=2",
        "display": 0, "displayoptions": "a:0:{}", "parameters": "a:0:{}", "timemodified": MTIME,
    }) + "</url>"


def book_body(a: dict[str, object]) -> str:
    """A book with a chapter and a subchapter that embeds an image whose name needs URL encoding."""
    chapters = [
        {"id": 21, "pagenum": 1, "subchapter": 0, "title": "Johdanto", "content": "<p>Alku.</p>"},
        {"id": 22, "pagenum": 2, "subchapter": 1, "title": "Kaavio",
         "content": '<p><img src="@@PLUGINFILE@@/kaavio%201.png" alt="kaavio"></p>'},
    ]
    chapter_xml = "".join(f'<chapter id="{c["id"]}">' + fields({
        "pagenum": c["pagenum"], "subchapter": c["subchapter"], "title": c["title"], "content": c["content"],
        "contentformat": 1, "hidden": 0, "timemcreated": MTIME, "timemodified": MTIME, "importsrc": "",
    }) + "</chapter>" for c in chapters)
    return f'<book id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1, "numbering": 1, "navstyle": 1, "customtitles": 0,
        "timecreated": MTIME, "timemodified": MTIME,
    }) + f"<chapters>{chapter_xml}</chapters><chaptertags></chaptertags></book>"


def label_body(a: dict[str, object]) -> str:
    """A label (its text lives in intro)."""
    return f'<label id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "<p>Kumppanuuden tasot</p>", "introformat": 1, "timemodified": MTIME,
    }) + "</label>"


def resource_body(a: dict[str, object]) -> str:
    """A resource; its file is in mod_resource/content."""
    return f'<resource id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1, "tobemigrated": 0, "legacyfiles": 0,
        "legacyfileslast": "$@NULL@$", "display": 0, "displayoptions": "a:0:{}", "filterfiles": 0, "revision": 1,
        "timemodified": MTIME,
    }) + "</resource>"


def folder_body(a: dict[str, object]) -> str:
    """A folder; its files are in mod_folder/content."""
    return f'<folder id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1, "revision": 1, "timemodified": MTIME, "display": 0,
        "showexpanded": 1, "showdownloadfolder": 1, "forcedownload": 1,
    }) + "</folder>"


def glossary_body(a: dict[str, object]) -> str:
    """A glossary with one entry, which is user data."""
    entry = '<entry id="31">' + fields({
        "userid": 5, "concept": "Kumppanuus", "definition": "<p>Yhteistyötä.</p>", "definitionformat": 1,
        "definitiontrust": 0, "attachment": "", "timecreated": MTIME, "timemodified": MTIME, "teacherentry": 1,
        "sourceglossaryid": 0, "usedynalink": 0, "casesensitive": 0, "fullmatch": 0, "approved": 1,
    }) + "<aliases></aliases><ratings></ratings></entry>"
    return f'<glossary id="{a["instance"]}">' + fields({
        "name": a["name"], "intro": "", "introformat": 1, "allowduplicatedentries": 0, "displayformat": "dictionary",
        "mainglossary": 0, "showspecial": 1, "showalphabet": 1, "showall": 1, "allowcomments": 0,
        "allowprintview": 1, "usedynalink": 0, "defaultapproval": 1, "globalglossary": 0, "entbypage": 10,
        "editalways": 0, "rsstype": 0, "rssarticles": 0, "assessed": 0, "assesstimestart": 0, "assesstimefinish": 0,
        "scale": 0, "timecreated": MTIME, "timemodified": MTIME, "completionentries": 0,
    }) + f"<entries>{entry}</entries><entriestags></entriestags><categories></categories></glossary>"


BODIES = {"page": page_body, "url": url_body, "book": book_body, "label": label_body, "resource": resource_body,
          "folder": folder_body, "glossary": glossary_body}
ACTIVITY_FILE_IDS = {11: (501, 502), 13: (503,), 15: (505,), 16: (506, 507)}

MORE_ACTIVITIES = [
    {"cmid": 14, "mod": "label", "instance": 4, "ctx": 114, "section": 102, "name": "Tasot"},
    {"cmid": 15, "mod": "resource", "instance": 5, "ctx": 115, "section": 102, "name": "Sopimuspohja"},
    {"cmid": 16, "mod": "folder", "instance": 6, "ctx": 116, "section": 102, "name": "Lomakkeet"},
    {"cmid": 17, "mod": "glossary", "instance": 7, "ctx": 117, "section": 102, "name": "Käsitteet"},
]
MORE_FILES = [
    (505, b"%PDF-1.4 sopimus", 115, "mod_resource", "content", 0, "sopimus.pdf"),
    (506, None, 116, "mod_folder", "content", 0, "."),
    (507, b"lomake", 116, "mod_folder", "content", 0, "lomake.txt"),
]


def build_course(more: bool = False) -> dict[str, bytes]:
    """A minimal but realistic course: 2 sections, a page with an image, a url and a 2-chapter book.

    With more=True it also has a label, a resource, a folder and a glossary whose entry is user data.
    """
    activities = ACTIVITIES + (MORE_ACTIVITIES if more else [])
    files = FILES + (MORE_FILES if more else [])
    sections = [dict(s) for s in SECTIONS]
    root_settings = dict(ROOT_SETTINGS)
    userinfo: set[int] = set()
    if more:
        sections[1]["sequence"] = "12,13,14,15,16,17"
        root_settings["users"] = 1  # glossary entries are user data
        userinfo = {17}
    members: dict[str, bytes] = {
        "moodle_backup.xml": moodle_backup_xml(activities, sections, root_settings, userinfo),
        "files.xml": files_xml(files),
    }
    for name, root in (("users.xml", "users"), ("roles.xml", "roles_definition"), ("groups.xml", "groups"),
                       ("scales.xml", "scales_definition"), ("outcomes.xml", "outcomes_definition"),
                       ("questions.xml", "question_categories"), ("badges.xml", "badges"),
                       ("completion.xml", "course_completion"), ("gradebook.xml", "gradebook"),
                       ("grade_history.xml", "grade_history")):
        members[name] = xml(f"<{root}></{root}>")
    members["course/course.xml"] = xml(f'<course id="{COURSE_ID}" contextid="{COURSE_CTX}">' + fields({
        "shortname": "parasta", "fullname": "Parasta kumppanuutta", "idnumber": "", "summary": "<p>Opas.</p>",
        "summaryformat": 1, "format": "topics", "showgrades": 0, "newsitems": 0, "startdate": MTIME,
        "enddate": 0, "visible": 1, "enablecompletion": 1,
    }) + "</course>")
    members["course/inforef.xml"] = inforef()
    members["course/roles.xml"] = xml("<roles><role_overrides></role_overrides>"
                                      "<role_assignments></role_assignments></roles>")
    members["course/filters.xml"] = xml("<filters><filter_actives></filter_actives>"
                                        "<filter_configs></filter_configs></filters>")
    members["course/calendar.xml"] = xml("<events></events>")
    members["course/comments.xml"] = xml("<comments></comments>")
    if more:
        members["users.xml"] = xml('<users><user id="5" contextid="50">' + fields({
            "username": "toimittaja", "firstname": "Toimi", "lastname": "Ttaja", "email": "t@example.invalid",
        }) + "</user></users>")
    numbers: dict[object, object] = {}
    for s in sections:
        numbers[s["id"]] = s["number"]
        base = f"sections/section_{s['id']}"
        members[f"{base}/section.xml"] = xml(f'<section id="{s["id"]}">' + fields({
            "number": s["number"], "name": s["name"], "summary": s["summary"], "summaryformat": 1,
            "sequence": s["sequence"], "visible": 1, "availabilityjson": "$@NULL@$", "component": "$@NULL@$",
            "itemid": "$@NULL@$", "timemodified": MTIME,
        }) + "<course_format_options></course_format_options></section>")
        members[f"{base}/inforef.xml"] = inforef((504,) if s["id"] == 102 else ())
    for a in activities:
        base = f"activities/{a['mod']}_{a['cmid']}"
        members[f"{base}/module.xml"] = module_xml(a, numbers[a["section"]])
        members[f"{base}/{a['mod']}.xml"] = activity_xml(a, BODIES[str(a["mod"])](a))
        members[f"{base}/inforef.xml"] = inforef(ACTIVITY_FILE_IDS.get(int(str(a["cmid"])), ()))
        members[f"{base}/roles.xml"] = xml("<roles><role_overrides></role_overrides>"
                                           "<role_assignments></role_assignments></roles>")
        members[f"{base}/grades.xml"] = xml("<activity_gradebook><grade_items></grade_items>"
                                            "<grade_letters></grade_letters></activity_gradebook>")
        members[f"{base}/filters.xml"] = xml("<filters><filter_actives></filter_actives>"
                                             "<filter_configs></filter_configs></filters>")
        members[f"{base}/calendar.xml"] = xml("<events></events>")
        members[f"{base}/comments.xml"] = xml("<comments></comments>")
        members[f"{base}/completion.xml"] = xml("<completions></completions>")
    if more:
        members["activities/glossary_17/inforef.xml"] = xml("<inforef><userref><user><id>5</id></user></userref>"
                                                            "</inforef>")
    for _fid, content, *_rest in files:
        if content is not None:
            members[blob_path(content)] = content
    return members


def pack(members: dict[str, bytes]) -> bytes:
    """Deterministic gzip tar in plain ustar format, which is what Moodle's extractor understands."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = MTIME
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


def pack_zip(members: dict[str, bytes]) -> bytes:
    """The same members as a zip, which Moodle also accepts."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content)
    return raw.getvalue()


def replace(members: dict[str, bytes], path: str, old: str, new: str) -> None:
    """Edit one member in place, failing loudly if the text to replace is not there exactly once."""
    text = members[path].decode("utf-8")
    assert text.count(old) == 1, (path, old)
    members[path] = text.replace(old, new).encode("utf-8")


def problems(data: bytes) -> list[str]:
    """The problems as 'path: message' lines, without their rule ids."""
    return [f"{p.path}: {p.message}" for p in check(data)]


# ------------------------------------------------------------------------------------------------------


def test_valid_course_has_no_problems() -> None:
    assert problems(pack(build_course())) == []


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_the_products_packages_are_deterministic(audience: str, tmp_path: Path) -> None:
    # Two builds of the sample through the command line, in two fresh processes' worth of state: byte-identical.
    sample = Path(__file__).resolve().parents[1]
    for folder in ("one", "two"):
        assert main_cli(["--root", str(sample), "--audience", audience, "--site-dir", str(tmp_path / folder / "site"),
                         "--dist-dir", str(tmp_path / folder / "dist")]) == 0
    one = {p.name: p.read_bytes() for p in sorted((tmp_path / "one" / "dist").iterdir())}
    two = {p.name: p.read_bytes() for p in sorted((tmp_path / "two" / "dist").iterdir())}
    assert len(one) == 3 and one == two
    assert all(check_mbz(data) == [] for name, data in one.items() if name.endswith(".mbz"))


def test_zip_container_is_accepted() -> None:
    assert problems(pack_zip(build_course())) == []


def test_not_an_archive() -> None:
    assert problems(b"hello") == ["archive: not a gzip tar or zip file"]


def test_more_modules_are_accepted() -> None:
    assert problems(pack(build_course(more=True))) == []


def test_glossary_entries_need_user_data() -> None:
    members = build_course(more=True)
    replace(members, "moodle_backup.xml", root_setting("users", 1), root_setting("users", 0))
    replace(members, "moodle_backup.xml", "<name>glossary_17_userinfo</name><value>1</value>",
            "<name>glossary_17_userinfo</name><value>0</value>")
    assert problems(pack(members)) == [
        "activities/glossary_17/glossary.xml: glossary has 1 entry but root setting users is not 1; Moodle drops them",
        "activities/glossary_17/glossary.xml: glossary has 1 entry but setting glossary_17_userinfo is not 1; "
        "Moodle drops them",
    ]


def test_glossary_author_must_be_in_users_xml() -> None:
    members = build_course(more=True)
    members["users.xml"] = xml("<users></users>")
    assert problems(pack(members)) == [
        "activities/glossary_17/glossary.xml: entry 31 author user 5 is not in users.xml",
        "activities/glossary_17/inforef.xml: user id 5 referenced but not in users.xml",
    ]


def test_resource_without_content_file() -> None:
    members = build_course(more=True)
    replace(members, "files.xml", "<component>mod_resource</component><filearea>content</filearea>",
            "<component>mod_resource</component><filearea>intro</filearea>")
    assert problems(pack(members)) == ["activities/resource_15: resource has no file in mod_resource/content"]


def test_file_area_moodle_does_not_restore() -> None:
    members = build_course()
    replace(members, "files.xml", "<component>mod_page</component><filearea>content</filearea><itemid>0</itemid>"
            "<filepath>/</filepath><filename>kuva.png</filename>", "<component>mod_page</component><filearea>"
            "images</filearea><itemid>0</itemid><filepath>/</filepath><filename>kuva.png</filename>")
    assert problems(pack(members)) == [
        "activities/page_11/inforef.xml: file id 501 is in file area 'images', which Moodle does not restore for page",
        "activities/page_11/page.xml: @@PLUGINFILE@@/kuva.png in <content> has no file mod_page/content/0 /kuva.png "
        "(context 111) in files.xml",
    ]


def test_removed_required_file() -> None:
    members = build_course()
    del members["activities/url_12/grades.xml"]
    assert problems(pack(members)) == ["activities/url_12/grades.xml: required file is missing"]


def test_wrong_content_hash() -> None:
    members = build_course()
    path = blob_path(PAGE_IMAGE)
    tampered = PAGE_IMAGE[:-1] + b"\x01"  # same size, other content
    members[path] = tampered
    assert problems(pack(members)) == [f"{path}: content sha1 is {sha1(tampered)}, not the hash in its name"]


def test_blob_missing() -> None:
    members = build_course()
    path = blob_path(CHAPTER_IMAGE)
    del members[path]
    assert problems(pack(members)) == [
        f"{path}: missing (needed by files.xml file id 503, mod_book/chapter/22 /kaavio 1.png)"
    ]


def test_activity_directory_not_listed() -> None:
    members = build_course()
    members["activities/label_99/module.xml"] = xml('<module id="99" version="2024100700"></module>')
    assert problems(pack(members)) == [
        "activities/label_99: directory is not listed in moodle_backup.xml contents/activities"
    ]


def test_sequence_mismatch() -> None:
    members = build_course()
    replace(members, "sections/section_102/section.xml", "<sequence>12,13</sequence>", "<sequence>13,12</sequence>")
    assert problems(pack(members)) == [
        "sections/section_102/section.xml: sequence is '13,12', expected '12,13' (the activities whose "
        "module.xml names this section, in moodle_backup.xml order)"
    ]


def test_missing_activities_root_setting() -> None:
    members = build_course()
    replace(members, "moodle_backup.xml", root_setting("activities", 1) + "\n", "")
    assert problems(pack(members)) == [
        "moodle_backup.xml: root setting activities is missing; Moodle would restore no activities and still "
        "report success"
    ]


def test_activities_root_setting_zero() -> None:
    members = build_course()
    replace(members, "moodle_backup.xml", root_setting("activities", 1), root_setting("activities", 0))
    assert problems(pack(members)) == [
        "moodle_backup.xml: root setting activities is '0'; Moodle would restore no activities and still "
        "report success"
    ]


def test_unresolvable_pluginfile() -> None:
    members = build_course()
    replace(members, "activities/page_11/page.xml", "@@PLUGINFILE@@/kuva.png", "@@PLUGINFILE@@/puuttuu.png")
    assert problems(pack(members)) == [
        "activities/page_11/page.xml: @@PLUGINFILE@@/puuttuu.png in <content> has no file "
        "mod_page/content/0 /puuttuu.png (context 111) in files.xml"
    ]


def test_pluginfile_is_url_decoded() -> None:
    members = build_course()
    # The stored name has a space; an unencoded or wrongly encoded link must not resolve.
    replace(members, "activities/book_13/book.xml", "@@PLUGINFILE@@/kaavio%201.png", "@@PLUGINFILE@@/kaavio_1.png")
    assert problems(pack(members)) == [
        "activities/book_13/book.xml: @@PLUGINFILE@@/kaavio_1.png in <content of chapter 22> has no file "
        "mod_book/chapter/22 /kaavio_1.png (context 113) in files.xml"
    ]


def test_malformed_xml() -> None:
    members = build_course()
    members["activities/url_12/url.xml"] = xml('<activity id="2" moduleid="12" modulename="url" contextid="112">'
                                               "<url id='2'><name>Rikki</url></activity>")
    assert problems(pack(members)) == [
        "activities/url_12/url.xml: malformed XML: mismatched tag: line 2, column 89"
    ]


def test_xml_not_utf8() -> None:
    members = build_course()
    members["course/course.xml"] = members["course/course.xml"].replace(b"Parasta", "Pärästä".encode("latin-1"))
    assert problems(pack(members)) == ["course/course.xml: not valid UTF-8 (byte 110)"]


def test_path_with_dotdot() -> None:
    members = build_course()
    members["../evil.txt"] = b"x"
    assert problems(pack(members)) == ["../evil.txt: path contains '..'"]


def test_absolute_path() -> None:
    members = build_course()
    members["/etc/passwd"] = b"x"
    assert problems(pack(members)) == ["/etc/passwd: absolute path in archive"]


def test_inforef_references_unknown_file() -> None:
    members = build_course()
    members["activities/url_12/inforef.xml"] = inforef((5,))
    assert problems(pack(members)) == ["activities/url_12/inforef.xml: file id 5 referenced but not in files.xml"]


def test_file_not_referenced_by_any_inforef() -> None:
    members = build_course()
    members["activities/book_13/inforef.xml"] = inforef()
    assert problems(pack(members)) == [
        "files.xml: file id 503 (mod_book/chapter/22 /kaavio 1.png) is not referenced by any inforef.xml; "
        "Moodle's restore skips it",
        "activities/book_13/book.xml: @@PLUGINFILE@@/kaavio%201.png in <content of chapter 22> matches file id 503, "
        "which activities/book_13/inforef.xml does not reference; Moodle drops it",
    ]


def test_file_in_wrong_context() -> None:
    members = build_course()
    members["activities/url_12/inforef.xml"] = inforef((501,))
    assert problems(pack(members)) == [
        "activities/url_12/inforef.xml: file id 501 has contextid 111, expected 112 (the activity's context)",
        "activities/url_12/inforef.xml: file id 501 has component 'mod_page', expected 'mod_url'",
    ]


def test_activity_in_unlisted_section() -> None:
    members = build_course()
    replace(members, "moodle_backup.xml", "<sectionid>101</sectionid><modulename>page",
            "<sectionid>109</sectionid><modulename>page")
    assert problems(pack(members)) == [
        "moodle_backup.xml: activity page_11 is in section 109, which contents/sections does not list; "
        "Moodle silently skips it",
        "activities/page_11/module.xml: sectionid is '101', but moodle_backup.xml puts page_11 in section '109'",
    ]


def test_format_header_must_be_literal() -> None:
    members = build_course()
    members["moodle_backup.xml"] = members["moodle_backup.xml"].replace(
        b'<?xml version="1.0" encoding="UTF-8"?>', b"<?xml version='1.0' encoding='UTF-8'?>")
    assert problems(pack(members)) == [
        "moodle_backup.xml: '<?xml version=\"1.0\" encoding=\"UTF-8\"?>' not found in the first 200 bytes; "
        "Moodle would not recognise the backup format (convert_helper::detect_moodle2_format)"
    ]


def test_page_without_contentformat() -> None:
    members = build_course()
    replace(members, "activities/page_11/page.xml", "<contentformat>1</contentformat>", "")
    assert problems(pack(members)) == ["activities/page_11/page.xml: page is missing <contentformat>"]


def test_invalid_completion() -> None:
    members = build_course()
    replace(members, "activities/url_12/module.xml", "<completion>1</completion>", "<completion>3</completion>")
    assert problems(pack(members)) == ["activities/url_12/module.xml: completion must be 0, 1 or 2, got '3'"]


def test_pax_headers_are_reported() -> None:
    members = build_course()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = MTIME
            archive.addfile(info, io.BytesIO(content))
        info = tarfile.TarInfo("files/ä.txt")
        info.mtime = MTIME
        archive.addfile(info, io.BytesIO(b""))
    problems = check_mbz(gzip.compress(raw.getvalue(), mtime=0))
    assert any("pax/GNU extended tar header (type x)" in p for p in problems), problems


def test_collects_all_problems() -> None:
    members = build_course()
    del members["activities/url_12/grades.xml"]
    members["../evil.txt"] = b"x"
    replace(members, "moodle_backup.xml", root_setting("activities", 1) + "\n", "")
    assert len(problems(pack(members))) == 3


@pytest.mark.parametrize("broken", [False, True])
def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], broken: bool) -> None:
    members = build_course()
    if broken:
        del members["files.xml"]
    path = tmp_path / "course.mbz"
    path.write_bytes(pack(members))
    code = main([str(path)])
    out = capsys.readouterr().out
    if broken:
        assert code == 1
        assert "files.xml: required file is missing" in out
    else:
        assert code == 0
        assert out == f"{path}: OK, 2 sections, 3 activities (book 1, page 1, url 1), 3 files\n"
