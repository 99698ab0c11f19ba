"""Spreadsheet rows to partner files: cell checks, matching to existing partners, new and edited file texts. Pure.

Each row is checked with the checker's own field rules (validate.check_cell) and matched to an existing partner
by business ID, then by name compared as the review report compares names (review.name_key: case, punctuation
and legal-form words left out). A matched partner gets only what the row says and the file lacks or says
otherwise (an empty cell never deletes); an unmatched row becomes a new file written like `partnerkit new
partner` writes one. A row whose business ID points at one partner and whose name at another, or that cannot
say which cooperation its description belongs to, is a conflict: nothing is guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from .importmap import IGNORE, TARGETS_BY_NAME, Mapping, Target, normalise_header, recognised_headers
from .messages import CATALOGUE, format_message
from .model import Partner, Toolbox
from .review import name_key
from .scaffold import PLACEHOLDER_TEXT, emit_record, render_modeline
from .schema import (
    AGREEMENT_KINDS, PARTNER_SIZES, PARTNER_STATUSES, PARTNER_TYPES, RESERVED_IDS, RESERVED_IN_EVERY_FOLDER,
)
from .sheetload import RawCell, SheetRow, Table
from .validate import check_cell, suggest_id
from .yamledit import Edit, edit_partner_text

PARTNER_FOLDER = "content/partners"
# A new partner's id (and file name) is its name folded to a-z, 0-9 and hyphens, cut at this length.
MAX_ID_LENGTH = 80
DEFAULT_TYPE = "company"
_ENUMS = {"type": PARTNER_TYPES, "status": PARTNER_STATUSES, "size": PARTNER_SIZES, "agreement.kind": AGREEMENT_KINDS}
# What partnerkit's CSV lists put before a text a spreadsheet would run (render/sheets.neutralise_cell).
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_PERSON = re.compile(r"^\s*(?P<name>[^<>]*?)\s*(?:<(?P<email>[^<>]*)>)?\s*$")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in the imported file, located as file.xlsx:Sheet:row:column (CSV: file.csv:row:column)."""

    where: str
    code: str
    params: tuple[tuple[str, Any], ...] = ()
    row: int = 0

    def render(self, lang: str = "fi") -> str:
        """Return 'location: message' in lang."""
        return f"{self.where}: {format_message(self.code, lang, **dict(self.params))}"


@dataclass
class RowResult:
    """What became of one row: new, updated, unchanged, conflict or bad."""

    row: int
    outcome: str
    name: str = ""
    path: str = ""
    fields: tuple[str, ...] = ()
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class Plan:
    """The import's outcome per row, the problems that concern the whole file, and the files to write."""

    results: list[RowResult]
    problems: list[ImportProblem]
    files: dict[str, str]  # path relative to the project root -> new text
    originals: dict[str, str | None]  # the same paths -> the text they replace (None: a new file)
    sheet: str = ""

    @property
    def blocked(self) -> bool:
        """True when something prevents writing unless bad rows may be skipped (file problems never can be)."""
        return bool(self.problems) or any(r.outcome in ("bad", "conflict") for r in self.results)

    def count(self, outcome: str) -> int:
        """Return how many rows had the outcome."""
        return sum(1 for r in self.results if r.outcome == outcome)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    columns: dict[str, int]
    problems: list[ImportProblem]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class _Lookups:
    enums: dict[str, dict[str, str]]
    tiers: dict[str, str]
    contacts: dict[str, str]
    contact_names: list[str]
    # The field vocabulary by folded id, name and synonym; empty when the toolbox has no content/fields.yaml.
    fields: dict[str, str]
    field_names: dict[str, str]


