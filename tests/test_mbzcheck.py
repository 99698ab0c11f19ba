"""Tests for partnerkit.mbzcheck: one negative case per rule, each breaking a valid package of the bundled sample.

The sample's course backup is built once per session through the product's own functions (the bundled content
plus an attachment linked from a method page and a guide, and a method that becomes a Moodle url activity, so that
files, book chapters and urls are in it). Every case copies that package, breaks it in one way, and asserts the
exact problems, with their rule ids, that the checker reports: the rule's own, and only the consequences the
break necessarily has. test_every_rule_has_a_negative_case fails when a rule is added without a case.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import shutil
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnerkit.cli import main as main_cli
from partnerkit.mbzcheck import RULES, check, check_mbz, main
from partnerkit.pipeline import Project, make_view, read_toolbox, render_packages

SAMPLE = Path(__file__).resolve().parents[1]
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
MB = "moodle_backup.xml"
PDF = b"%PDF-1.4\n% partnerkit sample attachment\n"
NULL = "$@NULL@$"

# The sample plus what exercises the package's file and activity kinds: a page and a book chapter holding a file,
# and a method whose only content is a web link (a url activity).
EXTRA_CONTENT = {
    "files/ohje.pdf": PDF,
    "methods/zz-liite.yaml": ("id: zz-liite\ntitle: Liitteellinen menetelmä\nkind: method\n"
                              "summary: Menetelmä liitteineen.\nbody: Lue ohje.\ntiers: [arki]\nlinks:\n"
                              "  - title: Ohje\n    file: ohje.pdf\n"),
    "methods/zz-linkki.yaml": ("id: zz-linkki\ntitle: Pelkkä linkki\nkind: method\nsummary: Linkki.\n"
                               "tiers: [arki]\nlinks:\n  - title: Sivu\n    url: https://verkko.example/sivu\n"),
    "guides/zz-ohje.yaml": ("id: zz-ohje\ntitle: Ohje liitteellä\nsummary: Lyhyt ohje.\nbody: Lisää tiedosto.\n"
                            "order: 99\nlinks:\n  - title: Ohje tulostettavana\n    file: ohje.pdf\n"),
}

Expected = list[tuple[str, str, str]]


# ------------------------------------------------------------------------------------------------------------
# The valid package and what the cases need to know about it


def unpack(data: bytes) -> dict[str, bytes]:
    """The members of a gzip tar, in archive order."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def sample_package(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The internal course backup of the bundled sample with EXTRA_CONTENT, rendered as the build renders it."""
    root = tmp_path_factory.mktemp("mbzcheck") / "project"
    shutil.copytree(SAMPLE / "content", root / "content")
    for relative, value in EXTRA_CONTENT.items():
        target = root / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            target.write_bytes(value)
        else:
            target.write_text(value, encoding="utf-8")
    project = Project(root)
    packages = render_packages(project, *make_view(read_toolbox(project), "internal"))
    return next(data for name, data in packages.items() if name.endswith(".mbz"))


@dataclass
class Act:
    """One activity of the sample package."""

    key: str
    modname: str
    cmid: str
    directory: str
    sectionid: str
    contextid: str
    instance: str

    @property
    def xml(self) -> str:
        """Path of the activity's <modname>.xml."""
        return f"{self.directory}/{self.modname}.xml"


@dataclass
class Sample:
    """What the cases need to know about the valid package."""

    members: dict[str, bytes]
    course_ctx: str
    sections: list[tuple[str, str]]  # (sectionid, directory) in moodle_backup.xml order
    activities: list[Act]  # in moodle_backup.xml order
    files: dict[str, ET.Element]  # file id -> <file>

    def first(self, modname: str, with_files: bool | None = None) -> Act:
        """The first activity of a module type, optionally the first with the attachment ohje.pdf or without files.

        (The plans page's year wheels are files too, in a page before the attachment's.)
        """
        for act in self.activities:
            if act.modname != modname:
                continue
            if with_files is None:
                return act
            has_files = b"<fileref>" in self.members[f"{act.directory}/inforef.xml"]
            attachment = any(f.findtext("contextid") == act.contextid and f.findtext("filename") == "ohje.pdf"
                             for f in self.files.values())
            if (attachment if with_files else not has_files):
                return act
        raise AssertionError(f"the sample has no {modname} activity (with_files={with_files})")

    def file_of(self, act: Act, directory: bool = False) -> str:
        """The id of the activity's content file (or its directory record)."""
        found = [fid for fid, f in self.files.items() if f.findtext("contextid") == act.contextid
                 and (f.findtext("filename") == ".") == directory]
        assert len(found) == 1, found
        return found[0]

    def section_of(self, act: Act) -> str:
        """Directory of the activity's section."""
        return next(directory for sid, directory in self.sections if sid == act.sectionid)


@pytest.fixture(scope="session")
def sample(sample_package: bytes) -> Sample:
    """The valid package, read."""
    members = unpack(sample_package)
    info = ET.fromstring(members[MB]).find("information")
    assert info is not None
    sections = [(s.findtext("sectionid") or "", s.findtext("directory") or "")
                for s in info.findall("contents/sections/section")]
    activities = []
    for entry in info.findall("contents/activities/activity"):
        modname, cmid = entry.findtext("modulename") or "", entry.findtext("moduleid") or ""
        directory = entry.findtext("directory") or ""
        root = ET.fromstring(members[f"{directory}/{modname}.xml"])
        activities.append(Act(f"{modname}_{cmid}", modname, cmid, directory, entry.findtext("sectionid") or "",
                              root.get("contextid") or "", root.get("id") or ""))
    files = {f.get("id") or "": f for f in ET.fromstring(members["files.xml"]).findall("file")}
    return Sample(members, info.findtext("original_course_contextid") or "", sections, activities, files)


# ------------------------------------------------------------------------------------------------------------
# Breaking a copy of the package


def ustar_block(name: bytes, size: int, typeflag: bytes = b"0", magic: bytes = b"ustar\x00") -> bytes:
    """One 512-byte tar header written field by field, so that a case can write what tarfile refuses to."""
    header = bytearray(512)
    header[0:len(name)] = name
    header[100:108] = b"0000644\x00"
    header[108:116] = header[116:124] = b"0000000\x00"
    header[124:136] = f"{size:011o}\x00".encode()
    header[136:148] = b"00000000000\x00"
    header[156:157] = typeflag
    header[257:263] = magic
    header[263:265] = b"00"
    header[148:156] = b" " * 8
    header[148:156] = f"{sum(header):06o}\x00 ".encode()
    return bytes(header)


def padded(content: bytes) -> bytes:
    """Tar content padded to whole blocks."""
    return content + b"\x00" * (-len(content) % 512)


