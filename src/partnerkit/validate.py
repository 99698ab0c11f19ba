"""Checking parsed content against the schema and building the Toolbox, or reporting every problem at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import yaml

from .collation import collation_key
from .load import Content, Document
from .messages import ContentError, Problem, make_problem, word
from .model import (
    AccessibilityStatement, Action, Agreement, Concept, Contact, Cooperation, Evaluation, FieldContact, FieldGroup,
    FieldOfWork, Goal, Guide, Link, Method, Partner, PartnerContact, Plan, PrivacyNotice, PublicHome, Service, Team,
    Tier, Toolbox,
)
from .schema import (
    ACTION, SPRING_REVIEW_DAY, ATTACHMENT_TYPES, BUSINESS_ID_PATTERN, COLLECTIONS, CRM_PLACEHOLDERS, GUIDE, ID_PATTERN, MAX_LINE, MAX_TEXT,
    PARTNER, RECORDS, RESERVED_IDS, SERVICE, RESERVED_IN_EVERY_FOLDER, TIER_IDS, TOOLBOX, Field, Record, describe_kind,
)

_ID = re.compile(ID_PATTERN)
_BUSINESS_ID = re.compile(BUSINESS_ID_PATTERN)
# The weights of a business ID's seven digits (Verohallinto's check digit rule, modulo 11).
_BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,24}$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$")
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_FOLDER_OF = {"contacts": "content/contacts/", "teams": "content/teams/", "tiers": "content/tiers.yaml",
              "methods": "content/methods/", "partners": "content/partners/"}
_INVALID = object()
_NULL_TAG = "tag:yaml.org,2002:null"
_TIER_ORDER = {tier: position for position, tier in enumerate(TIER_IDS)}
_SHOWN = 80
FIRST_YEAR = 1980
LAST_YEAR = 2099
# Characters that must not reach output or a terminal; double-quoted YAML escapes ("\e", "\0", "\L") can still
# produce them after load.py has checked the file's own text.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# Every character that ends a line somewhere: a one-line field with a carriage return became two headings.
# Limits that keep Python-Markdown bounded in time and output whatever the text is. It recurses once per level of
# nested lists and quotes (a thousand levels exhaust Python's stack), its link parser is quadratic in the number
# of unclosed "[" (4,000 take two seconds, 20,000 most of a minute), and a reference link repeats its address at
# every use (196 kB of YAML became a 414 MB site). The check refuses such texts with these messages, and the
# renderer shows any text beyond them as plain text, so nothing reaching it can exhaust a build.
MAX_MARKDOWN_DEPTH = 20
MAX_LINK_BRACKETS = 300
# Python-Markdown is quadratic in raw HTML tag openers ("<a " 6,600 times: 3.4 s) and in lines of only dashes or
# equals signs (10,000: 2.2 s); a few hundred of either cost milliseconds.
MAX_TAG_OPENERS = 300
MAX_RULE_LINES = 200
_TAG_OPENER = re.compile(r"<[A-Za-z/!?]")
_RULE_LINE = re.compile(r"(?m)^[ \t]*[-=*_][-=*_ \t]*$")
_LINE_START = re.compile(r"(?m)^([ \t]*)((?:(?:[-+*]|\d{1,9}[.)]|>)[ \t]+)*)")
_BLOCK_MARKER = re.compile(r"(?:[-+*]|\d{1,9}[.)]|>)[ \t]+")
_MARKDOWN_BLOCK = re.compile(r"(?m)^\s*(?:[-+*>]|\d+[.)])(?:\s|$)")
_REFERENCE = re.compile(r"(?m)^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S")


def markdown_depth(text: str) -> int:
    """Return how deeply lists and quotes nest in text, counted generously (indentation and markers per line)."""
    deepest = 0
    for indent, markers in _LINE_START.findall(text):
        width = len(indent.expandtabs(4))
        deepest = max(deepest, width // 2 + len(_BLOCK_MARKER.findall(markers)))
    return deepest


def find_markdown_problem(text: str) -> tuple[str, dict[str, int]] | None:
    """Return (message key, fields) for a text beyond the renderer's limits, or None when it renders safely."""
    if "[" in text:
        if _REFERENCE.search(text):
            return "markdown_reference", {}
        count = text.count("[")
        if count > MAX_LINK_BRACKETS:
            return "markdown_brackets", {"count": count, "limit": MAX_LINK_BRACKETS}
    if "<" in text:
        count = len(_TAG_OPENER.findall(text))
        if count > MAX_TAG_OPENERS:
            return "markdown_tags", {"count": count, "limit": MAX_TAG_OPENERS}
    if "\n" in text:
        count = len(_RULE_LINE.findall(text))
        if count > MAX_RULE_LINES:
            return "markdown_rule_lines", {"count": count, "limit": MAX_RULE_LINES}
    if _MARKDOWN_BLOCK.search(text) or "\n" in text:
        depth = markdown_depth(text)
        if depth > MAX_MARKDOWN_DEPTH:
            return "markdown_too_deep", {"depth": depth, "limit": MAX_MARKDOWN_DEPTH}
    return None


MOODLE_MARKERS = ("$@NULL@$", "@@PLUGINFILE@@")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")
_UNPRINTABLE_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")


@dataclass
class _Context:
    """State shared while walking one run's documents."""

    lang: str
    problems: list[Problem] = field(default_factory=list)
    refs: list[tuple[str, str, str, int, int, str]] = field(default_factory=list)
    path: str = ""
    seen_nodes: set[int] = field(default_factory=set)
    attachments: Mapping[str, bool] = field(default_factory=dict)

    def report(self, node: yaml.Node, code: str, **params: Any) -> None:
        mark = node.start_mark
        shown = {name: _shorten(value) if name in ("key", "value") else value for name, value in params.items()}
        self.problems.append(make_problem(self.path, mark.line + 1, mark.column + 1, code, **shown))


def _shorten(value: Any, limit: int = _SHOWN) -> Any:
    """Return an echoed key or value as one short line, so every message stays one readable line."""
    if not isinstance(value, str):
        return value
    flat = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


@dataclass(frozen=True)
class _Located:
    """A checked record's values, with the node each came from (for later cross-reference messages)."""

    values: dict[str, Any]
    nodes: dict[str, yaml.Node]
    node: yaml.Node
    path: str


def check_content(content: Content, lang: str = "fi") -> list[Problem]:
    """Return every problem of the content: reading, schema and cross-references. Empty means valid."""
    try:
        build_toolbox(content, lang)
    except ContentError as error:
        return error.problems
    return []