def _lookups(toolbox: Toolbox) -> _Lookups:
    enums: dict[str, dict[str, str]] = {}
    for target, choices in _ENUMS.items():
        known: dict[str, str] = {}
        for key, label in choices.items():
            for text in (key, label, label.split(" (")[0]):
                known.setdefault(_fold(text), key)
        enums[target] = known
    tiers: dict[str, str] = {}
    for tier in toolbox.tiers:
        tiers[_fold(tier.id)] = tier.id
        tiers.setdefault(_fold(tier.title), tier.id)
    contacts: dict[str, str] = {}
    for contact in toolbox.contacts:
        contacts[_fold(contact.id)] = contact.id
        if contact.email:
            contacts.setdefault(_fold(contact.email), contact.id)
        contacts.setdefault(_fold(contact.name), contact.id)
    fields: dict[str, str] = {}
    field_names: dict[str, str] = {}
    for group in toolbox.field_groups:
        for entry in group.fields:
            fields[_fold(entry.id)] = entry.id
            field_names.setdefault(entry.name, entry.id)
    for group in toolbox.field_groups:
        for entry in group.fields:
            for text in (entry.name, *entry.synonyms):
                fields.setdefault(_fold(text), entry.id)
    return _Lookups(enums, tiers, contacts, sorted(c.id for c in toolbox.contacts), fields, field_names)


def _split_items(text: str) -> list[str]:
    """Return the items of a cell that lists several: separated by commas, semicolons or line breaks."""
    return [item.strip() for item in re.split(r"[,;\n]", text) if item.strip()]


def _cell_text(cell: RawCell, target: Target) -> tuple[str | None, str | None]:
    """Return (text, problem code) for a cell: dates as VVVV-KK-PP, whole numbers without decimals."""
    value, kind = cell.value, cell.kind
    if kind == "f":
        return None, "import_formula"
    if kind == "e":
        return None, "import_cell_error"
    if kind == "d":
        if isinstance(value, datetime):
            return value.date().isoformat(), None
        if isinstance(value, date):
            return value.isoformat(), None
        if isinstance(value, time):
            return None, "import_time_value"
    if kind == "b":
        return ("true" if value else "false"), None
    if kind == "n":
        if target.spec.kind == "phone":
            return None, "import_number_phone"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value), None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _NEUTRALISED.sub("", text)
    return (text if target.spec.kind == "text" else text.strip()), None


