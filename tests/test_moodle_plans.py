"""The annual plans in the Moodle course (issue 14, outcome 7), on the sample: calendar events, the month page and
the year wheel (an SVG file in that page's file area).

The events are checked in the package's course/calendar.xml as Moodle reads it; a real restore shows them in the
course calendar (site_tests/test_moodle_restore.py) and tool_partnerkit updates them in place
(site_tests/test_moodle_update.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from partnerkit.history import read_commit_date
from partnerkit.mbzcheck import check, check_mbz
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, make_view, read_toolbox, render_packages, source_date
from partnerkit.render import make_environment
from partnerkit.render.moodle import MONTH_NAMES, PLANS_PAGE_NAME, pack_backup, plan_course, render_course_backup
from partnerkit.review import build_reference_date, review_for_build

ROOT = Path(__file__).resolve().parents[1]
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture(scope="module")
def toolbox() -> Toolbox:
    return read_toolbox(Project(ROOT))


def calendar(toolbox: Toolbox, audience: str) -> list[ET.Element]:
    """The events of the audience's course backup, read from its course/calendar.xml."""
    view, profile = make_view(toolbox, audience)
    data = render_course_backup(view, profile, source_date(view), make_environment(Project(ROOT).templates_dir))
    assert check_mbz(data) == []
    assert data == render_course_backup(view, profile, source_date(view),
                                        make_environment(Project(ROOT).templates_dir)), "deterministic"
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = archive.extractfile("course/calendar.xml")
        assert member is not None
        return ET.fromstring(member.read()).findall("event")


def expected_days(toolbox: Toolbox, public_only: bool) -> dict[str, tuple[int, int]]:
    """{uuid: (timestart, timeduration)} of the dated, not cancelled actions, from Finnish midnight to midnight."""
    found = {}
    for plan in toolbox.plans:
        for action in plan.actions:
            if action.start is None or action.status == "cancelled" or (public_only and not action.public):
                continue
            start = datetime(action.start.year, action.start.month, action.start.day, tzinfo=HELSINKI)
            last = action.end or action.start
            after = datetime(last.year, last.month, last.day, tzinfo=HELSINKI) + timedelta(days=1)
            found[f"partnerkit:plan/{plan.key}/{action.id}"] = (int(start.timestamp()),
                                                                int(after.timestamp() - start.timestamp()))
    return found


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_dated_actions_are_course_events_from_finnish_midnight(toolbox: Toolbox, audience: str) -> None:
    events = calendar(toolbox, audience)
    wanted = expected_days(toolbox, public_only=audience == "public")
    assert len(wanted) >= (5 if audience == "internal" else 2), "the sample has dated actions"
    assert {e.findtext("uuid"): (int(e.findtext("timestart") or ""), int(e.findtext("timeduration") or ""))
            for e in events} == wanted
    assert {e.findtext("eventtype") for e in events} == {"course"}
    assert len({e.get("id") for e in events}) == len(events)


def test_a_spring_day_starts_at_finnish_midnight_in_summer_time(toolbox: Toolbox) -> None:
    events = {e.findtext("uuid"): e for e in calendar(toolbox, "internal")}
    event = events["partnerkit:plan/tyoelamapalvelut-2026/sidosryhmaaamu-kevat"]  # start: 2026-04-16
    assert event.findtext("timestart") == "1776286800"  # 2026-04-15 21:00 UTC: UTC+3 in April
    assert event.findtext("timeduration") == "86400"


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_events_name_no_people(toolbox: Toolbox, audience: str) -> None:
    text = "".join((e.findtext("name") or "") + (e.findtext("description") or "") for e in calendar(toolbox, audience))
    people = {contact.id: contact.name for contact in toolbox.contacts}
    named = {people[person] for plan in toolbox.plans for action in plan.actions for person in action.people}
    assert named, "the sample's actions name people"
    assert not [name for name in named if name in text]


def test_public_events_have_no_tier(toolbox: Toolbox) -> None:
    text = "".join(e.findtext("description") or "" for e in calendar(toolbox, "public"))
    assert "Kumppanuustaso" not in text
    assert not [tier.title for tier in toolbox.tiers if tier.title in text]


def test_month_page_lists_each_action_in_each_of_its_months(toolbox: Toolbox) -> None:
    env = make_environment(Project(ROOT).templates_dir)
    course = plan_course(*make_view(toolbox, "internal"), env)
    pages = [a for a in course.sections[0].activities if a.name == PLANS_PAGE_NAME]
    assert len(pages) == 1
    content = pages[0].content_html
    blocks = content.split("<h4>")[1:]
    for plan in toolbox.plans:
        for action in plan.actions:
            months = [b for b in blocks if b.split("</h4>")[0].endswith(str(plan.year))
                      and f"<strong>{action.title}</strong>" in b.replace("&amp;", "&")]
            expected = 0 if action.status == "cancelled" else len(action.active_months)
            assert len(months) == expected, (plan.key, action.id)
    people = {contact.name for contact in toolbox.contacts}
    assert not [name for name in people if name in content]