@dataclass(frozen=True)
class FileCheck:
    """What one content file gives a run, from the checks that need nothing but that file.

    It holds no YAML nodes, so it can be kept between runs (see checkcache.py) or sent between processes;
    build_toolbox reaches the same result from these as from the documents themselves.
    """

    path: str
    record: str
    values: dict[str, Any] | None  # the checked record (nested records as (values, {}) pairs); None: unusable
    id_mark: tuple[int, int] | None  # 0-based line and column of the id, for duplicate-id messages
    problems: tuple[Problem, ...]
    refs: tuple[tuple[str, str, str, int, int, str], ...]
    # What was made from this check, kept as long as the check is ({"partner": Partner}); never compared.
    made: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # 0-based line and column of values that other files' checks compare (a partner's business ID).
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Mark:
    line: int
    column: int


@dataclass(frozen=True)
class _Marked:
    """Where a value was, for messages about it after its node is gone."""

    start_mark: _Mark


def check_file(document: Document, lang: str = "fi", attachments: Mapping[str, bool] | None = None) -> FileCheck:
    """Return the checks of one document that need no other file: its values, problems and references."""
    if getattr(document, "checked", None) is not None:
        return document.checked  # type: ignore[no-any-return, attr-defined]
    ctx = _Context(lang, [], attachments=attachments or {})
    located = _check_document(document, ctx)
    if located is None:
        return FileCheck(document.path, document.record, None, None, tuple(ctx.problems), tuple(ctx.refs))
    marks: dict[str, tuple[int, int]] = {}
    if document.record == "partner":
        _check_partner_tiers(located, ctx)
        _check_agreement_dates(located, ctx)
        for name in ("business_id", "field"):
            node = located.nodes.get(name)
            if name in located.values and node is not None:
                marks[name] = (node.start_mark.line, node.start_mark.column)
    if document.record == "service":
        for key in ("contact_email", "contact_team"):
            node = located.nodes.get(key)
            if key in located.values and node is not None:
                marks[key] = (node.start_mark.line, node.start_mark.column)
        fields = located.nodes.get("fields")
        if isinstance(fields, yaml.SequenceNode):
            for position, item in enumerate(fields.value, start=1):
                marks[f"fields[{position}]"] = (item.start_mark.line, item.start_mark.column)
    if document.record == "plan":
        _check_plan_dates(located, ctx)
        year = located.nodes.get("year")
        if year is not None:
            marks["year"] = (year.start_mark.line, year.start_mark.column)
    if document.record == "toolbox" and "public" in located.values:
        marks.update(_public_channel_marks(located.nodes["public"]))
    id_node = located.nodes.get("id")
    id_mark = (id_node.start_mark.line, id_node.start_mark.column) if id_node is not None else None
    # Nested records already carry no nodes (see _check_value), so the values hold none.
    return FileCheck(document.path, document.record, located.values, id_mark, tuple(ctx.problems), tuple(ctx.refs),
                     marks=marks)


def build_toolbox(content: Content, lang: str = "fi") -> Toolbox:
    """Validate the content and return the Toolbox; raise ContentError with every problem otherwise."""
    checks = [check_file(document, lang, content.attachments) for document in content.documents]
    return toolbox_from_checks(checks, content, lang)


def toolbox_from_checks(checks: list[FileCheck], content: Content, lang: str = "fi") -> Toolbox:
    """Cross-check the files' results (ids, references) and return the Toolbox, or raise every problem."""
    ctx = _Context(lang, list(content.problems), attachments=content.attachments)
    checked: dict[str, list[FileCheck]] = {name: [] for name in ("toolbox", "tiers", "fields", *COLLECTIONS.values())}
    for check in checks:
        if check.problems:
            ctx.problems.extend(check.problems)
        ctx.refs.extend(check.refs)
        if check.values is not None:
            checked[check.record].append(check)
    ids = _check_ids(checked, ctx)
    _check_business_ids(checked["partner"], ctx)
    _check_partner_fields(checked, ctx)
    _check_service_fields(checked, ctx)
    _check_service_contacts(checked, ctx)
    _check_plan_years(checked["plan"], ctx)
    ids["tiers"] = set(TIER_IDS)
    # A file that could not be read already has its own message; references to it would only repeat that.
    silent = {(folder, stem) for record, stem in content.unreadable for folder, r in COLLECTIONS.items() if r == record}
    silent |= _invalid_ids(checked)
    for target, value, path, line, column, key in ctx.refs:
        if value not in ids.get(target, set()) and (target, value) not in silent:
            close = difflib.get_close_matches(value, sorted(ids.get(target, ())), n=1)
            hint = _hint(close, lang)
            ctx.problems.append(
                make_problem(
                    path, line, column, "unknown_ref", key=key, value=value,
                    target=word("target", target, lang), hint=hint, folder=_FOLDER_OF[target],
                )
            )
    if ctx.problems:
        raise ContentError(ctx.problems)
    return _assemble(checked)


def check_cell(text: str, spec: Field, label: str, lang: str = "fi") -> tuple[Any, list[Problem]]:
    """Return a text from outside YAML (an imported spreadsheet cell) checked as the field's value: the value the
    checker would make of it in a content file, or None, and the problems (located at line 1, column 1 of "")."""
    # The same rules as a content file's: a quoted scalar, so the text is taken as written (a plain one could
    # be read as a number); truth values are only ever plain.
    style = None if spec.kind in ("bool", "int") else '"'
    node = yaml.ScalarNode("tag:yaml.org,2002:str", text, yaml.Mark("", 0, 0, 0, None, None), None, style=style)
    ctx = _Context(lang)
    value = _check_value(node, spec, ctx, label)
    return (None if value is _INVALID else value), ctx.problems


def _hint(close: list[str], lang: str) -> str:
    if not close:
        return ""
    return " Tarkoititko '{0}'?".format(close[0]) if lang == "fi" else " Did you mean '{0}'?".format(close[0])


def _check_document(document: Document, ctx: _Context) -> _Located | None:
    ctx.path = document.path
    ctx.seen_nodes = set()
    root = document.root
    assert root is not None
    if not isinstance(root, yaml.MappingNode):
        ctx.report(root, "not_mapping", actual=_kind_word(root, ctx.lang))
        return None
    record = RECORDS[document.record]
    values = _check_record(root, record, ctx, "")
    if values is None:
        return None
    located = _Located(values[0], values[1], root, document.path)
    if document.record == "tiers":
        _check_tier_order(located, ctx)
    elif document.record == "fields":
        _check_field_ids(located, ctx)
    return located


