"""Checking parsed content against the schema and building the Toolbox, or reporting every problem at once."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import yaml

from .load import Content, Document
from .messages import KIND_WORDS, TARGET_WORDS, ContentError, Problem, make_problem
from .model import Concept, Contact, Cooperation, Guide, Link, Method, Partner, Team, Tier, Toolbox
from .schema import COLLECTIONS, ID_PATTERN, MAX_LINE, MAX_TEXT, RECORDS, TIER_IDS, Field, Record, describe_kind

_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,24}$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$")
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_FOLDER_OF = {"contacts": "content/contacts/", "teams": "content/teams/", "tiers": "content/tiers.yaml"}
_INVALID = object()


@dataclass
class _Context:
    """State shared while walking one run's documents."""

    lang: str
    problems: list[Problem] = field(default_factory=list)
    refs: list[tuple[str, str, str, int, int, str]] = field(default_factory=list)
    path: str = ""
    seen_nodes: set[int] = field(default_factory=set)

    def report(self, node: yaml.Node, code: str, **params: Any) -> None:
        mark = node.start_mark
        self.problems.append(make_problem(self.path, mark.line + 1, mark.column + 1, code, **params))


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


def build_toolbox(content: Content, lang: str = "fi") -> Toolbox:
    """Validate the content and return the Toolbox; raise ContentError with every problem otherwise."""
    ctx = _Context(lang, list(content.problems))
    checked: dict[str, list[_Located]] = {name: [] for name in ("toolbox", "tiers", *COLLECTIONS.values())}
    for document in content.documents:
        located = _check_document(document, ctx)
        if located is not None:
            checked[document.record].append(located)
    ids = _check_ids(checked, ctx)
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
                    target=TARGET_WORDS[target][lang], hint=hint, folder=_FOLDER_OF[target],
                )
            )
    if ctx.problems:
        raise ContentError(ctx.problems)
    return _assemble(checked)


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
    return located


def _kind_word(node: yaml.Node, lang: str) -> str:
    if isinstance(node, yaml.MappingNode):
        return KIND_WORDS["mapping"][lang]
    if isinstance(node, yaml.SequenceNode):
        return KIND_WORDS["list"][lang]
    if _is_null(node):
        return KIND_WORDS["empty"][lang]
    value = node.value
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"{KIND_WORDS['text'][lang]} '{shown}'"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


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
        ctx.report(node, "wrong_type", key=prefix or record.name, expected=KIND_WORDS["mapping"][ctx.lang],
                   actual=_kind_word(node, ctx.lang))
        return None
    values: dict[str, Any] = {}
    nodes: dict[str, yaml.Node] = {}
    first_line: dict[str, int] = {}
    allowed = [f.name for f in record.fields]
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
            ctx.report(key_node, "bad_key")
            continue
        key = key_node.value
        label = _label(prefix, key)
        if key in first_line:
            ctx.report(key_node, "duplicate_key", key=label, first_line=first_line[key])
            continue
        first_line[key] = key_node.start_mark.line + 1
        spec = record.field_named(key)
        if spec is None:
            ctx.report(key_node, "unknown_key", key=label, hint=_suggest_key(key, record, ctx.lang),
                       allowed=", ".join(allowed))
            continue
        value = _check_value(value_node, spec, ctx, label)
        if value is not _INVALID:
            values[key] = value
            nodes[key] = value_node
    for spec in record.fields:
        if spec.required and spec.name not in first_line:
            ctx.report(node, "missing_field", key=_label(prefix, spec.name), name=spec.name, title=spec.title)
    return values, nodes


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
    if spec.kind == "record":
        checked = _check_record(node, RECORDS[spec.target], ctx, label)
        return _INVALID if checked is None else checked
    if spec.kind == "list":
        return _check_list(node, spec, ctx, label)
    if not _visit(node, ctx):
        return _INVALID
    if not isinstance(node, yaml.ScalarNode):
        ctx.report(node, "wrong_type", key=label, expected=describe_kind(spec) if ctx.lang == "fi" else spec.kind,
                   actual=_kind_word(node, ctx.lang))
        return _INVALID
    if _is_null(node) or (node.value.strip() == "" and spec.kind != "text"):
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
        ctx.report(node, "wrong_type", key=label, expected=KIND_WORDS["list"][ctx.lang], actual=_kind_word(node, ctx.lang))
        return _INVALID
    if len(items) < spec.min_items:
        ctx.report(node, "too_few_items", key=label, minimum=spec.min_items, count=len(items))
    values: list[Any] = []
    seen: set[str] = set()
    item_spec = Field(spec.name, spec.item_kind, spec.title, spec.description, True, target=spec.target)
    for position, item in enumerate(items, start=1):
        item_label = f"{label}[{position}]"
        value = _check_value(item, item_spec, ctx, item_label)
        if value is _INVALID:
            continue
        if isinstance(value, str):
            if value in seen:
                ctx.report(item, "duplicate_item", key=item_label, value=value)
                continue
            seen.add(value)
        values.append(value)
    return values


