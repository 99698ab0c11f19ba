"""Browsing thousands of partners: alphabetical pages of bounded size and the data of the client-side filter. Pure.

A tier of 15,000 partners cannot be one page (several megabytes of HTML), so long listings are split into pages
of at most `page_size` rows, breaking between initial letters where possible. The filter on the listing's first
page reads a compact data file of every row, loaded as a script so that it also works from file:// without a
server.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Generic, TypeVar

from ..collation import collation_key, initial_of

Item = TypeVar("Item")

PAGE_SIZE = 300
FILTER_SCRIPT = "assets/partnerkit-filter.js"
_LETTER_SLUG = {"#": "muut", "Å": "aa", "Ä": "ae", "Ö": "oe"}


@dataclass(frozen=True)
class ListPage(Generic[Item]):
    """One page of an alphabetical listing: where it goes, how it is labelled, and its rows."""

    path: str  # docs path
    label: str  # "A–C", "K (2/3)"
    letters: tuple[str, ...]  # initials whose first row is on this page (the targets of letter links)
    groups: tuple[tuple[str, tuple[Item, ...]], ...]  # (initial, rows) in order

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every row of the page, in order."""
        return tuple(item for _, rows in self.groups for item in rows)


@dataclass(frozen=True)
class FilterRow:
    """One partner row of a listing, as the table filter matches it and draws it."""

    name: str
    partner_id: str
    field: str  # the field's display name
    group: str  # the field group's id; without a field vocabulary the field itself is its own group
    status: str  # the status label shown after the name ("" for an active partnership)
    website: str
    cooperation: str  # the cooperation's description as sanitised HTML, as the page has it ("" on the partner list)
    contacts: tuple[str, ...]  # who the contact column names: contact ids, or team ids in views without people
    team: str  # the cooperation's responsible team, "" for none (shown on tier tables of views with people)
    teams: tuple[str, ...]  # the teams the team choice finds the row by
    tiers: tuple[str, ...]  # the partner's tiers (partner list of views with tiers)


@dataclass(frozen=True)
class FilterSet:
    """What a listing's filter offers (choices as (id, label) in label order) and the rows it filters."""

    groups: tuple[tuple[str, str], ...]
    teams: tuple[tuple[str, str], ...]
    people: tuple[tuple[str, str], ...]  # the contact person choice; empty in views without people
    tiers: tuple[tuple[str, str], ...]  # the tier choice; only on the partner list of views with tiers
    rows: tuple[FilterRow, ...]


@dataclass(frozen=True)
class FilterNames:
    """The names the filter shows for ids, and whether contacts are people (else teams stand in for them)."""

    groups: dict[str, str]
    teams: dict[str, str]
    contacts: dict[str, tuple[str, str]]  # id -> (name, e-mail shown beside it, "" for none)
    tiers: dict[str, str]
    people: bool
    with_tiers: bool  # the listing has a tier column and a tier choice


def _choices(ids: Iterable[str], names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((i, names[i]) for i in set(ids) if i in names),
                        key=lambda pair: (collation_key(pair[1]), pair[0])))


def filter_set(rows: Sequence[FilterRow], names: FilterNames) -> FilterSet:
    """Return the filter of a listing: the choices its rows give (no choice that finds nothing) and the rows."""
    return FilterSet(
        groups=_choices((row.group for row in rows), names.groups),
        teams=_choices((team for row in rows for team in row.teams), names.teams),
        people=_choices((c for row in rows for c in row.contacts), {k: v[0] for k, v in names.contacts.items()})
        if names.people else (),
        # Tiers keep the toolbox's order (their numbers in the navigation), not the alphabet's.
        tiers=tuple((t, name) for t, name in names.tiers.items() if any(t in row.tiers for row in rows))
        if names.with_tiers else (),
        rows=tuple(rows),
    )


def filter_script(key: str, data: FilterSet, names: FilterNames, paths: dict[str, str],
                  memo: dict[str, Any] | None = None) -> str:
    """Return the JavaScript data file of one filter: it registers the rows under key for partnerkit-filter.js.

    paths gives the site-root-relative address of each kind of page with {id} in place of the id. With memo (a
    preview session's, one per filter), the text of a row is reused while the row and the filter's choices stay
    the same; the memo then holds this file's rows only.
    """
    groups = {group_id: number for number, (group_id, _) in enumerate(data.groups)}
    teams = sorted({row.team for row in data.rows if row.team} | {t for row in data.rows for t in row.teams})
    team_index = {team_id: number for number, team_id in enumerate(teams)}
    contacts = sorted({c for row in data.rows for c in row.contacts})
    contact_index = {contact_id: number for number, contact_id in enumerate(contacts)}
    tiers = [tier_id for tier_id, _ in data.tiers]
    tier_index = {tier_id: number for number, tier_id in enumerate(tiers)}
    payload = {
        "paths": paths,
        "people": names.people,
        "groups": [[group_id, name] for group_id, name in data.groups],
        "teams": [[team_id, names.teams.get(team_id, team_id)] for team_id in teams],
        "contacts": [[contact_id, *names.contacts.get(contact_id, (contact_id, ""))] for contact_id in contacts],
        "tiers": [[tier_id, names.tiers[tier_id]] for tier_id in tiers],
        "rows": [],
    }
    # A row's text depends on the row and the numbers its ids are given here.
    numbering = (groups, teams, contacts, tiers)
    earlier: dict[FilterRow, str] = memo["rows"] if memo is not None and memo.get("numbering") == numbering else {}
    texts: dict[FilterRow, str] = {}
    for row in data.rows:
        text = earlier.get(row)
        if text is None:
            text = _dumps([row.name, row.partner_id, row.field, groups.get(row.group, -1), row.status, row.website,
                           row.cooperation, [contact_index[c] for c in row.contacts],
                           team_index[row.team] if row.team else -1, sorted(team_index[t] for t in row.teams),
                           [tier_index[t] for t in row.tiers if t in tier_index]])
        texts[row] = text
    if memo is not None:
        memo["numbering"], memo["rows"] = numbering, texts
    # The rows are the payload's last member: their texts go where the empty list is, as json.dumps would write
    # them (a list is its members' texts between brackets, separated by commas).
    head = _dumps(payload)
    assert head.endswith('"rows":[]}')
    text = head[: -len("]}")] + ",".join(texts[row] for row in data.rows) + "]}"
    return (f"window.partnerkitFilterData=window.partnerkitFilterData||{{}};"
            f"window.partnerkitFilterData[{json.dumps(key)}]={text};\n")


