"""The annual plans in the Moodle course (issue 14, outcome 7), on the sample: calendar events and the month page.

The events are checked in the package's course/calendar.xml as Moodle reads it; a real restore shows them in the
course calendar (site_tests/test_moodle_restore.py) and tool_partnerkit updates them in place
(site_tests/test_moodle_update.py).
"""

from __future__ import annotations

import io
import tarfile
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from partnerkit.mbzcheck import check_mbz
from partnerkit.model import Toolbox
from partnerkit.pipeline import Project, make_view, read_toolbox, source_date
from partnerkit.render import make_environment
from partnerkit.render.moodle import PLANS_PAGE_NAME, plan_course, render_course_backup

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
