"""Partner lists as spreadsheets (.xlsx and .csv) for download: pure, files in memory.

The renderer gets the profile's view (audience.view_for) and shows what it is given: the public view holds no
contact persons, partner-side people, agreements or business IDs, and the public profile's columns leave those
out too. Every text is content and may be hostile: a cell a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import xlsxwriter

from ..audience import Profile
from ..collation import collation_key
from ..messages import format_message
from ..model import Partner, Toolbox
from ..schema import PARTNER_STATUSES, PARTNER_TYPES

DOWNLOAD_FOLDER = "lataukset"
WHOLE_LIST = "kumppanit"
# OWASP's advice on CSV injection: these first characters make a spreadsheet treat the cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Staff columns in order; the public profile keeps those its view can fill (see _columns).
_STAFF_COLUMNS = ("name", "business_id", "type", "field", "tiers", "status", "our_contacts", "partner_contacts",
                  "agreement_end", "website")
_PUBLIC_COLUMNS = ("name", "type", "field", "website")
# Control characters XML 1.0 cannot hold (tab and line feed it can): left out of cells. A carriage return
# becomes a line feed, the line break spreadsheets use inside a cell.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RETURN = re.compile("\r\n?")


def sheet_paths(stem: str) -> tuple[str, str]:
    """Return the site paths of a list's .xlsx and .csv files, e.g. lataukset/tasot/arki.xlsx."""
    return f"{DOWNLOAD_FOLDER}/{stem}.xlsx", f"{DOWNLOAD_FOLDER}/{stem}.csv"


def neutralise_cell(text: str) -> str:
    """Return text that no spreadsheet runs as a formula: a leading apostrophe before a formula's first character."""
    return "'" + text if text.startswith(_FORMULA_START) else text


@dataclass
class SheetMemo:
    """What a preview session keeps from one render of the lists to the next; each render keeps only what it used."""

    # {list stem: (what its files were made from: timestamp, headers and rows; its .xlsx and .csv bytes)}
    files: dict[str, tuple[tuple[Any, ...], bytes, bytes]] = field(default_factory=dict)
    # What every row was made from besides its partner (columns, people's and tiers' names), and each partner's
    # row: {partner id: (partner, row)}. A partner unchanged since the last render is the same object.
    row_inputs: tuple[Any, ...] = ()
    rows: dict[str, tuple[Partner, list[str]]] = field(default_factory=dict)


def render_sheets(toolbox: Toolbox, profile: Profile, timestamp: int, memo: SheetMemo | None = None) -> dict[str, bytes]:
    """Return every downloadable partner list of the profile: {site path: file content}.

    The whole list includes ended cooperations with their status (they stay findable); the tier and team lists
    leave them out, like the tier tables. Tier and team lists are for the staff site only. With memo (a preview
    session's), rows and lists equal to the last render's are not made again.
    """
    # Sorted once: every list keeps this order (the key ends with the id, so the order is total).
    ordered = sorted(toolbox.partners, key=lambda p: (collation_key(p.name), p.id))
    lists: dict[str, list[Partner]] = {WHOLE_LIST: ordered}
    if profile.staff_only:
        current = [p for p in ordered if p.status != "ended"]
        for tier in toolbox.tiers:
            lists[f"tasot/{tier.id}"] = [p for p in current if any(c.tier == tier.id for c in p.cooperations)]
        # One pass over the partners, not one per team: 100 teams × 20,000 partners is two million lookups.
        by_team: dict[str, list[Partner]] = {team.id: [] for team in toolbox.teams}
        for partner in current:
            for team_id in partner.team_ids:
                by_team.get(team_id, []).append(partner)
        for team in toolbox.teams:
            lists[f"tiimit/{team.id}"] = by_team[team.id]
    columns = _STAFF_COLUMNS if profile.staff_only else _PUBLIC_COLUMNS
    headers = [format_message(f"sheet_col_{column}", "fi") for column in columns]
    contacts = {c.id: f"{c.name} <{c.email}>" if c.email else c.name for c in toolbox.contacts}
    titles = {tier.id: tier.title for tier in toolbox.tiers}
    row_inputs = (columns, contacts, titles)
    memo = memo if memo is not None else SheetMemo()
    earlier_rows = memo.rows if memo.row_inputs == row_inputs else {}
    # A partner is on several lists (the whole list, its tiers, its teams): its row is made once.
    row_of: dict[str, tuple[Partner, list[str]]] = {}
    for partner in toolbox.partners:
        found = earlier_rows.get(partner.id)
        if found is None or not (found[0] is partner or found[0] == partner):
            found = partner, [_cell(partner, column, contacts, titles) for column in columns]
        row_of[partner.id] = found
    files: dict[str, bytes] = {}
    used: dict[str, tuple[tuple[Any, ...], bytes, bytes]] = {}
    for stem, partners in lists.items():
        rows = [row_of[partner.id][1] for partner in partners]
        xlsx, csv_path = sheet_paths(stem)
        # A file's bytes depend on these alone (render_xlsx, render_csv).
        inputs = (timestamp, headers, rows)
        made = memo.files.get(stem)
        if made is None or made[0] != inputs:
            made = inputs, render_xlsx(headers, rows, timestamp), render_csv(headers, rows)
        files[xlsx], files[csv_path] = made[1], made[2]
        used[stem] = made
    memo.files, memo.row_inputs, memo.rows = used, row_inputs, row_of
    return files


def render_csv(headers: list[str], rows: Iterable[list[str]]) -> bytes:
    """Return rows as CSV: UTF-8 with BOM and ';' between fields, which Finnish Excel opens correctly as is."""
    # Excel in a Finnish locale splits on ';' (',' is the decimal separator) and needs the BOM to read UTF-8.
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([neutralise_cell(value) for value in row] for row in rows)
    return "\ufeff".encode() + stream.getvalue().encode("utf-8")


def render_xlsx(headers: list[str], rows: Iterable[list[str]], timestamp: int) -> bytes:
    """Return rows as an .xlsx workbook, every cell a plain string, byte-identical for the same content."""
    # XlsxWriter dates the document and its zip entries from the "created" property alone, so giving it the
    # content's source date makes the bytes depend on the content only.
    raw = io.BytesIO()
    workbook = xlsxwriter.Workbook(raw, {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"author": "partnerkit",
                             "created": datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)})
    sheet = workbook.add_worksheet("Kumppanit")
    for number, row in enumerate([headers, *rows]):
        for column, value in enumerate(row):
            # write_string: a text starting with '=' is stored as a string, shown and never run.
            sheet.write_string(number, column, _NOT_IN_XML.sub("", _RETURN.sub("\n", value)))
    workbook.close()
    return raw.getvalue()


def _cell(partner: Partner, column: str, contacts: dict[str, str], titles: dict[str, str]) -> str:
    if column == "name":
        return partner.name
    if column == "business_id":
        return partner.business_id
    if column == "type":
        return PARTNER_TYPES.get(partner.type, partner.type)
    if column == "field":
        return partner.field
    if column == "tiers":
        return ", ".join(dict.fromkeys(titles.get(c.tier, c.tier) for c in partner.cooperations if c.tier))
    if column == "status":
        return PARTNER_STATUSES.get(partner.status, partner.status)
    if column == "our_contacts":
        return ", ".join(contacts[c] for c in partner.contact_ids if c in contacts)
    if column == "partner_contacts":
        return ", ".join(f"{p.name} <{p.email}>" if p.email else p.name for p in partner.partner_contacts)
    if column == "agreement_end":
        end = partner.agreement.valid_until if partner.agreement else None
        return end.isoformat() if end else ""
    return partner.website