def _dumps(value: Any) -> str:
    """Return value as compact JSON that cannot end a script ("</script>" in a name is written as "<\\/script>")."""
    # json.dumps escapes nothing that could end a script; "</" cannot span two values, each starts with a bracket
    # or quote.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def letter_anchor(letter: str) -> str:
    """Return the HTML id of a letter's first row, e.g. 'kirjain-k'."""
    return "kirjain-" + letter_slug(letter)


def letter_slug(letter: str) -> str:
    """Return an ASCII name for a letter, for paths and anchors."""
    if letter in _LETTER_SLUG:
        return _LETTER_SLUG[letter]
    return letter.lower() if letter.isascii() else f"u{ord(letter):04x}"


def sort_by_letter(items: Sequence[Item], name_of: Callable[[Item], str]) -> list[Item]:
    """Return items grouped by initial in Finnish alphabetical order (collation.py), keeping their order within a
    letter."""
    return sorted(items, key=lambda item: collation_key(name_of(item))[:2])


def paginate(items: Sequence[Item], name_of: Callable[[Item], str], folder: str,
             page_size: int = PAGE_SIZE) -> list[ListPage[Item]]:
    """Split items into pages of at most page_size rows under folder/, breaking between letters where possible."""
    ordered = sort_by_letter(items, name_of)
    groups: list[tuple[str, list[Item]]] = []
    for item in ordered:
        letter = initial_of(name_of(item))
        if groups and groups[-1][0] == letter:
            groups[-1][1].append(item)
        else:
            groups.append((letter, [item]))
    pages: list[ListPage[Item]] = []
    pending: list[tuple[str, list[Item]]] = []

    def flush() -> None:
        if not pending:
            return
        first, last = pending[0][0], pending[-1][0]
        label = first if first == last else f"{first}–{last}"
        groups = tuple((letter, tuple(group)) for letter, group in pending)
        pages.append(ListPage(f"{folder}/{letter_slug(first)}.md", label, tuple(g[0] for g in pending), groups))
        pending.clear()

    for letter, group in groups:
        if len(group) > page_size:
            flush()
            count = -(-len(group) // page_size)
            for piece in range(count):
                rows = tuple(group[piece * page_size:(piece + 1) * page_size])
                suffix = "" if piece == 0 else f"-{piece + 1}"
                pages.append(ListPage(f"{folder}/{letter_slug(letter)}{suffix}.md", f"{letter} ({piece + 1}/{count})",
                                      (letter,) if piece == 0 else (), ((letter, rows),)))
            continue
        if pending and sum(len(g) for _, g in pending) + len(group) > page_size:
            flush()
        pending.append((letter, group))
    flush()
    return pages


def page_of_letter(pages: Sequence[ListPage[Item]]) -> list[tuple[str, str, str]]:
    """Return (letter, docs path of the page where the letter starts, anchor there) for every letter, in order."""
    return [(letter, page.path, letter_anchor(letter)) for page in pages for letter in page.letters]


def relative_url(target: str, here: str) -> str:
    """Return the URL of a built file (target, relative to the site root) as seen from the docs page here."""
    page_dir = posixpath.dirname(here)
    return posixpath.relpath(target, page_dir or ".")


def is_listing_page(path: str) -> bool:
    """Return True for the alphabetical pages of a long listing (they repeat what the partner pages say)."""
    return (path.startswith(("kumppanit/aakkosittain/", "kumppanit/paattyneet/", "muutokset/tarkistettavat/"))
            or (path.startswith("tasot/") and path.count("/") > 1))


@lru_cache(maxsize=1 << 16)
def relative_file_url(target: str, folder: str) -> str:
    """Return a file's path (from the site root) as seen from folder (from the site root, '' for the root)."""
    # posixpath.relpath calls os.getcwd() twice per link: 350,000 links on 20,000 pages made that seconds.
    target_parts = target.split("/")
    folder_parts = [part for part in folder.split("/") if part and part != "."]
    common = 0
    while (common < len(folder_parts) and common < len(target_parts) - 1
           and folder_parts[common] == target_parts[common]):
        common += 1
    return "/".join([".."] * (len(folder_parts) - common) + target_parts[common:])
