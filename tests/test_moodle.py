"""Moodle packages of the minimal fixture: restorable structure, course mapping, audiences, safety, determinism.

The golden file of one rendered page is rewritten with PARTNERKIT_UPDATE_GOLDEN=1; review the diff.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import posixpath
import re
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

import partnerkit.builders.moodle as moodle_builder
import partnerkit.render.moodle as moodle
from partnerkit.messages import RenderError
from partnerkit.mbzcheck import check_mbz
from partnerkit.model import Toolbox
from partnerkit.audience import INTERNAL, PUBLIC, view_for
from partnerkit.pipeline import SHIPPED_TEMPLATES, Project, build_outputs, make_view, render_packages
from partnerkit.render import make_environment
from partnerkit.schema import ATTACHMENT_TYPES
from partnerkit.render.moodle import (
    assign_ids,
    render_book_zip,
    render_course_backup,
    render_glossary_xml,
)
from tests.conftest import MINIMAL, copy_project, toolbox_of, update_golden

GOLDEN = Path(__file__).parent / "golden" / "moodle"
TIMESTAMP = 1_772_323_200  # 2026-03-01, the latest review date of the fixture


# -------------------------------------------------------------------------------------------------------------
# Helpers: open a package the way a reader of Moodle's backup would.


def unpack(data: bytes) -> dict[str, bytes]:
    """Return the members of a .mbz as {path: bytes}."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


@dataclass
class Module:
    """One activity as Moodle will restore it."""

    modname: str
    name: str
    module: ET.Element
    instance: ET.Element

    def text(self, tag: str) -> str:
        """Return a field of the activity's own record (page content, url externalurl, ...)."""
        return self.instance.findtext(tag) or ""


@dataclass
class CourseSection:
    """One section with its activities in course order."""

    number: int
    name: str
    summary: str
    modules: list[Module] = field(default_factory=list)
    id: str = ""

    def named(self, name: str) -> Module:
        """Return the only activity with this name."""
        found = [m for m in self.modules if m.name == name]
        assert len(found) == 1, f"{name!r} in section {self.name!r}: {[m.name for m in self.modules]}"
        return found[0]


def read_course(files: dict[str, bytes]) -> list[CourseSection]:
    """Return the course's sections, each with its activities, from moodle_backup.xml and the listed files."""
    info = ET.fromstring(files["moodle_backup.xml"]).find("information")
    assert info is not None
    sections: dict[str, CourseSection] = {}
    for entry in info.findall("contents/sections/section"):
        element = ET.fromstring(files[f"{entry.findtext('directory')}/section.xml"])
        sections[entry.findtext("sectionid") or ""] = CourseSection(
            int(element.findtext("number") or -1), element.findtext("name") or "", element.findtext("summary") or "",
            id=element.get("id") or "")
    for entry in info.findall("contents/activities/activity"):
        directory, modname = entry.findtext("directory"), entry.findtext("modulename") or ""
        activity = ET.fromstring(files[f"{directory}/{modname}.xml"])
        instance = activity.find(modname)
        assert instance is not None
        sections[entry.findtext("sectionid") or ""].modules.append(
            Module(modname, instance.findtext("name") or "", ET.fromstring(files[f"{directory}/module.xml"]), instance))
    return sorted(sections.values(), key=lambda s: s.number)


def section_named(course: list[CourseSection], name: str) -> CourseSection:
    """Return the only section with this name."""
    found = [s for s in course if s.name == name]
    assert len(found) == 1, f"{name!r}: {[s.name for s in course]}"
    return found[0]


class _Elements(HTMLParser):
    """Collects (tag, attributes, text inside) of every element of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(fragment: str) -> _Elements:
    """Parse an HTML fragment stored in the package."""
    parser = _Elements()
    parser.feed(fragment)
    parser.close()
    return parser


def visible_text(fragment: str) -> str:
    """Return the text a reader sees in an HTML fragment, entities decoded."""
    return " ".join(elements(fragment).text)


def table_rows(fragment: str) -> list[list[str]]:
    """Return the text of each body row of the first table in the fragment, cell by cell."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.rows: list[list[str]] = []
            self.in_body = False
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tbody":
                self.in_body = True
            elif tag == "tr" and self.in_body:
                self.rows.append([])
            elif tag in ("td", "th") and self.in_body:
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tbody":
                self.in_body = False

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(fragment)
    return parser.rows


# -------------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def toolbox() -> Toolbox:
    return toolbox_of(MINIMAL)


def render(toolbox: Toolbox, audience: str = "internal") -> bytes:
    """The course backup of a toolbox."""
    return render_course_backup(*make_view(toolbox, audience), TIMESTAMP, make_environment(SHIPPED_TEMPLATES))


@pytest.fixture(scope="module")
def internal(toolbox: Toolbox) -> bytes:
    return render(toolbox)


@pytest.fixture(scope="module")
def public(toolbox: Toolbox) -> bytes:
    return render(toolbox, "public")


@pytest.fixture(scope="module")
def course(internal: bytes) -> list[CourseSection]:
    return read_course(unpack(internal))


# -------------------------------------------------------------------------------------------------------------
# Structure and determinism


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_package_passes_the_structural_check(toolbox: Toolbox, audience: str) -> None:
    assert check_mbz(render(toolbox, audience)) == []