class Planner:
    """Turns a table's rows into a Plan against an existing toolbox (one instance per import)."""

    def __init__(self, table: Table, mapping: Mapping, toolbox: Toolbox, read_text: Callable[[str], str],
                 today: date, lang: str = "fi") -> None:
        self.table, self.mapping, self.toolbox, self.read_text = table, mapping, toolbox, read_text
        self.today, self.lang = today, lang
        self.lookups = _lookups(toolbox)
        self.problems: list[ImportProblem] = []
        self.columns: dict[int, Target] = {}
        self.headers: dict[int, str] = {}
        self.ignored: set[int] = set()

    # --- locating ----------------------------------------------------------------------------------------

    def _problem(self, row: int | None, column: int | None, code: str, **params: Any) -> ImportProblem:
        return ImportProblem(self.table.where(row, column), code, tuple(sorted(params.items())), row or 0)

    # --- the header row -------------------------------------------------------------------------------------

    def read_header(self, header: SheetRow | None) -> None:
        """Map the header row's columns to targets; report empty, unknown and repeated headers."""
        if header is None or header.number != 1:
            self.problems.append(self._problem(1, None, "import_empty_header"))
            return
        known = recognised_headers()
        mapped = self.mapping.columns or {}
        first_of: dict[str, int] = {}
        for cell in header.cells:
            text, code = _cell_text(cell, TARGETS_BY_NAME["name"])
            if code is not None or text is None:
                self.problems.append(self._problem(1, cell.column, code or "import_empty_header"))
                continue
            normal = normalise_header(text)
            target_name = mapped.get(normal) or known.get(normal)
            if target_name == IGNORE:
                self.ignored.add(cell.column)
                continue
            if target_name is None:
                close = difflib.get_close_matches(normal, sorted(known), n=1, cutoff=0.75)
                hint = format_message("import_hint_header", self.lang, header=close[0]) if close else ""
                self.problems.append(self._problem(1, cell.column, "import_unknown_column", header=text, hint=hint))
                continue
            if target_name in first_of:
                self.problems.append(self._problem(
                    1, cell.column, "import_duplicate_column", header=text, target=target_name,
                    other=self.table.where(1, first_of[target_name])))
                continue
            first_of[target_name] = cell.column
            self.columns[cell.column] = TARGETS_BY_NAME[target_name]
            self.headers[cell.column] = text
        if not self.problems and not ({"name", "business_id"} & set(first_of)):
            self.problems.append(self._problem(1, None, "import_no_key_column"))

    # --- one row's cells ------------------------------------------------------------------------------------

    def read_row(self, row: SheetRow, unheaded: set[int]) -> _Row:
        """Return the row's checked values by target, with every problem of its cells."""
        values: dict[str, Any] = {}
        columns: dict[str, int] = {}
        problems: list[ImportProblem] = []
        for cell in row.cells:
            target = self.columns.get(cell.column)
            if target is None:
                if cell.column not in self.ignored and cell.column not in unheaded and not self.problems_at_header(
                        cell.column):
                    unheaded.add(cell.column)
                    problems.append(self._problem(row.number, cell.column, "import_cell_without_header"))
                continue
            header = self.headers[cell.column]
            text, code = _cell_text(cell, target)
            if code is not None:
                problems.append(self._problem(row.number, cell.column, code, key=header))
                continue
            assert text is not None
            if text.strip() == "":
                continue
            value, found = self._value(target, text, header)
            for problem in found:
                problems.append(self._problem(row.number, cell.column, problem[0], **problem[1]))
            if value is not None and not found:
                values[target.name] = value
                columns[target.name] = cell.column
        person = {key.split(".", 1)[1]: values.pop(key) for key in list(values) if key.startswith("partner_contact.")}
        if person:
            if "name" not in person:
                first = min(columns[f"partner_contact.{key}"] for key in person)
                problems.append(self._problem(row.number, first, "import_contact_without_name"))
            else:
                values.setdefault("partner_contacts", []).insert(0, person)
        return _Row(row.number, values, columns, problems)

    def problems_at_header(self, column: int) -> bool:
        """Return True when the header cell of column already has a problem (unknown header, for instance)."""
        where = self.table.where(1, column)
        return any(p.where == where for p in self.problems)

    def _value(self, target: Target, text: str, header: str) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        """Return a cell's value for target and the problems (message key, parameters)."""
        name = target.name
        if name in _ENUMS:
            text = self.lookups.enums[name].get(_fold(text), text)
        if name == "tiers":
            return self._tiers(text, header)
        if name == "contacts":
            return self._contacts(text, header)
        if name == "field" and self.lookups.fields:
            return self._field(text, header)
        if name == "partner_contacts":
            return self._people(text, header)
        value, problems = check_cell(text, target.spec, header, self.lang)
        return value, [(p.code, dict(p.params)) for p in problems]

    def _tiers(self, text: str, header: str) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        whole = self.lookups.tiers.get(_fold(text))
        items = [whole] if whole else [self.lookups.tiers.get(_fold(item), item) for item in _split_items(text)]
        known = set(self.lookups.tiers.values())
        unknown = [item for item in items if item not in known]
        if unknown:
            return None, [("import_unknown_tier", {"key": header, "value": unknown[0],
                                                   "allowed": ", ".join(t.id for t in self.toolbox.tiers)})]
        return list(dict.fromkeys(items)), []

    def _field(self, text: str, header: str) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        # Spreadsheets name fields as people write them; the partner file stores the vocabulary's id.
        found = self.lookups.fields.get(_fold(text))
        if found is not None:
            return found, []
        close = difflib.get_close_matches(text.strip(), sorted(self.lookups.field_names), n=1)
        hint = format_message("import_hint_field", self.lang, name=close[0]) if close else ""
        return None, [("import_unknown_field", {"key": header, "value": text.strip(), "hint": hint})]

    def _contacts(self, text: str, header: str) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        found: list[str] = []
        problems: list[tuple[str, dict[str, Any]]] = []
        for item in _split_items(text):
            match = _PERSON.match(item)
            email = (match.group("email") or "") if match else ""
            name = match.group("name") if match else item
            contact = self.lookups.contacts.get(_fold(email)) if email else None
            contact = contact or self.lookups.contacts.get(_fold(name or item))
            if contact is None:
                close = difflib.get_close_matches(suggest_id(name or item), self.lookups.contact_names, n=1)
                hint = format_message("import_hint_contact", self.lang, id=close[0]) if close else ""
                problems.append(("import_unknown_contact", {"key": header, "value": item, "hint": hint}))
            else:
                found.append(contact)
        return (list(dict.fromkeys(found)) if not problems else None), problems

    def _people(self, text: str, header: str) -> tuple[Any, list[tuple[str, dict[str, Any]]]]:
        people: list[dict[str, str]] = []
        for item in _split_items(text):
            match = _PERSON.match(item)
            if match is None or not match.group("name"):
                return None, [("import_bad_person", {"key": header, "value": item})]
            person = {"name": match.group("name")}
            if match.group("email"):
                email, problems = check_cell(match.group("email").strip(), TARGETS_BY_NAME[
                    "partner_contact.email"].spec, header, self.lang)
                if problems:
                    return None, [(p.code, dict(p.params)) for p in problems]
                person["email"] = email
            people.append(person)
        return people, []

    # --- the whole table ------------------------------------------------------------------------------------

    def plan(self) -> Plan:
        """Read every row, match and plan it; return the Plan."""
        rows_iter = iter(self.table.rows)
        header = next(rows_iter, None)
        self.read_header(header)
        rows: list[_Row] = []
        unheaded: set[int] = set()
        if not self.problems:
            for row in rows_iter:
                rows.append(self.read_row(row, unheaded))
        else:
            for _ in rows_iter:  # read to the end, so that merged cells and the row limit are still reported
                pass
        if self.table.truncated:
            self.problems.append(self._problem(None, None, "import_too_many_rows", limit=_limit()))
        by_number = {row.number: row for row in rows}
        for ref in self.table.merged:
            top, bottom, left = _range_bounds(ref)
            problem = self._problem(top, left, "import_merged_cells", cells=ref)
            spanned = [by_number[n] for n in range(top, bottom + 1) if n in by_number]
            if top == 1 or not spanned:
                self.problems.append(problem)
            else:
                spanned[0].problems.append(problem)
                for row in spanned[1:]:
                    row.problems.append(self._problem(row.number, left, "import_merged_cells", cells=ref))
        self._check_defaults()
        return self._match_all(rows)

    def _check_defaults(self) -> None:
        self.defaults: dict[str, Any] = {}
        path = self.mapping.path
        for name, text in sorted((self.mapping.defaults or {}).items()):
            target = TARGETS_BY_NAME[name]
            value, found = self._value(target, text, name)
            line, column = (self.mapping.default_marks or {}).get(name, (1, 1))
            for code, params in found:
                self.problems.append(ImportProblem(f"{path}:{line}:{column}", code, tuple(sorted(params.items()))))
            if value is not None and not found:
                self.defaults[name] = value

    def _match_all(self, rows: list[_Row]) -> Plan:
        partners = self.toolbox.partners
        by_business_id = {p.business_id: p for p in partners if p.business_id}
        by_name: dict[str, list[Partner]] = {}
        for partner in partners:
            key = name_key(partner.name)
            if key:
                by_name.setdefault(key, []).append(partner)
        taken = {p.id for p in partners} | set(RESERVED_IDS.get("partner", ())) | set(RESERVED_IN_EVERY_FOLDER)
        seen_business_ids: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        claimed: dict[str, int] = {}  # partner id -> the row that matched it
        results: list[RowResult] = []
        files: dict[str, str] = {}
        originals: dict[str, str | None] = {}
        needs: dict[str, list[int]] = {}
        for row in rows:
            name = row.values.get("name", "")
            result = RowResult(row.number, "bad", name=name, problems=list(row.problems))
            results.append(result)
            business_id = row.values.get("business_id")
            key = name_key(name) if name else ""
            if business_id:
                if business_id in seen_business_ids:
                    result.problems.append(self._problem(row.number, row.columns["business_id"],
                                                         "import_duplicate_business_id_in_file", value=business_id,
                                                         other=seen_business_ids[business_id]))
                else:
                    seen_business_ids[business_id] = row.number
            if result.problems:
                continue
            by_id = by_business_id.get(business_id) if business_id else None
            named = by_name.get(key, []) if key else []
            column = row.columns.get("name") or row.columns.get("business_id") or 1
            conflict = self._conflict(row, by_id, named, column)
            if conflict is not None:
                result.outcome, result.problems = "conflict", [conflict]
                continue
            partner = by_id or (named[0] if named else None)
            if partner is None:
                if key and key in seen_names:
                    result.problems.append(self._problem(row.number, column, "import_duplicate_name_in_file",
                                                         value=name, other=seen_names[key]))
                    continue
                if key:
                    seen_names[key] = row.number
                self._plan_new(row, result, taken, needs, files, originals)
                continue
            if partner.id in claimed:
                result.outcome = "conflict"
                result.problems = [self._problem(row.number, column, "import_conflict_same_partner",
                                                 partner=partner.source, other=claimed[partner.id])]
                continue
            claimed[partner.id] = row.number
            self._plan_update(row, partner, result, files, originals)
        for name, numbers in sorted(needs.items()):
            target = TARGETS_BY_NAME[name]
            header = format_message(f"import_field_{name}", self.lang)
            shown = ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")
            self.problems.append(self._problem(1, None, "import_new_needs_column", field=header, rows=shown,
                                               target=target.name))
        return Plan(results, self.problems, files, originals, self.table.sheet)

    def _conflict(self, row: _Row, by_id: Partner | None, named: list[Partner], column: int) -> ImportProblem | None:
        business_id = row.values.get("business_id", "")
        if by_id is not None:
            others = [p for p in named if p.id != by_id.id]
            if others and by_id not in named:
                return self._problem(row.number, column, "import_conflict_id_name", value=business_id,
                                     partner=by_id.source, other=others[0].source)
            return None
        if len(named) > 1:
            return self._problem(row.number, column, "import_conflict_many_names", value=row.values.get("name", ""),
                                 partners=", ".join(p.source for p in named))
        if named and business_id and named[0].business_id and named[0].business_id != business_id:
            return self._problem(row.number, column, "import_conflict_other_business_id", value=business_id,
                                 partner=named[0].source, other=named[0].business_id)
        return None

    # --- a new partner ----------------------------------------------------------------------------------

    def _plan_new(self, row: _Row, result: RowResult, taken: set[str], needs: dict[str, list[int]],
                  files: dict[str, str], originals: dict[str, str | None]) -> None:
        values = row.values
        if "name" not in values:
            result.problems.append(self._problem(row.number, row.columns.get("business_id", 1),
                                                 "import_new_without_name", value=values.get("business_id", "")))
            return
        merged = {**self.defaults, **values}
        missing = False
        for name in ("field", "tiers"):
            if name not in merged:
                if any(t.name == name for t in self.columns.values()):
                    column = next(c for c, t in self.columns.items() if t.name == name)
                    result.problems.append(self._problem(row.number, column, "import_new_needs_value",
                                                         key=self.headers[column]))
                else:
                    needs.setdefault(name, []).append(row.number)
                missing = True
        agreement = {key.split(".", 1)[1]: merged[key] for key in merged if key.startswith("agreement.")}
        if agreement and "kind" not in agreement:
            column = row.columns.get("agreement.valid_until") or row.columns.get("agreement.signed") or 1
            result.problems.append(self._problem(row.number, column, "import_agreement_without_kind"))
            missing = True
        if missing or result.problems:
            return
        partner_id = _new_id(values["name"], taken)
        taken.add(partner_id)
        description = merged.get("description") or PLACEHOLDER_TEXT
        cooperations = [{"tier": tier, "description": description, "contacts": merged.get("contacts") or None}
                        for tier in merged["tiers"]]
        record = {
            "id": partner_id, "name": values["name"], "type": merged.get("type", DEFAULT_TYPE),
            "field": merged["field"], "website": merged.get("website"), "business_id": merged.get("business_id"),
            "status": merged.get("status"), "size": merged.get("size"),
            "review_date": merged.get("review_date", self.today), "notes": merged.get("notes"),
            "partner_contacts": merged.get("partner_contacts") or None, "agreement": agreement or None,
            "last_contact": merged.get("last_contact"), "next_contact": merged.get("next_contact"),
            "contact_rhythm_months": merged.get("contact_rhythm_months"), "cooperations": cooperations,
        }
        path = f"{PARTNER_FOLDER}/{partner_id}.yaml"
        files[path] = render_modeline("partner", 1) + emit_record("partner", record)
        originals[path] = None
        result.outcome, result.path = "new", path

    # --- an existing partner ----------------------------------------------------------------------------

    def _plan_update(self, row: _Row, partner: Partner, result: RowResult, files: dict[str, str],
                     originals: dict[str, str | None]) -> None:
        edits: list[Edit] = []
        changed: list[str] = []
        values = row.values
        for key in ("name", "business_id", "type", "field", "website", "status", "size", "review_date", "notes",
                    "last_contact", "next_contact", "contact_rhythm_months"):
            current = getattr(partner, key)
            if key == "field" and self.lookups.fields:
                # The model holds the field's display name; the row holds the vocabulary id.
                current = self.lookups.fields.get(_fold(current), current)
            if key in values and values[key] != current:
                if key == "name" and name_key(values[key]) == name_key(partner.name):
                    continue  # the same name in other letters or punctuation: the file's spelling stays
                edits.append(Edit("set", key, values[key]))
                changed.append(key)
        conflict = self._cooperation_edits(row, partner, edits, changed)
        if conflict is not None:
            result.outcome, result.problems = "conflict", [conflict]
            return
        self._people_edits(values.get("partner_contacts", []), partner, edits, changed)
        agreement = {key.split(".", 1)[1]: values[key] for key in values if key.startswith("agreement.")}
        if agreement:
            current = partner.agreement
            if current is None and "kind" not in agreement:
                column = row.columns.get("agreement.valid_until") or row.columns.get("agreement.signed") or 1
                result.problems.append(self._problem(row.number, column, "import_agreement_without_kind"))
                return
            for key in ("kind", "signed", "valid_until"):
                if key in agreement and (current is None or getattr(current, key) != agreement[key]):
                    edits.append(Edit("set_agreement", key, agreement[key]))
                    changed.append(f"agreement.{key}")
        result.path, result.name = partner.source, partner.name
        if not edits:
            result.outcome = "unchanged"
            return
        original = self.read_text(partner.source)
        files[partner.source] = edit_partner_text(original, edits)
        originals[partner.source] = original
        result.outcome, result.fields = "updated", tuple(dict.fromkeys(changed))

    def _cooperation_edits(self, row: _Row, partner: Partner, edits: list[Edit],
                           changed: list[str]) -> ImportProblem | None:
        values = row.values
        tiers = values.get("tiers")
        existing = [c.tier for c in partner.cooperations]
        description = values.get("description")
        contacts = values.get("contacts") or []
        new_contacts = [c for c in contacts if c not in partner.contact_ids]
        for tier in tiers or []:
            if tier not in existing:
                edits.append(Edit("add_cooperation", value={
                    "tier": tier, "description": description or PLACEHOLDER_TEXT, "contacts": contacts or None}))
                changed.append("cooperations")
        if tiers:
            targets = [i for i, c in enumerate(partner.cooperations) if c.tier in tiers]
        elif len(partner.cooperations) == 1:
            targets = [0]
        else:
            # Several cooperations and no tier in the row: which one the text or the people belong to is not
            # guessed. A description one of them already has is no change.
            same = description is None or any(c.description.strip() == description.strip()
                                              for c in partner.cooperations)
            if not same or new_contacts:
                column = row.columns.get("description") if not same else row.columns.get("contacts")
                return self._problem(row.number, column or 1, "import_conflict_which_cooperation",
                                     partner=partner.source, tiers=", ".join(existing))
            targets = []
        for index in targets:
            cooperation = partner.cooperations[index]
            if description is not None and cooperation.description.strip() != description.strip():
                edits.append(Edit("set_cooperation", "description", description, index=index))
                changed.append("description")
            if new_contacts:
                edits.append(Edit("add_contacts", value=new_contacts, index=index))
                changed.append("contacts")
        return None

    def _people_edits(self, people: list[dict[str, str]], partner: Partner, edits: list[Edit],
                      changed: list[str]) -> None:
        current = list(partner.partner_contacts)
        for person in people:
            index = _find_person(person, current)
            if index is None:
                edits.append(Edit("set_partner_contact", value=dict(person), index=None))
                changed.append("partner_contacts")
                current.append(None)  # type: ignore[arg-type]  # taken; a later row person cannot match it
                continue
            known = current[index]
            for key in ("role", "email", "phone"):
                if key in person and person[key] != getattr(known, key):
                    edits.append(Edit("set_partner_contact", key, person[key], index=index))
                    changed.append("partner_contacts")