def _check_scalar(node: yaml.ScalarNode, spec: Field, ctx: _Context, label: str) -> Any:
    raw: str = node.value
    kind = spec.kind
    plain = not node.style  # libyaml reports plain scalars as "", PyYAML as None
    if kind == "bool":
        lowered = raw.lower()
        if plain and lowered in ("true", "false"):
            return lowered == "true"
        ctx.report(node, "bad_bool", key=label, value=raw)
        return _INVALID
    if kind == "int":
        if plain and re.fullmatch(r"-?\d{1,9}", raw):
            return int(raw)
        ctx.report(node, "bad_int", key=label, value=raw)
        return _INVALID
    if kind == "text":
        if len(raw) > MAX_TEXT:
            ctx.report(node, "too_long", key=label, length=len(raw), limit=MAX_TEXT)
            return _INVALID
        return raw.strip("\n")
    text = raw.strip()
    if len(text) > MAX_LINE:
        ctx.report(node, "too_long", key=label, length=len(text), limit=MAX_LINE)
        return _INVALID
    if "\n" in text:
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


def _check_date(node: yaml.ScalarNode, ctx: _Context, label: str, text: str) -> Any:
    match = _DATE.match(text)
    if not match:
        ctx.report(node, "bad_date", key=label, value=text)
        return _INVALID
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        ctx.report(node, "no_such_date", key=label, value=text)
        return _INVALID


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


def _check_ids(checked: dict[str, list[_Located]], ctx: _Context) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for record, folder in ((r, f) for f, r in COLLECTIONS.items()):
        first: dict[str, str] = {}
        for located in checked[record]:
            value = located.values.get("id")
            if not isinstance(value, str):
                continue
            if value in first:
                node = located.nodes["id"]
                ctx.path = located.path
                ctx.report(node, "duplicate_id", value=value, other=first[value])
            else:
                first[value] = located.path
        ids[folder] = set(first)
    for located in checked["partner"]:
        _check_partner_tiers(located, ctx)
    return ids


def _invalid_ids(checked: dict[str, list[_Located]]) -> set[tuple[str, str]]:
    """Return (folder, file stem) of records whose id was missing or invalid, so references to them stay quiet."""
    found: set[tuple[str, str]] = set()
    for folder, record in COLLECTIONS.items():
        for located in checked[record]:
            if "id" not in located.values:
                found.add((folder, located.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]))
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


def _links(values: dict[str, Any]) -> tuple[Link, ...]:
    return tuple(Link(v["title"], v["url"]) for v, _ in values.get("links", []))


def _assemble(checked: dict[str, list[_Located]]) -> Toolbox:
    """Turn checked values into model objects; only called when there were no problems."""
    box = checked["toolbox"][0]
    tiers_by_id = {}
    for values, _ in checked["tiers"][0].values["tiers"]:
        tiers_by_id[values["id"]] = Tier(
            values["id"], values["title"], values["motto"], values["definition"],
            tuple(values["focus_points"]), values.get("transitions", ""), checked["tiers"][0].path,
        )
    partners = [
        Partner(
            v.values["id"], v.values["name"], v.values["type"], v.values["field"], v.values.get("website", ""),
            v.values["review_date"], v.values.get("publishable", False), v.values.get("notes", ""),
            tuple(
                Cooperation(c["tier"], c["description"], tuple(c.get("contacts", [])))
                for c, _ in sorted(v.values["cooperations"], key=lambda pair: TIER_IDS.index(pair[0]["tier"]))
            ),
            v.path,
        )
        for v in checked["partner"]
    ]
    methods = [
        Method(
            v.values["id"], v.values["title"], v.values["kind"], v.values["summary"], v.values.get("body", ""),
            tuple(sorted(v.values["tiers"], key=TIER_IDS.index)), _links(v.values), v.values.get("owner", ""), v.path,
        )
        for v in checked["method"]
    ]
    guides = [
        Guide(
            v.values["id"], v.values["title"], v.values["summary"], v.values["body"], v.values.get("order", 100),
            _links(v.values), v.values.get("owner", ""), v.path,
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
        guides=tuple(sorted(guides, key=lambda g: (g.order, g.title, g.id))),
        contacts=tuple(sorted(contacts, key=lambda c: c.id)),
        teams=tuple(sorted(teams, key=lambda t: t.id)),
        source=box.path,
    )