def repack(files: dict[str, bytes]) -> bytes:
    """Return files packed as a gzip tar, the way a damaged package would be written."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())


def test_checker_notices_a_package_with_a_file_removed(internal: bytes) -> None:
    files = unpack(internal)
    victim = next(p for p in sorted(files) if p.endswith("/module.xml"))
    del files[victim]
    assert any(victim in problem for problem in check_mbz(repack(files)))


def test_two_renders_are_byte_identical(toolbox: Toolbox) -> None:
    env = make_environment(SHIPPED_TEMPLATES)
    for audience in ("internal", "public"):
        view, profile = make_view(toolbox, audience)
        assert render_course_backup(view, profile, TIMESTAMP, env) == render(toolbox, audience)
        assert render_book_zip(view, env) == render_book_zip(view)
    assert render_glossary_xml(toolbox, env) == render_glossary_xml(toolbox)


def test_archive_entries_carry_no_build_time_or_owner(internal: bytes) -> None:
    # gzip header: no FNAME flag (byte 3) and the content timestamp as mtime (bytes 4-7).
    assert internal[3] & 0x08 == 0
    assert int.from_bytes(internal[4:8], "little") == TIMESTAMP
    with tarfile.open(fileobj=io.BytesIO(internal), mode="r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert {(m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode) for m in members} == {(TIMESTAMP, 0, 0, "", "", 0o644)}
    assert "moodle_backup.xml" in {m.name for m in members}


def test_book_zip_entries_have_fixed_dates(toolbox: Toolbox) -> None:
    with zipfile.ZipFile(io.BytesIO(render_book_zip(toolbox))) as archive:
        infos = archive.infolist()
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)


def test_ids_come_from_keys_not_from_order() -> None:
    keys = [f"cm:tier/arki/method/m{n}" for n in range(50)]
    assert assign_ids(keys) == assign_ids(reversed(keys))
    assert assign_ids(keys[:10]) == {k: v for k, v in assign_ids(keys).items() if k in keys[:10]}


def test_colliding_ids_are_moved_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moodle, "ID_SPAN", 3)
    ids = assign_ids(["a", "b", "c"])
    assert sorted(ids.values()) == [moodle.ID_BASE, moodle.ID_BASE + 1, moodle.ID_BASE + 2]


def test_labelled_as_moodle_45(internal: bytes) -> None:
    info = ET.fromstring(unpack(internal)["moodle_backup.xml"]).find("information")
    assert info is not None
    assert (info.findtext("backup_version"), info.findtext("backup_release")) == ("2024100700", "4.5")
    settings = {s.findtext("name"): s.findtext("value") for s in info.findall("settings/setting")
                if s.findtext("level") == "root"}
    assert settings["activities"] == "1"
    assert settings["users"] == "0"


# -------------------------------------------------------------------------------------------------------------
# The course mirrors the toolbox


def test_sections_follow_the_toolbox(toolbox: Toolbox, course: list[CourseSection]) -> None:
    assert [s.number for s in course] == list(range(len(toolbox.tiers) + 3))
    assert [s.name for s in course] == ["Johdanto", *(t.title for t in toolbox.tiers), "Menetelmät ja työkalut",
                                        "Ohjeita ja oppaita"]
    assert "Johdanto, jossa on <em>korostus</em>." in course[0].summary
    assert "Käytä tiimeissä." in course[0].summary
    for tier, section in zip(toolbox.tiers, course[1:1 + len(toolbox.tiers)], strict=True):
        assert tier.motto in section.summary
        assert tier.definition in section.summary


def test_introduction_has_the_concepts_page(toolbox: Toolbox, course: list[CourseSection]) -> None:
    page = course[0].named("Keskeiset käsitteet")
    assert page.modname == "page"
    for concept in toolbox.concepts:
        assert concept.term in page.text("content")


def test_each_tier_has_its_definition_page(toolbox: Toolbox, course: list[CourseSection]) -> None:
    for tier, section in zip(toolbox.tiers, course[1:1 + len(toolbox.tiers)], strict=True):
        page = section.modules[0]
        assert page.modname == "page" and tier.title in page.name
        content = page.text("content")
        assert tier.definition in content
        for point in tier.focus_points:
            assert f"<li>{point}</li>" in content
        if tier.transitions:
            assert tier.transitions in content


def test_every_method_is_once_in_the_methods_section(toolbox: Toolbox, course: list[CourseSection]) -> None:
    methods = section_named(course, "Menetelmät ja työkalut")
    names = [m.name for s in course for m in s.modules]
    for method in toolbox.methods:
        assert names.count(method.title) == 1
        activity = methods.named(method.title)
        assert activity.modname == "page"
        assert method.summary in activity.text("intro")
        assert activity.module.findtext("showdescription") == "1"
        content = activity.text("content")
        assert "<li>sovi aika</li>" in content
        for link in method.links:
            assert f'<a href="{link.url}">{link.title}</a>' in content


def test_tiers_link_to_their_methods_and_methods_to_their_tiers(toolbox: Toolbox,
                                                                course: list[CourseSection]) -> None:
    methods = section_named(course, "Menetelmät ja työkalut")
    for method in toolbox.methods:
        activity = methods.named(method.title)
        cmid = activity.module.get("id")
        for tier in toolbox.tiers:
            section = section_named(course, tier.title)
            # backup_page_activity_task::encode_content_links() form: restore maps it to the restored page.
            link = f'<a href="$@PAGEVIEWBYID*{cmid}@$">{method.title}</a>'
            assert (link in section.summary) == (tier.id in method.tiers)
            section_link = f'<a href="$@COURSESECTIONBYID*{section.id}@$">{tier.title}</a>'
            assert (section_link in activity.text("content")) == (tier.id in method.tiers)


def test_links_cannot_be_forged_by_content(project: Callable[..., Path]) -> None:
    # A planned link needs a NUL marker, which validation never lets through; text that looks like one stays text.
    root = project({"methods/vieras.yaml": (
        "id: vieras\ntitle: 'cm:method/vieras'\nkind: method\nsummary: 'section:tier/arki'\n"
        "tiers: [arki]\n")})
    data = render(toolbox_of(root))
    assert check_mbz(data) == []
    activity = section_named(read_course(unpack(data)), "Menetelmät ja työkalut").named("cm:method/vieras")
    assert activity.text("intro") == "<p>section:tier/arki</p>"


def test_every_activity_has_a_stable_unique_idnumber(course: list[CourseSection]) -> None:
    idnumbers = [m.module.findtext("idnumber") for s in course for m in s.modules]
    assert len(set(idnumbers)) == len(idnumbers)
    assert all(i and i.startswith("partnerkit:") and len(i) <= 100 for i in idnumbers)
    assert "partnerkit:tier/arki/definition" in idnumbers
    long_key = "method/" + "x" * 120
    assert moodle.stable_idnumber(long_key) == moodle.stable_idnumber(long_key)
    assert len(moodle.stable_idnumber(long_key)) <= 100


def test_one_section_per_page(internal: bytes) -> None:
    course = ET.fromstring(unpack(internal)["course/course.xml"])
    options = {o.findtext("name"): o.findtext("value")
               for o in course.findall("courseformatoptions/courseformatoption")}
    assert options["coursedisplay"] == "1"


@pytest.mark.parametrize(("setting", "expected"), [("", ""), ("moodle_course_language: true\n", "fi"),
                                                  ("moodle_course_language: false\n", "")])
def test_course_language_only_when_asked(project: Callable[..., Path], setting: str, expected: str) -> None:
    root = project({})
    toolbox_file = root / "content" / "toolbox.yaml"
    toolbox_file.write_text(toolbox_file.read_text(encoding="utf-8") + setting, encoding="utf-8")
    course = ET.fromstring(unpack(render(toolbox_of(root)))["course/course.xml"])
    assert (course.findtext("lang") or "") == expected


@pytest.mark.parametrize("choice", ["none", "tier_introductions", "all_activities"])
def test_course_completion_criteria_as_chosen(project: Callable[..., Path], choice: str) -> None:
    root = project({})
    toolbox_file = root / "content" / "toolbox.yaml"
    toolbox_file.write_text(toolbox_file.read_text(encoding="utf-8") + f"moodle_completion: {choice}\n",
                            encoding="utf-8")
    data = render(toolbox_of(root))
    files = unpack(data)
    course = read_course(files)
    completion = ET.fromstring(files["completion.xml"])
    criteria = [(c.findtext("criteriatype"), c.findtext("moduleinstance"))
                for c in completion.findall("course_completion_criteria")]
    definitions = [m.module.get("id") for s in course for m in s.modules
                   if m.name.endswith(": määritelmä ja painopisteet")]
    everything = [m.module.get("id") for s in course for m in s.modules]
    expected = {"none": [], "tier_introductions": definitions, "all_activities": everything}[choice]
    assert criteria == [("4", cmid) for cmid in expected]
    assert len(completion.findall("course_completion_aggr_methd")) == (2 if expected else 0)
    assert check_mbz(data) == []


@pytest.mark.parametrize("choice", ["none", "tier_introductions", "all_activities"])
def test_public_course_completion_names_only_its_own_activities(project: Callable[..., Path], choice: str) -> None:
    root = project({})
    toolbox_file = root / "content" / "toolbox.yaml"
    toolbox_file.write_text(toolbox_file.read_text(encoding="utf-8")
                            + f"moodle_completion: {choice}\nmoodle_course_language: true\n", encoding="utf-8")
    data = render(toolbox_of(root), "public")
    files = unpack(data)
    course = read_course(files)
    # The course for companies: no tier sections and no methods section, in the toolbox's language.
    assert [s.name for s in course if s.name == "Menetelmät ja työkalut"] == []
    assert not any(m.name.endswith(": määritelmä ja painopisteet") for s in course for m in s.modules)
    assert ET.fromstring(files["course/course.xml"]).findtext("lang") == "fi"
    completion = ET.fromstring(files["completion.xml"])
    criteria = [c.findtext("moduleinstance") for c in completion.findall("course_completion_criteria")]
    everything = [m.module.get("id") for s in course for m in s.modules]
    assert len(everything) >= 2
    # Without tier definitions, tier_introductions gives no criteria rather than ones nothing can meet.
    assert criteria == (everything if choice == "all_activities" else [])
    assert len(completion.findall("course_completion_aggr_methd")) == (2 if criteria else 0)
    assert check_mbz(data) == []


def test_method_with_one_link_and_no_body_is_a_url(project: Callable[..., Path]) -> None:
    root = project({"methods/lomake.yaml": (
        "id: lomake\ntitle: Palautelomake\nkind: template\nsummary: Lomake palautteelle.\ntiers: [arki]\n"
        "links:\n  - title: Lomake\n    url: https://lomake.example/palaute?a=1&b=2\n")})
    course = read_course(unpack(render(toolbox_of(root))))
    activity = section_named(course, "Menetelmät ja työkalut").named("Palautelomake")
    assert activity.modname == "url"
    assert activity.text("externalurl") == "https://lomake.example/palaute?a=1&b=2"
    assert "Lomake palautteelle." in activity.text("intro")


def test_partners_of_each_tier_are_in_its_table_with_contacts(toolbox: Toolbox, course: list[CourseSection]) -> None:
    contacts = {c.id: c for c in toolbox.contacts}
    for tier, section in zip(toolbox.tiers, course[1:1 + len(toolbox.tiers)], strict=True):
        page = section.named(f"{tier.title}: kumppanit")
        rows = {row[0]: row for row in table_rows(page.text("content"))}
        expected = [(p, coop) for p in toolbox.partners for coop in p.cooperations if coop.tier == tier.id]
        assert len(rows) == len(expected)
        for partner, coop in expected:
            row = rows[f"{partner.name} {partner.field}"]
            assert coop.description in row[1]
            for contact_id in coop.contacts:
                contact = contacts[contact_id]
                assert contact.name in row[2] and contact.email in row[2]


def test_partner_at_two_tiers_is_in_both_tables(course: list[CourseSection]) -> None:
    for title in ("Arjen kumppanuudet", "Kehittämiskumppanuudet"):
        content = section_named(course, title).named(f"{title}: kumppanit").text("content")
        assert "Alfa &amp; Beta &#34;Testi&#34; Oy" in content
        assert '<a href="https://alfa.example">' in content


def test_partner_table_is_accessible(course: list[CourseSection]) -> None:
    page = section_named(course, "Arjen kumppanuudet").named("Arjen kumppanuudet: kumppanit")
    parsed = elements(page.text("content"))
    tags = [tag for tag, _ in parsed.elements]
    assert "caption" in tags
    headers = [attrs.get("scope") for tag, attrs in parsed.elements if tag == "th"]
    assert headers == ["col", "col", "col", "row"]


def test_guides_are_chapters_of_one_book(toolbox: Toolbox, course: list[CourseSection]) -> None:
    section = course[-1]
    assert [m.modname for m in section.modules] == ["book"]
    chapters = section.modules[0].instance.findall("chapters/chapter")
    assert [c.findtext("title") for c in chapters] == [g.title for g in toolbox.guides]
    assert [c.findtext("pagenum") for c in chapters] == [str(n) for n in range(1, len(chapters) + 1)]
    assert toolbox.guides[0].body in (chapters[0].findtext("content") or "")


def test_course_shows_progress_with_manual_completion(internal: bytes, course: list[CourseSection]) -> None:
    files = unpack(internal)
    assert ET.fromstring(files["course/course.xml"]).findtext("enablecompletion") == "1"
    modules = [m for s in course for m in s.modules]
    assert modules
    # A tier's definition is complete once viewed (what the tier_introductions criteria need); the rest by hand.
    for m in modules:
        viewed = m.name.endswith(": määritelmä ja painopisteet")
        assert m.module.findtext("completion") == ("2" if viewed else "1")
        assert m.module.findtext("completionview") == ("1" if viewed else "0")


# -------------------------------------------------------------------------------------------------------------
# Audiences


def all_texts(data: bytes) -> list[tuple[str, str]]:
    """Every member of a package (.mbz, zip or plain XML), as text and as text with escaping undone twice."""
    if data[:2] == b"\x1f\x8b":
        members = unpack(data)
    elif data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    else:
        members = {"file": data}
    texts = []
    for name, raw in members.items():
        text = raw.decode("utf-8")
        texts.append((name, text + "\n" + html.unescape(html.unescape(text))))
    return texts


def secrets(toolbox: Toolbox) -> list[str]:
    """Every value the public packages must not contain."""
    values = []
    for contact in toolbox.contacts:
        values += [contact.name, contact.email] + ([contact.phone] if contact.phone else [])
    values += [p.notes for p in toolbox.partners if p.notes]
    values += [p.name for p in toolbox.partners if not p.publishable]
    return values


def public_packages(toolbox: Toolbox) -> dict[str, bytes]:
    return {"mbz": render(toolbox, "public"), "book": render_book_zip(view_for(toolbox, PUBLIC)),
            "glossary": render_glossary_xml(toolbox)}


def test_public_packages_hold_no_personal_or_internal_data(toolbox: Toolbox) -> None:
    assert secrets(toolbox), "the fixture must have something to hide"
    for kind, data in public_packages(toolbox).items():
        for name, text in all_texts(data):
            for secret in secrets(toolbox):
                assert secret not in text, f"{kind} {name} contains {secret!r}"


def test_the_scan_finds_what_the_internal_package_holds(toolbox: Toolbox, internal: bytes) -> None:
    texts = "\n".join(text for _, text in all_texts(internal))
    for contact in toolbox.contacts:
        assert contact.name in texts and contact.email in texts


def test_public_course_lists_partners_without_tiers(toolbox: Toolbox, public: bytes) -> None:
    course = read_course(unpack(public))
    page = course[0].named("Kumppanit")
    content = page.text("content")
    published = [p for p in toolbox.partners if p.publishable]
    assert published
    for partner in published:
        assert partner.name in visible_text(content)
        for coop in partner.cooperations:
            assert coop.description in visible_text(content)
    # Team and shared address stand where a contact person would be.
    assert "Ravintola-ala" in content and "ravintola@testi.example" in content
    # No tier section tells which partner is at which tier.
    for section in course[1:]:
        assert not any("kumppanit" in m.name for m in section.modules)
        for module in section.modules:
            for partner in published:
                assert partner.name not in visible_text(module.text("content"))


# -------------------------------------------------------------------------------------------------------------
# Safety: content HTML is sanitised once, everything else escaped


def test_scripts_and_event_handlers_in_content_are_inert(project: Callable[..., Path]) -> None:
    hostile = ('<script>alert(1)</script> Teksti <img src="x" onerror="alert(2)"> '
               '[klikkaa](javascript:alert(3)) <a href="javascript:alert(4)" onclick="alert(5)">linkki</a>')
    root = project({"partners/paha.yaml": (
        "id: paha\nname: '<script>alert(6)</script> Oy'\ntype: company\nfield: Testi\n"
        "review_date: 2026-01-01\npublishable: true\ncooperations:\n"
        f"  - tier: arki\n    description: '{hostile}'\n")})
    toolbox = toolbox_of(root)
    for audience in ("internal", "public"):
        course = read_course(unpack(render(toolbox, audience)))
        contents = [m.text("content") for s in course for m in s.modules] + [m.text("intro") for s in course
                                                                            for m in s.modules]
        joined = "\n".join(contents)
        assert "Teksti" in joined
        assert "&lt;script&gt;alert(6)&lt;/script&gt; Oy" in joined
        for fragment in contents:
            parsed = elements(fragment)
            for tag, attrs in parsed.elements:
                assert tag not in ("script", "img", "iframe", "object"), fragment
                assert not any(name.startswith("on") for name in attrs), fragment
                for name in ("href", "src"):
                    value = (attrs.get(name) or "").strip().lower()
                    assert not value.startswith(("javascript:", "data:", "vbscript:")), fragment


def test_html_has_no_external_assets(internal: bytes) -> None:
    for name, text in all_texts(internal):
        for tag, attrs in elements(html.unescape(text)).elements:
            assert tag not in ("img", "script", "link", "iframe", "style"), name
            assert "src" not in attrs, name


# -------------------------------------------------------------------------------------------------------------
# Lighter formats


def test_book_zip_holds_the_guides_in_natural_order(toolbox: Toolbox, course: list[CourseSection]) -> None:
    # The zip is named for the guides book (-oppaat-book.zip): its chapters are the course book's, nothing else.
    with zipfile.ZipFile(io.BytesIO(render_book_zip(toolbox))) as archive:
        names = archive.namelist()
        documents = [archive.read(name).decode("utf-8") for name in names]
    expected_titles = [g.title for g in toolbox.guides]
    assert names == [f"{n:02d}-{g.id}.html" for n, g in enumerate(toolbox.guides, start=1)]
    book = section_named(course, "Ohjeita ja oppaita").modules[0]
    assert [c.findtext("title") for c in book.instance.findall("chapters/chapter")] == expected_titles
    for document, title in zip(documents, expected_titles, strict=True):
        assert '<meta charset="utf-8">' in document
        assert f"<title>{html.escape(title)}</title>" in document
        assert "<body>" in document and "</body>" in document
    assert toolbox.guides[0].body in documents[-1]


def test_glossary_xml_lists_concepts_with_aliases(toolbox: Toolbox) -> None:
    root = ET.fromstring(render_glossary_xml(toolbox))
    entries = root.findall("INFO/ENTRIES/ENTRY")
    assert [e.findtext("CONCEPT") for e in entries] == [c.term for c in toolbox.concepts]
    assert [e.findtext("FORMAT") for e in entries] == ["1"] * len(entries)
    assert entries[0].findtext("DEFINITION") == "<p>Pysyvä yhteistyösuhde.</p>"
    assert [a.text for a in entries[0].findall("ALIASES/ALIAS/NAME")] == ["kumppani"]
    assert root.findtext("INFO/NAME")


# -------------------------------------------------------------------------------------------------------------
# Golden file


def test_partner_page_matches_golden_file(internal: bytes) -> None:
    files = unpack(internal)
    course = read_course(files)
    info = ET.fromstring(files["moodle_backup.xml"])
    directory = next(a.findtext("directory") for a in info.iter("activity")
                     if a.findtext("title") == "Arjen kumppanuudet: kumppanit")
    actual = files[f"{directory}/page.xml"]
    golden = GOLDEN / "arki-kumppanit-page.xml"
    update_golden({golden: actual})
    assert course
    assert actual == golden.read_bytes(), f"{directory}/page.xml differs from {golden}"


# -------------------------------------------------------------------------------------------------------------
# Writing dist/


def test_build_packages_writes_dist_and_keeps_it_on_failure(project: Callable[..., Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = project()
    toolbox = toolbox_of(root)
    dist = root / "dist"
    messages: list[str] = []
    report = build_outputs(Project(root), toolbox, "internal", None, dist, lambda key, **fields: messages.append(key))[1]
    names = sorted(p.name for p in dist.iterdir())
    assert names == ["moodle-tool_partnerkit.zip", "testipakki-internal-kasitteet-glossary.xml",
                     "testipakki-internal-oppaat-book.zip", "testipakki-internal.mbz"]
    assert report.files == {name: (dist / name).stat().st_size for name in names}
    assert check_mbz((dist / "testipakki-internal.mbz").read_bytes()) == []
    before = {name: (dist / name).read_bytes() for name in names}

    def broken(*args: object, **kwargs: object) -> bytes:
        raise OSError("levy täynnä")

    def half_written(directory: Path, files: dict[str, bytes]) -> None:
        name = sorted(files)[0]
        directory.mkdir(parents=True)
        (directory / name).write_bytes(files[name][:10])
        raise OSError("levy täynnä")

    with monkeypatch.context() as patch:
        patch.setattr(moodle_builder, "render_book_zip", broken)
        with pytest.raises(OSError):
            build_outputs(Project(root), toolbox, "public", None, dist, lambda key, **fields: messages.append(key))[1]
    with monkeypatch.context() as patch:
        patch.setattr(moodle_builder, "write_tree", half_written)
        with pytest.raises(OSError):
            build_outputs(Project(root), toolbox, "public", None, dist, lambda key, **fields: messages.append(key))[1]
    assert {name: (dist / name).read_bytes() for name in sorted(p.name for p in dist.iterdir())} == before
    assert not list(root.glob(".partnerkit-tmp*"))


# -------------------------------------------------------------------------------------------------------------
# Attachments: links with `file:` carry the file into the packages

PDF = b"%PDF-1.4\n% partnerkit test attachment\n"
DOCX = b"PK\x03\x04 a form, not really a document"
# PARAM_FILE drops '&' from a file name on restore, so the package names the file the way Moodle will.
DOCX_SOURCE = "lomakkeet/Käynti & muistio.docx"
DOCX_NAME = "Käynti  muistio.docx"
ATTACHED = {
    "files/ohje.pdf": PDF,
    f"files/{DOCX_SOURCE}": DOCX,
    "methods/liitteet.yaml": (
        "id: liitteet\ntitle: Liitteellinen menetelmä\nkind: method\nsummary: Menetelmä liitteineen.\n"
        "body: Lue ohje ennen käyntiä.\ntiers: [arki, kehittaminen]\nlinks:\n"
        "  - title: Ohje\n    file: ohje.pdf\n"
        f"  - title: Muistio\n    file: '{DOCX_SOURCE}'\n"
        "  - title: Verkkosivu\n    url: https://verkko.example/sivu\n"),
    "methods/pelkka-liite.yaml": (
        "id: pelkka-liite\ntitle: Pelkkä liite\nkind: template\nsummary: Pohja tiedostona.\ntiers: [arki]\n"
        "links:\n  - title: Pohja\n    file: ohje.pdf\n"),
    "guides/ohje.yaml": (
        "id: ohje\ntitle: Näin lisäät kumppanin\nsummary: Lyhyt ohje.\nbody: Lisää tiedosto kansioon.\norder: 1\n"
        "links:\n  - title: Ohje tulostettavana\n    file: ohje.pdf\n"),
}


@pytest.fixture(scope="module")
def attached_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("attached") / "project", ATTACHED)


@pytest.fixture(scope="module")
def attached_packages(attached_project: Path) -> dict[str, dict[str, bytes]]:
    """The packages of the fixture with attachments, per audience, rendered the way the build renders them."""
    toolbox = toolbox_of(attached_project)
    return {audience: render_packages(Project(attached_project), *make_view(toolbox, audience),
                                      make_environment(SHIPPED_TEMPLATES))
            for audience in ("internal", "public")}


def mbz_of(packages: dict[str, bytes]) -> dict[str, bytes]:
    """The members of the course backup among a build's packages."""
    return unpack(next(data for name, data in packages.items() if name.endswith(".mbz")))


