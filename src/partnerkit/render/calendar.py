"""The annual plans as iCalendar feeds (RFC 5545): one per team and one for the institution. Pure.

A feed is built with the maintained icalendar library, never by hand: it folds long lines, escapes commas,
semicolons and newlines in every text, and writes CRLF line ends. The same content gives the same bytes: events are
sorted, every UID is derived from the team, year and action ids (so a calendar that subscribed to the feed updates an
event instead of adding a second one), and DTSTAMP, which RFC 5545 requires, is the build's reference date (the
latest commit's day), never the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from icalendar import Calendar, Event

from ..messages import format_message
from ..model import Action, Plan, Toolbox
from . import package_slug

CALENDAR_FOLDER = "kalenteri"
INSTITUTION_FEED = f"{CALENDAR_FOLDER}/oppilaitos.ics"
PRODUCT_ID = "-//partnerkit//vuosisuunnitelmat//FI"
# RFC 5545 asks UIDs to be globally unique: the toolbox's own slug before a reserved name (RFC 2606) keeps two
# institutions' feeds apart without reading anything the build does not already know.
UID_DOMAIN = "partnerkit.invalid"
# A cancelled action stays in the feed as cancelled, so a calendar that already has it removes it.
EVENT_STATUS = {"planned": "CONFIRMED", "under_way": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class FeedSettings:
    """What the feeds need besides the plans: DTSTAMP's day and whether responsible people may be named."""

    stamp_day: date  # the build's reference date (the latest commit's day), never the clock
    people: bool  # whether the profile shows contact persons (the responsible people in descriptions)


def team_feed_path(team_id: str) -> str:
    """Return the site path of a team's feed (team ids are checked ids: no slashes or dots)."""
    return f"{CALENDAR_FOLDER}/tiimit/{team_id}.ics"