class Edit:
    """A copy of the valid package to break: members as bytes, XML members edited as trees, extra raw tar blocks."""

    def __init__(self, members: dict[str, bytes]) -> None:
        self.members = dict(members)
        self.trees: dict[str, ET.Element] = {}
        self.tail = b""  # raw tar blocks appended after the archive's end
        self.raw: bytes | None = None  # replaces the whole package

    def tree(self, path: str) -> ET.Element:
        """The member parsed for editing; written back when the package is packed."""
        if path not in self.trees:
            self.trees[path] = ET.fromstring(self.members[path])
        return self.trees[path]

    def find(self, path: str, xpath: str) -> ET.Element:
        """The only element at xpath in a member (xpath '.' is the root)."""
        found = self.tree(path).findall(xpath)
        assert len(found) == 1, (path, xpath, len(found))
        return found[0]

    def set(self, path: str, xpath: str, text: str) -> None:
        """Set an element's text."""
        self.find(path, xpath).text = text

    def remove(self, path: str, xpath: str) -> None:
        """Remove the only element at xpath (written as parent/child)."""
        parent_path, _, child = xpath.rpartition("/")
        parent = self.find(path, parent_path or ".")
        element = self.find(path, xpath)
        parent.remove(element)

    def append(self, path: str, xpath: str, fragment: str) -> ET.Element:
        """Append an element, written as XML text, under the element at xpath."""
        element = ET.fromstring(fragment)
        self.find(path, xpath).append(element)
        return element

    def setting(self, name: str) -> ET.Element:
        """The <setting> of moodle_backup.xml with this name."""
        found = [s for s in self.tree(MB).findall("information/settings/setting") if s.findtext("name") == name]
        assert len(found) == 1, name
        return found[0]

    def delete_tree(self, directory: str) -> None:
        """Remove every member below a directory."""
        for path in [p for p in self.members if p.startswith(directory + "/")]:
            del self.members[path]

    def serialised(self) -> dict[str, bytes]:
        """Members with edited trees written back as Moodle writes XML (its exact declaration, UTF-8)."""
        members = dict(self.members)
        for path, root in self.trees.items():
            members[path] = (DECL + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")
        return members

    def tar(self) -> bytes:
        """The members as a plain ustar tar (uncompressed), then the extra blocks."""
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
            for name, content in self.serialised().items():
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = 1_700_000_000
                archive.addfile(info, io.BytesIO(content))
        return raw.getvalue() + self.tail

    def data(self) -> bytes:
        """The broken package as Moodle would receive it."""
        if self.raw is not None:
            return self.raw
        return gzip.compress(self.tar(), mtime=0)


def zipped(members: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The members as a stored zip, which Moodle also accepts."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        for name, content in {**members, **(extra or {})}.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return raw.getvalue()


def file_record(fid: str, contenthash: str, contextid: str, component: str, filearea: str, itemid: str,
                filename: str, filesize: int) -> str:
    """A <file> of files.xml as Moodle writes it."""
    values = {"contenthash": contenthash, "contextid": contextid, "component": component, "filearea": filearea,
              "itemid": itemid, "filepath": "/", "filename": filename, "userid": NULL, "filesize": str(filesize),
              "mimetype": "application/pdf", "status": "0", "timecreated": "0", "timemodified": "0",
              "source": NULL, "author": NULL, "license": NULL, "sortorder": "0", "repositorytype": NULL,
              "repositoryid": NULL, "reference": NULL}
    return f'<file id="{fid}">' + "".join(f"<{k}>{v}</{k}>" for k, v in values.items()) + "</file>"


def add_fileref(e: Edit, inforef: str, fid: str) -> None:
    """Reference a file id from an inforef.xml."""
    root = e.tree(inforef)
    fileref = root.find("fileref")
    if fileref is None:
        fileref = ET.SubElement(root, "fileref")
    ET.SubElement(ET.SubElement(fileref, "file"), "id").text = fid


def remove_fileref(e: Edit, inforef: str, fid: str) -> None:
    """Stop referencing a file id from an inforef.xml."""
    fileref = e.find(inforef, "fileref")
    for element in fileref.findall("file"):
        if element.findtext("id") == fid:
            fileref.remove(element)


PDF_HASH = hashlib.sha1(PDF).hexdigest()
PDF_BLOB = f"files/{PDF_HASH[:2]}/{PDF_HASH}"


# ------------------------------------------------------------------------------------------------------------
# Grafting module types the product does not write (label, resource, folder, glossary) onto the sample, valid.

GRAFT_CMID, GRAFT_CTX, GRAFT_INSTANCE = "900000001", "900000002", "900000003"
GRAFT_USER = "5"

GRAFT_BODIES = {
    "label": {"name": "Tasot", "intro": "<p>Tasot</p>", "introformat": "1", "timemodified": "0"},
    "resource": {"name": "Sopimuspohja", "intro": "", "introformat": "1", "tobemigrated": "0", "legacyfiles": "0",
                 "legacyfileslast": NULL, "display": "0", "displayoptions": "a:0:{}", "filterfiles": "0",
                 "revision": "1", "timemodified": "0"},
    "folder": {"name": "Lomakkeet", "intro": "", "introformat": "1", "revision": "1", "timemodified": "0",
               "display": "0", "showexpanded": "1", "showdownloadfolder": "1", "forcedownload": "1"},
    "glossary": {"name": "Käsitteet", "intro": "", "introformat": "1", "allowduplicatedentries": "0",
                 "displayformat": "dictionary", "mainglossary": "0", "showspecial": "1", "showalphabet": "1",
                 "showall": "1", "allowcomments": "0", "allowprintview": "1", "usedynalink": "0",
                 "defaultapproval": "1", "globalglossary": "0", "entbypage": "10", "editalways": "0", "rsstype": "0",
                 "rssarticles": "0", "assessed": "0", "assesstimestart": "0", "assesstimefinish": "0", "scale": "0",
                 "timecreated": "0", "timemodified": "0", "completionentries": "0"},
}
GLOSSARY_ENTRY = {"userid": GRAFT_USER, "concept": "Kumppanuus", "definition": "<p>Yhteistyötä.</p>",
                  "definitionformat": "1", "definitiontrust": "0", "attachment": "", "timecreated": "0",
                  "timemodified": "0", "teacherentry": "1", "sourceglossaryid": "0", "usedynalink": "0",
                  "casesensitive": "0", "fullmatch": "0", "approved": "1"}


def graft(e: Edit, s: Sample, modname: str) -> Act:
    """Add a valid activity of a module type the product does not write to the last section, as Moodle would."""
    sectionid, section_dir = s.sections[-1]
    number = e.find(f"{section_dir}/section.xml", "number").text or ""
    key, directory = f"{modname}_{GRAFT_CMID}", f"activities/{modname}_{GRAFT_CMID}"
    e.append(MB, "information/contents/activities",
             f"<activity><moduleid>{GRAFT_CMID}</moduleid><sectionid>{sectionid}</sectionid><modulename>{modname}"
             f"</modulename><title>Liitetty</title><directory>{directory}</directory><insubsection></insubsection>"
             "</activity>")
    userinfo = "1" if modname == "glossary" else "0"
    for suffix, value in (("included", "1"), ("userinfo", userinfo)):
        e.append(MB, "information/settings", f"<setting><level>activity</level><activity>{key}</activity>"
                 f"<name>{key}_{suffix}</name><value>{value}</value></setting>")
    sequence = e.find(f"{section_dir}/section.xml", "sequence")
    sequence.text = ",".join(filter(None, [sequence.text or "", GRAFT_CMID]))
    template = s.first("url")
    for name, content in s.members.items():
        if name.startswith(template.directory + "/") and not name.endswith(("/url.xml", "/module.xml")):
            e.members[name.replace(template.directory, directory)] = content
    module = ET.fromstring(s.members[f"{template.directory}/module.xml"])
    module.set("id", GRAFT_CMID)
    module.find("modulename").text = modname  # type: ignore[union-attr]
    module.find("sectionid").text = sectionid  # type: ignore[union-attr]
    module.find("sectionnumber").text = number  # type: ignore[union-attr]
    module.find("idnumber").text = ""  # type: ignore[union-attr]  # idnumbers are unique in a course
    e.trees[f"{directory}/module.xml"] = module
    e.members[f"{directory}/module.xml"] = b""
    body = "".join(f"<{k}>{v.replace('<', '&lt;')}</{k}>" for k, v in GRAFT_BODIES[modname].items())
    if modname == "glossary":
        entry = "".join(f"<{k}>{v.replace('<', '&lt;')}</{k}>" for k, v in GLOSSARY_ENTRY.items())
        body += f'<entries><entry id="31">{entry}<aliases></aliases><ratings></ratings></entry></entries>'
        e.setting("users").find("value").text = "1"  # type: ignore[union-attr]
        e.find("users.xml", ".").append(ET.fromstring(f'<user id="{GRAFT_USER}" contextid="900000009">'
                                                      "<username>toimittaja</username></user>"))
        e.tree(f"{directory}/inforef.xml").append(
            ET.fromstring(f"<userref><user><id>{GRAFT_USER}</id></user></userref>"))
    e.members[f"{directory}/{modname}.xml"] = (
        f'{DECL}<activity id="{GRAFT_INSTANCE}" moduleid="{GRAFT_CMID}" modulename="{modname}" '
        f'contextid="{GRAFT_CTX}"><{modname} id="{GRAFT_INSTANCE}">{body}</{modname}></activity>\n').encode()
    if modname in ("resource", "folder"):
        e.append("files.xml", ".", file_record("900000010", PDF_HASH, GRAFT_CTX, f"mod_{modname}", "content", "0",
                                               "sopimus.pdf", len(PDF)))
        add_fileref(e, f"{directory}/inforef.xml", "900000010")
    return Act(key, modname, GRAFT_CMID, directory, sectionid, GRAFT_CTX, GRAFT_INSTANCE)


# ------------------------------------------------------------------------------------------------------------
# The cases: rule id -> a function that breaks a copy of the valid package and returns the exact problems.

Case = Callable[[Edit, Sample], Expected]
CASES: dict[str, Case] = {}


def case(rule: str) -> Callable[[Case], Case]:
    """Register the negative case of one rule."""

    def register(function: Case) -> Case:
        assert rule not in CASES, rule
        CASES[rule] = function
        return function

    return register


# Archive


@case("archive.not_gzip_or_zip")
def _(e: Edit, s: Sample) -> Expected:
    e.raw = e.tar()  # a tar that was never gzipped
    return [("archive.not_gzip_or_zip", "archive", "not a gzip tar or zip file")]


@case("archive.gzip_corrupt")
def _(e: Edit, s: Sample) -> Expected:
    whole = e.data()
    e.raw = whole[:len(whole) // 2]  # an interrupted download
    return [("archive.gzip_corrupt", "archive",
             "gzip data is corrupt (Compressed file ended before the end-of-stream marker was reached)")]


@case("archive.zip_corrupt")
def _(e: Edit, s: Sample) -> Expected:
    data = zipped(e.serialised())
    e.raw = data.replace(b"PK\x01\x02", b"PK\x09\x09", 1)  # the central directory's first entry is damaged
    return [("archive.zip_corrupt", "archive", "zip is corrupt (Bad magic number for central directory)")]


@case("archive.zip_member_unreadable")
def _(e: Edit, s: Sample) -> Expected:
    data = zipped(e.serialised(), {"muistiinpano.txt": b"ALKUPERAINEN"})
    e.raw = data.replace(b"ALKUPERAINEN", b"MUUTETTU....", 1)  # content no longer matches its CRC
    return [("archive.zip_member_unreadable", "muistiinpano.txt",
             "cannot be read from the zip (Bad CRC-32 for file 'muistiinpano.txt')")]


@case("archive.tar_no_ustar")
def _(e: Edit, s: Sample) -> Expected:
    offset = len(e.tar())
    e.tail = ustar_block(b"files/old.txt", 0, magic=b"\x00" * 6)  # a pre-POSIX (v7) header
    return [("archive.tar_no_ustar", "archive",
             f"tar header at byte {offset} has no ustar magic; Moodle's extractor stops with an error there")]


@case("archive.tar_bad_size")
def _(e: Edit, s: Sample) -> Expected:
    offset = len(e.tar())
    block = bytearray(ustar_block(b"files/old.txt", 0))
    block[124:136] = b"0000000009Z\x00"
    e.tail = bytes(block)
    return [("archive.tar_bad_size", "archive",
             f"tar header at byte {offset} has a non-octal size; Moodle's octdec() skips the bad digits and "
             "reads the entries after it from the wrong place")]


@case("archive.tar_truncated")
def _(e: Edit, s: Sample) -> Expected:
    offset = len(e.tar())
    e.tail = ustar_block(b"files/cut.txt", 4096) + padded(b"only the beginning")
    return [("archive.tar_truncated", "archive", f"tar entry at byte {offset} is truncated")]


@case("archive.tar_extended_header")
def _(e: Edit, s: Sample) -> Expected:
    record = "files/pitkä-nimi.txt"
    content = f"{len(record.encode()) + 10} path={record}\n".encode()
    e.tail = ustar_block(b"PaxHeader/x", len(content), typeflag=b"x") + padded(content)
    return [("archive.tar_extended_header", record,
             "pax/GNU extended tar header (type x); Moodle's extractor does not understand it and extracts it as "
             "an ordinary file (write plain ustar)")]


@case("archive.tar_link")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block(b"files/linkki", 0, typeflag=b"2")
    return [("archive.tar_link", "files/linkki", "tar link or special entry (type 2); Moodle's extractor skips it")]


@case("archive.path_not_utf8")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block("files/kä.txt".encode("latin-1"), 1) + padded(b"x")
    return [("archive.path_not_utf8", "files/k\\xe4.txt", "path is not valid UTF-8")]


@case("archive.absolute_path")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block(b"/etc/cron.d/x", 1) + padded(b"x")
    return [("archive.absolute_path", "/etc/cron.d/x", "absolute path in archive")]


@case("archive.parent_path")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block(b"files/../../x.php", 1) + padded(b"x")
    return [("archive.parent_path", "files/../../x.php", "path contains '..'")]


@case("archive.backslash")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block(b"files\\x.txt", 1) + padded(b"x")
    return [("archive.backslash", "files\\x.txt", "path contains a backslash (Moodle turns it into '/')")]


@case("archive.stripped_characters")
def _(e: Edit, s: Sample) -> Expected:
    e.tail = ustar_block(b"files/a&b.txt", 1) + padded(b"x")
    return [("archive.stripped_characters", "files/a&b.txt",
             "path contains characters Moodle's extractor strips: '&'")]


@case("archive.duplicate_member")
def _(e: Edit, s: Sample) -> Expected:
    content = e.members["files.xml"]
    e.tail = ustar_block(b"files.xml", len(content)) + padded(content)
    return [("archive.duplicate_member", "files.xml", "appears 2 times in the archive (the last copy wins)")]


# XML


@case("xml.not_utf8")
def _(e: Edit, s: Sample) -> Expected:
    data = e.members["course/course.xml"]
    position = data.index("ö".encode())
    e.members["course/course.xml"] = data.replace("ö".encode(), b"\xf6")  # saved as Latin-1
    return [("xml.not_utf8", "course/course.xml", f"not valid UTF-8 (byte {position})")]


@case("xml.encoding_declared")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.first('url').directory}/roles.xml"
    e.members[path] = e.members[path].replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    return [("xml.encoding_declared", path, "declares encoding ISO-8859-1; Moodle reads backups as UTF-8")]


@case("xml.doctype")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.first('url').directory}/roles.xml"
    e.members[path] = e.members[path].replace(b"<roles>", b"<!DOCTYPE roles>\n<roles>")
    return [("xml.doctype", path, "contains a DOCTYPE declaration, which Moodle's backup files never have")]


@case("xml.malformed")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.first('url').directory}/grades.xml"
    e.members[path] = (DECL + "<activity_gradebook><grade_items></activity_gradebook>\n").encode()
    return [("xml.malformed", path, "malformed XML: mismatched tag: line 2, column 35")]