def file_records(files: dict[str, bytes]) -> dict[str, dict[str, str]]:
    """Every record of files.xml as {file id: {field: text}}."""
    return {element.get("id") or "": {child.tag: child.text or "" for child in element}
            for element in ET.fromstring(files["files.xml"]).findall("file")}


def activity_dirs(files: dict[str, bytes], title: str) -> list[str]:
    """The folders of every activity with this title, in course order."""
    info = ET.fromstring(files["moodle_backup.xml"])
    return [a.findtext("directory") or "" for a in info.iter("activity") if a.findtext("title") == title]


def inforef_files(files: dict[str, bytes], directory: str) -> set[str]:
    """The file ids an activity's inforef.xml references."""
    return {e.text or "" for e in ET.fromstring(files[f"{directory}/inforef.xml"]).findall("fileref/file/id")}


def area(records: dict[str, dict[str, str]], contextid: str, component: str, filearea: str,
         itemid: str) -> dict[str, dict[str, str]]:
    """The records of one file area: {file name: record with its id}."""
    return {r["filename"]: {**r, "id": fid} for fid, r in records.items()
            if (r["contextid"], r["component"], r["filearea"], r["itemid"]) == (contextid, component, filearea, itemid)}


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_package_with_attachments_passes_the_structural_check(attached_packages: dict[str, dict[str, bytes]],
                                                              audience: str) -> None:
    files = mbz_of(attached_packages[audience])
    assert check_mbz(next(d for n, d in attached_packages[audience].items() if n.endswith(".mbz"))) == []
    # The check above covered files: there are attachment records for it to check.
    assert any(r["filename"] == "ohje.pdf" for r in file_records(files).values())


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_each_attachment_is_stored_once_under_its_sha1(attached_packages: dict[str, dict[str, bytes]],
                                                       audience: str) -> None:
    files = mbz_of(attached_packages[audience])
    blobs = {path: data for path, data in files.items() if path.startswith("files/")}
    # The method's form travels only in the staff course: the public course has no methods.
    expected = {f"files/{hashlib.sha1(data).hexdigest()[:2]}/{hashlib.sha1(data).hexdigest()}": data
                for data in ((PDF, DOCX) if audience == "internal" else (PDF,))}
    assert blobs == expected