def _kind_word(node: yaml.Node, lang: str) -> str:
    if isinstance(node, yaml.MappingNode):
        return word("kind", "mapping", lang)
    if isinstance(node, yaml.SequenceNode):
        return word("kind", "list", lang)
    if _is_null(node):
        return word("kind", "empty", lang)
    shown = _shorten(node.value, 40)
    return f"{word('kind', 'text', lang)} '{shown}'"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _label(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _visit(node: yaml.Node, ctx: _Context) -> bool:
    """Return False when the node was met before: that only happens through a YAML alias."""
    # Aliases share one node object; refusing a second visit also stops "billion laughs" expansion.
    key = id(node)
    if key in ctx.seen_nodes:
        ctx.report(node, "alias")
        return False
    ctx.seen_nodes.add(key)
    if node.tag not in _STANDARD_TAGS:
        ctx.report(node, "custom_tag", tag=node.tag.replace("tag:yaml.org,2002:", "!!"))
        return False
    return True


def _check_record(
    node: yaml.Node, record: Record, ctx: _Context, prefix: str
) -> tuple[dict[str, Any], dict[str, yaml.Node]] | None:
    if not _visit(node, ctx):
        return None
    if not isinstance(node, yaml.MappingNode):
        ctx.report(node, "wrong_type", key=prefix or record.name, expected=word("kind", "mapping", ctx.lang),
                   actual=_kind_word(node, ctx.lang))
        return None
    values: dict[str, Any] = {}
    nodes: dict[str, yaml.Node] = {}
    first_line: dict[str, int] = {}
    fields, required = record.fields_by_name, record.required_fields
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            ctx.report(key_node, "merge_key")
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
            ctx.report(key_node, "bad_key")
            continue
        key = key_node.value
        label = f"{prefix}.{key}" if prefix else key
        if key in first_line:
            ctx.report(key_node, "duplicate_key", key=label, first_line=first_line[key])
            continue
        first_line[key] = key_node.start_mark.line + 1
        spec = fields.get(key)
        if spec is None:
            ctx.report(key_node, "unknown_key", key=label, hint=_suggest_key(key, record, ctx.lang),
                       allowed=", ".join(f.name for f in record.fields))
            continue
        value = _check_value(value_node, spec, ctx, label)
        if value is not _INVALID:
            values[key] = value
            nodes[key] = value_node
    for spec in required:
        if spec.name not in first_line:
            ctx.report(node, "missing_field", key=_label(prefix, spec.name), name=spec.name, title=spec.title)
    if record.one_of:
        _check_one_of(node, record, ctx, prefix, [name for name in record.one_of if name in first_line])
    return values, nodes


def _check_one_of(node: yaml.Node, record: Record, ctx: _Context, prefix: str, given: list[str]) -> None:
    if len(given) == 1:
        return
    if not given:
        fields = [record.field_named(name) for name in record.one_of]
        if ctx.lang == "fi":
            names = " tai ".join(f"{f.name} ({f.title})" for f in fields if f is not None)
        else:
            names = " or ".join(record.one_of)
        ctx.report(node, "one_of_missing", key=prefix or record.name, names=names)
    else:
        ctx.report(node, "one_of_many", key=prefix or record.name, names=", ".join(given))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _suggest_key(key: str, record: Record, lang: str) -> str:
    names = [f.name for f in record.fields]
    close = difflib.get_close_matches(key.lower(), names, n=1, cutoff=0.6)
    if not close:
        # Editors often write the Finnish label they saw in the schema tooltip ("nimi" for "name").
        by_title = {_fold(f.title): f.name for f in record.fields}
        match = difflib.get_close_matches(_fold(key), list(by_title), n=1, cutoff=0.75)
        close = [by_title[match[0]]] if match else []
    if not close:
        return ""
    return (" Tarkoititko '{0}'?" if lang == "fi" else " Did you mean '{0}'?").format(close[0])


def _check_value(node: yaml.Node, spec: Field, ctx: _Context, label: str) -> Any:
    kind = spec.kind
    if kind == "record":
        checked = _check_record(node, RECORDS[spec.target], ctx, label)
        # Only a file's top-level nodes are needed after its check; nested ones would keep the node tree alive.
        return _INVALID if checked is None else (checked[0], {})
    if kind == "list":
        return _check_list(node, spec, ctx, label)
    # _visit's common case inline (a quarter of a million scalars at 20,000 partners); it reports the others.
    if id(node) not in ctx.seen_nodes and node.tag in _STANDARD_TAGS:
        ctx.seen_nodes.add(id(node))
    elif not _visit(node, ctx):
        return _INVALID
    if not isinstance(node, yaml.ScalarNode):
        ctx.report(node, "wrong_type", key=label, expected=describe_kind(spec) if ctx.lang == "fi" else spec.kind,
                   actual=_kind_word(node, ctx.lang))
        return _INVALID
    if node.tag == _NULL_TAG or (kind != "text" and node.value.strip() == ""):
        ctx.report(node, "empty_value", key=label, expected=describe_kind(spec) if ctx.lang == "fi" else spec.kind)
        return _INVALID
    return _check_scalar(node, spec, ctx, label)


def _check_list(node: yaml.Node, spec: Field, ctx: _Context, label: str) -> Any:
    if not _visit(node, ctx):
        return _INVALID
    if _is_null(node):
        items: list[yaml.Node] = []
    elif isinstance(node, yaml.SequenceNode):
        items = node.value
    else:
        ctx.report(node, "wrong_type", key=label, expected=word("kind", "list", ctx.lang), actual=_kind_word(node, ctx.lang))
        return _INVALID
    if len(items) < spec.min_items:
        ctx.report(node, "too_few_items", key=label, minimum=spec.min_items, count=len(items))
    values: list[Any] = []
    seen: set[str] = set()
    item_spec = spec.item_field
    for position, item in enumerate(items, start=1):
        item_label = f"{label}[{position}]"
        value = _check_value(item, item_spec, ctx, item_label)
        if value is _INVALID:
            continue
        # Texts are unique in a list, and so are the ids of records in it (concepts, for example).
        unique = value if isinstance(value, str) else value[0].get("id") if isinstance(value, tuple) else None
        if isinstance(unique, str):
            if unique in seen:
                ctx.report(item, "duplicate_item", key=item_label, value=unique)
                continue
            seen.add(unique)
        values.append(value)
    return values


def _check_scalar(node: yaml.ScalarNode, spec: Field, ctx: _Context, label: str) -> Any:
    raw: str = node.value
    kind = spec.kind
    plain = not node.style  # libyaml reports plain scalars as "", PyYAML as None
    hidden = _UNPRINTABLE_VALUE.search(raw)
    if hidden:
        ctx.report(node, "control_in_value", key=label, char=f"U+{ord(hidden.group()):04X}")
    # Moodle's restore reads these as SQL NULL and as a link into the activity's own files: a text holding one
    # would not arrive as written (the package checker refuses it).
    reserved = next((marker for marker in MOODLE_MARKERS if marker in raw), None) if "@" in raw else None
    if reserved:
        ctx.report(node, "moodle_reserved", key=label, marker=reserved)
        return _INVALID
    if kind == "bool":
        lowered = raw.lower()
        if plain and lowered in ("true", "false"):
            return lowered == "true"
        ctx.report(node, "bad_bool", key=label, value=raw)
        return _INVALID
    if kind == "int":
        if plain and re.fullmatch(r"-?\d{1,9}", raw):
            if spec.minimum is not None and int(raw) < spec.minimum:
                ctx.report(node, "too_small", key=label, value=raw, minimum=spec.minimum)
                return _INVALID
            if spec.maximum is not None and int(raw) > spec.maximum:
                ctx.report(node, "too_large", key=label, value=raw, maximum=spec.maximum)
                return _INVALID
            return int(raw)
        ctx.report(node, "bad_int", key=label, value=raw)
        return _INVALID
    if kind == "text":
        if len(raw) > MAX_TEXT:
            ctx.report(node, "too_long", key=label, length=len(raw), limit=MAX_TEXT)
            return _INVALID
        beyond = find_markdown_problem(raw)
        if beyond is not None:
            ctx.report(node, beyond[0], key=label, **beyond[1])
            return _INVALID
        return raw.strip("\n")
    text = raw.strip()
    if len(text) > spec.max_length:
        ctx.report(node, "too_long", key=label, length=len(text), limit=spec.max_length)
        return _INVALID
    if _LINE_BREAKS.search(text):
        ctx.report(node, "multiline", key=label)
        return _INVALID
    return _check_line(node, spec, ctx, label, text, plain)


def _check_line(node: yaml.ScalarNode, spec: Field, ctx: _Context, label: str, text: str, plain: bool) -> Any:
    kind = spec.kind
    if kind == "id" and not _ID.match(text):
        ctx.report(node, "bad_id", key=label, value=text, suggestion=suggest_id(text))
        return _INVALID
    if kind == "url":
        return _check_url(node, ctx, label, text)
    if kind == "url_pattern":
        return _check_url_pattern(node, ctx, label, text)
    if kind == "business_id":
        return _check_business_id(node, ctx, label, text)
    if kind == "file":
        return _check_file(node, ctx, label, text)
    if kind == "email" and not _EMAIL.match(text):
        ctx.report(node, "bad_email", key=label, value=text)
        return _INVALID
    if kind == "phone":
        if plain and node.tag == "tag:yaml.org,2002:int":
            ctx.report(node, "number_phone", key=label, value=text)
            return _INVALID
        if not _PHONE.match(text):
            ctx.report(node, "bad_phone", key=label, value=text)
            return _INVALID
    if kind == "date":
        return _check_date(node, ctx, label, text)
    if kind == "enum" and text not in spec.choices:
        close = difflib.get_close_matches(text.lower(), spec.choices, n=1, cutoff=0.5)
        ctx.report(node, "bad_choice", key=label, value=text, hint=_hint(close, ctx.lang), allowed=", ".join(spec.choices))
        return _INVALID
    if kind == "ref":
        mark = node.start_mark
        if spec.target == "tiers":
            if text not in TIER_IDS:
                close = difflib.get_close_matches(text.lower(), TIER_IDS, n=1, cutoff=0.5)
                ctx.report(node, "bad_choice", key=label, value=text, hint=_hint(close, ctx.lang),
                           allowed=", ".join(TIER_IDS))
                return _INVALID
        else:
            ctx.refs.append((spec.target, text, ctx.path, mark.line + 1, mark.column + 1, label))
    return text


def _check_url(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    compact = re.sub(r"[\x00-\x20]", "", text).lower()
    scheme = compact.split(":", 1)[0] if ":" in compact else ""
    if scheme and scheme not in ("http", "https", "mailto") and re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        ctx.report(node, "unsafe_url", key=label, scheme=scheme)
        return _INVALID
    if scheme == "mailto":
        address = text[len("mailto:"):].split("?", 1)[0]
        if _EMAIL.match(address):
            return text
    elif scheme in ("http", "https") and " " not in text:
        try:
            parts = urlsplit(text)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and bool(_HOST.match(parts.netloc.split("@")[-1]))
            valid = valid and "." in (parts.hostname or "")
        except ValueError:
            valid = False
        if valid:
            return text
    ctx.report(node, "bad_url", key=label, value=text)
    return _INVALID


def business_id_check_digit(digits: str) -> int | None:
    """Return the check digit of a business ID's seven digits, or None when no digit makes them valid."""
    remainder = sum(int(d) * w for d, w in zip(digits, _BUSINESS_ID_WEIGHTS)) % 11
    if remainder == 1:
        return None  # such numbers are never given out
    return 0 if remainder == 0 else 11 - remainder


def _check_business_id(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    if not _BUSINESS_ID.match(text):
        ctx.report(node, "bad_business_id", key=label, value=text)
        return _INVALID
    if business_id_check_digit(text[:7]) != int(text[8]):
        ctx.report(node, "business_id_check_digit", key=label, value=text)
        return _INVALID
    return text


def _check_url_pattern(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    """Accept an https address with {business_id} or {id} in it: each partner page links to its filled-in copy."""
    allowed = ", ".join("{" + name + "}" for name in CRM_PLACEHOLDERS)
    found = _PLACEHOLDER.findall(text)
    unknown = next((name for name in found if name not in CRM_PLACEHOLDERS), None)
    if unknown is not None:
        ctx.report(node, "crm_url_placeholder", key=label, placeholder="{" + unknown + "}", allowed=allowed)
        return _INVALID
    # A brace left over after the placeholders is one that no partner's value would replace.
    example = _PLACEHOLDER.sub("x", text)
    if "{" in example or "}" in example:
        ctx.report(node, "crm_url_placeholder", key=label, placeholder="{" if "{" in example else "}",
                   allowed=allowed)
        return _INVALID
    if not found:
        ctx.report(node, "crm_url_no_placeholder", key=label, allowed=allowed)
        return _INVALID
    if not example.lower().startswith("https://") or not _is_web_address(example):
        ctx.report(node, "crm_url_not_https", key=label, value=text)
        return _INVALID
    return text


def _is_web_address(text: str) -> bool:
    if " " in text:
        return False
    try:
        parts = urlsplit(text)
        return (parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")
                and bool(_HOST.match(parts.netloc.split("@")[-1])))
    except ValueError:
        return False


def _check_file(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    """Accept a path to an existing attachment inside content/files/; nothing else may be copied to the site."""
    if "\\" in text:
        ctx.report(node, "file_backslash", key=label, value=text)
        return _INVALID
    if text.startswith(("/", "~")) or ":" in text:
        ctx.report(node, "file_absolute", key=label, value=text)
        return _INVALID
    parts = text.split("/")
    if ".." in parts:
        ctx.report(node, "file_outside", key=label, value=text)
        return _INVALID
    for part in parts:
        if not part.strip() or part.startswith("."):
            ctx.report(node, "file_bad_name", key=label, value=text, part=part)
            return _INVALID
    suffix = parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if suffix not in ATTACHMENT_TYPES:
        ctx.report(node, "file_type", key=label, suffix=suffix or parts[-1], allowed=", ".join(ATTACHMENT_TYPES))
        return _INVALID
    # A link anywhere on the way (a linked folder or the file itself) that leads outside counts as outside.
    for end in range(1, len(parts) + 1):
        if ctx.attachments.get("/".join(parts[:end])) is False:
            ctx.report(node, "file_outside", key=label, value=text)
            return _INVALID
    if text not in ctx.attachments:
        close = difflib.get_close_matches(text, sorted(ctx.attachments), n=1, cutoff=0.6)
        ctx.report(node, "file_missing", key=label, value=text, hint=_hint(close, ctx.lang))
        return _INVALID
    return text


def _check_date(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    match = _DATE.match(text)
    if not match:
        ctx.report(node, "bad_date", key=label, value=text)
        return _INVALID
    year, month, day = (int(part) for part in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        ctx.report(node, "no_such_date", key=label, value=text)
        return _INVALID
    # Dates feed the build timestamp, and archive formats cannot store times before 1980 or after 2106.
    if not FIRST_YEAR <= year <= LAST_YEAR:
        ctx.report(node, "date_out_of_range", key=label, value=text, first=FIRST_YEAR, last=LAST_YEAR)
        return _INVALID
    return value


def suggest_id(text: str) -> str:
    """Return a valid id resembling text (Finnish letters folded to ASCII), for messages and scaffolding."""
    folded = _fold(text)
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug or "uusi-tunniste"


def _check_tier_order(located: _Located, ctx: _Context) -> None:
    tiers = located.values.get("tiers")
    node = located.nodes.get("tiers")
    if not isinstance(tiers, list) or node is None:
        return
    order = ", ".join(TIER_IDS)
    if len(node.value) != len(TIER_IDS):
        ctx.report(node, "tier_count", expected=len(TIER_IDS), order=order, count=len(node.value))
        return
    for position, (item_node, expected) in enumerate(zip(node.value, TIER_IDS), start=1):
        found = _scalar_at(item_node, "id")
        if found is not None and found[0] != expected and found[0] in TIER_IDS:
            ctx.report(found[1], "tier_order", position=position, expected=expected, value=found[0], order=order)


def _scalar_at(mapping: yaml.Node, key: str) -> tuple[str, yaml.Node] | None:
    if isinstance(mapping, yaml.MappingNode):
        for key_node, value_node in mapping.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key and isinstance(value_node, yaml.ScalarNode):
                return value_node.value.strip(), value_node
    return None


def _check_ids(checked: dict[str, list[FileCheck]], ctx: _Context) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for record, folder in ((r, f) for f, r in COLLECTIONS.items()):
        first: dict[str, str] = {}
        for check in checked[record]:
            value = check.values.get("id")  # type: ignore[union-attr]
            if not isinstance(value, str):
                continue
            if value in RESERVED_IDS.get(record, RESERVED_IN_EVERY_FOLDER):
                assert check.id_mark is not None
                ctx.path = check.path
                ctx.report(_Marked(_Mark(*check.id_mark)), "reserved_id", value=value,  # type: ignore[arg-type]
                           suggestion=f"{value}-{record}")
            elif value in first:
                assert check.id_mark is not None
                ctx.path = check.path
                ctx.report(_Marked(_Mark(*check.id_mark)), "duplicate_id", value=value,  # type: ignore[arg-type]
                           other=first[value])
            else:
                first[value] = check.path
        ids[folder] = set(first)
    return ids


def _invalid_ids(checked: dict[str, list[FileCheck]]) -> set[tuple[str, str]]:
    """Return (folder, file stem) of records whose id was missing or invalid, so references to them stay quiet."""
    found: set[tuple[str, str]] = set()
    for folder, record in COLLECTIONS.items():
        for check in checked[record]:
            if "id" not in check.values:  # type: ignore[operator]
                found.add((folder, check.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]))
    return found


def _check_partner_tiers(located: _Located, ctx: _Context) -> None:
    cooperations = located.values.get("cooperations")
    node = located.nodes.get("cooperations")
    if not isinstance(cooperations, list) or not isinstance(node, yaml.SequenceNode):
        return
    ctx.path = located.path
    first: dict[str, int] = {}
    for position, item_node in enumerate(node.value, start=1):
        found = _scalar_at(item_node, "tier")
        if found is None:
            continue
        tier, value_node = found
        if tier in first:
            ctx.report(value_node, "duplicate_tier", key=f"cooperations[{position}].tier", value=tier,
                       first_line=first[tier])
        else:
            first[tier] = value_node.start_mark.line + 1


def _check_agreement_dates(located: _Located, ctx: _Context) -> None:
    agreement = located.values.get("agreement")
    if not isinstance(agreement, tuple):
        return
    signed, valid_until = agreement[0].get("signed"), agreement[0].get("valid_until")
    if isinstance(signed, date) and isinstance(valid_until, date) and valid_until < signed:
        found = _scalar_at(located.nodes["agreement"], "valid_until")
        ctx.path = located.path
        ctx.report(found[1] if found else located.nodes["agreement"], "agreement_dates", key="agreement.valid_until",
                   value=valid_until.isoformat(), signed=signed.isoformat())


def _check_field_ids(located: _Located, ctx: _Context) -> None:
    """Report a group or field id used twice in the vocabulary: partners refer to fields by id."""
    groups = located.nodes.get("groups")
    if not isinstance(groups, yaml.SequenceNode):
        return
    # Groups and fields are told apart by where they are used (filters, partner files), so a group may share
    # its id with one of its fields; within each kind an id is unique.
    group_lines: dict[str, int] = {}
    field_lines: dict[str, int] = {}

    def note(node: yaml.Node, label: str, first: dict[str, int]) -> None:
        found = _scalar_at(node, "id")
        if found is None:
            return
        value, value_node = found
        if value in first:
            ctx.report(value_node, "duplicate_vocabulary_id", key=label, value=value, first_line=first[value])
        else:
            first[value] = value_node.start_mark.line + 1

    for position, group in enumerate(groups.value, start=1):
        note(group, f"groups[{position}].id", group_lines)
        fields = next((v for k, v in getattr(group, "value", ()) if getattr(k, "value", None) == "fields"), None)
        if isinstance(fields, yaml.SequenceNode):
            for inner, entry in enumerate(fields.value, start=1):
                note(entry, f"groups[{position}].fields[{inner}].id", field_lines)


def vocabulary_index(groups: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, tuple[str, str]]:
    """Return {field id: (field name, group id)} of checked fields.yaml groups."""
    index: dict[str, tuple[str, str]] = {}
    for group, _ in groups:
        for entry, _ in group.get("fields", []):
            index.setdefault(entry["id"], (entry["name"], group["id"]))
    return index


def suggest_field(value: str, groups: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    """Return the id of the vocabulary's field closest to value (by id, name or synonym), or ""."""
    candidates: dict[str, str] = {}
    for group, _ in groups:
        for entry, _ in group.get("fields", []):
            for text in (entry["id"], entry["name"], *entry.get("synonyms", [])):
                candidates.setdefault(suggest_id(text), entry["id"])
    close = difflib.get_close_matches(suggest_id(value), sorted(candidates), n=1, cutoff=0.6)
    return candidates[close[0]] if close else ""


def _check_partner_fields(checked: dict[str, list[FileCheck]], ctx: _Context) -> None:
    """With a field vocabulary, report every partner whose field is not one of its ids, suggesting the nearest."""
    if not checked["fields"]:
        return  # no vocabulary: the field is free text, as it was before fields.yaml existed
    vocabulary = checked["fields"][0]
    groups = vocabulary.values.get("groups", []) if vocabulary.values is not None else []
    index = vocabulary_index(groups)
    for check in sorted(checked["partner"], key=lambda c: c.path):
        value = check.values.get("field") if check.values is not None else None
        mark = check.marks.get("field")
        if not isinstance(value, str) or mark is None or value in index:
            continue
        close = suggest_field(value, groups)
        if close:
            hint = (" Tarkoititko '{0}' ({1})?" if ctx.lang == "fi" else " Did you mean '{0}' ({1})?").format(
                close, index[close][0])
        else:
            hint = ""
        ctx.path = check.path
        ctx.report(_Marked(_Mark(*mark)), "unknown_field", key="field", value=value,  # type: ignore[arg-type]
                   hint=hint, vocabulary=vocabulary.path)


def service_field_names(groups: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, str]:
    """Return {what a service may name a field by: the name shown}: fields and whole groups, by id or by name."""
    names: dict[str, str] = {}
    for group, _ in groups:
        names.setdefault(group["id"], group["name"])
        names.setdefault(group["name"], group["name"])
        for entry, _ in group.get("fields", []):
            names.setdefault(entry["id"], entry["name"])
            names.setdefault(entry["name"], entry["name"])
    return names


def _check_service_fields(checked: dict[str, list[FileCheck]], ctx: _Context) -> None:
    """With a field vocabulary, report every service field that is no field or group of it, suggesting the nearest."""
    if not checked["fields"] or checked["fields"][0].values is None:
        return  # no vocabulary: a service's fields are free text, as partners' are
    vocabulary = checked["fields"][0]
    groups = vocabulary.values.get("groups", [])  # type: ignore[union-attr]
    names, index = service_field_names(groups), vocabulary_index(groups)
    # Names are accepted as well as ids, so services written before the vocabulary keep building.
    for check in sorted(checked["service"], key=lambda c: c.path):
        assert check.values is not None
        for position, value in enumerate(check.values.get("fields", []), start=1):
            mark = check.marks.get(f"fields[{position}]")
            if not isinstance(value, str) or mark is None or value in names:
                continue
            close = suggest_field(value, groups)
            hint = ((" Tarkoititko '{0}' ({1})?" if ctx.lang == "fi" else " Did you mean '{0}' ({1})?").format(
                close, index[close][0]) if close else "")
            ctx.path = check.path
            ctx.report(_Marked(_Mark(*mark)), "unknown_field", key=f"fields[{position}]",  # type: ignore[arg-type]
                       value=value, hint=hint, vocabulary=vocabulary.path)


def _check_business_ids(partners: list[FileCheck], ctx: _Context) -> None:
    """Report every partner whose business ID an earlier partner (in file order) already has, naming both places."""
    first: dict[str, str] = {}
    for check in sorted(partners, key=lambda c: c.path):
        value = check.values.get("business_id") if check.values is not None else None
        mark = check.marks.get("business_id")
        if not isinstance(value, str) or mark is None:
            continue
        here = f"{check.path}:{mark[0] + 1}:{mark[1] + 1}"
        if value in first:
            ctx.path = check.path
            ctx.report(_Marked(_Mark(*mark)), "duplicate_business_id", key="business_id",  # type: ignore[arg-type]
                       value=value, other=first[value])
        else:
            first[value] = here


def _public_channel_marks(public: yaml.Node) -> dict[str, tuple[int, int]]:
    """Return {label: 0-based line and column} of every contact channel on the public home (toolbox.yaml public:)."""
    marks: dict[str, tuple[int, int]] = {}
    for key in ("contact_email", "contact_team"):
        found = _scalar_at(public, key)
        if found is not None:
            marks[f"public.{key}"] = (found[1].start_mark.line, found[1].start_mark.column)
    if isinstance(public, yaml.MappingNode):
        for key_node, value_node in public.value:
            if getattr(key_node, "value", None) == "field_contacts" and isinstance(value_node, yaml.SequenceNode):
                for position, item in enumerate(value_node.value, start=1):
                    for key in ("email", "team"):
                        found = _scalar_at(item, key)
                        if found is not None:
                            marks[f"public.field_contacts[{position}].{key}"] = (
                                found[1].start_mark.line, found[1].start_mark.column)
    return marks


def _channels(check: FileCheck) -> list[tuple[str, str, str]]:
    """Return (label, "email" or "team", value) of every public contact channel a checked file names."""
    assert check.values is not None
    found: list[tuple[str, str, str]] = []
    if check.record == "service":
        found += [(key, kind, check.values[key]) for key, kind in (("contact_email", "email"), ("contact_team", "team"))
                  if isinstance(check.values.get(key), str)]
    elif check.record == "toolbox" and isinstance(check.values.get("public"), tuple):
        public = check.values["public"][0]
        found += [(f"public.{key}", kind, public[key]) for key, kind in (("contact_email", "email"),
                                                                         ("contact_team", "team"))
                  if isinstance(public.get(key), str)]
        for position, (item, _) in enumerate(public.get("field_contacts", []), start=1):
            found += [(f"public.field_contacts[{position}].{key}", key, item[key]) for key in ("email", "team")
                      if isinstance(item.get(key), str)]
    return found


def _check_service_contacts(checked: dict[str, list[FileCheck]], ctx: _Context) -> None:
    """Report a public contact channel that is a person (a contact's own address) or a team without an address."""
    # Services and the public home are the institution's public face: a person's address there would publish
    # personal data and leave companies without an answer when that person moves on.
    personal = {str(c.values.get("email", "")).lower(): str(c.values.get("id", ""))
                for c in checked["contact"] if c.values is not None and c.values.get("email")}
    team_email = {str(t.values.get("id", "")): str(t.values.get("email", ""))
                  for t in checked["team"] if t.values is not None}
    for check in sorted([*checked["toolbox"], *checked["service"]], key=lambda c: c.path):
        ctx.path = check.path
        for label, kind, value in _channels(check):
            mark = check.marks.get(label)
            if mark is None:
                continue
            if kind == "email" and value.lower() in personal:
                ctx.report(_Marked(_Mark(*mark)), "service_personal_email",  # type: ignore[arg-type]
                           key=label, value=value, contact=personal[value.lower()])
            elif kind == "team" and value in team_email and not team_email[value]:
                ctx.report(_Marked(_Mark(*mark)), "service_team_without_email",  # type: ignore[arg-type]
                           key=label, value=value)


def _public_home(values: dict[str, Any] | None) -> PublicHome | None:
    if values is None:
        return None
    return PublicHome(
        values["title"], values["introduction"], tuple(values["benefits"]), values["how_to_start"],
        values.get("contact_team", ""), values.get("contact_email", ""),
        tuple(FieldContact(item["field"], item.get("team", ""), item.get("email", ""))
              for item, _ in values.get("field_contacts", [])),
        values.get("references_intro", ""),
    )


def _service_field_names(checks: list[FileCheck]) -> dict[str, str]:
    if not checks or checks[0].values is None:
        return {}
    return service_field_names(checks[0].values["groups"])


def _services(checked: list[FileCheck], field_names: dict[str, str]) -> list[Service]:
    """Return the services; with a field vocabulary their fields are its names (written as ids or names)."""
    services = []
    for v in checked:
        assert v.values is not None
        values = v.values
        services.append(Service(
            values["id"], values["title"], values["summary"], values["for_whom"], values["benefits"],
            values["how_to_start"], tuple(field_names.get(f, f) for f in values.get("fields", [])),
            values.get("contact_team", ""),
            values.get("contact_email", ""), tuple(sorted(values.get("tiers", []), key=_TIER_ORDER.__getitem__)),
            tuple(values.get("methods", [])), values.get("order", SERVICE.default_of("order")), v.path,
        ))
    return sorted(services, key=lambda s: (s.order, collation_key(s.title), s.id))


def _check_plan_dates(located: _Located, ctx: _Context) -> None:
    """Report action and review dates outside the plan's year, end days before start days and ends without starts."""
    year = located.values.get("year")
    if not isinstance(year, int):
        return
    ctx.path = located.path
    review = _scalar_at(located.node, "spring_review")
    if isinstance(located.values.get("spring_review"), date) and review is not None \
            and located.values["spring_review"].year != year:
        ctx.report(review[1], "plan_date_outside_year", key="spring_review", value=review[0], year=year)
    actions = located.nodes.get("actions")
    if not isinstance(actions, yaml.SequenceNode):
        return
    for position, item_node in enumerate(actions.value, start=1):
        days: dict[str, tuple[date, yaml.Node]] = {}
        for name in ("start", "end"):
            found = _scalar_at(item_node, name)
            if found is None:
                continue
            try:
                day = date.fromisoformat(found[0])
            except ValueError:
                continue  # the field's own check reports it
            days[name] = (day, found[1])
            if day.year != year:
                ctx.report(found[1], "plan_date_outside_year", key=f"actions[{position}].{name}", value=found[0],
                           year=year)
        if "end" in days and "start" not in days:
            ctx.report(days["end"][1], "plan_end_without_start", key=f"actions[{position}].end")
        elif "end" in days and "start" in days and days["end"][0] < days["start"][0]:
            ctx.report(days["end"][1], "plan_dates_order", key=f"actions[{position}].end",
                       value=days["end"][0].isoformat(), start=days["start"][0].isoformat())


def _check_plan_years(plans: list[FileCheck], ctx: _Context) -> None:
    """Report every plan for a team and year that an earlier plan (in file order) already covers."""
    first: dict[tuple[str, int], str] = {}
    for check in sorted(plans, key=lambda c: c.path):
        values = check.values or {}
        team, year, mark = values.get("team"), values.get("year"), check.marks.get("year")
        if not isinstance(team, str) or not isinstance(year, int) or mark is None:
            continue
        if (team, year) in first:
            ctx.path = check.path
            ctx.report(_Marked(_Mark(*mark)), "duplicate_plan", key="year", team=team,  # type: ignore[arg-type]
                       year=year, other=first[(team, year)])
        else:
            first[(team, year)] = check.path


def _action_of(values: dict[str, Any]) -> Action:
    evaluation = values.get("evaluation")
    return Action(
        values["id"], values["title"], values.get("description", ""), values["tier"],
        tuple(sorted(set(values.get("months", [])))), values.get("start"), values.get("end"),
        tuple(values.get("methods", [])), tuple(values.get("partners", [])), tuple(values.get("people", [])),
        values.get("status", ACTION.default_of("status")),
        None if evaluation is None else Evaluation(evaluation[0]["date"], evaluation[0]["learned"],
                                                   evaluation[0]["decision"]),
        values.get("public", ACTION.default_of("public")),
    )


def _plan_of(check: FileCheck) -> Plan:
    """Return the Plan of a checked plan file, made once per FileCheck object and kept with it (as _partner_of)."""
    known = check.made.get("plan")
    if known is not None:
        return known  # type: ignore[no-any-return]
    assert check.values is not None
    values = check.values
    year = values["year"]
    plan = Plan(
        values["team"], year, values.get("spring_review") or date(year, *SPRING_REVIEW_DAY),
        tuple(Goal(g["tier"], g["text"]) for g, _ in sorted(values.get("goals", []),
                                                           key=lambda pair: _TIER_ORDER[pair[0]["tier"]])),
        tuple(_action_of(a) for a, _ in values.get("actions", [])),
        check.path,
    )
    check.made["plan"] = plan
    return plan


def _links(values: dict[str, Any]) -> tuple[Link, ...]:
    return tuple(Link(v["title"], v.get("url", ""), v.get("file", "")) for v, _ in values.get("links", []))


def _partner_of(v: FileCheck) -> Partner:
    """Return the Partner of a checked partner file, made once per FileCheck object and kept with it."""
    # The preview keeps the FileChecks of unchanged files between rebuilds (checkcache.CheckMemo.keep_decoded),
    # so their partners are not made again, and comparing the old and the new toolbox finds them identical at
    # once: 20,000 partners took 0.6 s to make after every edit.
    known = v.made.get("partner")
    if known is not None:
        return known  # type: ignore[no-any-return]
    assert v.values is not None
    values = v.values
    agreement = values.get("agreement")
    partner = Partner(
        values["id"], values["name"], values["type"], values["field"], values.get("website", ""),
        values["review_date"], values.get("publishable", PARTNER.default_of("publishable")), values.get("notes", ""),
        tuple(
            Cooperation(c["tier"], c["description"], tuple(c.get("contacts", [])), c.get("deputy", ""),
                        c.get("team", ""))
            for c, _ in sorted(values["cooperations"], key=lambda pair: _TIER_ORDER[pair[0]["tier"]])
        ),
        v.path,
        business_id=values.get("business_id", ""),
        status=values.get("status", PARTNER.default_of("status")),
        size=values.get("size", ""),
        partner_contacts=tuple(
            PartnerContact(c["name"], c.get("role", ""), c.get("email", ""), c.get("phone", ""))
            for c, _ in values.get("partner_contacts", [])
        ),
        agreement=None if agreement is None else Agreement(
            agreement[0]["kind"], agreement[0].get("signed"), agreement[0].get("valid_until"),
            agreement[0].get("owner", ""), agreement[0].get("attachment", ""),
        ),
        last_contact=values.get("last_contact"),
        next_contact=values.get("next_contact"),
        contact_rhythm_months=values.get("contact_rhythm_months"),
    )
    v.made["partner"] = partner
    return partner


def _assemble(checked: dict[str, list[FileCheck]]) -> Toolbox:
    """Turn checked values into model objects; only called when there were no problems."""
    box = checked["toolbox"][0]
    assert box.values is not None and checked["tiers"][0].values is not None
    tiers_by_id = {}
    for values, _ in checked["tiers"][0].values["tiers"]:
        tiers_by_id[values["id"]] = Tier(
            values["id"], values["title"], values["motto"], values["definition"],
            tuple(values["focus_points"]), values.get("transitions", ""), checked["tiers"][0].path,
            values.get("value_title", ""),
        )
    field_groups = _field_groups(checked["fields"])
    index = vocabulary_index(checked["fields"][0].values["groups"]) if field_groups else {}  # type: ignore[index]
    partners = [_with_field(_partner_of(v), v, index) for v in checked["partner"]]
    methods = [
        Method(
            v.values["id"], v.values["title"], v.values["kind"], v.values["summary"], v.values.get("body", ""),
            tuple(sorted(v.values["tiers"], key=_TIER_ORDER.__getitem__)), _links(v.values), v.values.get("owner", ""),
            v.path,
        )
        for v in checked["method"]
    ]
    guides = [
        Guide(
            v.values["id"], v.values["title"], v.values["summary"], v.values["body"], v.values.get("order", GUIDE.default_of("order")),
            _links(v.values), v.values.get("owner", ""), v.path,
            v.values.get("staff_only", GUIDE.default_of("staff_only")),
        )
        for v in checked["guide"]
    ]
    contacts = [
        Contact(v.values["id"], v.values["name"], v.values["title"], v.values["email"], v.values.get("phone", ""),
                v.values["team"], v.path)
        for v in checked["contact"]
    ]
    teams = [
        Team(v.values["id"], v.values["name"], v.values.get("description", ""), v.values.get("email", ""),
             v.values.get("lead", ""), v.path)
        for v in checked["team"]
    ]
    concepts = [
        Concept(c["id"], c["term"], c["definition"], tuple(c.get("aliases", [])))
        for c, _ in box.values["concepts"]
    ]
    return Toolbox(
        institution=box.values["institution"],
        title=box.values["title"],
        introduction=box.values["introduction"],
        how_to_use=box.values["how_to_use"],
        guides_intro=box.values.get("guides_intro", ""),
        concepts=tuple(concepts),
        tiers=tuple(tiers_by_id[t] for t in TIER_IDS),
        partners=tuple(sorted(partners, key=lambda p: p.id)),
        methods=tuple(sorted(methods, key=lambda m: m.id)),
        guides=tuple(sorted(guides, key=lambda g: (g.order, collation_key(g.title), g.id))),
        contacts=tuple(sorted(contacts, key=lambda c: c.id)),
        teams=tuple(sorted(teams, key=lambda t: t.id)),
        source=box.path,
        accessibility=_accessibility(box.values["accessibility"][0]),
        privacy=_privacy(box.values["privacy"][0]),
        review_after_months=box.values.get("review_after_months", TOOLBOX.default_of("review_after_months")),
        crm_url=box.values.get("crm_url", ""),
        synonyms=tuple(tuple(group["words"]) for group, _ in box.values.get("synonyms", [])),
        field_groups=field_groups,
        owner_email=box.values.get("owner_email", ""),
        services=tuple(_services(checked["service"], _service_field_names(checked["fields"]))),
        plans=tuple(sorted((_plan_of(v) for v in checked["plan"]), key=lambda p: (p.team, p.year))),
        moodle_course_language=box.values.get("moodle_course_language", False),
        moodle_completion=box.values.get("moodle_completion", TOOLBOX.default_of("moodle_completion")),
        public=_public_home(box.values["public"][0] if "public" in box.values else None),
        internal_addresses=tuple(box.values.get("internal_addresses", [])),
    )


def _field_groups(checks: list[FileCheck]) -> tuple[FieldGroup, ...]:
    if not checks or checks[0].values is None:
        return ()
    return tuple(
        FieldGroup(
            group["id"], group["name"], tuple(group.get("synonyms", [])),
            tuple(FieldOfWork(e["id"], e["name"], tuple(e.get("synonyms", []))) for e, _ in group["fields"]),
        )
        for group, _ in checks[0].values["groups"]
    )


def _with_field(partner: Partner, v: FileCheck, index: dict[str, tuple[str, str]]) -> Partner:
    """Return the partner with its field's display name and group from the vocabulary (unchanged without one)."""
    if not index:
        return partner
    name, group = index[partner.field] if partner.field in index else (partner.field, "")
    if partner.field_group == group and partner.field == name:
        return partner
    # Kept with the check like the partner itself, so an unchanged file and vocabulary give the same object.
    known = v.made.get("partner_in_vocabulary")
    if known is not None and known.field == name and known.field_group == group:
        return known  # type: ignore[no-any-return]
    resolved = replace(partner, field=name, field_group=group)
    v.made["partner_in_vocabulary"] = resolved
    return resolved


def _accessibility(values: dict[str, Any]) -> AccessibilityStatement:
    return AccessibilityStatement(
        values["status"], values["assessment"], tuple(values.get("non_conformities", [])), values["published"],
        values["reviewed"], values["feedback_email"], values.get("feedback_url", ""), values["authority_name"],
        values["authority_url"], values.get("authority_email", ""), values.get("authority_phone", ""),
    )


def _privacy(values: dict[str, Any]) -> PrivacyNotice:
    return PrivacyNotice(
        values["controller"], values.get("controller_address", ""), values["contact_email"],
        values.get("dpo_email", ""), values["purpose"], values["legal_basis"], values["retention"],
        values.get("sources", ""), values["reviewed"],
    )