@case("xml.root_element")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.first('url').directory}/roles.xml"
    e.tree(path).tag = "role_overrides"
    return [("xml.root_element", path, "root element is <role_overrides>, Moodle expects <roles>")]


# Backup manifest


@case("manifest.missing")
def _(e: Edit, s: Sample) -> Expected:
    e.members["kurssi/moodle_backup.xml"] = e.members.pop(MB)  # zipped with its folder
    return [("manifest.missing", MB, "missing at the archive root (found kurssi/moodle_backup.xml; remove the "
             "wrapping folder)")]


@case("manifest.format_marker")
def _(e: Edit, s: Sample) -> Expected:
    e.members[MB] = e.members[MB].replace(DECL.encode(), b"<?xml version='1.0' encoding='UTF-8'?>\n", 1)
    return [("manifest.format_marker", MB, "'<?xml version=\"1.0\" encoding=\"UTF-8\"?>' not found in the first 200 "
             "bytes; Moodle would not recognise the backup format (convert_helper::detect_moodle2_format)")]


@case("manifest.information_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.find(MB, "information").tag = "info"
    return [("manifest.format_marker", MB, "'<information>' not found in the first 200 bytes; Moodle would not "
             "recognise the backup format (convert_helper::detect_moodle2_format)"),
            ("manifest.information_missing", MB, "<information> is missing")]


@case("manifest.information_field")
def _(e: Edit, s: Sample) -> Expected:
    e.remove(MB, "information/original_wwwroot")
    return [("manifest.information_field", MB, "information/original_wwwroot is missing")]


@case("manifest.backup_version")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/backup_version", "2009010100")
    return [("manifest.backup_version", MB,
             "information/backup_version must be an integer >= 2010072300, got '2009010100'")]


@case("manifest.positive_id")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/original_course_id", "0")
    return [("manifest.positive_id", MB, "information/original_course_id must be a positive integer, got '0'")]


@case("manifest.context_clash")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/original_system_contextid", s.course_ctx)
    return [("manifest.context_clash", MB, "original_course_contextid equals original_system_contextid; Moodle "
             "maps both")]


@case("manifest.site_format")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/original_course_format", "site")
    return [("manifest.site_format", MB, "original_course_format is 'site'; Moodle refuses to restore a front page "
             "into a course")]


@case("manifest.detail_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.remove(MB, "information/details")
    return [("manifest.detail_missing", MB, "information/details/detail is missing")]


@case("manifest.detail_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.remove(MB, "information/details/detail/mode")
    return [("manifest.detail_field_missing", MB, "details/detail/mode is missing")]


@case("manifest.detail_value")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/details/detail/format", "imscc11")
    return [("manifest.detail_value", MB, "details/detail/format is 'imscc11', expected 'moodle2'")]


@case("manifest.detail_mode")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/details/detail/mode", "general")
    return [("manifest.detail_mode", MB, "details/detail/mode must be an integer, got 'general'")]


@case("manifest.contents_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.remove(MB, "information/contents")
    # Nothing is listed any more: every setting names an unknown owner and every directory is unlisted.
    expected: Expected = [("manifest.contents_missing", MB, "information/contents is missing")]
    for setting in e.tree(MB).findall("information/settings/setting"):
        level, name = setting.findtext("level"), setting.findtext("name")
        if level == "section":
            expected.append(("manifest.setting_section_unknown", MB, f"setting {name} belongs to section "
                             f"'{setting.findtext('section')}', which contents/sections does not list; Moodle's "
                             "restore fails"))
        elif level == "activity":
            expected.append(("manifest.setting_activity_unknown", MB, f"setting {name} belongs to activity "
                             f"'{setting.findtext('activity')}', which contents/activities does not list; Moodle's "
                             "restore fails"))
    directories = sorted([a.directory for a in s.activities] + [d for _, d in s.sections])
    expected += [("structure.directory_unlisted", d, "directory is not listed in moodle_backup.xml contents/"
                  + d.split("/")[0]) for d in directories]
    # No activity is known, so no activity's inforef.xml counts: every file is restored by nobody.
    expected += [("files.unreferenced", "files.xml", f"file id {fid} ({f.findtext('component')}/"
                  f"{f.findtext('filearea')}/{f.findtext('itemid')} /{f.findtext('filename')}) is not referenced by "
                  "any inforef.xml; Moodle's restore skips it") for fid, f in s.files.items()]
    return expected


@case("manifest.contents_course_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.remove(MB, "information/contents/course")
    return [("manifest.contents_course_missing", MB, "information/contents/course is missing")]


@case("manifest.section_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.tree(MB).find("information/contents/sections/section").remove(  # type: ignore[union-attr]
        e.tree(MB).find("information/contents/sections/section/title"))  # type: ignore[arg-type]
    return [("manifest.section_field_missing", MB, "contents section #1 is missing <title>")]


@case("manifest.section_id")
def _(e: Edit, s: Sample) -> Expected:
    e.append(MB, "information/contents/sections", "<section><sectionid>x1</sectionid><title>Uusi</title>"
             "<directory>sections/section_x1</directory></section>")
    return [("manifest.section_id", MB, f"contents section #{len(s.sections) + 1} sectionid 'x1' is not an integer")]


@case("manifest.section_directory")
def _(e: Edit, s: Sample) -> Expected:
    sectionid, directory = s.sections[1]
    entry = e.tree(MB).findall("information/contents/sections/section")[1]
    entry.find("directory").text = "sections/osio"  # type: ignore[union-attr]
    return [("manifest.section_directory", MB,
             f"section {sectionid} directory is 'sections/osio', expected '{directory}'")]


@case("manifest.section_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    sections = e.find(MB, "information/contents/sections")
    sections.append(copy.deepcopy(sections[0]))
    return [("manifest.section_duplicate", MB, f"section {s.sections[0][0]} is listed twice")]


@case("manifest.section_dir_missing")
def _(e: Edit, s: Sample) -> Expected:
    _, directory = s.sections[-1]
    e.delete_tree(directory)
    return [("manifest.section_dir_missing", MB, f"section directory {directory} does not exist in the archive")]


@case("manifest.activity_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    entry = e.tree(MB).find("information/contents/activities/activity")
    entry.remove(entry.find("title"))  # type: ignore[union-attr, arg-type]
    return [("manifest.activity_field_missing", MB, "contents activity #1 is missing <title>")]


@case("manifest.activity_identity")
def _(e: Edit, s: Sample) -> Expected:
    e.append(MB, "information/contents/activities", f"<activity><moduleid>7</moduleid><sectionid>{s.sections[0][0]}"
             "</sectionid><modulename>Page</modulename><title>Sivu</title><directory>activities/Page_7</directory>"
             "</activity>")
    return [("manifest.activity_identity", MB, f"contents activity #{len(s.activities) + 1} has moduleid '7' and "
             "modulename 'Page'; expected an integer and a module name")]


@case("manifest.activity_directory")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    index = s.activities.index(url)
    e.tree(MB).findall("information/contents/activities/activity")[index].find(  # type: ignore[union-attr]
        "directory").text = "activities/linkki"
    return [("manifest.activity_directory", MB,
             f"activity {url.key} directory is 'activities/linkki', expected '{url.directory}'"),
            ("manifest.activity_dir_missing", MB, "activity directory activities/linkki does not exist in the archive"),
            ("manifest.setting_activity_unknown", MB, f"setting {url.key}_included belongs to activity "
             f"'{url.key}', which contents/activities does not list; Moodle's restore fails"),
            ("manifest.setting_activity_unknown", MB, f"setting {url.key}_userinfo belongs to activity "
             f"'{url.key}', which contents/activities does not list; Moodle's restore fails"),
            ("structure.directory_unlisted", url.directory,
             "directory is not listed in moodle_backup.xml contents/activities")]


@case("manifest.activity_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    activities = e.find(MB, "information/contents/activities")
    activities.append(copy.deepcopy(activities[0]))
    return [("manifest.activity_duplicate", MB, f"activity {s.activities[0].key} is listed twice")]


@case("manifest.activity_dir_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.delete_tree(url.directory)
    return [("manifest.activity_dir_missing", MB, f"activity directory {url.directory} does not exist in the archive")]


@case("manifest.activity_section_unlisted")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    index = s.activities.index(url)
    e.tree(MB).findall("information/contents/activities/activity")[index].find(  # type: ignore[union-attr]
        "sectionid").text = "999"
    return [("manifest.activity_section_unlisted", MB, f"activity {url.key} is in section 999, which "
             "contents/sections does not list; Moodle silently skips it"),
            ("structure.module_section", f"{url.directory}/module.xml",
             f"sectionid is '{url.sectionid}', but moodle_backup.xml puts {url.key} in section '999'")]


@case("manifest.setting_incomplete")
def _(e: Edit, s: Sample) -> Expected:
    setting = e.setting("blocks")
    setting.remove(setting.find("value"))  # type: ignore[arg-type]
    return [("manifest.setting_incomplete", MB, "setting blocks needs <level>, <name> and <value>"),
            ("manifest.root_setting_missing", MB, "root setting blocks is missing")]


@case("manifest.setting_section_unknown")
def _(e: Edit, s: Sample) -> Expected:
    name = f"section_{s.sections[0][0]}_included"
    e.setting(name).find("section").text = "section_999"  # type: ignore[union-attr]
    return [("manifest.setting_section_unknown", MB, f"setting {name} belongs to section 'section_999', which "
             "contents/sections does not list; Moodle's restore fails")]


@case("manifest.setting_activity_unknown")
def _(e: Edit, s: Sample) -> Expected:
    name = f"{s.first('url').key}_included"
    e.setting(name).find("activity").text = "url_999"  # type: ignore[union-attr]
    return [("manifest.setting_activity_unknown", MB, f"setting {name} belongs to activity 'url_999', which "
             "contents/activities does not list; Moodle's restore fails")]


@case("manifest.setting_level_unknown")
def _(e: Edit, s: Sample) -> Expected:
    e.setting("logs").find("level").text = "site"  # type: ignore[union-attr]
    return [("manifest.setting_level_unknown", MB, "setting logs has unknown level 'site'"),
            ("manifest.root_setting_missing", MB, "root setting logs is missing")]


@case("manifest.activities_setting_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.find(MB, "information/settings").remove(e.setting("activities"))
    return [("manifest.activities_setting_missing", MB, "root setting activities is missing; Moodle would restore no "
             "activities and still report success")]


@case("manifest.activities_setting_off")
def _(e: Edit, s: Sample) -> Expected:
    e.setting("activities").find("value").text = "0"  # type: ignore[union-attr]
    return [("manifest.activities_setting_off", MB, "root setting activities is '0'; Moodle would restore no "
             "activities and still report success")]


@case("manifest.root_setting_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.find(MB, "information/settings").remove(e.setting("badges"))
    return [("manifest.root_setting_missing", MB, "root setting badges is missing")]


@case("manifest.root_setting_filename_empty")
def _(e: Edit, s: Sample) -> Expected:
    e.setting("filename").find("value").text = ""  # type: ignore[union-attr]
    return [("manifest.root_setting_filename_empty", MB, "root setting filename is empty")]


@case("manifest.root_setting_value")
def _(e: Edit, s: Sample) -> Expected:
    e.setting("users").find("value").text = "yes"  # type: ignore[union-attr]
    return [("manifest.root_setting_value", MB, "root setting users must be 0 or 1, got 'yes'")]


@case("manifest.task_setting_missing")
def _(e: Edit, s: Sample) -> Expected:
    name = f"{s.first('url').key}_userinfo"
    e.find(MB, "information/settings").remove(e.setting(name))
    return [("manifest.task_setting_missing", MB, f"activity setting {name} is missing")]


@case("manifest.task_setting_level")
def _(e: Edit, s: Sample) -> Expected:
    name = f"{s.first('url').key}_userinfo"
    e.setting(name).find("level").text = "course"  # type: ignore[union-attr]
    return [("manifest.task_setting_level", MB, f"setting {name} has level 'course', expected 'activity'")]


@case("manifest.task_setting_value")
def _(e: Edit, s: Sample) -> Expected:
    name = f"section_{s.sections[0][0]}_included"
    e.setting(name).find("value").text = "true"  # type: ignore[union-attr]
    return [("manifest.task_setting_value", MB, f"setting {name} must be 0 or 1, got 'true'")]


# Course structure


@case("structure.required_file_missing")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.first('url').directory}/grades.xml"
    del e.members[path]
    return [("structure.required_file_missing", path, "required file is missing")]


@case("structure.setting_file_missing")
def _(e: Edit, s: Sample) -> Expected:
    del e.members["course/filters.xml"]  # the sample's root setting filters is 1
    return [("structure.setting_file_missing", "course/filters.xml",
             "required file is missing (root setting filters is 1)")]


@case("structure.directory_unlisted")
def _(e: Edit, s: Sample) -> Expected:
    e.members["activities/label_99/module.xml"] = e.members[f"{s.first('url').directory}/module.xml"]
    return [("structure.directory_unlisted", "activities/label_99",
             "directory is not listed in moodle_backup.xml contents/activities")]


@case("structure.course_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    e.remove("course/course.xml", "format")
    return [("structure.course_field_missing", "course/course.xml", "missing <format>")]


@case("structure.course_contextid_missing")
def _(e: Edit, s: Sample) -> Expected:
    del e.tree("course/course.xml").attrib["contextid"]
    return [("structure.course_contextid_missing", "course/course.xml", "course/@contextid is missing")]


@case("structure.course_contextid_mismatch")
def _(e: Edit, s: Sample) -> Expected:
    e.tree("course/course.xml").set("contextid", "5")
    return [("structure.course_contextid_mismatch", "course/course.xml",
             f"course/@contextid is '5', but moodle_backup.xml says original_course_contextid '{s.course_ctx}'")]


@case("structure.text_format")
def _(e: Edit, s: Sample) -> Expected:
    e.set("course/course.xml", "summaryformat", "html")
    return [("structure.text_format", "course/course.xml", "summaryformat must be one of 0, 1, 2, 3, 4, got 'html'")]


@case("structure.section_id")
def _(e: Edit, s: Sample) -> Expected:
    sectionid, directory = s.sections[0]
    e.tree(f"{directory}/section.xml").set("id", "999")
    return [("structure.section_id", f"{directory}/section.xml",
             f"section/@id is '999', expected '{sectionid}' (the sectionid in moodle_backup.xml)")]


@case("structure.section_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.sections[0][1]}/section.xml"
    e.remove(path, "visible")
    return [("structure.section_field_missing", path, "missing <visible>")]


@case("structure.section_number_not_int")
def _(e: Edit, s: Sample) -> Expected:
    path = f"{s.sections[-1][1]}/section.xml"
    e.set(path, "number", "viimeinen")
    return [("structure.section_number_not_int", path, "number 'viimeinen' is not an integer")]


@case("structure.section_number_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    sectionid, directory = s.sections[-1]
    earlier = f"{s.sections[-2][1]}/section.xml"
    number = e.find(earlier, "number").text
    old = e.find(f"{directory}/section.xml", "number").text
    e.set(f"{directory}/section.xml", "number", number or "")
    # The activities of the renumbered section now name a number their section no longer has.
    return [("structure.section_number_duplicate", f"{directory}/section.xml",
             f"section number {number} is also used by {earlier}")] + [
        ("structure.module_section_number", f"{a.directory}/module.xml",
         f"sectionnumber is '{old}', but section {sectionid} has number {number}")
        for a in s.activities if a.sectionid == sectionid]


@case("structure.section_numbers_gap")
def _(e: Edit, s: Sample) -> Expected:
    sectionid, directory = s.sections[-1]
    e.set(f"{directory}/section.xml", "number", "9")
    for act in s.activities:
        if act.sectionid == sectionid:
            e.set(f"{act.directory}/module.xml", "sectionnumber", "9")
    numbers = ", ".join([str(n) for n in range(len(s.sections) - 1)] + ["9"])
    return [("structure.section_numbers_gap", MB, f"section numbers must run from 0 without gaps, got {numbers}")]


@case("structure.sequence")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    path = f"{s.section_of(url)}/section.xml"
    order = [a.cmid for a in s.activities if a.sectionid == url.sectionid]
    e.set(path, "sequence", ",".join(reversed(order)))
    return [("structure.sequence", path, f"sequence is '{','.join(reversed(order))}', expected '{','.join(order)}' "
             "(the activities whose module.xml names this section, in moodle_backup.xml order)")]


@case("structure.module_id")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.tree(f"{url.directory}/module.xml").set("id", "1")
    return [("structure.module_id", f"{url.directory}/module.xml", f"module/@id is '1', expected '{url.cmid}'")]


@case("structure.module_version_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    del e.tree(f"{url.directory}/module.xml").attrib["version"]
    return [("structure.module_version_missing", f"{url.directory}/module.xml", "module/@version is missing")]


@case("structure.module_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.remove(f"{url.directory}/module.xml", "indent")
    return [("structure.module_field_missing", f"{url.directory}/module.xml", "missing <indent>")]


@case("structure.module_name")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(f"{url.directory}/module.xml", "modulename", "page")
    return [("structure.module_name", f"{url.directory}/module.xml", "modulename is 'page', expected 'url'")]


@case("structure.module_section")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(f"{url.directory}/module.xml", "sectionid", "999")
    order = [a.cmid for a in s.activities if a.sectionid == url.sectionid]
    rest = [cmid for cmid in order if cmid != url.cmid]
    return [("structure.module_section", f"{url.directory}/module.xml",
             f"sectionid is '999', but moodle_backup.xml puts {url.key} in section '{url.sectionid}'"),
            ("structure.sequence", f"{s.section_of(url)}/section.xml", f"sequence is '{','.join(order)}', expected "
             f"'{','.join(rest)}' (the activities whose module.xml names this section, in moodle_backup.xml order)")]


@case("structure.module_section_number")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    number = e.find(f"{s.section_of(url)}/section.xml", "number").text
    e.set(f"{url.directory}/module.xml", "sectionnumber", "5")
    return [("structure.module_section_number", f"{url.directory}/module.xml",
             f"sectionnumber is '5', but section {url.sectionid} has number {number}")]


@case("structure.module_completion")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(f"{url.directory}/module.xml", "completion", "3")
    return [("structure.module_completion", f"{url.directory}/module.xml", "completion must be 0, 1 or 2, got '3'")]


@case("structure.module_completionview")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(f"{url.directory}/module.xml", "completionview", "2")
    return [("structure.module_completionview", f"{url.directory}/module.xml",
             "completionview must be 0 or 1, got '2'")]


@case("structure.activity_attribute_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    del e.tree(url.xml).attrib["id"]
    return [("structure.activity_attribute_missing", url.xml, "activity/@id is missing")]


@case("structure.activity_moduleid")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.tree(url.xml).set("moduleid", "1")
    return [("structure.activity_moduleid", url.xml, f"activity/@moduleid is '1', expected '{url.cmid}'")]


@case("structure.activity_modulename")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.tree(url.xml).set("modulename", "page")
    return [("structure.activity_modulename", url.xml, "activity/@modulename is 'page', expected 'url'")]


@case("structure.activity_contextid_invalid")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.tree(url.xml).set("contextid", "-3")
    return [("structure.activity_contextid_invalid", url.xml, "activity/@contextid must be a positive integer, "
             "got '-3'")]


@case("structure.activity_contextid_course")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.tree(url.xml).set("contextid", s.course_ctx)
    return [("structure.activity_contextid_course", url.xml,
             f"activity/@contextid {s.course_ctx} is the course or system context")]


@case("structure.activity_contextid_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    url, first = s.first("url"), s.activities[0]
    assert s.activities.index(url) > 0
    e.tree(url.xml).set("contextid", first.contextid)
    return [("structure.activity_contextid_duplicate", url.xml,
             f"activity/@contextid {first.contextid} is also used by {first.xml}")]


@case("structure.instance_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.find(url.xml, "url").tag = "link"
    return [("structure.instance_missing", url.xml, "<url> element is missing under <activity>")]


@case("structure.instance_id")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.find(url.xml, "url").set("id", "999")
    return [("structure.instance_id", url.xml, f"<url>/@id is '999', but activity/@id is '{url.instance}'")]


# Files and references


def page_file(e: Edit, s: Sample, directory: bool = False) -> tuple[Act, str, ET.Element]:
    """The page that holds a file, the id of that file (or of its directory record), and its record to edit."""
    page = s.first("page", with_files=True)
    fid = s.file_of(page, directory)
    record = next(f for f in e.tree("files.xml").findall("file") if f.get("id") == fid)
    return page, fid, record


@case("files.record_id")
def _(e: Edit, s: Sample) -> Expected:
    e.append("files.xml", ".", file_record("", PDF_HASH, s.course_ctx, "course", "summary", "0", "x.pdf", len(PDF)))
    del e.tree("files.xml")[-1].attrib["id"]
    return [("files.record_id", "files.xml", f"file #{len(s.files) + 1} has no integer id attribute")]


@case("files.record_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    files = e.tree("files.xml")
    files.append(copy.deepcopy(files[0]))
    return [("files.record_duplicate", "files.xml", f"file id {files[0].get('id')} is listed twice")]


@case("files.record_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    record = e.append("files.xml", ".", file_record("1", PDF_HASH, s.course_ctx, "course", "summary", "0", "x.pdf",
                                                    len(PDF)))
    record.remove(record.find("filesize"))  # type: ignore[arg-type]
    return [("files.record_field_missing", "files.xml", "file id 1 is missing <filesize>")]


@case("files.contenthash")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s)
    record.find("contenthash").text = PDF_HASH.upper()  # type: ignore[union-attr]
    return [("files.contenthash", "files.xml",
             f"file id {fid} contenthash '{PDF_HASH.upper()}' is not 40 lowercase hex characters")]


@case("files.filepath")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s, directory=True)
    record.find("filepath").text = "liitteet"  # type: ignore[union-attr]
    return [("files.filepath", "files.xml", f"file id {fid} filepath 'liitteet' must start and end with '/'")]


@case("files.filename_empty")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, record = page_file(e, s)
    record.find("filename").text = ""  # type: ignore[union-attr]
    # The page's link to the file no longer finds it.
    return [("files.filename_empty", "files.xml", f"file id {fid} has an empty filename"),
            ("files.pluginfile_missing", page.xml, f"@@PLUGINFILE@@/ohje.pdf in <content> has no file "
             f"mod_page/content/0 /ohje.pdf (context {page.contextid}) in files.xml")]


@case("files.itemid")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, record = page_file(e, s, directory=True)
    record.find("itemid").text = "first"  # type: ignore[union-attr]
    return [("files.itemid", "files.xml", f"file id {fid} itemid 'first' is not an integer"),
            ("files.activity_itemid_zero", f"{page.directory}/inforef.xml",
             f"file id {fid} has itemid first, expected 0 for mod_page/content")]


@case("files.filesize_not_int")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s, directory=True)
    record.find("filesize").text = "zero"  # type: ignore[union-attr]
    return [("files.filesize_not_int", "files.xml", f"file id {fid} filesize 'zero' is not an integer")]


@case("files.repository_reference")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s)
    record.find("repositoryid").text = "3"  # type: ignore[union-attr]
    return [("files.repository_reference", "files.xml",
             f"file id {fid} is a reference to repository 3; its content is not in the package")]


@case("files.directory_hash")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s, directory=True)
    record.find("contenthash").text = PDF_HASH  # type: ignore[union-attr]
    return [("files.directory_hash", "files.xml", f"file id {fid} is a directory record ('.') but its contenthash is "
             "not da39a3ee5e6b4b0d3255bfef95601890afd80709")]


@case("files.include_files_off")
def _(e: Edit, s: Sample) -> Expected:
    e.set(MB, "information/include_files", "0")
    count = sum(f.findtext("filename") != "." for f in s.files.values())
    return [("files.include_files_off", MB, f"include_files is 0 but files.xml lists {count} files; Moodle would look "
             "for them in the target site instead of the package")]


@case("files.blob_missing")
def _(e: Edit, s: Sample) -> Expected:
    del e.members[PDF_BLOB]
    # The page's file and the book chapter's file have the same content, so both lose it.
    return [("files.blob_missing", PDF_BLOB, f"missing (needed by files.xml file id {fid}, "
             f"{f.findtext('component')}/{f.findtext('filearea')}/{f.findtext('itemid')} /ohje.pdf)")
            for fid, f in s.files.items() if f.findtext("filename") == "ohje.pdf"]


@case("files.blob_hash")
def _(e: Edit, s: Sample) -> Expected:
    tampered = PDF.replace(b"sample", b"SAMPLE")
    e.members[PDF_BLOB] = tampered
    return [("files.blob_hash", PDF_BLOB, f"content sha1 is {hashlib.sha1(tampered).hexdigest()}, not the hash in its "
             "name")]


@case("files.blob_size")
def _(e: Edit, s: Sample) -> Expected:
    _, fid, record = page_file(e, s)
    record.find("filesize").text = str(len(PDF) + 1)  # type: ignore[union-attr]
    return [("files.blob_size", "files.xml", f"file id {fid} filesize is {len(PDF) + 1} but {PDF_BLOB} has "
             f"{len(PDF)} bytes")]


@case("files.inforef_missing")
def _(e: Edit, s: Sample) -> Expected:
    # What a real Moodle restore showed: without the activity's inforef.xml the restore reports success and the
    # page's files are simply not there.
    page = s.first("page", with_files=True)
    del e.members[f"{page.directory}/inforef.xml"]
    return [("files.inforef_missing", f"{page.directory}/inforef.xml", "required file is missing (Moodle restores "
             "this part without its files and reports nothing)")] + [
        ("files.unreferenced", "files.xml", f"file id {fid} (mod_page/content/0 /{f.findtext('filename')}) is not "
         "referenced by any inforef.xml; Moodle's restore skips it")
        for fid, f in s.files.items() if f.findtext("contextid") == page.contextid]


@case("files.unreferenced")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, _ = page_file(e, s, directory=True)
    remove_fileref(e, f"{page.directory}/inforef.xml", fid)
    return [("files.unreferenced", "files.xml", f"file id {fid} (mod_page/content/0 /.) is not referenced by any "
             "inforef.xml; Moodle's restore skips it")]


@case("files.inforef_unknown_file")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    add_fileref(e, f"{url.directory}/inforef.xml", "1")
    return [("files.inforef_unknown_file", f"{url.directory}/inforef.xml", "file id 1 referenced but not in files.xml")]


@case("files.inforef_unknown_user")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.append(f"{url.directory}/inforef.xml", ".", "<userref><user><id>5</id></user></userref>")
    return [("files.inforef_unknown_user", f"{url.directory}/inforef.xml", "user id 5 referenced but not in users.xml")]


@case("files.inforef_unknown_role")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.append(f"{url.directory}/inforef.xml", ".", "<roleref><role><id>3</id></role></roleref>")
    return [("files.inforef_unknown_role", f"{url.directory}/inforef.xml", "role id 3 referenced but not in roles.xml")]


@case("files.course_context")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, _ = page_file(e, s)
    add_fileref(e, "course/inforef.xml", fid)
    return [("files.course_context", "course/inforef.xml", f"file id {fid} has contextid {page.contextid}, expected "
             f"{s.course_ctx} (the course context)")]


@case("files.course_area")
def _(e: Edit, s: Sample) -> Expected:
    e.append("files.xml", ".", file_record("1", PDF_HASH, s.course_ctx, "course", "images", "0", "x.pdf", len(PDF)))
    add_fileref(e, "course/inforef.xml", "1")
    return [("files.course_area", "course/inforef.xml",
             "file id 1 is in course file area 'images', which Moodle does not restore")]


@case("files.section_area")
def _(e: Edit, s: Sample) -> Expected:
    directory = s.sections[0][1]
    e.append("files.xml", ".", file_record("1", PDF_HASH, s.course_ctx, "course", "summary", "0", "x.pdf", len(PDF)))
    add_fileref(e, f"{directory}/inforef.xml", "1")
    return [("files.section_area", f"{directory}/inforef.xml",
             "file id 1 is course/summary, expected course/section")]


@case("files.section_itemid")
def _(e: Edit, s: Sample) -> Expected:
    sectionid, directory = s.sections[0]
    e.append("files.xml", ".", file_record("1", PDF_HASH, s.course_ctx, "course", "section", "0", "x.pdf", len(PDF)))
    add_fileref(e, f"{directory}/inforef.xml", "1")
    return [("files.section_itemid", f"{directory}/inforef.xml",
             f"file id 1 has itemid 0, expected {sectionid} (the section id)")]


@case("files.activity_context")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.append("files.xml", ".", file_record("1", PDF_HASH, s.course_ctx, "mod_url", "intro", "0", "x.pdf", len(PDF)))
    add_fileref(e, f"{url.directory}/inforef.xml", "1")
    return [("files.activity_context", f"{url.directory}/inforef.xml",
             f"file id 1 has contextid {s.course_ctx}, expected {url.contextid} (the activity's context)")]


@case("files.activity_component")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.append("files.xml", ".", file_record("1", PDF_HASH, url.contextid, "mod_page", "content", "0", "x.pdf",
                                           len(PDF)))
    add_fileref(e, f"{url.directory}/inforef.xml", "1")
    return [("files.activity_component", f"{url.directory}/inforef.xml",
             "file id 1 has component 'mod_page', expected 'mod_url'")]


@case("files.activity_area")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, record = page_file(e, s, directory=True)
    record.find("filearea").text = "images"  # type: ignore[union-attr]
    return [("files.activity_area", f"{page.directory}/inforef.xml",
             f"file id {fid} is in file area 'images', which Moodle does not restore for page")]


@case("files.activity_itemid_zero")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, record = page_file(e, s, directory=True)
    record.find("itemid").text = "5"  # type: ignore[union-attr]
    return [("files.activity_itemid_zero", f"{page.directory}/inforef.xml",
             f"file id {fid} has itemid 5, expected 0 for mod_page/content")]


@case("files.activity_itemid_unknown")
def _(e: Edit, s: Sample) -> Expected:
    book = s.first("book")
    fid = s.file_of(book, directory=True)
    record = next(f for f in e.tree("files.xml").findall("file") if f.get("id") == fid)
    record.find("itemid").text = "5"  # type: ignore[union-attr]
    return [("files.activity_itemid_unknown", f"{book.directory}/inforef.xml",
             f"file id {fid} has itemid 5, which is not a chapter id in book.xml")]


@case("files.pluginfile_no_slash")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page", with_files=True)
    content = e.find(page.xml, "page/content")
    content.text = (content.text or "") + '<img src="@@PLUGINFILE@@kuva.png" alt="">'
    return [("files.pluginfile_no_slash", page.xml, "@@PLUGINFILE@@ in <content> is not followed by '/'")]


@case("files.pluginfile_missing")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page", with_files=True)
    content = e.find(page.xml, "page/content")
    assert (content.text or "").count("@@PLUGINFILE@@/ohje.pdf") == 1
    content.text = (content.text or "").replace("@@PLUGINFILE@@/ohje.pdf", "@@PLUGINFILE@@/Ohje.pdf")
    return [("files.pluginfile_missing", page.xml, "@@PLUGINFILE@@/Ohje.pdf in <content> has no file "
             f"mod_page/content/0 /Ohje.pdf (context {page.contextid}) in files.xml")]


@case("files.pluginfile_unreferenced")
def _(e: Edit, s: Sample) -> Expected:
    page, fid, _ = page_file(e, s)
    remove_fileref(e, f"{page.directory}/inforef.xml", fid)
    return [("files.unreferenced", "files.xml", f"file id {fid} (mod_page/content/0 /ohje.pdf) is not referenced by "
             "any inforef.xml; Moodle's restore skips it"),
            ("files.pluginfile_unreferenced", page.xml, f"@@PLUGINFILE@@/ohje.pdf in <content> matches file id {fid}, "
             f"which {page.directory}/inforef.xml does not reference; Moodle drops it")]


# Activity types


@case("activity.name_empty")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(url.xml, "url/name", " ")
    return [("activity.name_empty", url.xml, "url name is empty")]


@case("activity.page.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page", with_files=False)
    e.remove(page.xml, "page/contentformat")
    return [("activity.page.field_missing", page.xml, "page is missing <contentformat>")]


@case("activity.page.content_null")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page", with_files=False)
    e.set(page.xml, "page/content", NULL)
    return [("activity.page.content_null", page.xml, "page content is $@NULL@$")]


@case("activity.url.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.remove(url.xml, "url/parameters")
    return [("activity.url.field_missing", url.xml, "url is missing <parameters>")]


@case("activity.url.invalid")
def _(e: Edit, s: Sample) -> Expected:
    url = s.first("url")
    e.set(url.xml, "url/externalurl", "https://verkko example/sivu")
    return [("activity.url.invalid", url.xml, "externalurl 'https://verkko example/sivu' is not a valid URL "
             "(mod/url url_appears_valid_url)")]


def chapters(e: Edit, s: Sample) -> tuple[Act, list[ET.Element]]:
    """The book and its chapters, in book order."""
    book = s.first("book")
    return book, e.tree(book.xml).findall("book/chapters/chapter")


@case("activity.book.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    book = s.first("book")
    e.remove(book.xml, "book/numbering")
    return [("activity.book.field_missing", book.xml, "book is missing <numbering>")]


@case("activity.book.chapter_id")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[0].set("id", "eka")
    return [("activity.book.chapter_id", book.xml, "chapter eka has no integer id attribute")]


@case("activity.book.chapter_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[0].remove(found[0].find("hidden"))  # type: ignore[arg-type]
    return [("activity.book.chapter_field_missing", book.xml, f"chapter {found[0].get('id')} is missing <hidden>")]


@case("activity.book.pagenum_not_int")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[-1].find("pagenum").text = "viimeinen"  # type: ignore[union-attr]
    return [("activity.book.pagenum_not_int", book.xml,
             f"chapter {found[-1].get('id')} pagenum 'viimeinen' is not an integer")]


@case("activity.book.subchapter_value")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[-1].find("subchapter").text = "2"  # type: ignore[union-attr]
    return [("activity.book.subchapter_value", book.xml,
             f"chapter {found[-1].get('id')} subchapter must be 0 or 1, got '2'")]


@case("activity.book.title_empty")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[-1].find("title").text = ""  # type: ignore[union-attr]
    return [("activity.book.title_empty", book.xml, f"chapter {found[-1].get('id')} title is empty")]


@case("activity.book.pagenum_sequence")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    found[-1].find("pagenum").text = str(len(found) + 1)  # type: ignore[union-attr]
    got = ", ".join(str(n) for n in [*range(1, len(found)), len(found) + 1])
    return [("activity.book.pagenum_sequence", book.xml,
             f"chapter pagenum values must run from 1 without gaps or repeats, got {got}")]


@case("activity.book.starts_with_subchapter")
def _(e: Edit, s: Sample) -> Expected:
    book, found = chapters(e, s)
    assert found[0].findtext("pagenum") == "1"
    found[0].find("subchapter").text = "1"  # type: ignore[union-attr]
    return [("activity.book.starts_with_subchapter", book.xml,
             "the first chapter is a subchapter; Moodle turns it into a chapter")]


# Module types the product does not write: grafted onto the sample valid (test_grafted_activities_are_valid),
# then broken.


@case("activity.label.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    label = graft(e, s, "label")
    e.members[label.xml] = e.members[label.xml].replace(b"<timemodified>0</timemodified>", b"")
    return [("activity.label.field_missing", label.xml, "label is missing <timemodified>")]


@case("activity.resource.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    resource = graft(e, s, "resource")
    e.members[resource.xml] = e.members[resource.xml].replace(b"<filterfiles>0</filterfiles>", b"")
    return [("activity.resource.field_missing", resource.xml, "resource is missing <filterfiles>")]


@case("activity.resource.no_file")
def _(e: Edit, s: Sample) -> Expected:
    resource = graft(e, s, "resource")
    e.find("files.xml", "file[@id='900000010']/filearea").text = "intro"
    return [("activity.resource.no_file", resource.directory, "resource has no file in mod_resource/content")]


@case("activity.folder.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    folder = graft(e, s, "folder")
    e.members[folder.xml] = e.members[folder.xml].replace(b"<showexpanded>1</showexpanded>", b"")
    return [("activity.folder.field_missing", folder.xml, "folder is missing <showexpanded>")]


@case("activity.glossary.field_missing")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    e.members[glossary.xml] = e.members[glossary.xml].replace(b"<mainglossary>0</mainglossary>", b"")
    return [("activity.glossary.field_missing", glossary.xml, "glossary is missing <mainglossary>")]


@case("activity.glossary.users_off")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    e.setting("users").find("value").text = "0"  # type: ignore[union-attr]
    return [("activity.glossary.users_off", glossary.xml,
             "glossary has 1 entry but root setting users is not 1; Moodle drops them")]


@case("activity.glossary.userinfo_off")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    e.setting(f"{glossary.key}_userinfo").find("value").text = "0"  # type: ignore[union-attr]
    return [("activity.glossary.userinfo_off", glossary.xml,
             f"glossary has 1 entry but setting {glossary.key}_userinfo is not 1; Moodle drops them")]


@case("activity.glossary.entry_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    e.members[glossary.xml] = e.members[glossary.xml].replace(b"<approved>1</approved>", b"")
    return [("activity.glossary.entry_field_missing", glossary.xml, "entry 31 is missing <approved>")]


@case("activity.glossary.author_not_in_users")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    users = e.tree("users.xml")
    users.remove(users[-1])
    return [("activity.glossary.author_not_in_users", glossary.xml, "entry 31 author user 5 is not in users.xml"),
            ("files.inforef_unknown_user", f"{glossary.directory}/inforef.xml",
             "user id 5 referenced but not in users.xml")]


@case("activity.glossary.author_not_in_inforef")
def _(e: Edit, s: Sample) -> Expected:
    glossary = graft(e, s, "glossary")
    e.remove(f"{glossary.directory}/inforef.xml", "userref")
    return [("activity.glossary.author_not_in_inforef", glossary.xml,
             f"entry 31 author user 5 is not in {glossary.directory}/inforef.xml userref")]


# ------------------------------------------------------------------------------------------------------------
# The tests


# Links, idnumbers and completion criteria


def add_link(e: Edit, act: Act, href: str) -> None:
    """Append a link to a page's content, as a template would write it."""
    content = e.find(act.xml, "page/content")
    content.text = (content.text or "") + f'<p><a href="{href}">Linkki</a></p>'


@case("links.unknown_activity")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page")
    add_link(e, page, "$@PAGEVIEWBYID*999999@$")  # a page left out of the package
    return [("links.unknown_activity", page.xml, "$@PAGEVIEWBYID*999999@$ links to an activity the package lacks")]


@case("links.wrong_module")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page")
    add_link(e, page, f"$@URLVIEWBYID*{page.cmid}@$")  # a url's rule for a page
    return [("links.wrong_module", page.xml,
             f"$@URLVIEWBYID*{page.cmid}@$ links to a url, but activity {page.cmid} is a page")]


@case("links.unknown_section")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page")
    add_link(e, page, "$@COURSESECTIONBYID*999999@$")
    return [("links.unknown_section", page.xml, "$@COURSESECTIONBYID*999999@$ links to a section the package lacks")]


@case("links.idnumber_duplicate")
def _(e: Edit, s: Sample) -> Expected:
    first, later = sorted((a for a in s.activities if a.modname == "page"), key=lambda a: a.directory)[:2]
    idnumber = e.find(f"{first.directory}/module.xml", "idnumber").text or ""
    assert idnumber
    e.set(f"{later.directory}/module.xml", "idnumber", idnumber)
    return [("links.idnumber_duplicate", f"{later.directory}/module.xml",
             f"idnumber {idnumber!r} is also {first.directory}'s")]


def criterion(cmid: str) -> str:
    """A course completion criterion 'activity completed', as Moodle's backup writes it."""
    return (f'<course_completion_criteria id="7"><course>1</course><criteriatype>4</criteriatype>'
            f"<module>page</module><moduleinstance>{cmid}</moduleinstance>"
            f"<courseinstanceshortname>{NULL}</courseinstanceshortname><enrolperiod>0</enrolperiod>"
            f"<timeend>0</timeend><gradepass>{NULL}</gradepass><role>{NULL}</role>"
            f"<roleshortname>{NULL}</roleshortname><course_completion_crit_completions/>"
            "</course_completion_criteria>")


@case("completion.unknown_activity")
def _(e: Edit, s: Sample) -> Expected:
    e.append("completion.xml", ".", criterion("999999"))
    return [("completion.unknown_activity", "completion.xml",
             "a criterion requires activity '999999', which the package lacks (restore skips it)")]


@case("completion.untracked_activity")
def _(e: Edit, s: Sample) -> Expected:
    page = s.first("page")
    e.set(f"{page.directory}/module.xml", "completion", "0")
    e.append("completion.xml", ".", criterion(page.cmid))
    return [("completion.untracked_activity", "completion.xml",
             f"a criterion requires activity {page.cmid}, which does not track completion")]


# Calendar: the course events (the plans' dated actions).

CAL = "course/calendar.xml"


def first_event(e: Edit) -> ET.Element:
    """The first course event of the package (the sample's plans have dated actions)."""
    event = e.tree(CAL).find("event")
    assert event is not None, "the sample course has calendar events"
    return event


@case("calendar.events_setting_off")
def _(e: Edit, s: Sample) -> Expected:
    e.setting("calendarevents").find("value").text = "0"  # type: ignore[union-attr]
    count = len(e.tree(CAL).findall("event"))
    return [("calendar.events_setting_off", CAL, f"{count} course events, but the root setting calendarevents "
             "is not 1: Moodle restores none of them")]


@case("calendar.event_id")
def _(e: Edit, s: Sample) -> Expected:
    events = e.tree(CAL).findall("event")
    events[1].set("id", events[0].get("id", ""))
    return [("calendar.event_id", CAL, f"event {events[0].get('id')}: the id is used by an earlier event")]


@case("calendar.event_field_missing")
def _(e: Edit, s: Sample) -> Expected:
    event = first_event(e)
    event.remove(event.find("timeduration"))  # type: ignore[arg-type]
    return [("calendar.event_field_missing", CAL, f"event {event.get('id')}: missing <timeduration>")]


@case("calendar.event_not_number")
def _(e: Edit, s: Sample) -> Expected:
    event = first_event(e)
    event.find("timestart").text = "2026-04-16"  # type: ignore[union-attr]
    return [("calendar.event_not_number", CAL, f"event {event.get('id')}: <timestart> is '2026-04-16', "
             "not a whole number")]


@case("calendar.event_type")
def _(e: Edit, s: Sample) -> Expected:
    event = first_event(e)
    event.find("eventtype").text = "site"  # type: ignore[union-attr]
    return [("calendar.event_type", CAL, f"event {event.get('id')}: eventtype 'site' is not a course event "
             "(a course backup holds 'course' and 'group' events only)")]


@case("calendar.event_name_too_long")
def _(e: Edit, s: Sample) -> Expected:
    event = first_event(e)
    event.find("name").text = "Ä" * 256  # type: ignore[union-attr]
    return [("calendar.event_name_too_long", CAL, f"event {event.get('id')}: the name is 256 characters, "
             "Moodle's limit is 255")]



def found(data: bytes) -> Expected:
    """The problems the checker reports, as (rule id, path, message)."""
    return [(p.rule, p.path, p.message) for p in check(data)]


def test_the_sample_package_is_valid(sample_package: bytes, sample: Sample) -> None:
    assert check_mbz(sample_package) == []
    # What the cases rely on is really in it: files in a page and a book chapter, and a url activity.
    assert {a.modname for a in sample.activities} >= {"page", "book", "url"}
    assert sample.first("page", with_files=True) and sample.file_of(sample.first("book"))


def test_an_unbroken_copy_is_valid(sample: Sample) -> None:
    # The cases' own packing (XML written back from trees, plain ustar, gzip; or a zip) changes nothing.
    e = Edit(sample.members)
    for path in sample.members:
        if path.endswith(".xml"):
            e.tree(path)
    assert found(e.data()) == []
    assert found(zipped(e.serialised())) == []


@pytest.mark.parametrize("modname", ["label", "resource", "folder", "glossary"])
def test_grafted_activities_are_valid(sample: Sample, modname: str) -> None:
    e = Edit(sample.members)
    graft(e, sample, modname)
    assert found(e.data()) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_reports_its_break(sample: Sample, rule: str) -> None:
    e = Edit(sample.members)
    expected = CASES[rule](e, sample)
    assert rule in {expected_rule for expected_rule, _, _ in expected}
    assert found(e.data()) == expected


def test_every_rule_has_a_negative_case() -> None:
    assert sorted(set(RULES) - set(CASES)) == []
    assert sorted(set(CASES) - set(RULES)) == []


def test_every_rule_names_its_moodle_source() -> None:
    for rule in RULES.values():
        assert rule.id.count(".") in (1, 2) and rule.description and rule.source, rule
        assert rule.source.split()[0].endswith(".php"), rule


def test_problems_show_their_rule_id(sample: Sample) -> None:
    e = Edit(sample.members)
    del e.members[f"{sample.first('url').directory}/grades.xml"]
    assert check_mbz(e.data()) == [
        f"{sample.first('url').directory}/grades.xml: required file is missing [structure.required_file_missing]"]


def test_collects_all_problems(sample: Sample) -> None:
    e = Edit(sample.members)
    del e.members[f"{sample.first('url').directory}/grades.xml"]
    e.setting("activities").find("value").text = "0"  # type: ignore[union-attr]
    e.tail = ustar_block(b"../evil.txt", 1) + padded(b"x")
    assert [rule for rule, _, _ in found(e.data())] == [
        "archive.parent_path", "manifest.activities_setting_off", "structure.required_file_missing"]


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_the_products_packages_are_deterministic(audience: str, tmp_path: Path) -> None:
    # Two builds of the sample through the command line, in two fresh processes' worth of state: byte-identical.
    for folder in ("one", "two"):
        assert main_cli(["--root", str(SAMPLE), "--audience", audience, "--site-dir", str(tmp_path / folder / "site"),
                         "--dist-dir", str(tmp_path / folder / "dist")]) == 0
    one = {p.name: p.read_bytes() for p in sorted((tmp_path / "one" / "dist").iterdir())}
    two = {p.name: p.read_bytes() for p in sorted((tmp_path / "two" / "dist").iterdir())}
    # The public packages have no glossary (the staff's tier vocabulary); both have the Moodle plugin's zip.
    assert len(one) == (4 if audience == "internal" else 3) and one == two
    assert "moodle-tool_partnerkit.zip" in one
    assert all(check_mbz(data) == [] for name, data in one.items() if name.endswith(".mbz"))


@pytest.mark.parametrize("broken", [False, True])
def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], sample: Sample, broken: bool) -> None:
    e = Edit(sample.members)
    if broken:
        del e.members["files.xml"]
    path = tmp_path / "course.mbz"
    path.write_bytes(e.data())
    code = main([str(path)])
    out = capsys.readouterr().out
    if broken:
        assert code == 1
        assert out.splitlines()[0] == "files.xml: required file is missing [structure.required_file_missing]"
    else:
        assert code == 0
        kinds = Counter(a.modname for a in sample.activities)
        files = sum(f.findtext("filename") != "." for f in sample.files.values())
        assert out == (f"{path}: OK, {len(sample.sections)} sections, {len(sample.activities)} activities "
                       f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), {files} files\n")