def test_method_page_holds_its_files_in_its_content_area(attached_packages: dict[str, dict[str, bytes]]) -> None:
    files = mbz_of(attached_packages["internal"])
    records = file_records(files)
    directories = activity_dirs(files, "Liitteellinen menetelmä")
    # One page, though the method is at two tiers: it lives once in the methods section.
    assert len(directories) == 1 and all(d.startswith("activities/page_") for d in directories)
    for directory in directories:
        page = ET.fromstring(files[f"{directory}/page.xml"])
        content = page.findtext("page/content") or ""
        own = area(records, page.get("contextid") or "", "mod_page", "content", "0")
        assert sorted(own) == [".", DOCX_NAME, "ohje.pdf"]
        pdf = own["ohje.pdf"]
        assert (pdf["contenthash"], pdf["filesize"], pdf["filepath"], pdf["mimetype"]) == (
            hashlib.sha1(PDF).hexdigest(), str(len(PDF)), "/", "application/pdf")
        assert (pdf["timecreated"], pdf["timemodified"]) == (str(TIMESTAMP), str(TIMESTAMP))
        assert own[DOCX_NAME]["filesize"] == str(len(DOCX))
        root = own["."]
        assert (root["filepath"], root["contenthash"], root["filesize"]) == (
            "/", hashlib.sha1(b"").hexdigest(), "0")
        # Every record of the area, the directory included, is referenced: Moodle restores only those.
        assert inforef_files(files, directory) == {r["id"] for r in own.values()}
        hrefs = [attrs.get("href") for tag, attrs in elements(content).elements if tag == "a"]
        # After the links to the method's two tiers: its own links.
        assert [h.split("*")[0] for h in hrefs[:2]] == ["$@COURSESECTIONBYID"] * 2
        assert hrefs[2:] == ["@@PLUGINFILE@@/ohje.pdf", "@@PLUGINFILE@@/K%C3%A4ynti%20%20muistio.docx",
                             "https://verkko.example/sivu"]