def test_public_course_has_no_month_page(toolbox: Toolbox) -> None:
    env = make_environment(Project(ROOT).templates_dir)
    course = plan_course(*make_view(toolbox, "public"), env)
    assert not [a for s in course.sections for a in s.activities if a.name == PLANS_PAGE_NAME]


# The year wheel: an SVG image in the plans page's content area, with the same numbers as a table beside it.

def unpacked(data: bytes) -> dict[str, bytes]:
    """The members of a course backup."""
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}  # type: ignore[union-attr]


def packed(members: dict[str, bytes]) -> bytes:
    """A course backup of the members, packed as the build packs one."""
    return pack_backup(members, 0)


def internal_backup(toolbox: Toolbox, reference: date | None = None) -> bytes:
    view, profile = make_view(toolbox, "internal")
    return render_course_backup(view, profile, source_date(view), make_environment(Project(ROOT).templates_dir),
                                reference=reference)


def plans_page(members: dict[str, bytes]) -> tuple[str, ET.Element]:
    """The plans page's activity folder and its <page> element."""
    for name, data in members.items():
        if name.endswith("/page.xml"):
            page = ET.fromstring(data).find("page")
            assert page is not None
            if page.findtext("name") == PLANS_PAGE_NAME:
                return name.rsplit("/", 1)[0], page
    raise AssertionError("no plans page in the package")


def wheel_records(members: dict[str, bytes]) -> dict[str, ET.Element]:
    """files.xml's records of the year wheels, by file name."""
    return {f.findtext("filename") or "": f for f in ET.fromstring(members["files.xml"]).findall("file")
            if (f.findtext("filename") or "").startswith("vuosikello-")}


def expected_counts(toolbox: Toolbox, year: int) -> dict[tuple[int, str], int]:
    """{(month, tier): actions} of the year's plans as the page lists them: cancelled actions left out."""
    counts: dict[tuple[int, str], int] = {}
    for plan in toolbox.plans:
        for action in plan.actions:
            if plan.year == year and action.status != "cancelled":
                for month in action.active_months:
                    counts[month, action.tier] = counts.get((month, action.tier), 0) + 1
    return counts


def test_each_year_wheel_is_an_svg_file_of_the_plans_page(toolbox: Toolbox) -> None:
    members = unpacked(internal_backup(toolbox))
    directory, page = plans_page(members)
    contextid = ET.fromstring(members[f"{directory}/page.xml"]).get("contextid")
    years = sorted({plan.year for plan in toolbox.plans})
    records = wheel_records(members)
    assert sorted(records) == [f"vuosikello-{year}.svg" for year in years]
    inforef = {e.text for e in ET.fromstring(members[f"{directory}/inforef.xml"]).iter("id")}
    content = page.findtext("content") or ""
    for name, record in records.items():
        assert (record.findtext("contextid"), record.findtext("component"), record.findtext("filearea"),
                record.findtext("itemid"), record.findtext("filepath"), record.findtext("mimetype")) == (
            contextid, "mod_page", "content", "0", "/", "image/svg+xml")
        assert record.get("id") in inforef
        contenthash = record.findtext("contenthash") or ""
        blob = members[f"files/{contenthash[:2]}/{contenthash}"]
        assert hashlib.sha1(blob).hexdigest() == contenthash and int(record.findtext("filesize") or "") == len(blob)
        svg = ET.fromstring(blob)
        assert svg.get("role") == "img" and svg.get("font-family") == "sans-serif"
        assert svg.find("{http://www.w3.org/2000/svg}title").text == name[:-4].replace("vuosikello-", "Vuosikello ")  # type: ignore[union-attr]
        assert not list(svg.iter("{http://www.w3.org/2000/svg}a")), "an image has no links to follow"
        image = re.search(rf'<img src="@@PLUGINFILE@@/{name}" alt="([^"]+)"', content)
        assert image, f"the page shows {name}"
        assert len(image[1]) > 100, "the text alternative summarises the wheel"


def test_wheel_table_has_the_wheels_numbers(toolbox: Toolbox) -> None:
    members = unpacked(internal_backup(toolbox))
    content = plans_page(members)[1].findtext("content") or ""
    tiers = [tier.id for tier in toolbox.tiers]
    for year in sorted({plan.year for plan in toolbox.plans}):
        counts = expected_counts(toolbox, year)
        table = content.split(f"<caption>Vuosikello {year} taulukkona")[1].split("</table>")[0]
        rows = re.findall(r'<tr><th scope="row">[^<]+</th>((?:<td>\d+</td>)+)</tr>', table)
        assert len(rows) == 12
        numbers = [[int(n) for n in re.findall(r"<td>(\d+)</td>", row)] for row in rows]
        assert numbers == [[counts.get((month, tier), 0) for tier in tiers]
                           + [sum(counts.get((month, tier), 0) for tier in tiers)] for month in range(1, 13)]
        # The same numbers are the wheel's markers.
        record = wheel_records(members)[f"vuosikello-{year}.svg"]
        blob = members[f"files/{(record.findtext('contenthash') or '')[:2]}/{record.findtext('contenthash')}"]
        markers = re.findall(r"<title>([a-zäö]+)kuu, ([^:]+): (\d+) toimintoa</title>", blob.decode())
        titles = {tier.title: tier.id for tier in toolbox.tiers}
        assert sum(int(n) for *_, n in markers) == sum(counts.values()) > 0
        assert {(titles[tier], int(n)) for _, tier, n in markers} <= {(tier, n) for (_, tier), n in counts.items()}