def _find_person(person: dict[str, str], current: list[Any]) -> int | None:
    email = _fold(person.get("email", ""))
    if email:
        for index, known in enumerate(current):
            if known is not None and known.email and _fold(known.email) == email:
                return index
    name = _fold(person["name"])
    for index, known in enumerate(current):
        if known is not None and _fold(known.name) == name:
            return index
    return None


def _new_id(name: str, taken: set[str]) -> str:
    base = suggest_id(name)[:MAX_ID_LENGTH].rstrip("-") or "kumppani"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def _range_bounds(ref: str) -> tuple[int, int, int]:
    """Return (top row, bottom row, left column) of a cell range such as B3:C5."""
    from openpyxl.utils.cell import range_boundaries

    left, top, _, bottom = range_boundaries(ref)
    return top, bottom, left


def _limit() -> str:
    from .sheetload import MAX_ROWS

    return f"{MAX_ROWS:,}".replace(",", " ")


def plan_import(table: Table, mapping: Mapping, toolbox: Toolbox, read_text: Callable[[str], str], today: date,
                lang: str = "fi") -> Plan:
    """Return the plan of importing table into toolbox: each row's outcome, the problems, the files to write."""
    return Planner(table, mapping, toolbox, read_text, today, lang).plan()


def outcome_names(lang: str) -> dict[str, str]:
    """Return the outcome words in lang, for listing rows."""
    return {outcome: CATALOGUE[f"import_outcome_{outcome}"][lang]
            for outcome in ("new", "updated", "unchanged", "conflict", "bad")}


def all_problems(plan: Plan) -> list[ImportProblem]:
    """Return every problem of the plan: the file's, then the rows' in row order."""
    rows: Iterable[ImportProblem] = (p for r in plan.results for p in r.problems)
    return sorted(plan.problems, key=lambda p: (p.row, p.where)) + sorted(rows, key=lambda p: p.row)