def test_method_with_only_a_file_link_is_a_page_with_the_file(attached_packages: dict[str, dict[str, bytes]]) -> None:
    files = mbz_of(attached_packages["internal"])
    course = read_course(files)
    activity = section_named(course, "Menetelmät ja työkalut").named("Pelkkä liite")
    assert activity.modname == "page"
    assert 'href="@@PLUGINFILE@@/ohje.pdf"' in activity.text("content")
    (directory,) = activity_dirs(files, "Pelkkä liite")
    contextid = ET.fromstring(files[f"{directory}/page.xml"]).get("contextid") or ""
    assert sorted(area(file_records(files), contextid, "mod_page", "content", "0")) == [".", "ohje.pdf"]


def test_guide_chapter_holds_its_files_in_the_chapter_area(attached_packages: dict[str, dict[str, bytes]]) -> None:
    files = mbz_of(attached_packages["internal"])
    (directory,) = activity_dirs(files, "Ohjeita ja oppaita")
    book = ET.fromstring(files[f"{directory}/book.xml"])
    (chapter,) = [c for c in book.findall("book/chapters/chapter") if c.findtext("title") == "Näin lisäät kumppanin"]
    assert 'href="@@PLUGINFILE@@/ohje.pdf"' in (chapter.findtext("content") or "")
    own = area(file_records(files), book.get("contextid") or "", "mod_book", "chapter", chapter.get("id") or "")
    assert sorted(own) == [".", "ohje.pdf"]
    assert own["ohje.pdf"]["contenthash"] == hashlib.sha1(PDF).hexdigest()
    assert inforef_files(files, directory) == {r["id"] for r in own.values()}