def month_runs(months: tuple[int, ...]) -> list[tuple[int, int]]:
    """Return the months as runs of consecutive months, (first, last), in order: [3, 4, 9] gives (3, 4), (9, 9)."""
    runs: list[tuple[int, int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def event_days(action: Action, year: int) -> list[tuple[date, date]]:
    """Return the action's all-day spans as (first day, day after the last), the form DTEND takes for dates."""
    if action.start is not None:
        return [(action.start, (action.end or action.start) + timedelta(days=1))]
    return [(date(year, first, 1), date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1))
            for first, last in month_runs(action.months)]


FeedMemo = dict[str, tuple[tuple[Any, ...], bytes]]  # {site path: (everything its feed was made from, its bytes)}


def render_feeds(toolbox: Toolbox, settings: FeedSettings, memo: FeedMemo | None = None) -> dict[str, bytes]:
    """Return {site path: .ics bytes}: a feed per team that has a plan, and the institution's feed of every plan.

    With memo (a preview session's), a feed whose inputs equal the last render's is not made again; the memo then
    holds this render's feeds only.
    """
    names = _Names.of(toolbox)
    # An action's description is the same in its team's feed and the institution's: written once.
    descriptions = {(plan.team, plan.year, action.id): _description(action, names, settings)
                    for plan in toolbox.plans for action in plan.actions}
    slug = package_slug(toolbox)
    # What _feed and _events read besides a feed's own plans and their descriptions: the names of teams and tiers.
    shared = (slug, settings, tuple(names.teams.items()), tuple(names.tiers.items()))
    earlier = dict(memo) if memo is not None else {}
    feeds: dict[str, bytes] = {}

    def feed(path: str, name: str, plans: list[Plan], with_team: bool) -> None:
        inputs = (name, with_team, shared, tuple(plans),
                  tuple(descriptions[(plan.team, plan.year, action.id)] for plan in plans for action in plan.actions))
        found = earlier.get(path)
        if found is not None and found[0] == inputs:
            feeds[path] = found[1]
        else:
            feeds[path] = _feed(name, plans, slug, names, descriptions, settings, with_team)
        if memo is not None:
            memo[path] = (inputs, feeds[path])

    for team_id in sorted({plan.team for plan in toolbox.plans}):
        plans = [plan for plan in toolbox.plans if plan.team == team_id]
        feed(team_feed_path(team_id), format_message("ics_team_calendar", "fi", team=names.teams.get(team_id, team_id)),
             plans, False)
    if toolbox.plans:
        feed(INSTITUTION_FEED, format_message("ics_institution_calendar", "fi", institution=toolbox.title),
             list(toolbox.plans), True)
    if memo is not None:
        for path in [path for path in memo if path not in feeds]:
            del memo[path]
    return feeds


@dataclass(frozen=True)
class _Names:
    """The names the feeds show for ids, looked up once per build (not once per action: 6,000 actions next to
    20,000 partners made 120 million dictionary entries)."""

    teams: dict[str, str]
    tiers: dict[str, str]
    partners: dict[str, str]
    methods: dict[str, str]
    contacts: dict[str, str]

    @classmethod
    def of(cls, toolbox: Toolbox) -> "_Names":
        """Return the toolbox's names by id."""
        return cls({team.id: team.name for team in toolbox.teams}, {tier.id: tier.title for tier in toolbox.tiers},
                   {partner.id: partner.name for partner in toolbox.partners},
                   {method.id: method.title for method in toolbox.methods},
                   {contact.id: contact.name for contact in toolbox.contacts})


def _feed(name: str, plans: list[Plan], slug: str, names: _Names, descriptions: dict[tuple[str, int, str], str],
          settings: FeedSettings, with_team: bool) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Outlook and Google Calendar show as the feed's name
    events = [event for plan in plans for action in plan.actions
              for event in _events(plan, action, names, descriptions[(plan.team, plan.year, action.id)], slug,
                                   settings, with_team)]
    for _, _, event in sorted(events, key=lambda found: (found[0], found[1])):
        calendar.add_component(event)
    return calendar.to_ical()


def _events(plan: Plan, action: Action, names: _Names, description: str, slug: str, settings: FeedSettings,
            with_team: bool) -> list[tuple[date, str, Event]]:
    summary = action.title
    if with_team:
        summary = format_message("ics_summary_with_team", "fi", title=action.title,
                                 team=names.teams.get(plan.team, plan.team))
    found = []
    for position, (first, after) in enumerate(event_days(action, plan.year)):
        # The first span keeps the action's own UID; a later run of months (an action in March and September)
        # is a second event, numbered by its place.
        uid = f"{plan.team}-{plan.year}-{action.id}" + (f"-{position + 1}" if position else "")
        event = Event()
        event.add("uid", f"{uid}@{slug}.{UID_DOMAIN}")
        event.add("dtstamp", datetime.combine(settings.stamp_day, time(0, 0), tzinfo=timezone.utc))
        event.add("dtstart", first)
        event.add("dtend", after)
        event.add("summary", summary)
        if description:
            event.add("description", description)
        event.add("categories", [names.tiers.get(action.tier, action.tier)])
        event.add("status", EVENT_STATUS[action.status])
        event.add("transp", "TRANSPARENT")  # a month-long action does not make anyone busy
        found.append((first, uid, event))
    return found


def _description(action: Action, names: _Names, settings: FeedSettings) -> str:
    lines = [action.description.strip()] if action.description.strip() else []
    lines.append(format_message("ics_status", "fi", status=format_message(f"ics_status_{action.status}", "fi")))
    named = [names.partners[p] for p in action.partners if p in names.partners]
    if named:
        lines.append(format_message("ics_partners", "fi", names=", ".join(named)))
    named = [names.methods[m] for m in action.methods if m in names.methods]
    if named:
        lines.append(format_message("ics_methods", "fi", names=", ".join(named)))
    named = [names.contacts[c] for c in action.people if c in names.contacts]
    if settings.people and named:
        lines.append(format_message("ics_people", "fi", names=", ".join(named)))
    return "\n".join(lines)
