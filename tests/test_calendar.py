"""The annual plans' iCalendar feeds: parsed by two independent parsers, deterministic, stable UIDs, all-day months."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
from ical.calendar_stream import IcsCalendarStream

from partnerkit.changes import History
from partnerkit.pipeline import SHIPPED_TEMPLATES
from partnerkit.render import make_environment
from partnerkit.render.calendar import INSTITUTION_FEED, FeedSettings, event_days, month_runs, render_feeds, team_feed_path
from tests.conftest import site_for, toolbox_of

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = date(2026, 12, 5)


def feeds() -> dict[str, bytes]:
    """Return the sample's feeds with the reference date fixed."""
    return render_feeds(toolbox_of(ROOT), FeedSettings(REFERENCE, people=True))


def test_feeds_parse_with_two_parsers_and_hold_every_action() -> None:
    toolbox = toolbox_of(ROOT)
    found = feeds()
    assert set(found) == {INSTITUTION_FEED} | {team_feed_path(p.team) for p in toolbox.plans}
    for path, data in found.items():
        team = path.removeprefix("kalenteri/tiimit/").removesuffix(".ics")
        plans = [p for p in toolbox.plans if path == INSTITUTION_FEED or p.team == team]
        expected = sum(len(event_days(a, p.year)) for p in plans for a in p.actions)
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        parsed = icalendar.Calendar.from_ical(data)
        events = parsed.walk("VEVENT")
        assert len(events) == expected > 0
        other = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
        assert len(other.events) == expected
        # Both parsers read the same UIDs, days and titles.
        assert [(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"])) for e in events] == [
            (e.uid, e.dtstart, e.dtend, e.summary) for e in other.events]
        assert len({str(e["UID"]) for e in events}) == expected


def test_feeds_are_deterministic_and_stamped_with_the_reference_date() -> None:
    assert feeds() == feeds()
    for event in icalendar.Calendar.from_ical(feeds()[INSTITUTION_FEED]).walk("VEVENT"):
        assert event.decoded("DTSTAMP") == datetime(2026, 12, 5, tzinfo=timezone.utc)


def test_month_actions_are_all_day_events_and_uids_follow_ids() -> None:
    assert month_runs((3, 4, 9, 11, 12)) == [(3, 4), (9, 9), (11, 12)]
    toolbox = toolbox_of(ROOT)
    plan = next(p for p in toolbox.plans if p.key == "tyoelamapalvelut-2026")
    data = feeds()[team_feed_path("tyoelamapalvelut")]
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    month_action = next(a for a in plan.actions if a.months == (11, 12))
    event = events[f"tyoelamapalvelut-2026-{month_action.id}@kumppanuuksien-tyokalupakki.partnerkit.invalid"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2026, 11, 1), date(2027, 1, 1))
    assert b"DTSTART;VALUE=DATE:20261101" in data
    day_action = next(a for a in plan.actions if a.start == date(2026, 4, 16))
    event = events[f"tyoelamapalvelut-2026-{day_action.id}@kumppanuuksien-tyokalupakki.partnerkit.invalid"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2026, 4, 16), date(2026, 4, 17))
    assert "Satu Aaltovirta" in str(event["DESCRIPTION"]) and "Tila: tehty" in str(event["DESCRIPTION"])
    # Two runs of months are two events; the first keeps the action's own UID.
    split = replace(month_action, months=(3, 11, 12))
    toolbox = replace(toolbox, plans=(replace(plan, actions=(split,)),))
    again = icalendar.Calendar.from_ical(render_feeds(toolbox, FeedSettings(REFERENCE, people=True))[
        team_feed_path("tyoelamapalvelut")]).walk("VEVENT")
    assert [str(e["UID"]).split("@")[0] for e in again] == [f"tyoelamapalvelut-2026-{split.id}",
                                                            f"tyoelamapalvelut-2026-{split.id}-2"]


def test_hostile_text_is_escaped_and_people_follow_the_profile() -> None:
    toolbox = toolbox_of(ROOT)
    plan = toolbox.plans[0]
    action = replace(plan.actions[0], title="Aamu; kahvit, \\ ja\nrivi", description="a" * 500)
    toolbox = replace(toolbox, plans=(replace(plan, actions=(action,)),))
    data = render_feeds(toolbox, FeedSettings(REFERENCE, people=False))[INSTITUTION_FEED]
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # RFC 5545 3.1: lines fold at 75 octets
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert IcsCalendarStream.calendar_from_ics(data.decode("utf-8")).events[0].summary == str(event["SUMMARY"])
    assert str(event["SUMMARY"]).startswith("Aamu; kahvit, \\ ja\nrivi")
    assert "Vastuuhenkilöt" not in str(event.get("DESCRIPTION", ""))


def test_staff_site_links_the_feeds_and_the_public_site_has_none() -> None:
    env = make_environment(SHIPPED_TEMPLATES)
    history = History(None, "", "", REFERENCE)
    staff = site_for(toolbox_of(ROOT), "internal", env, history=history)
    assert team_feed_path("tyoelamapalvelut") in staff.static and INSTITUTION_FEED in staff.static
    team = staff.pages["tiimit/tyoelamapalvelut.md"]
    assert 'href="../kalenteri/tiimit/tyoelamapalvelut.ics"' in team
    public = site_for(toolbox_of(ROOT), "public", make_environment(SHIPPED_TEMPLATES), history=history)
    assert not [path for path in public.static if path.endswith(".ics")]