def test_no_link_in_the_packages_is_empty(attached_packages: dict[str, dict[str, bytes]]) -> None:
    for audience, packages in attached_packages.items():
        for name, data in packages.items():
            if name.endswith(".mbz"):
                members = {m: raw for m, raw in unpack(data).items() if m.endswith(".xml")}
            elif name.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    members = {m: archive.read(m) for m in archive.namelist() if m.endswith(".html")}
            else:
                members = {name: data}
            for member, raw in members.items():
                # HTML stored in XML is escaped once: undo that to see the links.
                text = html.unescape(raw.decode("utf-8")) if member.endswith(".xml") else raw.decode("utf-8")
                hrefs = [attrs.get("href") for tag, attrs in elements(text).elements if tag == "a"]
                assert all(hrefs), f"{audience} {name} {member}: {hrefs}"


def import_book_zip(data: bytes) -> dict[str, str]:
    """Relink the chapters as Moodle's Book import does (toolbook_importhtml_import_chapters): {chapter: content}.

    Each double-quoted src/href that names a member of the zip, relative to the chapter file, becomes
    @@PLUGINFILE@@ plus that member's path; anything else stays as written.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {"/" + name for name in archive.namelist()}
        chapters = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".html")}

    def fix_path(path: str) -> str:  # toolbook_importhtml_fix_path, without the cleaning our names never need
        path = "/" + path.lstrip("./")
        for _ in range(path.count("..")):
            path = re.sub(r"[^/]+/\.\./", "", path, count=1)
        return path

    imported = {}
    for name, document in chapters.items():
        body = re.search(r"<body[^>]*>(.+)</body>", document, re.S | re.I)
        content = body.group(1) if body else ""
        for match in re.finditer(r'(src|codebase|name|href)\s*=\s*"([^"]+)"', content, re.I):
            target = fix_path(posixpath.dirname("/" + name) + "/" + match.group(2))
            if target in members:
                content = content.replace(match.group(0), f'{match.group(1)}="@@PLUGINFILE@@{target}"')
        imported[name] = content
    return imported


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_book_zip_carries_the_file_next_to_the_chapter(attached_packages: dict[str, dict[str, bytes]],
                                                       audience: str) -> None:
    data = next(d for n, d in attached_packages[audience].items() if n.endswith("-book.zip"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("liitteet/ohje.pdf") == PDF
        chapter = next(n for n in archive.namelist() if n.endswith("-ohje.html"))
        assert '<a href="liitteet/ohje.pdf">Ohje tulostettavana</a>' in archive.read(chapter).decode("utf-8")
        # Only files the guides link to travel in the Book zip; the method's form is not one of them.
        assert [n for n in archive.namelist() if not n.endswith(".html")] == ["liitteet/ohje.pdf"]
    assert 'href="@@PLUGINFILE@@/liitteet/ohje.pdf"' in import_book_zip(data)[chapter]


def test_packages_with_attachments_are_byte_identical_on_rebuild(attached_project: Path,
                                                                 attached_packages: dict[str, dict[str, bytes]]) -> None:
    toolbox = toolbox_of(attached_project)
    for audience in ("internal", "public"):
        assert render_packages(Project(attached_project), *make_view(toolbox, audience)) == attached_packages[audience]


def test_checker_notices_a_missing_attachment_blob(attached_packages: dict[str, dict[str, bytes]]) -> None:
    files = mbz_of(attached_packages["internal"])
    victim = f"files/{hashlib.sha1(PDF).hexdigest()[:2]}/{hashlib.sha1(PDF).hexdigest()}"
    del files[victim]
    assert any(victim in problem for problem in check_mbz(repack(files)))


def test_renderer_refuses_a_linked_attachment_it_was_not_given(attached_project: Path) -> None:
    toolbox = toolbox_of(attached_project)
    env = make_environment(SHIPPED_TEMPLATES)
    with pytest.raises(RenderError, match="content/files/ohje.pdf"):
        render_course_backup(toolbox, INTERNAL, TIMESTAMP, env, {f"{DOCX_SOURCE}": DOCX})
    with pytest.raises(RenderError, match="content/files/ohje.pdf"):
        render_book_zip(toolbox, env, {})


def test_every_attachment_type_has_its_mime_type() -> None:
    assert set(moodle.MIME_TYPES) == set(ATTACHMENT_TYPES)


def test_attachment_names_follow_moodle_and_stay_unique() -> None:
    assert moodle.moodle_filename("a&b<c>'d\"e`f|g:h.pdf") == "abcdefgh.pdf"
    # Two files of one name in different folders: both get their folder in the name, in the same area.
    assert moodle.area_filenames(["a/ohje.pdf", "b/ohje.pdf", "muu.pdf"]) == {
        "a/ohje.pdf": "a-ohje.pdf", "b/ohje.pdf": "b-ohje.pdf", "muu.pdf": "muu.pdf"}
    # Names that only differ by what Moodle strips are numbered apart.
    assert moodle.area_filenames(["x&.pdf", "x.pdf"]) == {"x&.pdf": "x.pdf", "x.pdf": "x-2.pdf"}
    assert moodle.book_zip_paths(["a b/x..y.pdf", "'/z.pdf"]) == {
        "a b/x..y.pdf": "liitteet/a b/x.y.pdf", "'/z.pdf": "liitteet/_/z.pdf"}
