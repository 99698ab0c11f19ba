"""What changed since the previous release: two toolboxes in, a sorted list of added, removed and changed records out.

Pure: the previous release is read from Git by history.py and handed in as a History value, so the same
commit always gives the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from .model import Method, Partner, Toolbox
from .schema import METHOD, PARTNER

KINDS = ("added", "changed", "removed")


@dataclass(frozen=True)
class History:
    """The previous release found in Git history, or why none could be used."""

    previous: Toolbox | None  # None: no comparison possible, see reason
    base: str = ""  # the release compared with, in words, e.g. "julkaisu v1 (muutos 1a2b3c4, 2.5.2026)"
    reason: str = ""  # Finnish explanation shown when previous is None
    commit_date: date | None = None  # date of the latest commit: the build's reference date


@dataclass(frozen=True)
class Change:
    """One partner or method that was added, removed or changed."""

    record: str  # "partner" or "method"
    kind: str  # "added", "changed" or "removed"
    id: str
    title: str
    fields: tuple[str, ...] = ()  # changed: Finnish titles of the fields that differ, in schema order


def compare_toolboxes(previous: Toolbox, current: Toolbox) -> tuple[Change, ...]:
    """Return every partner and method added, removed or changed between two toolboxes, sorted."""
    found: list[Change] = []
    found.extend(_compare("partner", {p.id: p for p in previous.partners}, {p.id: p for p in current.partners}))
    found.extend(_compare("method", {m.id: m for m in previous.methods}, {m.id: m for m in current.methods}))
    return tuple(sorted(found, key=lambda c: (c.record, KINDS.index(c.kind), c.title.lower(), c.id)))


def _title(record: Partner | Method) -> str:
    return record.name if isinstance(record, Partner) else record.title


def _compare(record: str, before: dict[str, Partner | Method], after: dict[str, Partner | Method]) -> list[Change]:
    changes: list[Change] = []
    for record_id in sorted(after.keys() - before.keys()):
        changes.append(Change(record, "added", record_id, _title(after[record_id])))
    for record_id in sorted(before.keys() - after.keys()):
        changes.append(Change(record, "removed", record_id, _title(before[record_id])))
    for record_id in sorted(before.keys() & after.keys()):
        differing = list_changed_fields(record, before[record_id], after[record_id])
        if differing:
            changes.append(Change(record, "changed", record_id, _title(after[record_id]), differing))
    return changes


def list_changed_fields(record: str, before: Partner | Method, after: Partner | Method) -> tuple[str, ...]:
    """Return the Finnish titles of the fields that differ; moving or renaming the file is not a change."""
    schema = PARTNER if record == "partner" else METHOD
    titles: list[str] = []
    for item in fields(before):
        if item.name == "source" or getattr(before, item.name) == getattr(after, item.name):
            continue
        spec = schema.field_named(item.name)
        titles.append(spec.title if spec is not None else item.name)
    return tuple(titles)


def compare_history(current: Toolbox, history: History | None) -> tuple[Change, ...] | None:
    """Return the changes since the previous release, or None without a release.

    Both sides are the same profile's view (audience.view_for, audience.history_for): a public build lists only
    what the public may see of either release.
    """
    if history is None or history.previous is None:
        return None
    return compare_toolboxes(history.previous, current)