def test_wheel_marks_the_reference_month_and_only_that_changes_its_bytes(toolbox: Toolbox) -> None:
    december = unpacked(internal_backup(toolbox, date(2026, 12, 3)))
    march = unpacked(internal_backup(toolbox, date(2026, 3, 20)))
    assert december == unpacked(internal_backup(toolbox, date(2026, 12, 3))), "deterministic"

    def wheel(members: dict[str, bytes], year: int) -> str:
        contenthash = wheel_records(members)[f"vuosikello-{year}.svg"].findtext("contenthash") or ""
        return members[f"files/{contenthash[:2]}/{contenthash}"].decode()

    assert wheel(december, 2026).count("pk-wheel__marked") == wheel(march, 2026).count("pk-wheel__marked") == 1
    assert wheel(december, 2026) != wheel(march, 2026)
    assert wheel(december, 2027) == wheel(march, 2027) and "pk-wheel__marked" not in wheel(march, 2027)
    assert re.search(r'font-weight="bold">maalis<', wheel(march, 2026))
    assert re.search(r'font-weight="bold">joulu<', wheel(december, 2026))
    assert "Korostettuna on maaliskuu" in (plans_page(march)[1].findtext("content") or "")


def test_packages_mark_the_latest_commits_month_as_the_site_does(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    project = Project(tmp_path)
    view, profile = make_view(read_toolbox(project), "internal")
    outside_git = plans_page(unpacked(next(data for name, data in render_packages(project, view, profile).items()
                                           if name.endswith(".mbz"))))[1].findtext("content") or ""
    # Outside Git the reference is the latest review date in content, as on the site.
    latest = build_reference_date(view, None)
    assert f"Korostettuna on {MONTH_NAMES[latest.month - 1]}" in outside_git
    when = "2026-05-14T12:00:00+00:00"
    git = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "T",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sisältö"]):
        subprocess.run(["git", "-C", str(tmp_path), *command], check=True, env=git, capture_output=True)
    in_git = plans_page(unpacked(next(data for name, data in render_packages(project, view, profile).items()
                                      if name.endswith(".mbz"))))[1].findtext("content") or ""
    assert read_commit_date(tmp_path) == date(2026, 5, 14)
    assert review_for_build(view, date(2026, 5, 14)).reference_date == date(2026, 5, 14)
    assert "Korostettuna on toukokuu" in in_git


@pytest.mark.parametrize("breakage", ["blob", "inforef", "record"])
def test_checker_reports_a_broken_wheel_file(toolbox: Toolbox, breakage: str) -> None:
    members = unpacked(internal_backup(toolbox))
    assert check(packed(members)) == []
    directory, _ = plans_page(members)
    record = wheel_records(members)["vuosikello-2026.svg"]
    fid, contenthash = record.get("id"), record.findtext("contenthash") or ""
    blob = f"files/{contenthash[:2]}/{contenthash}"
    page_xml, inforef = f"{directory}/page.xml", f"{directory}/inforef.xml"
    if breakage == "blob":
        del members[blob]
        expected = [("files.blob_missing", blob, f"missing (needed by files.xml file id {fid}, "
                     "mod_page/content/0 /vuosikello-2026.svg)")]
    elif breakage == "inforef":
        refs = ET.fromstring(members[inforef])
        fileref = refs.find("fileref")
        assert fileref is not None
        fileref.remove(next(f for f in fileref.findall("file") if f.findtext("id") == fid))
        members[inforef] = ET.tostring(refs, encoding="utf-8", xml_declaration=True)
        expected = [("files.unreferenced", "files.xml", f"file id {fid} (mod_page/content/0 /vuosikello-2026.svg) is "
                     "not referenced by any inforef.xml; Moodle's restore skips it"),
                    ("files.pluginfile_unreferenced", page_xml, f"@@PLUGINFILE@@/vuosikello-2026.svg in <content> "
                     f"matches file id {fid}, which {inforef} does not reference; Moodle drops it")]
    else:
        files = ET.fromstring(members["files.xml"])
        files.remove(next(f for f in files.findall("file") if f.get("id") == fid))
        members["files.xml"] = ET.tostring(files, encoding="utf-8", xml_declaration=True)
        contextid = ET.fromstring(members[page_xml]).get("contextid")
        expected = [("files.inforef_unknown_file", inforef, f"file id {fid} referenced but not in files.xml"),
                    ("files.pluginfile_missing", page_xml, "@@PLUGINFILE@@/vuosikello-2026.svg in <content> has no "
                     f"file mod_page/content/0 /vuosikello-2026.svg (context {contextid}) in files.xml")]
    assert [(p.rule, p.path, p.message) for p in check(packed(members))] == expected
