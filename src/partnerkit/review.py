"""The review report: partners due for review, partners nobody handles, contact persons nothing refers to, and the
state of each relationship (agreements ending, contacts due, too few people, prospects without an owner, names that
look like the same organisation). Pure.

The report is relative to a reference date passed in, never to the wall clock, so a build of the same commit
gives the same report on any day (the pipeline uses the date of the latest Git commit, else the latest review
date found in the content).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import Action, Contact, Partner, Plan, Team, Toolbox

# Reference date of a toolbox with neither Git history nor partners (the same as builders.source_date's 0).
EPOCH = date(1970, 1, 1)
# Agreements ending within this many days of the reference date (or already ended) are listed for renewal.
AGREEMENT_NOTICE_DAYS = 90
# Development and strategic partnerships need at least this many people on each side, so that one person's
# absence or departure does not end the cooperation.
MIN_PEOPLE_PER_SIDE = 2
DEEP_TIERS = ("kehittaminen", "strateginen")
# Words of a company or association name that say its legal form, not who it is ("Oy Alfa Ab" is "Alfa").
COMPANY_FORMS = frozenset({"oy", "oyj", "ab", "abp", "ky", "ay", "tmi", "ry", "rf", "osk", "ltd", "inc", "gmbh"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Review:
    """Findings of the review report, each list sorted."""

    reference_date: date
    reference: str  # where the reference date came from: "git" or "content"
    months: int
    cutoff: date  # partners reviewed before this day are due
    overdue: tuple[Partner, ...]
    without_contacts: tuple[Partner, ...]
    unreferenced: tuple[Contact, ...]
    # The relationship: soonest first, then by id (similar names: by name).
    agreements_ending: tuple[Partner, ...] = ()
    contacts_due: tuple[Partner, ...] = ()
    few_people: tuple[Partner, ...] = ()
    prospects_without_owner: tuple[Partner, ...] = ()
    similar_names: tuple[Partner, ...] = ()
    similar_to: dict[str, tuple[Partner, ...]] = field(default_factory=dict)  # partner id -> the others like it
    # Annual plans (check and act): actions whose time has passed unfinished, done actions not evaluated after the
    # plan's spring review, and teams with no plan for the year after the reference date's.
    overdue_actions: tuple[tuple[Plan, Action], ...] = ()
    unevaluated_actions: tuple[tuple[Plan, Action], ...] = ()
    teams_without_plan: tuple[Team, ...] = ()
    coming_year: int = 0


def latest_review_date(toolbox: Toolbox) -> date | None:
    """Return the latest review date in the content, the reference date when there is no Git history."""
    return max((p.review_date for p in toolbox.partners), default=None)


def subtract_months(day: date, months: int) -> date:
    """Return the same day the given number of months earlier (the month's last day if it has fewer days)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    if year < date.min.year:
        return date.min  # an age longer than the calendar: nothing is due
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months(day: date, months: int) -> date:
    """Return the same day the given number of months later (the month's last day if it has fewer days)."""
    return subtract_months(day, -months)


def find_referenced_contacts(toolbox: Toolbox) -> set[str]:
    """Return the ids of contact persons referred to anywhere: cooperations (deputies too), agreements, method and
    guide owners, team leads."""
    found = {c for p in toolbox.partners for c in p.contact_ids}
    found |= {p.agreement.owner for p in toolbox.partners if p.agreement is not None and p.agreement.owner}
    found |= {m.owner for m in toolbox.methods if m.owner}
    found |= {g.owner for g in toolbox.guides if g.owner}
    found |= {t.lead for t in toolbox.teams if t.lead}
    found |= {person for plan in toolbox.plans for action in plan.actions for person in action.people}
    return found


def contact_due_date(partner: Partner) -> date | None:
    """Return when the partner should next be contacted: the planned day or the rhythm's, whichever is earlier."""
    due = [partner.next_contact] if partner.next_contact is not None else []
    if partner.last_contact is not None and partner.contact_rhythm_months is not None:
        due.append(add_months(partner.last_contact, partner.contact_rhythm_months))
    return min(due, default=None)


def count_our_people(partner: Partner) -> int:
    """Return how many of our contact persons (contacts and deputies) work in the partner's deep cooperations."""
    people = {c for coop in partner.cooperations if coop.tier in DEEP_TIERS for c in (*coop.contacts, coop.deputy)}
    return len(people - {""})


def name_key(name: str) -> str:
    """Return a name as compared for near-duplicates: case, punctuation and legal-form words left out."""
    words = _WORD.findall(unicodedata.normalize("NFKC", name).casefold().replace("_", " "))
    return " ".join(word for word in words if word not in COMPANY_FORMS)


def review_toolbox(toolbox: Toolbox, reference_date: date, reference: str,
                   name_keys: dict[str, str] | None = None) -> Review:
    """Return the review report of the toolbox as of reference_date.

    name_keys (a preview session's) keeps each name's name_key between reports: it then holds this report's names.
    """
    months = toolbox.review_after_months
    cutoff = subtract_months(reference_date, months)
    # An ended cooperation needs no review, contact or renewal; it stays in the content to be found again.
    current = [p for p in toolbox.partners if p.status != "ended"]
    overdue = sorted((p for p in current if p.review_date < cutoff), key=lambda p: (p.review_date, p.id))
    # A prospect nobody owns has a list of its own.
    without = [p for p in current if not p.contact_ids and not p.team_ids and p.status != "prospect"]
    used = find_referenced_contacts(toolbox)
    unreferenced = [c for c in toolbox.contacts if c.id not in used]
    notice = reference_date + timedelta(days=AGREEMENT_NOTICE_DAYS)
    ending = sorted(((p.agreement.valid_until, p) for p in current if p.agreement is not None
                     and p.agreement.valid_until is not None and p.agreement.valid_until <= notice),
                    key=lambda pair: (pair[0], pair[1].id))
    due = sorted(((d, p) for p in current for d in (contact_due_date(p),) if d is not None and d < reference_date),
                 key=lambda pair: (pair[0], pair[1].id))
    few = [p for p in current if p.status == "active" and any(c.tier in DEEP_TIERS for c in p.cooperations)
           and (count_our_people(p) < MIN_PEOPLE_PER_SIDE or len(p.partner_contacts) < MIN_PEOPLE_PER_SIDE)]
    unowned = [p for p in current if p.status == "prospect"
               and not any(coop.contacts or coop.team for coop in p.cooperations)]
    earlier = name_keys if name_keys is not None else {}
    keys = {name: earlier.get(name) or name_key(name) for name in {p.name for p in toolbox.partners}}
    if name_keys is not None:
        name_keys.clear()
        name_keys.update(keys)
    groups: dict[str, list[Partner]] = defaultdict(list)
    for partner in toolbox.partners:
        key = keys[partner.name]
        if key:
            groups[key].append(partner)
    similar_to = {p.id: tuple(o for o in group if o is not p) for group in groups.values() if len(group) > 1
                  for p in group}
    similar = sorted((p for p in toolbox.partners if p.id in similar_to), key=lambda p: (keys[p.name], p.id))
    return Review(reference_date, reference, months, cutoff, tuple(overdue), tuple(without), tuple(unreferenced),
                  tuple(p for _, p in ending), tuple(p for _, p in due), tuple(few), tuple(unowned), tuple(similar), similar_to,
                  find_overdue_actions(toolbox, reference_date), find_unevaluated_actions(toolbox, reference_date),
                  find_teams_without_plan(toolbox, reference_date.year + 1), reference_date.year + 1)


def find_overdue_actions(toolbox: Toolbox, reference_date: date) -> tuple[tuple[Plan, Action], ...]:
    """Return (plan, action) of planned or under-way actions whose last day is before reference_date, soonest first."""
    found = [(a.last_day(p.year), p.team, a.id, p, a) for p in toolbox.plans for a in p.actions
             if a.status in ("planned", "under_way") and a.last_day(p.year) < reference_date]
    return tuple((p, a) for *_, p, a in sorted(found, key=lambda row: row[:3]))


def find_unevaluated_actions(toolbox: Toolbox, reference_date: date) -> tuple[tuple[Plan, Action], ...]:
    """Return (plan, action) of done actions without an evaluation once their plan's spring review has passed."""
    return tuple((p, a) for p in toolbox.plans if p.spring_review < reference_date
                 for a in p.actions if a.status == "done" and a.evaluation is None)


def find_teams_without_plan(toolbox: Toolbox, year: int) -> tuple[Team, ...]:
    """Return the teams that have no plan for the given year."""
    planned = {p.team for p in toolbox.plans if p.year == year}
    return tuple(t for t in toolbox.teams if t.id not in planned)


def review_for_build(toolbox: Toolbox, commit_date: date | None, name_keys: dict[str, str] | None = None) -> Review:
    """Return the review report relative to the latest commit's date, else to the latest review date in content."""
    reference = "git" if commit_date is not None else "content"
    return review_toolbox(toolbox, build_reference_date(toolbox, commit_date), reference, name_keys)


def build_reference_date(toolbox: Toolbox, commit_date: date | None) -> date:
    """Return a build's "today": the latest commit's date, else the latest review date in content, never the clock."""
    return commit_date if commit_date is not None else latest_review_date(toolbox) or EPOCH
