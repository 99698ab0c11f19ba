"""The review report: partners due for review, partners nobody handles, contact persons nothing refers to. Pure.

The report is relative to a reference date passed in, never to the wall clock, so a build of the same commit
gives the same report on any day (the pipeline uses the date of the latest Git commit, else the latest review
date found in the content).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from .model import Contact, Partner, Toolbox

# Reference date of a toolbox with neither Git history nor partners (the same as builders.source_date's 0).
EPOCH = date(1970, 1, 1)


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


def find_referenced_contacts(toolbox: Toolbox) -> set[str]:
    """Return the ids of contact persons referred to anywhere: cooperations, method and guide owners, team leads."""
    found = {c for p in toolbox.partners for c in p.contact_ids}
    found |= {m.owner for m in toolbox.methods if m.owner}
    found |= {g.owner for g in toolbox.guides if g.owner}
    found |= {t.lead for t in toolbox.teams if t.lead}
    return found


def review_toolbox(toolbox: Toolbox, reference_date: date, reference: str) -> Review:
    """Return the review report of the toolbox as of reference_date."""
    months = toolbox.review_after_months
    cutoff = subtract_months(reference_date, months)
    overdue = sorted((p for p in toolbox.partners if p.review_date < cutoff), key=lambda p: (p.review_date, p.id))
    without = [p for p in toolbox.partners if not p.contact_ids]
    used = find_referenced_contacts(toolbox)
    unreferenced = [c for c in toolbox.contacts if c.id not in used]
    return Review(reference_date, reference, months, cutoff, tuple(overdue), tuple(without), tuple(unreferenced))


def review_for_build(toolbox: Toolbox, commit_date: date | None) -> Review:
    """Return the review report relative to the latest commit's date, else to the latest review date in content."""
    if commit_date is not None:
        return review_toolbox(toolbox, commit_date, "git")
    return review_toolbox(toolbox, latest_review_date(toolbox) or EPOCH, "content")
