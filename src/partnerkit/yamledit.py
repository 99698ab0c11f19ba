"""Editing a partner file's YAML text in place: comments, the modeline, key order and quoting stay. Pure.

ruamel.yaml (pinned) reads the file into a round-trip tree that remembers comments and layout; only the keys an
edit names change, a new key goes where the schema's field order puts it, and the file's own indentation is kept.
A value is quoted only where a YAML 1.1 reader (PyYAML, which the checker uses) would read it as something else.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from .schema import RECORDS, Field
from .scaffold import needs_quotes


@dataclass(frozen=True)
class Edit:
    """One change to a partner file.

    op is one of: set (top-level key = value), add_cooperation (value: a mapping), set_cooperation (index, key,
    value), add_contacts (index, value: contact ids), set_partner_contact (index, key, value; index None appends a
    new person: value is then a mapping), set_agreement (key, value; creates the agreement when missing).
    """

    op: str
    key: str = ""
    value: Any = None
    index: int | None = None


def guess_indent(text: str) -> tuple[int, int]:
    """Return (mapping indent, dash offset) of a YAML file's block style; the sample's (2, 2) when it has none."""
    mapping, offset = 2, 2
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"[A-Za-z_][\w-]*:\s*(#.*)?$", line) and number + 1 < len(lines):
            following = lines[number + 1]
            dash = re.match(r"( *)- ", following)
            if dash:
                offset = len(dash.group(1))
                break
    for number, line in enumerate(lines):
        if re.match(r"[A-Za-z_][\w-]*:\s*(#.*)?$", line) and number + 1 < len(lines):
            nested = re.match(r"( +)[A-Za-z_][\w-]*:", lines[number + 1])
            if nested:
                mapping = len(nested.group(1))
                break
    return mapping, offset


def _yaml(text: str) -> YAML:
    mapping, offset = guess_indent(text)
    handler = YAML()  # round-trip
    handler.preserve_quotes = True
    handler.width = 1 << 16  # never fold a long line the editor wrote on one line
    handler.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return handler


def to_yaml_value(spec: Field, value: Any) -> Any:
    """Return value as ruamel should write it for the field: dates and numbers plain, texts quoted where needed."""
    if isinstance(value, (bool, int, date)):
        return value
    text = str(value)
    if spec.kind == "text" and ("\n" in text.strip() or len(text) > 80) and not text[:1].isspace():
        return LiteralScalarString(text.strip("\n") + "\n")
    if spec.kind == "phone" or needs_quotes(text):
        # A phone number is always quoted, like `new` writes it: unquoted 0401234567 is a number to YAML.
        return DoubleQuotedScalarString(text)
    return text


def _insert(mapping: CommentedMap, record: str, key: str, value: Any) -> None:
    """Set key in mapping; a new key goes after the last key that comes before it in the schema's order."""
    spec = RECORDS[record].field_named(key)
    assert spec is not None, (record, key)
    converted = to_yaml_value(spec, value) if not isinstance(value, (CommentedMap, CommentedSeq)) else value
    if key in mapping:
        mapping[key] = converted
        return
    order = [f.name for f in RECORDS[record].fields]
    before = order[: order.index(key)]
    position = 0
    for index, existing in enumerate(mapping):
        if existing in before:
            position = index + 1
    mapping.insert(position, key, converted)


def _record(record: str, values: dict[str, Any]) -> CommentedMap:
    built = CommentedMap()
    for spec in RECORDS[record].fields:
        if values.get(spec.name) is None:
            continue
        value = values[spec.name]
        if isinstance(value, list):
            seq = CommentedSeq()
            seq.extend(to_yaml_value(spec.item_field, item) for item in value)
            built[spec.name] = seq
        else:
            built[spec.name] = to_yaml_value(spec, value)
    return built


def edit_partner_text(text: str, edits: list[Edit]) -> str:
    """Return the partner file's text with the edits made; everything the edits do not name stays as written."""
    handler = _yaml(text)
    data = handler.load(text)
    for edit in edits:
        if edit.op == "set":
            _insert(data, "partner", edit.key, edit.value)
        elif edit.op == "add_cooperation":
            data["cooperations"].append(_record("cooperation", edit.value))
        elif edit.op == "set_cooperation":
            _insert(data["cooperations"][edit.index], "cooperation", edit.key, edit.value)
        elif edit.op == "add_contacts":
            cooperation = data["cooperations"][edit.index]
            if "contacts" not in cooperation or cooperation["contacts"] is None:
                _insert(cooperation, "cooperation", "contacts", CommentedSeq())
            cooperation["contacts"].extend(edit.value)
        elif edit.op == "set_partner_contact":
            if "partner_contacts" not in data or data["partner_contacts"] is None:
                _insert(data, "partner", "partner_contacts", CommentedSeq())
            if edit.index is None:
                data["partner_contacts"].append(_record("partner_contact", edit.value))
            else:
                _insert(data["partner_contacts"][edit.index], "partner_contact", edit.key, edit.value)
        elif edit.op == "set_agreement":
            if "agreement" not in data or data["agreement"] is None:
                _insert(data, "partner", "agreement", CommentedMap())
            _insert(data["agreement"], "agreement", edit.key, edit.value)
        else:
            raise ValueError(f"unknown edit {edit.op!r}")
    out = io.StringIO()
    handler.dump(data, out)
    return out.getvalue()


def round_trip(text: str) -> str:
    """Return the text as loaded and written again without edits (equal to text for files in the house style)."""
    return edit_partner_text(text, [])
